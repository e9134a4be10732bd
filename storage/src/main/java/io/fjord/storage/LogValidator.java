package io.fjord.storage;

import static io.fjord.protocol.record.RecordBatchDescriptor.ATTRIBUTES_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.BASE_SEQUENCE_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.BASE_TIMESTAMP_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.CONTROL_FLAG_MASK;
import static io.fjord.protocol.record.RecordBatchDescriptor.HEADER_SIZE;
import static io.fjord.protocol.record.RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.LOG_OVERHEAD;
import static io.fjord.protocol.record.RecordBatchDescriptor.MAGIC_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.MAGIC_V2;
import static io.fjord.protocol.record.RecordBatchDescriptor.MAX_TIMESTAMP_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.PRODUCER_EPOCH_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.PRODUCER_ID_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.RECORD_COUNT_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.TIMESTAMP_TYPE_MASK;
import static io.fjord.protocol.record.RecordBatchDescriptor.TRANSACTIONAL_FLAG_MASK;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import java.nio.ByteBuffer;

/**
 * Checks a producer's batch before it is appended, in the order PROTOCOL-NOTES "What a broker rejects"
 * lists, and stamps LogAppendTime topics. Errors are {@link ApiException}s carrying the exact Kafka code.
 * It never copies record bytes; only uncompressed batches have their records walked (null keys on a
 * compacted topic, per-record CreateTime bounds). Compressed batches are checked at batch level only.
 *
 * <p>Stateless; safe from any thread. The buffer passed in is the caller's, and is modified in place only
 * for LogAppendTime (attributes, maxTimestamp, CRC).
 */
final class LogValidator {

    private LogValidator() {}

    /** The header facts of a validated batch that the log needs to append it. */
    record ValidatedBatch(
            int position,
            int sizeInBytes,
            int lastOffsetDelta,
            int recordCount,
            long maxTimestampMs,
            long producerId,
            short producerEpoch,
            int baseSequence,
            boolean transactional) {

        boolean hasProducerId() {
            return producerId >= 0;
        }

        int lastSequence() {
            return Batches.lastSequence(baseSequence, lastOffsetDelta);
        }
    }

    /** Validates the single batch in {@code records} (position to limit) from a client. */
    static ValidatedBatch validate(ByteBuffer records, LogConfig config, long nowMs, String partition) {
        int pos = records.position();
        int remaining = records.remaining();
        if (remaining < HEADER_SIZE) {
            throw new ApiException(
                    Errors.CORRUPT_MESSAGE,
                    "append to " + partition + " has " + remaining + " bytes, less than a batch header");
        }
        int size = Batches.sizeInBytes(records, pos);
        if (size < HEADER_SIZE || size > remaining) {
            throw new ApiException(
                    Errors.CORRUPT_MESSAGE,
                    "batch length " + (size - LOG_OVERHEAD) + " in the append to " + partition + " does not fit the "
                            + remaining + " bytes sent");
        }
        if (records.get(pos + MAGIC_OFFSET) != MAGIC_V2) {
            throw invalid("magic " + records.get(pos + MAGIC_OFFSET) + " in the append to " + partition
                    + "; only record batch v2 is accepted");
        }
        if (size < remaining) {
            throw invalid("the append to " + partition + " holds more than one batch");
        }
        long baseOffset = Batches.baseOffset(records, pos);
        if (baseOffset != 0) {
            throw invalid("the baseOffset of the record batch in the append to " + partition
                    + " should be 0, but it is " + baseOffset);
        }
        if (size > config.maxMessageBytes()) {
            throw new ApiException(
                    Errors.MESSAGE_TOO_LARGE,
                    "the batch in the append to " + partition + " is " + size + " bytes, more than max.message.bytes "
                            + config.maxMessageBytes());
        }
        if (!Batches.isCrcValid(records, pos, size)) {
            throw new ApiException(
                    Errors.CORRUPT_MESSAGE,
                    "CRC mismatch in the append to " + partition + ": stored " + Batches.storedCrc(records, pos)
                            + ", computed " + Batches.computeCrc(records, pos, size));
        }
        ValidatedBatch batch = checkHeader(records, pos, size, partition);
        int attributes = records.getShort(pos + ATTRIBUTES_OFFSET);
        boolean uncompressed = (attributes & 0x07) == 0;
        if (uncompressed) {
            checkRecords(records, pos, size, config, nowMs, partition);
        } else {
            // TODO: walk decompressed records (protocol's RecordBatch iterator) for null keys on compacted
            // topics and per-record timestamps; until then only the batch's timestamps are checked.
            if (!config.logAppendTime()) {
                checkTimestamp(records.getLong(pos + BASE_TIMESTAMP_OFFSET), config, nowMs, partition);
                checkTimestamp(records.getLong(pos + MAX_TIMESTAMP_OFFSET), config, nowMs, partition);
            }
        }
        if (config.logAppendTime()) {
            records.putShort(pos + ATTRIBUTES_OFFSET, (short) (attributes | TIMESTAMP_TYPE_MASK));
            records.putLong(pos + MAX_TIMESTAMP_OFFSET, nowMs);
            Batches.writeCrc(records, pos, size);
            return new ValidatedBatch(
                    pos,
                    size,
                    batch.lastOffsetDelta(),
                    batch.recordCount(),
                    nowMs,
                    batch.producerId(),
                    batch.producerEpoch(),
                    batch.baseSequence(),
                    batch.transactional());
        }
        return batch;
    }

    private static ValidatedBatch checkHeader(ByteBuffer records, int pos, int size, String partition) {
        int attributes = records.getShort(pos + ATTRIBUTES_OFFSET);
        int lastOffsetDelta = records.getInt(pos + LAST_OFFSET_DELTA_OFFSET);
        int count = records.getInt(pos + RECORD_COUNT_OFFSET);
        if (count <= 0 || lastOffsetDelta < 0 || (long) lastOffsetDelta + 1 != count) {
            throw invalid("the batch in the append to " + partition + " has " + count + " records and lastOffsetDelta "
                    + lastOffsetDelta);
        }
        if ((attributes & CONTROL_FLAG_MASK) != 0) {
            throw invalid("a client may not append a control batch to " + partition);
        }
        long producerId = records.getLong(pos + PRODUCER_ID_OFFSET);
        int baseSequence = records.getInt(pos + BASE_SEQUENCE_OFFSET);
        if (producerId >= 0 && baseSequence < 0) {
            throw invalid("producer " + producerId + " sent base sequence " + baseSequence + " to " + partition);
        }
        return new ValidatedBatch(
                pos,
                size,
                lastOffsetDelta,
                count,
                records.getLong(pos + MAX_TIMESTAMP_OFFSET),
                producerId,
                records.getShort(pos + PRODUCER_EPOCH_OFFSET),
                baseSequence,
                (attributes & TRANSACTIONAL_FLAG_MASK) != 0);
    }

    private static void checkRecords(
            ByteBuffer records, int pos, int size, LogConfig config, long nowMs, String partition) {
        boolean checkTimestamps = !config.logAppendTime();
        boolean compact = config.compact();
        try {
            Batches.forEachRecord(records, pos, size, (index, offsetDelta, timestampMs, nullKey) -> {
                if (offsetDelta != index) {
                    throw invalid(
                            "record " + index + " in the append to " + partition + " has offset delta " + offsetDelta);
                }
                if (compact && nullKey) {
                    throw invalid("compacted topic " + partition + " cannot accept a record without a key");
                }
                if (checkTimestamps) {
                    checkTimestamp(timestampMs, config, nowMs, partition);
                }
                return true;
            });
        } catch (Batches.MalformedRecordsException e) {
            throw new ApiException(
                    Errors.CORRUPT_MESSAGE, "malformed records in the append to " + partition + ": " + e.getMessage());
        }
    }

    private static void checkTimestamp(long timestampMs, LogConfig config, long nowMs, String partition) {
        boolean tooOld = saturatedDifference(nowMs, timestampMs) > config.messageTimestampBeforeMaxMs();
        boolean tooNew = saturatedDifference(timestampMs, nowMs) > config.messageTimestampAfterMaxMs();
        if (tooOld || tooNew) {
            throw new ApiException(
                    Errors.INVALID_TIMESTAMP,
                    "timestamp " + timestampMs + " in the append to "
                            + partition + " is out of range (now " + nowMs + ", before.max.ms "
                            + config.messageTimestampBeforeMaxMs() + ", after.max.ms "
                            + config.messageTimestampAfterMaxMs() + ")");
        }
    }

    private static long saturatedDifference(long a, long b) {
        long d = a - b;
        if (((a ^ b) & (a ^ d)) < 0) {
            return a < b ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return d;
    }

    private static ApiException invalid(String message) {
        return new ApiException(Errors.INVALID_RECORD, message);
    }
}
