package io.fjord.protocol.record;

import java.nio.ByteBuffer;

/**
 * Variable-length integers as the record format writes them: unsigned varints (7 bits a byte, least
 * significant group first, high bit = more follows, like protobuf) and signed values zig-zag encoded
 * onto them ({@code (n << 1) ^ (n >> 31)}), so small negative numbers stay short.
 *
 * <p>Reads are relative (they advance the buffer's position); a varint longer than 5 bytes (varlong: 10)
 * throws {@link IllegalArgumentException}, an exhausted buffer {@link java.nio.BufferUnderflowException}.
 * Stateless; safe from any thread.
 */
public final class ByteUtils {

    private ByteUtils() {}

    public static int readUnsignedVarint(ByteBuffer buffer) {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            byte b = buffer.get();
            value |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("Varint is longer than 5 bytes");
    }

    public static int readVarint(ByteBuffer buffer) {
        int raw = readUnsignedVarint(buffer);
        return (raw >>> 1) ^ -(raw & 1);
    }

    public static long readUnsignedVarlong(ByteBuffer buffer) {
        long value = 0L;
        for (int shift = 0; shift < 70; shift += 7) {
            byte b = buffer.get();
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("Varlong is longer than 10 bytes");
    }

    public static long readVarlong(ByteBuffer buffer) {
        long raw = readUnsignedVarlong(buffer);
        return (raw >>> 1) ^ -(raw & 1);
    }

    public static void writeUnsignedVarint(int value, ByteBuffer buffer) {
        while ((value & 0xffffff80) != 0) {
            buffer.put((byte) ((value & 0x7f) | 0x80));
            value >>>= 7;
        }
        buffer.put((byte) value);
    }

    public static void writeVarint(int value, ByteBuffer buffer) {
        writeUnsignedVarint((value << 1) ^ (value >> 31), buffer);
    }

    public static void writeUnsignedVarlong(long value, ByteBuffer buffer) {
        while ((value & 0xffffffffffffff80L) != 0L) {
            buffer.put((byte) ((value & 0x7f) | 0x80));
            value >>>= 7;
        }
        buffer.put((byte) value);
    }

    public static void writeVarlong(long value, ByteBuffer buffer) {
        writeUnsignedVarlong((value << 1) ^ (value >> 63), buffer);
    }

    public static int sizeOfUnsignedVarint(int value) {
        // 1 byte per started group of 7 significant bits, at least one byte.
        int bits = 32 - Integer.numberOfLeadingZeros(value);
        return Math.max(1, (bits + 6) / 7);
    }

    public static int sizeOfVarint(int value) {
        return sizeOfUnsignedVarint((value << 1) ^ (value >> 31));
    }

    public static int sizeOfUnsignedVarlong(long value) {
        int bits = 64 - Long.numberOfLeadingZeros(value);
        return Math.max(1, (bits + 6) / 7);
    }

    public static int sizeOfVarlong(long value) {
        return sizeOfUnsignedVarlong((value << 1) ^ (value >> 63));
    }
}
