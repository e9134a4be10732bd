package io.fjord.serde.avro;

import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Walks Avro binary data against its writer schema without allocating, checking every declared length and
 * count against the bytes actually present. Avro's own decoder allocates a string, bytes or array by its
 * declared length before reading it, so a corrupt or hostile length (say 2^30) would exhaust the heap; the
 * deserializer runs this walk first. Stateless.
 */
final class AvroBinaryBounds {
    /** Zero-byte items (nulls, empty records) cost nothing on the wire; bound how many one block may claim. */
    static final long MAX_ZERO_SIZE_ITEMS = 1 << 20;

    private static final int MAX_DEPTH = 512;

    private AvroBinaryBounds() {}

    /** Checks {@code in} (consumed) holds exactly one datum of {@code schema}. */
    static void check(Schema schema, ByteBuffer in) {
        walk(schema, in, 0);
        if (in.hasRemaining()) {
            throw new SerializationException("Avro data of schema " + schema.getFullName() + " has " + in.remaining()
                    + " trailing bytes after the value (corrupt, or written with another schema)");
        }
    }

    private static void walk(Schema schema, ByteBuffer in, int depth) {
        if (depth > MAX_DEPTH) {
            throw new SerializationException("Avro data nested deeper than " + MAX_DEPTH);
        }
        switch (schema.getType()) {
            case NULL -> {}
            case BOOLEAN -> skip(in, 1);
            case INT, LONG -> readLong(in);
            case FLOAT -> skip(in, 4);
            case DOUBLE -> skip(in, 8);
            case STRING, BYTES -> skip(in, length(in, schema.getType().getName()));
            case FIXED -> skip(in, schema.getFixedSize());
            case ENUM -> index(in, schema.getEnumSymbols().size(), "enum " + schema.getFullName());
            case ARRAY -> blocks(in, schema.getElementType(), null, depth);
            case MAP -> blocks(in, schema.getValueType(), Schema.create(Schema.Type.STRING), depth);
            case UNION -> walk(schema.getTypes().get(index(in, schema.getTypes().size(), "union")), in, depth + 1);
            case RECORD -> {
                for (Schema.Field field : schema.getFields()) {
                    walk(field.schema(), in, depth + 1);
                }
            }
            default -> throw new SerializationException("unsupported Avro type " + schema.getType());
        }
    }

    private static void blocks(ByteBuffer in, Schema item, Schema key, int depth) {
        while (true) {
            long count = readLong(in);
            if (count == 0) {
                return;
            }
            if (count < 0) {
                count = -count;
                length(in, "block");
            }
            boolean zeroSize = key == null && minBytes(item, 0) == 0;
            long limit = zeroSize ? MAX_ZERO_SIZE_ITEMS : in.remaining();
            if (count > limit) {
                throw new SerializationException(
                        "Avro block claims " + count + " items with " + in.remaining() + " bytes left (corrupt data)");
            }
            for (long i = 0; i < count; i++) {
                if (key != null) {
                    walk(key, in, depth + 1);
                }
                walk(item, in, depth + 1);
            }
        }
    }

    /** The fewest bytes a datum of {@code schema} takes (0 or at least 1 is all that matters here). */
    private static int minBytes(Schema schema, int depth) {
        return switch (schema.getType()) {
            case NULL -> 0;
            case FIXED -> schema.getFixedSize();
            case RECORD -> {
                if (depth > 8) {
                    yield 1;
                }
                int sum = 0;
                for (Schema.Field f : schema.getFields()) {
                    sum += minBytes(f.schema(), depth + 1);
                }
                yield sum;
            }
            default -> 1;
        };
    }

    private static int index(ByteBuffer in, int size, String what) {
        long index = readLong(in);
        if (index < 0 || index >= size) {
            throw new SerializationException("invalid " + what + " index " + index + " (corrupt data)");
        }
        return (int) index;
    }

    private static int length(ByteBuffer in, String what) {
        long length = readLong(in);
        if (length < 0 || length > in.remaining()) {
            throw new SerializationException(
                    "Avro " + what + " length " + length + " with " + in.remaining() + " bytes left (corrupt data)");
        }
        return (int) length;
    }

    private static void skip(ByteBuffer in, int bytes) {
        if (bytes > in.remaining()) {
            throw new SerializationException("Avro data truncated");
        }
        in.position(in.position() + bytes);
    }

    private static long readLong(ByteBuffer in) {
        long raw = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (!in.hasRemaining()) {
                throw new SerializationException("Avro data truncated");
            }
            byte b = in.get();
            raw |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new SerializationException("invalid varint in Avro data (corrupt data)");
    }
}
