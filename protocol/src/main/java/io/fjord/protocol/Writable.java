package io.fjord.protocol;

import io.fjord.common.Uuid;
import java.nio.ByteBuffer;

/** A sink of protocol primitives (big-endian); the counterpart of {@link Readable}. */
public interface Writable {
    void writeByte(byte value);

    void writeShort(short value);

    void writeInt(int value);

    void writeLong(long value);

    void writeDouble(double value);

    /** Unsigned LEB128, at most 5 bytes. */
    default void writeUnsignedVarint(int value) {
        while ((value & 0xFFFFFF80) != 0) {
            writeByte((byte) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        writeByte((byte) value);
    }

    /** Zig-zag encoded, then as {@link #writeUnsignedVarint}. */
    default void writeVarint(int value) {
        writeUnsignedVarint((value << 1) ^ (value >> 31));
    }

    /** Zig-zag encoded unsigned LEB128, at most 10 bytes. */
    default void writeVarlong(long value) {
        long v = (value << 1) ^ (value >> 63);
        while ((v & 0xFFFFFFFFFFFFFF80L) != 0L) {
            writeByte((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        writeByte((byte) v);
    }

    /** The most significant long, then the least. */
    default void writeUuid(Uuid value) {
        writeLong(value.mostSignificantBits());
        writeLong(value.leastSignificantBits());
    }

    void writeByteArray(byte[] bytes);

    /** Writes the bytes between {@code buffer}'s position and limit, leaving {@code buffer} untouched. */
    void writeByteBuffer(ByteBuffer buffer);

    void writeRecords(Records records);
}
