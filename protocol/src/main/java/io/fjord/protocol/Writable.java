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

    void writeUnsignedVarint(int value);

    void writeVarint(int value);

    void writeVarlong(long value);

    void writeUuid(Uuid value);

    void writeByteArray(byte[] bytes);

    /** Writes the bytes between {@code buffer}'s position and limit, leaving {@code buffer} untouched. */
    void writeByteBuffer(ByteBuffer buffer);

    void writeRecords(Records records);
}
