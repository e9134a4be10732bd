package io.fjord.storage;

import static io.fjord.protocol.record.RecordBatchDescriptor.HEADER_SIZE;
import static io.fjord.protocol.record.RecordBatchDescriptor.MAGIC_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.MAGIC_V2;
import static io.fjord.protocol.record.RecordBatchDescriptor.MAX_TIMESTAMP_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.RECORD_COUNT_OFFSET;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import java.nio.ByteBuffer;

/**
 * The checks on batches a follower copies from its leader, which already carry offsets: whole batches of
 * magic 2 with valid CRCs (else CORRUPT_MESSAGE), offsets increasing from at least the follower's log end
 * offset (else INVALID_RECORD). Immutable summary of the checked buffer.
 */
record FollowerBatches(
        long firstOffset, long lastOffset, long maxTimestampMs, long offsetOfMaxTimestamp, int recordCount) {

    /** Checks every batch in {@code records} (position to limit); null if it holds no bytes. */
    static FollowerBatches check(ByteBuffer records, long logEndOffset, String partition) {
        if (!records.hasRemaining()) {
            return null;
        }
        long first = -1L;
        long last = logEndOffset - 1;
        long maxTimestamp = -1L;
        long offsetOfMax = -1L;
        int count = 0;
        int p = records.position();
        while (p < records.limit()) {
            int remaining = records.limit() - p;
            int size = remaining < HEADER_SIZE ? -1 : Batches.sizeInBytes(records, p);
            if (size < HEADER_SIZE
                    || size > remaining
                    || records.get(p + MAGIC_OFFSET) != MAGIC_V2
                    || !Batches.isCrcValid(records, p, size)) {
                throw new ApiException(
                        Errors.CORRUPT_MESSAGE,
                        "corrupt batch at byte " + (p - records.position()) + " of a replicated append to "
                                + partition);
            }
            long base = Batches.baseOffset(records, p);
            long lastOfBatch = Batches.lastOffset(records, p);
            if (base <= last || lastOfBatch < base) {
                throw new ApiException(
                        Errors.INVALID_RECORD,
                        "replicated batch " + base + ".." + lastOfBatch + " does not follow offset " + last + " of "
                                + partition);
            }
            if (first < 0) {
                first = base;
            }
            long ts = records.getLong(p + MAX_TIMESTAMP_OFFSET);
            if (ts > maxTimestamp) {
                maxTimestamp = ts;
                offsetOfMax = lastOfBatch;
            }
            count += records.getInt(p + RECORD_COUNT_OFFSET);
            last = lastOfBatch;
            p += size;
        }
        return new FollowerBatches(first, last, maxTimestamp, offsetOfMax < 0 ? first : offsetOfMax, count);
    }
}
