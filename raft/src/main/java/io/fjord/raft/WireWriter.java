package io.fjord.raft;

import io.fjord.common.Uuid;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Appends the primitive encodings of {@link CommandCodec} to a growing byte array: big-endian fixed-width
 * integers, a {@link Uuid} as two longs, a nullable string as an int32 UTF-8 length (-1 for null) and the
 * bytes, a nullable int array as an int32 count (-1 for null) and the ints. Not thread-safe.
 */
final class WireWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

    WireWriter writeByte(int value) {
        out.write(value);
        return this;
    }

    WireWriter writeBoolean(boolean value) {
        return writeByte(value ? 1 : 0);
    }

    WireWriter writeShort(int value) {
        out.write(value >>> 8);
        out.write(value);
        return this;
    }

    WireWriter writeInt(int value) {
        out.write(value >>> 24);
        out.write(value >>> 16);
        out.write(value >>> 8);
        out.write(value);
        return this;
    }

    WireWriter writeLong(long value) {
        writeInt((int) (value >>> 32));
        return writeInt((int) value);
    }

    WireWriter writeUuid(Uuid uuid) {
        writeLong(uuid.mostSignificantBits());
        return writeLong(uuid.leastSignificantBits());
    }

    WireWriter writeString(String value) {
        if (value == null) {
            return writeInt(-1);
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        writeInt(bytes.length);
        out.writeBytes(bytes);
        return this;
    }

    WireWriter writeBytes(byte[] bytes) {
        writeInt(bytes.length);
        out.writeBytes(bytes);
        return this;
    }

    WireWriter writeIntArray(int[] values) {
        if (values == null) {
            return writeInt(-1);
        }
        writeInt(values.length);
        for (int value : values) {
            writeInt(value);
        }
        return this;
    }

    /** A map of strings to nullable strings, in the map's iteration order. */
    WireWriter writeStringMap(Map<String, String> map) {
        writeInt(map.size());
        for (Map.Entry<String, String> e : map.entrySet()) {
            writeString(e.getKey());
            writeString(e.getValue());
        }
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
