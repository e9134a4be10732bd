package io.fjord.coordinator.txn;

/**
 * Where a transactional id's current transaction stands (Kafka's TransactionState, with its ids as stored in
 * {@code __transaction_state}). The coordinator moves through
 * {@code EMPTY -> ONGOING -> PREPARE_COMMIT | PREPARE_ABORT -> COMPLETE_COMMIT | COMPLETE_ABORT -> ONGOING ...}:
 * a PREPARE state is durable before the client hears its EndTxn answer, and the markers are written to every
 * partition of the transaction before the COMPLETE state is.
 */
public enum TransactionState {
    EMPTY(0, "Empty"),
    ONGOING(1, "Ongoing"),
    PREPARE_COMMIT(2, "PrepareCommit"),
    PREPARE_ABORT(3, "PrepareAbort"),
    COMPLETE_COMMIT(4, "CompleteCommit"),
    COMPLETE_ABORT(5, "CompleteAbort");

    private final byte id;
    private final String displayName;

    TransactionState(int id, String displayName) {
        this.id = (byte) id;
        this.displayName = displayName;
    }

    public byte id() {
        return id;
    }

    /** The name Kafka's admin APIs (ListTransactions, DescribeTransactions) use. */
    public String displayName() {
        return displayName;
    }

    /** True while the transaction's outcome is decided but its markers are not all written. */
    public boolean isPrepare() {
        return this == PREPARE_COMMIT || this == PREPARE_ABORT;
    }

    /** True when no transaction is open: a new one may start, the producer may get a new epoch. */
    public boolean isIdle() {
        return this == EMPTY || this == COMPLETE_COMMIT || this == COMPLETE_ABORT;
    }

    public static TransactionState forId(byte id) {
        for (TransactionState state : values()) {
            if (state.id == id) {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown transaction state id " + id);
    }
}
