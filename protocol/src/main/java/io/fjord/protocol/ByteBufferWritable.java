package io.fjord.protocol;

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
