package io.fjord.coordinator.record;

import io.fjord.common.Uuid;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes the primitive fields of the coordinator's record format (big-endian, like the Kafka protocol):
 * int8/int16/int32/int64, a string as int16 length + UTF-8 (-1 = null), bytes as int32 length + bytes
 * (-1 = null), a uuid as two int64. Not thread-safe; one writer per record.
 */
public final class RecordWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

    public RecordWriter writeByte(int v) {
        out.write(v);
        return this;
    }

    public RecordWriter writeShort(int v) {
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    public RecordWriter writeInt(int v) {
        writeShort(v >>> 16);
        return writeShort(v);
    }

    public RecordWriter writeLong(long v) {
        writeInt((int) (v >>> 32));
        return writeInt((int) v);
    }

    public RecordWriter writeUuid(Uuid id) {
        writeLong(id.mostSignificantBits());
        return writeLong(id.leastSignificantBits());
    }

    public RecordWriter writeString(String s) {
        if (s == null) {
            return writeShort(-1);
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > Short.MAX_VALUE) {
            throw new IllegalArgumentException("string of " + bytes.length + " bytes is longer than 32767");
        }
        writeShort(bytes.length);
        out.writeBytes(bytes);
        return this;
    }

    public RecordWriter writeBytes(byte[] bytes) {
        if (bytes == null) {
            return writeInt(-1);
        }
        writeInt(bytes.length);
        out.writeBytes(bytes);
        return this;
    }

    /** Appends bytes as they are, without a length. */
    public RecordWriter writeBytesRaw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
