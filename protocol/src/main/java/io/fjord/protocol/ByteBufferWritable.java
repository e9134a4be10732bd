package io.fjord.protocol;

import io.fjord.common.Uuid;
import java.nio.ByteBuffer;

/**
 * A {@link Writable} into a {@link ByteBuffer} sized by the caller (use {@link Message#size(short)});
 * overflowing it is a programmer error ({@link java.nio.BufferOverflowException}). Records are copied
 * with {@link Records#copyTo(ByteBuffer)}. Not thread-safe.
 */
public final class ByteBufferWritable implements Writable {
    private final ByteBuffer buf;

    public ByteBufferWritable(ByteBuffer buf) {
        this.buf = buf;
    }

    /** The buffer being written. */
    public ByteBuffer buffer() {
        return buf;
    }

    @Override
    public void writeByte(byte value) {
        buf.put(value);
    }

    @Override
    public void writeShort(short value) {
        buf.putShort(value);
    }

    @Override
    public void writeInt(int value) {
        buf.putInt(value);
    }

    @Override
    public void writeLong(long value) {
        buf.putLong(value);
    }

    @Override
    public void writeDouble(double value) {
        buf.putDouble(value);
    }

    @Override
    public void writeUnsignedVarint(int value) {
        while ((value & 0xffffff80) != 0) {
            buf.put((byte) ((value & 0x7f) | 0x80));
            value >>>= 7;
        }
        buf.put((byte) value);
    }

    @Override
    public void writeVarint(int value) {
        writeUnsignedVarint((value << 1) ^ (value >> 31));
    }

    @Override
    public void writeVarlong(long value) {
        long v = (value << 1) ^ (value >> 63);
        while ((v & 0xffffffffffffff80L) != 0L) {
            buf.put((byte) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        buf.put((byte) v);
    }

    @Override
    public void writeUuid(Uuid value) {
        buf.putLong(value.mostSignificantBits());
        buf.putLong(value.leastSignificantBits());
    }

    @Override
    public void writeByteArray(byte[] bytes) {
        buf.put(bytes);
    }

    @Override
    public void writeByteBuffer(ByteBuffer buffer) {
        buf.put(buffer.duplicate());
    }

    @Override
    public void writeRecords(Records records) {
        records.copyTo(buf);
    }
}
