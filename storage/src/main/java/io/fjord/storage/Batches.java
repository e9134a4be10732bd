package io.fjord.storage;

import static io.fjord.protocol.record.RecordBatchDescriptor.ATTRIBUTES_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.BASE_OFFSET_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.BASE_TIMESTAMP_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.BATCH_LENGTH_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.COMPRESSION_CODEC_MASK;
import static io.fjord.protocol.record.RecordBatchDescriptor.CRC_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.LOG_OVERHEAD;
import static io.fjord.protocol.record.RecordBatchDescriptor.RECORDS_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.RECORD_COUNT_OFFSET;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Absolute reads of record batch v2 headers in a {@link ByteBuffer} (layout:
 * {@link io.fjord.protocol.record.RecordBatchDescriptor}), the CRC-32C, and a bounded walk over the
 * records of an uncompressed batch. Storage uses it until protocol's {@code RecordBatch} view is merged.
 *
 * <p>Stateless; safe from any thread. Never allocates per record.
 */
final class Batches {

    private Batches() {}

    /** A malformed record inside a batch whose CRC was valid: the producer built it wrong. */
    static final class MalformedRecordsException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedRecordsException(String message) {
            super(message);
        }
    }

    /** Called for each record of an uncompressed batch; return false to stop. */
    interface RecordVisitor {
        boolean onRecord(int index, int offsetDelta, long timestampMs, boolean nullKey);
    }

    /** The floor and ceiling of {@link #maxDecompressedBytes}. */
    static final int MIN_DECOMPRESSED_BOUND_BYTES = 1 << 20;

    static final int MAX_DECOMPRESSED_BOUND_BYTES = 64 << 20;

    /**
     * The most a compressed batch's records may decompress to in all when they are walked as they are decompressed
     * (validation, ListOffsets), which costs time, not memory: 2 GiB, the largest size the record format's int32
     * lengths express. Kafka sets no bound, and a real producer's batch can expand far past any multiple of
     * max.message.bytes: the Java producer fills batch.size with compressed bytes as it estimates them, so a batch
     * of repetitive records that lz4 shrinks 250 times holds 250 times batch.size.
     */
    static final long MAX_WALKED_BYTES = Integer.MAX_VALUE;

    /**
     * The most bytes the broker holds decompressed at once for one compressed batch: one record when the records
     * are walked (validation, ListOffsets), all of them when they are rebuilt (recompression for a topic's
     * compression.type): 16 times max.message.bytes, within [1 MiB, 64 MiB]. The Java producer's records are at
     * most max.request.size (1 MiB) each, so real records stay far below it; a compression bomb does not.
     */
    static int maxDecompressedBytes(int maxMessageBytes) {
        long bound = 16L * Math.max(0, maxMessageBytes);
        return (int) Math.max(MIN_DECOMPRESSED_BOUND_BYTES, Math.min(MAX_DECOMPRESSED_BOUND_BYTES, bound));
    }

    static int sizeInBytes(ByteBuffer buf, int pos) {
        return LOG_OVERHEAD + buf.getInt(pos + BATCH_LENGTH_OFFSET);
    }

    static long baseOffset(ByteBuffer buf, int pos) {
        return buf.getLong(pos + BASE_OFFSET_OFFSET);
    }

    static long lastOffset(ByteBuffer buf, int pos) {
        return baseOffset(buf, pos) + buf.getInt(pos + LAST_OFFSET_DELTA_OFFSET);
    }

    static int compressionCodec(ByteBuffer buf, int pos) {
        return buf.getShort(pos + ATTRIBUTES_OFFSET) & COMPRESSION_CODEC_MASK;
    }

    static long storedCrc(ByteBuffer buf, int pos) {
        return buf.getInt(pos + CRC_OFFSET) & 0xFFFFFFFFL;
    }

    /** CRC-32C over attributes..end of the batch at {@code pos} spanning {@code size} bytes. */
    static long computeCrc(ByteBuffer buf, int pos, int size) {
        ByteBuffer view = buf.duplicate();
        view.limit(pos + size).position(pos + ATTRIBUTES_OFFSET);
        CRC32C crc = new CRC32C();
        crc.update(view);
        return crc.getValue();
    }

    static boolean isCrcValid(ByteBuffer buf, int pos, int size) {
        return storedCrc(buf, pos) == computeCrc(buf, pos, size);
    }

    static void writeCrc(ByteBuffer buf, int pos, int size) {
        buf.putInt(pos + CRC_OFFSET, (int) computeCrc(buf, pos, size));
    }

    /** The sequence of the last record, wrapping past Integer.MAX_VALUE to 0 as Kafka does. */
    static int lastSequence(int baseSequence, int lastOffsetDelta) {
        if (baseSequence < 0) {
            return baseSequence;
        }
        long last = (long) baseSequence + lastOffsetDelta;
        return last > Integer.MAX_VALUE ? (int) (last - Integer.MAX_VALUE - 1) : (int) last;
    }

    /**
     * Visits the records of an uncompressed batch. Every length is checked against the batch's bytes;
     * throws {@link MalformedRecordsException} when a record overruns the batch or the record count does
     * not match the bytes.
     */
    static void forEachRecord(ByteBuffer buf, int pos, int size, RecordVisitor visitor) {
        int end = pos + size;
        int count = buf.getInt(pos + RECORD_COUNT_OFFSET);
        long baseTimestamp = buf.getLong(pos + BASE_TIMESTAMP_OFFSET);
        int[] cursor = {pos + RECORDS_OFFSET};
        for (int i = 0; i < count; i++) {
            int length = readVarint(buf, cursor, end);
            int recordStart = cursor[0];
            if (length < 0 || length > end - recordStart) {
                throw new MalformedRecordsException("record " + i + " declares " + length + " bytes, "
                        + (end - recordStart) + " remain in the batch");
            }
            int recordEnd = recordStart + length;
            cursor[0]++; // attributes
            long timestampDelta = readVarlong(buf, cursor, recordEnd);
            int offsetDelta = readVarint(buf, cursor, recordEnd);
            int keyLength = readVarint(buf, cursor, recordEnd);
            if (keyLength < -1 || keyLength > recordEnd - cursor[0]) {
                throw new MalformedRecordsException("record " + i + " has key length " + keyLength);
            }
            cursor[0] = recordEnd;
            if (!visitor.onRecord(i, offsetDelta, baseTimestamp + timestampDelta, keyLength < 0)) {
                return;
            }
        }
        if (cursor[0] != end) {
            throw new MalformedRecordsException(
                    "batch declares " + count + " records but " + (end - cursor[0]) + " bytes are left over");
        }
    }

    private static int readVarint(ByteBuffer buf, int[] cursor, int end) {
        long v = readVarlong(buf, cursor, end);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new MalformedRecordsException("varint out of int range: " + v);
        }
        return (int) v;
    }

    /** A zig-zag varlong, at most 10 bytes, never reading at or past {@code end}. */
    private static long readVarlong(ByteBuffer buf, int[] cursor, int end) {
        long raw = 0;
        int shift = 0;
        int p = cursor[0];
        while (true) {
            if (p >= end) {
                throw new MalformedRecordsException("varint runs past the record at " + p);
            }
            byte b = buf.get(p++);
            raw |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            shift += 7;
            if (shift > 63) {
                throw new MalformedRecordsException("varint longer than 10 bytes at " + p);
            }
        }
        cursor[0] = p;
        return (raw >>> 1) ^ -(raw & 1);
    }
}
