package io.fjord.protocol.record;

import static io.fjord.protocol.record.RecordBatchDescriptor.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Builds one record batch v2 (layout: {@link RecordBatchDescriptor}): set the batch fields, append
 * records in offset order, then {@link #build()}. The records are encoded uncompressed into a growing
 * buffer and compressed as a whole at the end, as Kafka's producer does. baseTimestamp is the first
 * record's timestamp; maxTimestamp is the largest record timestamp, or {@link #logAppendTimeMs} under
 * log-append time.
 *
 * <p>Used by the broker to write its own batches (control markers, coordinator records, recompression)
 * and by tests. Not thread-safe; one builder builds one batch.
 */
public final class RecordBatchBuilder {

    private static final Header[] NO_HEADERS = new Header[0];

    private final CompressionType compression;
    private int compressionLevel;
    private TimestampType timestampType = TimestampType.CREATE_TIME;
    private long logAppendTimeMs = NO_TIMESTAMP;
    private long baseOffset;
    private long producerId = NO_PRODUCER_ID;
    private short producerEpoch = NO_PRODUCER_EPOCH;
    private int baseSequence = NO_SEQUENCE;
    private boolean transactional;
    private boolean control;
    private int partitionLeaderEpoch = NO_PARTITION_LEADER_EPOCH;
    private long deleteHorizonMs = NO_TIMESTAMP;

    private ByteBuffer records = ByteBuffer.allocate(256);
    private int recordCount;
    private long lastOffset = -1L;
    private long lastOffsetOverride = -1L;
    private long baseTimestamp;
    private long maxTimestamp = NO_TIMESTAMP;
    private boolean built;

    public RecordBatchBuilder(CompressionType compression) {
        this.compression = compression;
        this.compressionLevel = compression.defaultLevel();
    }

    /** The codec's own level (see {@link CompressionType#wrapForOutput(OutputStream, int)}). */
    public RecordBatchBuilder compressionLevel(int level) {
        this.compressionLevel = level;
        return this;
    }

    public RecordBatchBuilder timestampType(TimestampType timestampType) {
        this.timestampType = timestampType;
        return this;
    }

    /** The maxTimestamp written under {@link TimestampType#LOG_APPEND_TIME}. */
    public RecordBatchBuilder logAppendTimeMs(long logAppendTimeMs) {
        this.logAppendTimeMs = logAppendTimeMs;
        return this;
    }

    /** Must be set before the first append. */
    public RecordBatchBuilder baseOffset(long baseOffset) {
        if (recordCount > 0) {
            throw new IllegalStateException("baseOffset must be set before appending records");
        }
        this.baseOffset = baseOffset;
        return this;
    }

    public RecordBatchBuilder producer(long producerId, short producerEpoch, int baseSequence) {
        this.producerId = producerId;
        this.producerEpoch = producerEpoch;
        this.baseSequence = baseSequence;
        return this;
    }

    public RecordBatchBuilder transactional(boolean transactional) {
        this.transactional = transactional;
        return this;
    }

    public RecordBatchBuilder control(boolean control) {
        this.control = control;
        return this;
    }

    public RecordBatchBuilder partitionLeaderEpoch(int partitionLeaderEpoch) {
        this.partitionLeaderEpoch = partitionLeaderEpoch;
        return this;
    }

    /**
     * Marks the batch with a delete horizon (compaction output): sets the attribute flag and makes the
     * horizon the baseTimestamp, from which the record timestamp deltas count, as Kafka does. Must be
     * set before the first append.
     */
    public RecordBatchBuilder deleteHorizonMs(long deleteHorizonMs) {
        if (recordCount > 0) {
            throw new IllegalStateException("deleteHorizonMs must be set before appending records");
        }
        this.deleteHorizonMs = deleteHorizonMs;
        return this;
    }

    /**
     * Keeps {@code lastOffset} as the batch's last offset even when the last record appended is earlier
     * (the log cleaner keeps a batch's offset range, and with it the producer's last sequence, when it
     * removes records from its end). Must not be below the last record appended.
     */
    public RecordBatchBuilder overrideLastOffset(long lastOffset) {
        this.lastOffsetOverride = lastOffset;
        return this;
    }

    public int recordCount() {
        return recordCount;
    }

    /** Appends a record at the next offset (baseOffset for the first). Keys, values may be null. */
    public RecordBatchBuilder append(long timestamp, byte[] key, byte[] value, Header... headers) {
        return appendWithOffset(lastOffset < 0 ? baseOffset : lastOffset + 1, timestamp, key, value, headers);
    }

    /** Appends the remaining bytes of key and value (positions are not moved), copied once, into the batch. */
    public RecordBatchBuilder append(long timestamp, ByteBuffer key, ByteBuffer value, Header... headers) {
        return appendAt(lastOffset < 0 ? baseOffset : lastOffset + 1, timestamp, key, value, headers);
    }

    /** Re-appends a decoded record with its offset, timestamp, key, value and headers (compaction, recompression). */
    public RecordBatchBuilder append(Record record) {
        return appendAt(
                record.offset(),
                record.timestamp(),
                record.key(),
                record.value(),
                record.headers().toArray(NO_HEADERS));
    }

    /** Appends a record at {@code offset}, which must exceed every offset appended before. */
    public RecordBatchBuilder appendWithOffset(
            long offset, long timestamp, byte[] key, byte[] value, Header... headers) {
        return appendAt(offset, timestamp, wrap(key), wrap(value), headers);
    }

    private RecordBatchBuilder appendAt(
            long offset, long timestamp, ByteBuffer key, ByteBuffer value, Header[] headers) {
        if (built) {
            throw new IllegalStateException("The batch is already built");
        }
        if (offset < baseOffset || offset <= lastOffset || offset - baseOffset > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Offset " + offset + " is not after "
                    + Math.max(lastOffset, baseOffset - 1) + " within an int of baseOffset " + baseOffset);
        }
        Header[] hs = headers == null ? NO_HEADERS : headers;
        if (recordCount == 0) {
            baseTimestamp = deleteHorizonMs != NO_TIMESTAMP ? deleteHorizonMs : timestamp;
        }
        writeRecord((int) (offset - baseOffset), timestamp - baseTimestamp, key, value, hs);
        maxTimestamp = recordCount == 0 ? timestamp : Math.max(maxTimestamp, timestamp);
        lastOffset = offset;
        recordCount++;
        return this;
    }

    private void writeRecord(int offsetDelta, long timestampDelta, ByteBuffer key, ByteBuffer value, Header[] headers) {
        byte[][] headerKeys = new byte[headers.length][];
        int bodySize = 1
                + ByteUtils.sizeOfVarlong(timestampDelta)
                + ByteUtils.sizeOfVarint(offsetDelta)
                + sizeOfBytes(key)
                + sizeOfBytes(value)
                + ByteUtils.sizeOfVarint(headers.length);
        for (int i = 0; i < headers.length; i++) {
            headerKeys[i] = headers[i].key().getBytes(StandardCharsets.UTF_8);
            bodySize += sizeOfBytes(headerKeys[i]) + sizeOfBytes(headers[i].value());
        }
        ensureCapacity(ByteUtils.sizeOfVarint(bodySize) + bodySize);
        ByteUtils.writeVarint(bodySize, records);
        records.put((byte) 0);
        ByteUtils.writeVarlong(timestampDelta, records);
        ByteUtils.writeVarint(offsetDelta, records);
        writeBytes(key);
        writeBytes(value);
        ByteUtils.writeVarint(headers.length, records);
        for (int i = 0; i < headers.length; i++) {
            writeBytes(headerKeys[i]);
            writeBytes(headers[i].value());
        }
    }

    private static int sizeOfBytes(byte[] bytes) {
        return bytes == null ? 1 : ByteUtils.sizeOfVarint(bytes.length) + bytes.length;
    }

    private static int sizeOfBytes(ByteBuffer bytes) {
        return bytes == null ? 1 : ByteUtils.sizeOfVarint(bytes.remaining()) + bytes.remaining();
    }

    private void writeBytes(byte[] bytes) {
        if (bytes == null) {
            ByteUtils.writeVarint(-1, records);
        } else {
            ByteUtils.writeVarint(bytes.length, records);
            records.put(bytes);
        }
    }

    /** The remaining bytes of {@code bytes}, its position not moved. */
    private void writeBytes(ByteBuffer bytes) {
        if (bytes == null) {
            ByteUtils.writeVarint(-1, records);
        } else {
            ByteUtils.writeVarint(bytes.remaining(), records);
            records.put(bytes.duplicate());
        }
    }

    private void ensureCapacity(int bytes) {
        if (records.remaining() < bytes) {
            int capacity = Math.max(records.capacity() * 2, records.position() + bytes);
            ByteBuffer grown = ByteBuffer.allocate(capacity);
            grown.put(records.flip());
            records = grown;
        }
    }

    private static ByteBuffer wrap(byte[] bytes) {
        return bytes == null ? null : ByteBuffer.wrap(bytes);
    }

    /**
     * The batch: a new heap buffer, position 0, limit = the batch size, CRC set.
     *
     * @throws IllegalStateException if no record was appended (Kafka never writes empty batches
     *     from a producer) or the batch was built already
     */
    public ByteBuffer build() {
        if (built) {
            throw new IllegalStateException("The batch is already built");
        }
        if (recordCount == 0) {
            throw new IllegalStateException("A record batch needs at least one record");
        }
        if (lastOffsetOverride >= 0
                && (lastOffsetOverride < lastOffset || lastOffsetOverride - baseOffset > Integer.MAX_VALUE)) {
            throw new IllegalStateException("last offset " + lastOffsetOverride + " is before the last record "
                    + lastOffset + " or too far from baseOffset " + baseOffset);
        }
        built = true;
        ByteBuffer body = compressRecords();
        ByteBuffer batch = ByteBuffer.allocate(HEADER_SIZE + body.remaining());
        writeHeader(batch, HEADER_SIZE + body.remaining());
        batch.put(RECORDS_OFFSET, body, body.position(), body.remaining());
        CRC32C crc = new CRC32C();
        crc.update(batch.duplicate().position(ATTRIBUTES_OFFSET));
        batch.putInt(CRC_OFFSET, (int) crc.getValue());
        return batch;
    }

    /** The records section as written to the batch: the encoded records themselves, or their compressed form. */
    private ByteBuffer compressRecords() {
        records.flip();
        if (compression == CompressionType.NONE) {
            return records;
        }
        CompressedBytes out = new CompressedBytes(Math.max(64, records.limit() / 2));
        try (OutputStream compressing = compression.wrapForOutput(out, compressionLevel)) {
            compressing.write(records.array(), 0, records.limit());
        } catch (IOException e) {
            throw new UncheckedIOException("Compressing to an in-memory buffer failed", e);
        }
        return out.bytes();
    }

    /** A byte array stream whose bytes are read in place rather than copied out by toByteArray. */
    private static final class CompressedBytes extends ByteArrayOutputStream {
        CompressedBytes(int initialBytes) {
            super(initialBytes);
        }

        ByteBuffer bytes() {
            return ByteBuffer.wrap(buf, 0, count);
        }
    }

    private void writeHeader(ByteBuffer batch, int sizeInBytes) {
        int attributes = compression.id();
        if (timestampType == TimestampType.LOG_APPEND_TIME) {
            attributes |= TIMESTAMP_TYPE_MASK;
        }
        if (transactional) {
            attributes |= TRANSACTIONAL_FLAG_MASK;
        }
        if (control) {
            attributes |= CONTROL_FLAG_MASK;
        }
        if (deleteHorizonMs != NO_TIMESTAMP) {
            attributes |= DELETE_HORIZON_FLAG_MASK;
        }
        long batchMaxTimestamp = timestampType == TimestampType.LOG_APPEND_TIME ? logAppendTimeMs : maxTimestamp;
        batch.putLong(BASE_OFFSET_OFFSET, baseOffset);
        batch.putInt(BATCH_LENGTH_OFFSET, sizeInBytes - LOG_OVERHEAD);
        batch.putInt(PARTITION_LEADER_EPOCH_OFFSET, partitionLeaderEpoch);
        batch.put(MAGIC_OFFSET, MAGIC_V2);
        batch.putShort(ATTRIBUTES_OFFSET, (short) attributes);
        long last = lastOffsetOverride >= 0 ? lastOffsetOverride : lastOffset;
        batch.putInt(LAST_OFFSET_DELTA_OFFSET, (int) (last - baseOffset));
        batch.putLong(BASE_TIMESTAMP_OFFSET, baseTimestamp);
        batch.putLong(MAX_TIMESTAMP_OFFSET, batchMaxTimestamp);
        batch.putLong(PRODUCER_ID_OFFSET, producerId);
        batch.putShort(PRODUCER_EPOCH_OFFSET, producerEpoch);
        batch.putInt(BASE_SEQUENCE_OFFSET, baseSequence);
        batch.putInt(RECORD_COUNT_OFFSET, recordCount);
    }
}
