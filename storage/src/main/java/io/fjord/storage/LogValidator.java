package io.fjord.storage;

import static io.fjord.protocol.record.RecordBatchDescriptor.ATTRIBUTES_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.BASE_SEQUENCE_OFFSET;
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
import io.fjord.protocol.record.CompressionType;
import io.fjord.protocol.record.CorruptRecordException;
import io.fjord.protocol.record.RecordBatch;
import io.fjord.protocol.record.RecordsTooLargeException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a producer's batch before it is appended, in the order PROTOCOL-NOTES "What a broker rejects"
 * lists, recompresses when the topic's compression.type names another codec than the producer's, and
 * stamps LogAppendTime topics. Errors are {@link ApiException}s carrying the exact Kafka code. Every
 * record is walked (offset deltas, null keys on a compacted topic, per-record CreateTime bounds):
 * uncompressed batches in place, compressed ones as they are decompressed, a record at a time.
 * Record bytes are copied only to recompress.
 *
 * <p>Stateless; safe from any thread. The buffer passed in is the caller's, and is modified in place only
 * for LogAppendTime (attributes, maxTimestamp, CRC) and for a CreateTime batch whose header's maxTimestamp is
 * not its records' largest (maxTimestamp, CRC), as Kafka's setMaxTimestamp; a recompressed batch is a new buffer
 * ({@link ValidatedBatch#buffer()}).
 */
final class LogValidator {

    /** A record's timestamp when it has none (Kafka's RecordBatch.NO_TIMESTAMP): never held to the window. */
    private static final long NO_TIMESTAMP = -1L;

    private LogValidator() {}

    /** The header facts of a validated batch that the log needs to append it. */
    record ValidatedBatch(
            ByteBuffer buffer,
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

        /** This batch once its header's max timestamp (in {@link #buffer}) was rewritten to {@code maxTimestampMs}. */
        ValidatedBatch withMaxTimestamp(long maxTimestampMs) {
            return new ValidatedBatch(
                    buffer,
                    position,
                    sizeInBytes,
                    lastOffsetDelta,
                    recordCount,
                    maxTimestampMs,
                    producerId,
                    producerEpoch,
                    baseSequence,
                    transactional);
        }
    }

    /**
     * Validates the single batch in {@code records} (position to limit) from {@code origin}; only a coordinator
     * may append a control batch.
     */
    static ValidatedBatch validate(
            ByteBuffer records, LogConfig config, long nowMs, String partition, AppendOrigin origin) {
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
        ValidatedBatch batch = checkHeader(records, pos, size, partition, origin);
        int attributes = records.getShort(pos + ATTRIBUTES_OFFSET);
        boolean uncompressed = (attributes & 0x07) == 0;
        long recordsMaxTimestamp = uncompressed
                ? checkRecords(records, pos, size, config, nowMs, partition)
                : checkCompressedRecords(records, pos, config, nowMs, partition);
        CompressionType target = BatchRecompressor.targetCodec(config.compressionType(), attributes & 0x07);
        if (target != null) {
            return recompressed(records, batch, target, config, nowMs, partition);
        }
        if (config.logAppendTime()) {
            records.putShort(pos + ATTRIBUTES_OFFSET, (short) (attributes | TIMESTAMP_TYPE_MASK));
            records.putLong(pos + MAX_TIMESTAMP_OFFSET, nowMs);
            Batches.writeCrc(records, pos, size);
            return batch.withMaxTimestamp(nowMs);
        }
        if ((attributes & TIMESTAMP_TYPE_MASK) == 0 && batch.maxTimestampMs() != recordsMaxTimestamp) {
            // Kafka's setMaxTimestamp: the header carries the records' own largest timestamp, whatever the producer
            // wrote there, since the time index, time-based retention and ListOffsets all read it
            records.putLong(pos + MAX_TIMESTAMP_OFFSET, recordsMaxTimestamp);
            Batches.writeCrc(records, pos, size);
            return batch.withMaxTimestamp(recordsMaxTimestamp);
        }
        return batch;
    }

    private static ValidatedBatch checkHeader(
            ByteBuffer records, int pos, int size, String partition, AppendOrigin origin) {
        int attributes = records.getShort(pos + ATTRIBUTES_OFFSET);
        int lastOffsetDelta = records.getInt(pos + LAST_OFFSET_DELTA_OFFSET);
        int count = records.getInt(pos + RECORD_COUNT_OFFSET);
        if (count <= 0 || lastOffsetDelta < 0 || (long) lastOffsetDelta + 1 != count) {
            throw invalid("the batch in the append to " + partition + " has " + count + " records and lastOffsetDelta "
                    + lastOffsetDelta);
        }
        boolean control = (attributes & CONTROL_FLAG_MASK) != 0;
        if (control && origin != AppendOrigin.COORDINATOR) {
            throw invalid("a client may not append a control batch to " + partition);
        }
        long producerId = records.getLong(pos + PRODUCER_ID_OFFSET);
        int baseSequence = records.getInt(pos + BASE_SEQUENCE_OFFSET);
        if (producerId >= 0 && baseSequence < 0 && !control) {
            throw invalid("producer " + producerId + " sent base sequence " + baseSequence + " to " + partition);
        }
        return new ValidatedBatch(
                records,
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

    /** The per-record checks of an uncompressed batch, in place; returns the largest record timestamp (-1 if none). */
    private static long checkRecords(
            ByteBuffer records, int pos, int size, LogConfig config, long nowMs, String partition) {
        RecordErrors errors = new RecordErrors(config, nowMs, partition);
        try {
            Batches.forEachRecord(records, pos, size, (index, offsetDelta, timestampMs, nullKey) -> {
                if (offsetDelta != index) {
                    throw invalid(
                            "record " + index + " in the append to " + partition + " has offset delta " + offsetDelta);
                }
                errors.check(index, offsetDelta, timestampMs, nullKey);
                return true;
            });
        } catch (Batches.MalformedRecordsException e) {
            // The CRC held, so the producer built the batch wrong: not retriable, as Kafka answers.
            throw invalid("malformed records in the append to " + partition + ": " + e.getMessage());
        }
        errors.throwIfAny();
        return errors.maxTimestamp;
    }

    /**
     * The checks of {@link #checkRecords} for a compressed batch, on its records as they are decompressed: a record
     * longer than {@link Batches#maxDecompressedBytes}, or records longer than {@link Batches#MAX_WALKED_BYTES} in
     * all, are MESSAGE_TOO_LARGE (the Java producer splits the batch), anything malformed CORRUPT_MESSAGE.
     */
    private static long checkCompressedRecords(
            ByteBuffer records, int pos, LogConfig config, long nowMs, String partition) {
        RecordErrors errors = new RecordErrors(config, nowMs, partition);
        try {
            RecordBatch.at(records, pos)
                    .walkRecords(
                            Batches.maxDecompressedBytes(config.maxMessageBytes()),
                            Batches.MAX_WALKED_BYTES,
                            (index, offsetDelta, timestampMs, keySize, valueSize, headerCount) -> {
                                if (offsetDelta != index) {
                                    throw invalid("record " + index + " in the append to " + partition
                                            + " has offset delta " + offsetDelta);
                                }
                                errors.check(index, offsetDelta, timestampMs, keySize < 0);
                            });
        } catch (RecordsTooLargeException e) {
            throw new ApiException(
                    Errors.MESSAGE_TOO_LARGE,
                    "the compressed records in the append to " + partition + " are too large: " + e.getMessage());
        } catch (CorruptRecordException e) {
            throw new ApiException(
                    Errors.CORRUPT_MESSAGE,
                    "malformed compressed records in the append to " + partition + ": " + e.getMessage());
        }
        errors.throwIfAny();
        return errors.maxTimestamp;
    }

    /**
     * The batch re-encoded with the topic's codec. As Kafka does, the new size is checked against
     * max.message.bytes again (MESSAGE_TOO_LARGE).
     */
    private static ValidatedBatch recompressed(
            ByteBuffer records,
            ValidatedBatch batch,
            CompressionType target,
            LogConfig config,
            long nowMs,
            String partition) {
        ByteBuffer rebuilt;
        try {
            rebuilt = BatchRecompressor.recompress(
                    records,
                    batch.position(),
                    target,
                    config.logAppendTime(),
                    nowMs,
                    Batches.maxDecompressedBytes(config.maxMessageBytes()));
        } catch (RecordsTooLargeException e) {
            // Kafka recompresses record by record; this broker rebuilds the batch from its records decompressed
            // whole, so it refuses one that expands past its bound. The Java producer splits it and sends the halves.
            throw new ApiException(
                    Errors.MESSAGE_TOO_LARGE,
                    "the records of the batch in the append to " + partition + " decompress to more than the "
                            + Batches.maxDecompressedBytes(config.maxMessageBytes()) + " bytes this broker recompresses"
                            + " at once for compression.type " + config.compressionType());
        } catch (CorruptRecordException e) {
            throw new ApiException(
                    Errors.CORRUPT_MESSAGE, "malformed records in the append to " + partition + ": " + e.getMessage());
        }
        int size = rebuilt.remaining();
        if (size > config.maxMessageBytes()) {
            throw new ApiException(
                    Errors.MESSAGE_TOO_LARGE,
                    "the batch in the append to " + partition + " is " + size + " bytes once recompressed with "
                            + target.title() + ", more than max.message.bytes " + config.maxMessageBytes());
        }
        return new ValidatedBatch(
                rebuilt,
                0,
                size,
                batch.lastOffsetDelta(),
                batch.recordCount(),
                rebuilt.getLong(MAX_TIMESTAMP_OFFSET),
                batch.producerId(),
                batch.producerEpoch(),
                batch.baseSequence(),
                batch.transactional());
    }

    /**
     * The per-record checks of Kafka's LogValidator.validateRecord, collected over the whole batch as Kafka collects
     * them: a record without a key on a compacted topic, else a CreateTime (other than -1, "no timestamp") outside
     * [now - message.timestamp.before.max.ms, now + message.timestamp.after.max.ms]. The batch is then refused with
     * every refused record named ({@link RecordValidationException}): INVALID_TIMESTAMP if any timestamp was out of
     * range, else INVALID_RECORD, with Kafka's messages. Allocates only once a record is refused.
     */
    private static final class RecordErrors {
        private final boolean compact;
        private final boolean checkTimestamps;
        private final long nowMs;
        private final long beforeMaxMs;
        private final long afterMaxMs;
        private final String partition;
        private List<RecordValidationException.RecordError> errors;
        private boolean anyTimestamp;
        /** The largest record timestamp seen, Kafka's NO_TIMESTAMP (-1) before any. */
        long maxTimestamp = NO_TIMESTAMP;

        RecordErrors(LogConfig config, long nowMs, String partition) {
            this.compact = config.compact();
            this.checkTimestamps = !config.logAppendTime();
            this.nowMs = nowMs;
            this.beforeMaxMs = config.messageTimestampBeforeMaxMs();
            this.afterMaxMs = config.messageTimestampAfterMaxMs();
            this.partition = partition;
        }

        void check(int index, int offsetDelta, long timestampMs, boolean nullKey) {
            maxTimestamp = Math.max(maxTimestamp, timestampMs);
            if (compact && nullKey) {
                add(index, "Compacted topic cannot accept message without key in topic partition " + partition + ".");
            } else if (checkTimestamps && timestampMs != NO_TIMESTAMP && outOfRange(timestampMs)) {
                anyTimestamp = true;
                add(
                        index,
                        "Timestamp " + timestampMs + " of message with offset " + offsetDelta
                                + " is out of range. The timestamp should be within ["
                                + saturatedDifference(nowMs, beforeMaxMs) + ", " + saturatedSum(nowMs, afterMaxMs)
                                + "]");
            }
        }

        private boolean outOfRange(long timestampMs) {
            return saturatedDifference(nowMs, timestampMs) > beforeMaxMs
                    || saturatedDifference(timestampMs, nowMs) > afterMaxMs;
        }

        private void add(int index, String message) {
            if (errors == null) {
                errors = new ArrayList<>(1);
            }
            errors.add(new RecordValidationException.RecordError(index, message));
        }

        void throwIfAny() {
            if (errors == null) {
                return;
            }
            if (anyTimestamp) {
                throw new RecordValidationException(
                        Errors.INVALID_TIMESTAMP,
                        "One or more records have been rejected due to invalid timestamp",
                        errors);
            }
            throw new RecordValidationException(
                    Errors.INVALID_RECORD,
                    "One or more records have been rejected due to " + errors.size() + " record errors in total,"
                            + " and only showing the first three errors at most: "
                            + errors.subList(0, Math.min(errors.size(), 3)),
                    errors);
        }
    }

    private static long saturatedSum(long a, long b) {
        long s = a + b;
        if (((a ^ s) & (b ^ s)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return s;
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
