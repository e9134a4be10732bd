package io.fjord.coordinator;

/**
 * One entry of a {@code __consumer_offsets} partition as a load replays it, in log order: a record, written
 * by a plain coordinator batch or by a transactional one (KIP-98: a TxnOffsetCommit, pending until its
 * producer's transaction ends), or the end-transaction marker of a producer (a control batch).
 *
 * <p>Immutable.
 */
public sealed interface CoordinatorLogEntry {

    /** The producer id of a batch written outside any transaction (Kafka's {@code NO_PRODUCER_ID}). */
    long NO_PRODUCER_ID = -1L;

    /** The entry's offset in the log. */
    long offset();

    /**
     * A record at {@code offset}, from a transactional batch of {@code producerId}, or from a plain batch
     * ({@code producerId} = {@link #NO_PRODUCER_ID}).
     */
    record Data(long offset, long producerId, CoordinatorRecord record) implements CoordinatorLogEntry {

        public Data {
            if (record == null) {
                throw new IllegalArgumentException("a data entry at offset " + offset + " needs a record");
            }
        }

        public boolean isTransactional() {
            return producerId != NO_PRODUCER_ID;
        }
    }

    /** The end of {@code producerId}'s transaction: COMMIT ({@code committed}) or ABORT. */
    record TransactionMarker(long offset, long producerId, boolean committed) implements CoordinatorLogEntry {}
}
