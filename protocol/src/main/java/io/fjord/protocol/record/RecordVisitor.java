package io.fjord.protocol.record;

/**
 * Receives the fixed fields of each record during {@link RecordBatch#walkRecords}: the validation walk
 * that creates no object per record. A visitor may throw to stop the walk (for example an
 * {@code ApiException} for a null key on a compacted topic).
 */
@FunctionalInterface
public interface RecordVisitor {

    /**
     * @param index the record's position in the batch, from 0
     * @param offsetDelta as stored; a well-formed batch from a producer has {@code offsetDelta == index}
     * @param timestamp baseTimestamp + timestampDelta, or maxTimestamp under log-append time
     * @param keySize key bytes, -1 for a null key
     * @param valueSize value bytes, -1 for a null value
     * @param headerCount number of headers
     */
    void onRecord(int index, int offsetDelta, long timestamp, int keySize, int valueSize, int headerCount);
}
