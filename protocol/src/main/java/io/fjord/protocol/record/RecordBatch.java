package io.fjord.protocol.record;

import static io.fjord.protocol.record.RecordBatchDescriptor.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.zip.CRC32C;

/**
 * A view over one record batch v2 lying in a buffer (layout: {@link RecordBatchDescriptor}). Header
 * fields are absolute reads on the buffer: no copy, no allocation, so the broker can validate a batch
 * and re-stamp {@code baseOffset} and {@code partitionLeaderEpoch} in place (both lie outside the CRC).
 * Only {@link #iterator()} decodes records; it allocates and is meant for compaction, timestamp
 * rewrites and tests, never for the produce hot path.
 *
 * <p>{@link #at} checks only that the declared size fits the buffer; the caller checks {@link #magic()},
 * {@link #isValid()} and the rest. Not thread-safe: one thread owns a view (and its buffer region) at a
 * time.
 */
public final class RecordBatch implements Iterable<Record> {

    /** The default bound on a batch's decompressed records, see {@link #iterator(int)}. */
    public static final int DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

    private final ByteBuffer buffer;
    private final int base;
    private final int sizeInBytes;

    private RecordBatch(ByteBuffer buffer, int base, int sizeInBytes) {
        this.buffer = buffer;
        this.base = base;
        this.sizeInBytes = sizeInBytes;
    }

    /**
     * The batch starting at absolute {@code position} of {@code buffer}. Writes through the view (the
     * setters) change {@code buffer}'s memory; its position and limit are never moved.
     *
     * @throws CorruptRecordException if fewer than {@link RecordBatchDescriptor#HEADER_SIZE} bytes lie
     *     between {@code position} and the limit, or the declared batch length is below the header size
     *     or runs past the limit
     */
    public static RecordBatch at(ByteBuffer buffer, int position) {
        ByteBuffer view = buffer.duplicate(); // big-endian whatever the caller's order
        int available = view.limit() - position;
        if (position < 0 || available < HEADER_SIZE) {
            throw new CorruptRecordException("A record batch needs " + HEADER_SIZE + " bytes, " + Math.max(0, available)
                    + " present at position " + position);
        }
        int batchLength = view.getInt(position + BATCH_LENGTH_OFFSET);
        if (batchLength < HEADER_SIZE - LOG_OVERHEAD || batchLength > available - LOG_OVERHEAD) {
            throw new CorruptRecordException("Record batch length " + batchLength + " at position " + position
                    + " with " + available + " bytes present");
        }
        return new RecordBatch(view, position, LOG_OVERHEAD + batchLength);
    }

    /** The absolute position of the batch in its buffer. */
    public int position() {
        return base;
    }

    public int sizeInBytes() {
        return sizeInBytes;
    }

    /** A duplicate of the buffer covering exactly this batch (position 0, limit = size). */
    public ByteBuffer slice() {
        return buffer.duplicate().position(base).limit(base + sizeInBytes).slice();
    }

    public long baseOffset() {
        return buffer.getLong(base + BASE_OFFSET_OFFSET);
    }

    public long lastOffset() {
        return baseOffset() + lastOffsetDelta();
    }

    /** The offset after this batch. */
    public long nextOffset() {
        return lastOffset() + 1;
    }

    public int partitionLeaderEpoch() {
        return buffer.getInt(base + PARTITION_LEADER_EPOCH_OFFSET);
    }

    public byte magic() {
        return buffer.get(base + MAGIC_OFFSET);
    }

    /** The stored CRC-32C, as an unsigned 32-bit value. */
    public long checksum() {
        return buffer.getInt(base + CRC_OFFSET) & 0xffffffffL;
    }

    /** CRC-32C of the bytes from {@code attributes} to the end of the batch. */
    public long computeChecksum() {
        CRC32C crc = new CRC32C();
        crc.update(buffer.duplicate().limit(base + sizeInBytes).position(base + ATTRIBUTES_OFFSET));
        return crc.getValue();
    }

    /** Whether the stored CRC matches the bytes. Does not check magic or any other field. */
    public boolean isValid() {
        return checksum() == computeChecksum();
    }

    /** @throws CorruptRecordException if the magic is not 2 or the CRC does not match */
    public void ensureValid() {
        if (magic() != MAGIC_V2) {
            throw new CorruptRecordException("Record batch magic " + magic() + " is not " + MAGIC_V2);
        }
        long stored = checksum();
        long computed = computeChecksum();
        if (stored != computed) {
            throw new CorruptRecordException("Record batch CRC " + stored + " does not match computed " + computed
                    + " (baseOffset " + baseOffset() + ")");
        }
    }

    public short attributes() {
        return buffer.getShort(base + ATTRIBUTES_OFFSET);
    }

    /** @throws CorruptRecordException for the unassigned codec ids 5-7 */
    public CompressionType compressionType() {
        int id = attributes() & COMPRESSION_CODEC_MASK;
        if (id > CompressionType.ZSTD.id()) {
            throw new CorruptRecordException("Unknown compression codec id " + id);
        }
        return CompressionType.forId(id);
    }

    public TimestampType timestampType() {
        return TimestampType.fromAttributes(attributes());
    }

    public boolean isTransactional() {
        return (attributes() & TRANSACTIONAL_FLAG_MASK) != 0;
    }

    public boolean isControl() {
        return (attributes() & CONTROL_FLAG_MASK) != 0;
    }

    public boolean hasDeleteHorizon() {
        return (attributes() & DELETE_HORIZON_FLAG_MASK) != 0;
    }

    /** With the delete-horizon flag, baseTimestamp holds the horizon; else {@link RecordBatchDescriptor#NO_TIMESTAMP}. */
    public long deleteHorizonMs() {
        return hasDeleteHorizon() ? baseTimestamp() : NO_TIMESTAMP;
    }

    public int lastOffsetDelta() {
        return buffer.getInt(base + LAST_OFFSET_DELTA_OFFSET);
    }

    public long baseTimestamp() {
        return buffer.getLong(base + BASE_TIMESTAMP_OFFSET);
    }

    public long maxTimestamp() {
        return buffer.getLong(base + MAX_TIMESTAMP_OFFSET);
    }

    public long producerId() {
        return buffer.getLong(base + PRODUCER_ID_OFFSET);
    }

    public short producerEpoch() {
        return buffer.getShort(base + PRODUCER_EPOCH_OFFSET);
    }

    public boolean hasProducerId() {
        return producerId() != NO_PRODUCER_ID;
    }

    public int baseSequence() {
        return buffer.getInt(base + BASE_SEQUENCE_OFFSET);
    }

    /** baseSequence + lastOffsetDelta, wrapping past Integer.MAX_VALUE to 0 as Kafka does. */
    public int lastSequence() {
        int baseSequence = baseSequence();
        if (baseSequence == NO_SEQUENCE) {
            return NO_SEQUENCE;
        }
        return incrementSequence(baseSequence, lastOffsetDelta());
    }

    /** Kafka's sequence arithmetic: sequences wrap from Integer.MAX_VALUE to 0. */
    public static int incrementSequence(int sequence, int increment) {
        if (sequence > Integer.MAX_VALUE - increment) {
            return increment - (Integer.MAX_VALUE - sequence) - 1;
        }
        return sequence + increment;
    }

    public int recordCount() {
        return buffer.getInt(base + RECORD_COUNT_OFFSET);
    }

    /** Patches baseOffset in place; outside the CRC, so the batch stays valid. */
    public void setBaseOffset(long baseOffset) {
        buffer.putLong(base + BASE_OFFSET_OFFSET, baseOffset);
    }

    /** Patches partitionLeaderEpoch in place; outside the CRC, so the batch stays valid. */
    public void setPartitionLeaderEpoch(int epoch) {
        buffer.putInt(base + PARTITION_LEADER_EPOCH_OFFSET, epoch);
    }

    /**
     * Sets the timestamp type bit and maxTimestamp (what the broker does for log-append time) and
     * recomputes the CRC; a no-op if both already hold these values.
     */
    public void setMaxTimestampAndType(TimestampType timestampType, long maxTimestamp) {
        if (timestampType() == timestampType && maxTimestamp() == maxTimestamp) {
            return;
        }
        int attributes = attributes() & ~TIMESTAMP_TYPE_MASK;
        if (timestampType == TimestampType.LOG_APPEND_TIME) {
            attributes |= TIMESTAMP_TYPE_MASK;
        }
        buffer.putShort(base + ATTRIBUTES_OFFSET, (short) attributes);
        buffer.putLong(base + MAX_TIMESTAMP_OFFSET, maxTimestamp);
        buffer.putInt(base + CRC_OFFSET, (int) computeChecksum());
    }

    /** The records, decompressed with a bound of {@link #DEFAULT_MAX_DECOMPRESSED_BYTES}. */
    @Override
    public Iterator<Record> iterator() {
        return iterator(DEFAULT_MAX_DECOMPRESSED_BYTES);
    }

    /**
     * The records of this batch. The whole records section is decompressed up front into at most
     * {@code maxDecompressedBytes} (memory used: at most about twice that); the declared record count
     * is checked against the bytes (a record takes at least 7) before iteration. Anything malformed
     * (codec stream, record fields, fewer or more records than declared, trailing bytes) throws
     * {@link CorruptRecordException}, here or from {@code next()}. Does not check the CRC.
     */
    public Iterator<Record> iterator(int maxDecompressedBytes) {
        ByteBuffer records = decodedRecords(maxDecompressedBytes);
        return new RecordIterator(
                records,
                recordCount(),
                baseOffset(),
                baseTimestamp(),
                timestampType() == TimestampType.LOG_APPEND_TIME,
                maxTimestamp());
    }

    /** {@link #walkRecords(int, long, RecordVisitor)} with one bound for a record and for all of them. */
    public void walkRecords(int maxDecompressedBytes, RecordVisitor visitor) {
        walkRecords(maxDecompressedBytes, maxDecompressedBytes, visitor);
    }

    /**
     * The validation walk: checks the structure of every record exactly as {@link #iterator(int)} does
     * but hands each record's fixed fields to {@code visitor} as primitives, allocating nothing per
     * record (an uncompressed batch is walked in place; a compressed one is walked as it is decompressed,
     * through a small per-thread window that grows for a longer record). Memory is bounded by
     * {@code maxRecordBytes}, the longest record accepted, and time by {@code maxDecompressedBytes}, the most
     * the records may decompress to in all. Does not check the CRC.
     *
     * @throws RecordsTooLargeException if a record or the records decompress past their bound
     * @throws CorruptRecordException if anything is malformed, before or after visiting some records
     */
    public void walkRecords(int maxRecordBytes, long maxDecompressedBytes, RecordVisitor visitor) {
        if (compressionType() != CompressionType.NONE) {
            walkCompressedRecords(maxRecordBytes, maxDecompressedBytes, visitor);
            return;
        }
        ByteBuffer records = decodedRecords(Integer.MAX_VALUE); // in place: the bytes are the batch's own
        RecordWalk.walk(
                records,
                recordCount(),
                baseTimestamp(),
                timestampType() == TimestampType.LOG_APPEND_TIME,
                maxTimestamp(),
                visitor);
    }

    /** Walks a compressed batch's records as they are decompressed, through a small window (RecordWalk). */
    private void walkCompressedRecords(int maxRecordBytes, long maxDecompressedBytes, RecordVisitor visitor) {
        int count = recordCount();
        if (count < 0) {
            throw new CorruptRecordException("Negative record count " + count);
        }
        ByteBuffer section = buffer.duplicate().limit(base + sizeInBytes).position(base + RECORDS_OFFSET);
        CompressionType type = compressionType();
        try (InputStream in = type.wrapForInput(section, maxDecompressedBytes)) {
            RecordWalk.walkStream(
                    in,
                    maxRecordBytes,
                    count,
                    baseTimestamp(),
                    timestampType() == TimestampType.LOG_APPEND_TIME,
                    maxTimestamp(),
                    visitor);
        } catch (BoundedInputStream.DecompressionLimitException e) {
            throw new RecordsTooLargeException(
                    "Decompressed " + type + " records exceed the bound of " + maxDecompressedBytes + " bytes", e);
        } catch (IOException e) {
            throw new CorruptRecordException("Malformed " + type + " stream: " + e.getMessage(), e);
        }
    }

    /** The records section, decompressed within the bound, with the declared count checked against it. */
    private ByteBuffer decodedRecords(int maxDecompressedBytes) {
        int count = recordCount();
        if (count < 0) {
            throw new CorruptRecordException("Negative record count " + count);
        }
        ByteBuffer section = buffer.duplicate().limit(base + sizeInBytes).position(base + RECORDS_OFFSET);
        ByteBuffer records = compressionType().decompress(section, maxDecompressedBytes);
        if (count > records.remaining() / Record.MIN_SIZE_IN_BYTES) {
            throw new CorruptRecordException(
                    "Record count " + count + " cannot fit in " + records.remaining() + " bytes of records");
        }
        if (count == 0 && records.hasRemaining()) {
            throw new CorruptRecordException(records.remaining() + " bytes of records in a batch with no records");
        }
        return records;
    }

    @Override
    public String toString() {
        return "RecordBatch(baseOffset=" + baseOffset() + ", lastOffsetDelta=" + lastOffsetDelta() + ", size="
                + sizeInBytes + ", magic=" + magic() + ", attributes=" + attributes() + ", producerId="
                + producerId() + ", producerEpoch=" + producerEpoch() + ", baseSequence=" + baseSequence()
                + ", recordCount=" + recordCount() + ")";
    }

    private static final class RecordIterator implements Iterator<Record> {
        private final ByteBuffer records;
        private final int count;
        private final long baseOffset;
        private final long baseTimestamp;
        private final boolean logAppendTime;
        private final long maxTimestamp;
        private int read;

        RecordIterator(
                ByteBuffer records,
                int count,
                long baseOffset,
                long baseTimestamp,
                boolean logAppendTime,
                long maxTimestamp) {
            this.records = records;
            this.count = count;
            this.baseOffset = baseOffset;
            this.baseTimestamp = baseTimestamp;
            this.logAppendTime = logAppendTime;
            this.maxTimestamp = maxTimestamp;
        }

        @Override
        public boolean hasNext() {
            return read < count;
        }

        @Override
        public Record next() {
            if (read >= count) {
                throw new NoSuchElementException();
            }
            Record record = Record.readFrom(records, baseOffset, baseTimestamp, logAppendTime, maxTimestamp);
            read++;
            if (read == count && records.hasRemaining()) {
                throw new CorruptRecordException(
                        records.remaining() + " bytes remain after the " + count + " declared records");
            }
            return record;
        }
    }
}
