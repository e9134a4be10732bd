package io.fjord.protocol.record;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One record of a v2 batch, decoded. Key and value are read-only slices of the (decompressed) batch
 * bytes, not copies. Layout, all varints zig-zag encoded ({@link ByteUtils}):
 *
 * <pre>
 * | field          | type                                         |
 * |----------------|----------------------------------------------|
 * | length         | varint: bytes of the fields below            |
 * | attributes     | int8 (unused, 0)                             |
 * | timestampDelta | varlong, from the batch's baseTimestamp      |
 * | offsetDelta    | varint, from the batch's baseOffset          |
 * | keyLength      | varint, -1 = null key                        |
 * | key            | keyLength bytes                              |
 * | valueLength    | varint, -1 = null value                      |
 * | value          | valueLength bytes                            |
 * | headerCount    | varint                                       |
 * | headers        | per header: varint keyLength, UTF-8 key,     |
 * |                | varint valueLength (-1 = null), value bytes  |
 * </pre>
 *
 * <p>Immutable after decoding (the slices share memory with the batch); safe to read from any thread
 * once published.
 */
public final class Record {

    /** The smallest encoded record: a 1-byte length and six 1-byte fields. */
    static final int MIN_SIZE_IN_BYTES = 7;

    private final long offset;
    private final long timestamp;
    private final int offsetDelta;
    private final long timestampDelta;
    private final int sizeInBytes;
    private final ByteBuffer key;
    private final ByteBuffer value;
    private final List<Header> headers;

    Record(
            long offset,
            long timestamp,
            int offsetDelta,
            long timestampDelta,
            int sizeInBytes,
            ByteBuffer key,
            ByteBuffer value,
            List<Header> headers) {
        this.offset = offset;
        this.timestamp = timestamp;
        this.offsetDelta = offsetDelta;
        this.timestampDelta = timestampDelta;
        this.sizeInBytes = sizeInBytes;
        this.key = key;
        this.value = value;
        this.headers = headers;
    }

    public long offset() {
        return offset;
    }

    /** baseTimestamp + timestampDelta, or the batch's maxTimestamp under log-append time. */
    public long timestamp() {
        return timestamp;
    }

    public int offsetDelta() {
        return offsetDelta;
    }

    public long timestampDelta() {
        return timestampDelta;
    }

    /** The encoded size, including the length varint. */
    public int sizeInBytes() {
        return sizeInBytes;
    }

    public boolean hasKey() {
        return key != null;
    }

    /** A read-only view of the key (a fresh duplicate each call), or null. */
    public ByteBuffer key() {
        return key == null ? null : key.duplicate();
    }

    /** A read-only view of the value (a fresh duplicate each call), or null. */
    public ByteBuffer value() {
        return value == null ? null : value.duplicate();
    }

    public List<Header> headers() {
        return headers;
    }

    /**
     * Decodes the record at {@code buffer}'s position and advances past it. Every length is checked
     * against the bytes present before anything is allocated; anything malformed throws
     * {@link CorruptRecordException}.
     */
    static Record readFrom(
            ByteBuffer buffer, long baseOffset, long baseTimestamp, boolean logAppendTime, long maxTimestamp) {
        int start = buffer.position();
        try {
            int bodySize = ByteUtils.readVarint(buffer);
            if (bodySize < MIN_SIZE_IN_BYTES - 1 || bodySize > buffer.remaining()) {
                throw new CorruptRecordException("Record length " + bodySize + " with " + buffer.remaining()
                        + " bytes remaining at position " + start);
            }
            int bodyStart = buffer.position();
            int bodyEnd = bodyStart + bodySize;
            ByteBuffer body = buffer.duplicate().limit(bodyEnd);
            body.get(); // attributes: unused in v2
            long timestampDelta = ByteUtils.readVarlong(body);
            int offsetDelta = ByteUtils.readVarint(body);
            ByteBuffer key = readNullableBytes(body, "key");
            ByteBuffer value = readNullableBytes(body, "value");
            List<Header> headers = readHeaders(body);
            if (body.hasRemaining()) {
                throw new CorruptRecordException(
                        "Record declared " + bodySize + " bytes but its fields use " + (body.position() - bodyStart));
            }
            buffer.position(bodyEnd);
            long timestamp = logAppendTime ? maxTimestamp : baseTimestamp + timestampDelta;
            return new Record(
                    baseOffset + offsetDelta,
                    timestamp,
                    offsetDelta,
                    timestampDelta,
                    bodyEnd - start,
                    key,
                    value,
                    headers);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new CorruptRecordException("Malformed record at position " + start + ": " + e, e);
        }
    }

    private static ByteBuffer readNullableBytes(ByteBuffer body, String what) {
        int length = ByteUtils.readVarint(body);
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > body.remaining()) {
            throw new CorruptRecordException(
                    "Record " + what + " length " + length + " with " + body.remaining() + " bytes remaining");
        }
        ByteBuffer slice = body.slice().limit(length).asReadOnlyBuffer();
        body.position(body.position() + length);
        return slice;
    }

    private static List<Header> readHeaders(ByteBuffer body) {
        int count = ByteUtils.readVarint(body);
        if (count == 0) {
            return Collections.emptyList();
        }
        // Each header needs at least 2 bytes (two 1-byte varints), so the count is bounded by the bytes.
        if (count < 0 || count > body.remaining() / 2) {
            throw new CorruptRecordException(
                    "Record header count " + count + " with " + body.remaining() + " bytes remaining");
        }
        List<Header> headers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int keyLength = ByteUtils.readVarint(body);
            if (keyLength < 0 || keyLength > body.remaining()) {
                throw new CorruptRecordException(
                        "Header key length " + keyLength + " with " + body.remaining() + " bytes remaining");
            }
            byte[] keyBytes = new byte[keyLength];
            body.get(keyBytes);
            ByteBuffer valueSlice = readNullableBytes(body, "header value");
            byte[] value = null;
            if (valueSlice != null) {
                value = new byte[valueSlice.remaining()];
                valueSlice.get(value);
            }
            headers.add(new Header(new String(keyBytes, StandardCharsets.UTF_8), value));
        }
        return Collections.unmodifiableList(headers);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Record other
                && offset == other.offset
                && timestamp == other.timestamp
                && sizeInBytes == other.sizeInBytes
                && Objects.equals(key, other.key)
                && Objects.equals(value, other.value)
                && headers.equals(other.headers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(offset, timestamp, key, value, headers);
    }

    @Override
    public String toString() {
        return "Record(offset=" + offset + ", timestamp=" + timestamp + ", key="
                + (key == null ? "null" : key.remaining() + " bytes") + ", value="
                + (value == null ? "null" : value.remaining() + " bytes") + ", headers=" + headers + ")";
    }
}
