package io.fjord.coordinator.record;

import io.fjord.common.Uuid;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link RecordWriter} writes. Every length is checked against the bytes actually present before
 * anything is allocated; a violation throws {@link CorruptRecordException} naming the field. Not thread-safe.
 */
public final class RecordReader {

    private final ByteBuffer buffer;

    public RecordReader(byte[] bytes) {
        this.buffer = ByteBuffer.wrap(bytes);
    }

    public int remaining() {
        return buffer.remaining();
    }

    public byte readByte() {
        try {
            return buffer.get();
        } catch (BufferUnderflowException e) {
            throw new CorruptRecordException("record ends inside an int8");
        }
    }

    public short readShort() {
        try {
            return buffer.getShort();
        } catch (BufferUnderflowException e) {
            throw new CorruptRecordException("record ends inside an int16");
        }
    }

    public int readInt() {
        try {
            return buffer.getInt();
        } catch (BufferUnderflowException e) {
            throw new CorruptRecordException("record ends inside an int32");
        }
    }

    public long readLong() {
        try {
            return buffer.getLong();
        } catch (BufferUnderflowException e) {
            throw new CorruptRecordException("record ends inside an int64");
        }
    }

    public Uuid readUuid() {
        return new Uuid(readLong(), readLong());
    }

    public String readString() {
        int length = readShort();
        if (length == -1) {
            return null;
        }
        checkLength(length, "string");
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public byte[] readBytes() {
        int length = readInt();
        if (length == -1) {
            return null;
        }
        checkLength(length, "bytes");
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return bytes;
    }

    /** Reads an element count and checks that at least {@code minElementBytes} per element are present. */
    public int readCount(int minElementBytes, String what) {
        int count = readInt();
        if (count < 0 || (long) count * minElementBytes > buffer.remaining()) {
            throw new CorruptRecordException(
                    what + " count " + count + " does not fit in the " + buffer.remaining() + " bytes left");
        }
        return count;
    }

    private void checkLength(int length, String what) {
        if (length < 0 || length > buffer.remaining()) {
            throw new CorruptRecordException(
                    what + " length " + length + " does not fit in the " + buffer.remaining() + " bytes left");
        }
    }
}
