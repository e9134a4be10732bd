package io.fjord.protocol.record;

import java.nio.ByteBuffer;

/**
 * Entry points for a buffer holding consecutive record batches (a produce request's records, a
 * segment read). Stateless; safe from any thread (the iterators it returns are not).
 */
public final class RecordBatches {

    private RecordBatches() {}

    /** Walks the batches between {@code buffer}'s position and limit; any declared length is accepted. */
    public static BatchIterator iterate(ByteBuffer buffer) {
        return new BatchIterator(buffer, Integer.MAX_VALUE);
    }

    /** Walks the batches, stopping with {@link BatchIterator.Stop#CORRUPT_LENGTH} at one above {@code maxBatchBytes}. */
    public static BatchIterator iterate(ByteBuffer buffer, int maxBatchBytes) {
        return new BatchIterator(buffer, maxBatchBytes);
    }

    /** How many bytes from the position are covered by complete batches (lengths only, no CRC). */
    public static int validBytes(ByteBuffer buffer) {
        BatchIterator batches = iterate(buffer);
        while (batches.hasNext()) {
            batches.next();
        }
        return batches.validBytes();
    }

    /**
     * The size of the batch at absolute {@code position} as its header declares it
     * (LOG_OVERHEAD + batchLength), or -1 if fewer than LOG_OVERHEAD bytes are present. No other check.
     */
    public static long declaredSizeAt(ByteBuffer buffer, int position) {
        if (position < 0 || buffer.limit() - position < RecordBatchDescriptor.LOG_OVERHEAD) {
            return -1;
        }
        return RecordBatchDescriptor.LOG_OVERHEAD
                + (long) buffer.duplicate().getInt(position + RecordBatchDescriptor.BATCH_LENGTH_OFFSET);
    }
}
