package io.fjord.protocol;

import io.fjord.common.Uuid;
import java.nio.ByteBuffer;

/**
 * A {@link Readable} over a {@link ByteBuffer}, reading from its position to its limit and advancing the
 * position. Every read checks the bytes remaining first, so a hostile length never allocates more than
 * the buffer holds. {@link #readRecords(int)} returns a slice that shares the buffer's memory. Not
 * thread-safe.
 */
public final class ByteBufferReadable implements Readable {
    private final ByteBuffer buf;

    public ByteBufferReadable(ByteBuffer buf) {
        this.buf = buf;
    }

    private void require(int length) {
        if (length < 0) {
            throw new ProtocolParseException("Negative length " + length);
        }
        if (length > buf.remaining()) {
            throw new ProtocolParseException(
                    "Tried to read " + length + " bytes, but only " + buf.remaining() + " bytes remain");
        }
    }

    @Override
    public byte readByte() {
        require(1);
        return buf.get();
    }

    @Override
    public short readShort() {
        require(2);
        return buf.getShort();
    }

    @Override
    public int readInt() {
        require(4);
        return buf.getInt();
    }

    @Override
    public long readLong() {
        require(8);
        return buf.getLong();
    }

    @Override
    public double readDouble() {
        require(8);
        return buf.getDouble();
    }

    @Override
    public int readUnsignedVarint() {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            byte b = readByte();
            if (shift == 28 && (b & 0xf0) != 0) {
                throw new ProtocolParseException("Unsigned varint does not fit in 32 bits");
            }
            value |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new ProtocolParseException("Varint is longer than 5 bytes");
    }

    @Override
    public int readVarint() {
        int raw = readUnsignedVarint();
        return (raw >>> 1) ^ -(raw & 1);
    }

    @Override
    public long readVarlong() {
        long value = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            byte b = readByte();
            if (shift == 63 && (b & 0xfe) != 0) {
                throw new ProtocolParseException("Varlong does not fit in 64 bits");
            }
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (value >>> 1) ^ -(value & 1);
            }
        }
        throw new ProtocolParseException("Varlong is longer than 10 bytes");
    }

    @Override
    public Uuid readUuid() {
        require(16);
        return new Uuid(buf.getLong(), buf.getLong());
    }

    @Override
    public byte[] readBytes(int length) {
        require(length);
        byte[] bytes = new byte[length];
        buf.get(bytes);
        return bytes;
    }

    @Override
    public Records readRecords(int length) {
        require(length);
        ByteBuffer slice = buf.slice();
        slice.limit(length);
        buf.position(buf.position() + length);
        return MemoryRecords.of(slice);
    }

    @Override
    public int remaining() {
        return buf.remaining();
    }

    @Override
    public void skip(int length) {
        require(length);
        buf.position(buf.position() + length);
    }
}
