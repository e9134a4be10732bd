package io.fjord.serde;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The framing that Confluent-compatible schema registries define for record keys and values. Stateless.
 *
 * <table>
 *   <caption>Layout</caption>
 *   <tr><th>offset</th><th>size</th><th>field</th></tr>
 *   <tr><td>0 ({@link #MAGIC_OFFSET})</td><td>1</td><td>magic byte, always {@link #MAGIC} (0)</td></tr>
 *   <tr><td>1 ({@link #SCHEMA_ID_OFFSET})</td><td>4</td><td>schema id, int32 big-endian</td></tr>
 *   <tr><td>5 ({@link #HEADER_BYTES})</td><td>varies</td><td>Protobuf only: message indexes, see below</td></tr>
 *   <tr><td>after</td><td>rest</td><td>payload: JSON text, Avro binary, or Protobuf binary</td></tr>
 * </table>
 *
 * <p>Message indexes locate the message type in its .proto file: the index of the top-level message, then of
 * each nested message down to the one written. They are a count followed by the indexes, every number a
 * zig-zag varint (Kafka's {@code ByteUtils.writeVarint}). The common case, the first top-level message
 * ({@code [0]}), is written as the single byte {@code 0x00} (a count of zero).
 */
public final class WireFormat {
    public static final byte MAGIC = 0;
    public static final int MAGIC_OFFSET = 0;
    public static final int SCHEMA_ID_OFFSET = 1;
    public static final int HEADER_BYTES = 5;

    private WireFormat() {}

    /** Writes the magic byte and the schema id. */
    public static void writeHeader(ByteArrayOutputStream out, int schemaId) {
        out.write(MAGIC);
        out.write(schemaId >>> 24);
        out.write(schemaId >>> 16);
        out.write(schemaId >>> 8);
        out.write(schemaId);
    }

    /**
     * Checks the header of {@code data} and returns the schema id and the bytes after the header.
     *
     * @throws SerializationException if data is shorter than the header or the magic byte is not 0
     */
    public static Framed read(byte[] data) {
        if (data.length < HEADER_BYTES) {
            throw new SerializationException(
                    "record too short for the schema header: " + data.length + " bytes, need at least " + HEADER_BYTES);
        }
        if (data[MAGIC_OFFSET] != MAGIC) {
            throw new SerializationException(String.format(
                    "unknown magic byte 0x%02x (expected 0x00): not written in the schema-registry wire format",
                    data[MAGIC_OFFSET] & 0xff));
        }
        ByteBuffer buffer = ByteBuffer.wrap(data);
        int schemaId = buffer.getInt(SCHEMA_ID_OFFSET);
        buffer.position(HEADER_BYTES);
        return new Framed(schemaId, buffer.slice());
    }

    /** Writes Protobuf message indexes, {@code [0]} as the single byte 0. */
    public static void writeMessageIndexes(ByteArrayOutputStream out, int[] indexes) {
        if (indexes.length == 1 && indexes[0] == 0) {
            writeVarint(out, 0);
            return;
        }
        writeVarint(out, indexes.length);
        for (int index : indexes) {
            writeVarint(out, index);
        }
    }

    /**
     * Reads Protobuf message indexes from {@code in}, advancing it. The count is checked against the bytes
     * present (each index takes at least one) before anything is allocated.
     */
    public static int[] readMessageIndexes(ByteBuffer in) {
        int count = readVarint(in);
        if (count == 0) {
            return new int[] {0};
        }
        if (count < 0 || count > in.remaining()) {
            throw new SerializationException(
                    "invalid message index count " + count + " with " + in.remaining() + " bytes left");
        }
        int[] indexes = new int[count];
        for (int i = 0; i < count; i++) {
            indexes[i] = readVarint(in);
            if (indexes[i] < 0) {
                throw new SerializationException("invalid negative message index " + indexes[i]);
            }
        }
        return indexes;
    }

    static void writeVarint(ByteArrayOutputStream out, int value) {
        int v = (value << 1) ^ (value >> 31);
        while ((v & 0xffffff80) != 0) {
            out.write((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }

    static int readVarint(ByteBuffer in) {
        int raw = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (!in.hasRemaining()) {
                throw new SerializationException("truncated message indexes");
            }
            byte b = in.get();
            raw |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new SerializationException("varint in message indexes is longer than 5 bytes");
    }

    /** A record's schema id and its bytes after the 5-byte header (a view, not a copy). */
    public record Framed(int schemaId, ByteBuffer rest) {}
}
