package io.fjord.protocol.record;

import java.io.IOException;
import java.io.InputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * The twin of {@link Record#readFrom} that allocates nothing per record: checks the same structure (every length
 * against the bytes of its record, the declared record length against the fields, no trailing
 * bytes) but hands only primitives to a {@link RecordVisitor}. Stateless, except that each thread keeps
 * one {@link #WINDOW_BYTES} window for walking decompressed streams.
 */
final class RecordWalk {

    /**
     * The window a decompressed stream is walked through. It holds whole records (a longer one gets a window of
     * its own size for that walk, within the decompression bound), so a batch is never decompressed whole: a
     * 256 KiB lz4 batch from a producer used to cost a fresh buffer of about 1 MiB per append.
     */
    static final int WINDOW_BYTES = 16 * 1024;

    private static final ThreadLocal<byte[]> WINDOW = ThreadLocal.withInitial(() -> new byte[WINDOW_BYTES]);

    private RecordWalk() {}

    /**
     * Walks {@code count} records read from {@code in} (a decompressing stream that throws an IOException past its
     * bound); the stream must then be exhausted. A record longer than {@code maxRecordBytes}, which bounds the
     * window, is refused ({@link RecordsTooLargeException}) before it is read. Checks exactly what {@link #walk}
     * checks.
     */
    static void walkStream(
            InputStream in,
            int maxRecordBytes,
            int count,
            long baseTimestamp,
            boolean logAppendTime,
            long maxTimestamp,
            RecordVisitor visitor)
            throws IOException {
        ByteBuffer window = ByteBuffer.wrap(WINDOW.get()).limit(0);
        Cursor record = new Cursor();
        long consumed = 0;
        for (int index = 0; index < count; index++) {
            window = withWholeRecord(window, in, maxRecordBytes);
            int start = window.position();
            int end = recordEnd(window);
            record.over(window.array(), start, end < 0 ? window.limit() : Math.min(end, window.limit()));
            try {
                walkOne(record, index, baseTimestamp, logAppendTime, maxTimestamp, visitor);
            } catch (BufferUnderflowException | IllegalArgumentException e) {
                throw new CorruptRecordException("Malformed record at position " + (consumed + start) + ": " + e, e);
            }
            window.position(record.pos);
            consumed += record.pos - start;
        }
        if (window.hasRemaining() || read(in, new byte[1], 0, 1) >= 0) {
            throw new CorruptRecordException("bytes remain after the " + count + " declared records");
        }
    }

    /**
     * {@code window} (or a larger one) with the next record, length varint included, between its position and limit;
     * a stream that ends first leaves what there is, for {@link #walkOne} to refuse.
     *
     * @throws RecordsTooLargeException if the record is longer than {@code maxRecordBytes}
     */
    private static ByteBuffer withWholeRecord(ByteBuffer window, InputStream in, int maxRecordBytes)
            throws IOException {
        while (true) {
            int end = recordEnd(window);
            if (end >= 0 && end <= window.limit()) {
                return window;
            }
            long needed = end < 0 ? 5 : (long) end - window.position();
            if (needed > maxRecordBytes) {
                throw new RecordsTooLargeException(
                        "A record of " + needed + " bytes exceeds the bound of " + maxRecordBytes + " bytes");
            }
            if (needed > window.capacity()) {
                window = ByteBuffer.allocate((int) needed).put(window).flip();
            } else {
                window.compact().flip();
            }
            int n = read(in, window.array(), window.limit(), window.capacity() - window.limit());
            if (n < 0) {
                return window;
            }
            window.limit(window.limit() + n);
        }
    }

    /** A decompressor's unchecked failure on malformed input (snappy, zstd) as a malformed stream, like its IOException. */
    private static int read(InputStream in, byte[] dst, int offset, int length) throws IOException {
        try {
            return in.read(dst, offset, length);
        } catch (CorruptRecordException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IOException(e.toString(), e);
        }
    }

    /**
     * Where the record at {@code window}'s position ends (its length varint plus that many bytes), relative to the
     * window's position 0; -1 when the varint itself is not whole yet. A negative or absurd length ends at once, for
     * {@link #walkOne} to refuse.
     */
    private static int recordEnd(ByteBuffer window) {
        byte[] bytes = window.array();
        int pos = window.position();
        int limit = window.limit();
        int raw = 0;
        for (int i = 0; i < 5; i++) {
            if (pos + i >= limit) {
                return -1;
            }
            byte b = bytes[pos + i];
            raw |= (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                int bodySize = (raw >>> 1) ^ -(raw & 1);
                return bodySize < 0 ? pos + i + 1 : (int) Math.min(Integer.MAX_VALUE, (long) pos + i + 1 + bodySize);
            }
        }
        return pos + 5; // a varint longer than 5 bytes: walkOne refuses it
    }

    /** Walks {@code count} records from {@code records}' position; it must then be exhausted. */
    static void walk(
            ByteBuffer records,
            int count,
            long baseTimestamp,
            boolean logAppendTime,
            long maxTimestamp,
            RecordVisitor visitor) {
        Cursor cursor = new Cursor();
        int shift = 0;
        if (records.hasArray()) {
            shift = records.arrayOffset();
            cursor.over(records.array(), shift + records.position(), shift + records.limit());
        } else {
            cursor.over(records, records.position(), records.limit());
        }
        try {
            for (int index = 0; index < count; index++) {
                int start = cursor.pos - shift;
                try {
                    walkOne(cursor, index, baseTimestamp, logAppendTime, maxTimestamp, visitor);
                } catch (BufferUnderflowException | IllegalArgumentException e) {
                    throw new CorruptRecordException("Malformed record at position " + start + ": " + e, e);
                }
            }
        } finally {
            records.position(cursor.pos - shift);
        }
        if (records.hasRemaining()) {
            throw new CorruptRecordException(
                    records.remaining() + " bytes remain after the " + count + " declared records");
        }
    }

    private static void walkOne(
            Cursor records,
            int index,
            long baseTimestamp,
            boolean logAppendTime,
            long maxTimestamp,
            RecordVisitor visitor) {
        int bodySize = records.readVarint();
        if (bodySize < Record.MIN_SIZE_IN_BYTES - 1 || bodySize > records.remaining()) {
            throw new CorruptRecordException(
                    "Record length " + bodySize + " with " + records.remaining() + " bytes remaining");
        }
        int bodyEnd = records.pos + bodySize;
        records.get(); // attributes: unused in v2
        long timestampDelta = records.readVarlong();
        int offsetDelta = records.readVarint();
        int keySize = skipNullableBytes(records, bodyEnd, "key");
        int valueSize = skipNullableBytes(records, bodyEnd, "value");
        int headerCount = records.readVarint();
        if (headerCount < 0 || headerCount > (bodyEnd - records.pos) / 2) {
            throw new CorruptRecordException(
                    "Record header count " + headerCount + " with " + (bodyEnd - records.pos) + " bytes remaining");
        }
        for (int i = 0; i < headerCount; i++) {
            if (skipNullableBytes(records, bodyEnd, "header key") < 0) {
                throw new CorruptRecordException("Null header key");
            }
            skipNullableBytes(records, bodyEnd, "header value");
        }
        if (records.pos != bodyEnd) {
            throw new CorruptRecordException("Record declared " + bodySize + " bytes but its fields end "
                    + (records.pos - bodyEnd) + " bytes from there");
        }
        long timestamp = logAppendTime ? maxTimestamp : baseTimestamp + timestampDelta;
        visitor.onRecord(index, offsetDelta, timestamp, keySize, valueSize, headerCount);
    }

    private static int skipNullableBytes(Cursor records, int bodyEnd, String what) {
        int length = records.readVarint();
        if (length == -1) {
            return -1;
        }
        if (length < 0 || length > bodyEnd - records.pos) {
            throw new CorruptRecordException(
                    "Record " + what + " length " + length + " with " + (bodyEnd - records.pos) + " bytes remaining");
        }
        records.pos += length;
        return length;
    }

    /**
     * A read position between {@code pos} and {@code limit} over a byte array, or over a buffer that has none (a
     * direct one), read with absolute gets. The walk reads every record's varints a byte at a time; through a
     * ByteBuffer's relative gets each byte cost several calls under the broker's C1-only JIT, and a window's
     * duplicate per record an allocation (JMH RecordBatchBench.validate). Past {@code limit} a read throws
     * BufferUnderflowException, as the buffer's own would. Confined to one walk.
     */
    private static final class Cursor {
        private byte[] bytes;
        private ByteBuffer buffer;
        int pos;
        private int limit;

        void over(byte[] array, int from, int to) {
            bytes = array;
            buffer = null;
            pos = from;
            limit = to;
        }

        void over(ByteBuffer direct, int from, int to) {
            bytes = null;
            buffer = direct;
            pos = from;
            limit = to;
        }

        int remaining() {
            return limit - pos;
        }

        byte get() {
            if (pos >= limit) {
                throw new BufferUnderflowException();
            }
            return bytes != null ? bytes[pos++] : buffer.get(pos++);
        }

        /** See {@link ByteUtils#readVarint}. */
        int readVarint() {
            int value = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                byte b = get();
                value |= (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return (value >>> 1) ^ -(value & 1);
                }
            }
            throw new IllegalArgumentException("Varint is longer than 5 bytes");
        }

        /** See {@link ByteUtils#readVarlong}. */
        long readVarlong() {
            long value = 0L;
            for (int shift = 0; shift < 70; shift += 7) {
                byte b = get();
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return (value >>> 1) ^ -(value & 1);
                }
            }
            throw new IllegalArgumentException("Varlong is longer than 10 bytes");
        }
    }
}
