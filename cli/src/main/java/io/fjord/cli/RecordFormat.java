package io.fjord.cli;

import io.fjord.serde.LineCodec;
import io.fjord.serde.SerdeConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The formats of a record key or value on the command line ({@code --key-format}, {@code --value-format}):
 * text to record bytes and back. Numbers use the official client's serializers' big-endian layouts
 * (IntegerSerializer, LongSerializer, FloatSerializer, DoubleSerializer); JSON, Avro and Protobuf go through
 * fjord-serde's {@link LineCodec} in the schema-registry wire format.
 */
enum RecordFormat {
    STRING,
    INT,
    LONG,
    FLOAT,
    DOUBLE,
    JSON,
    AVRO,
    PROTOBUF;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the text of a decoded record is a JSON value (numbers and JSON-like formats). */
    boolean decodesToJson() {
        return this != STRING;
    }

    /** One direction-agnostic converter for one side (key or value) of a record. Thread-safe. */
    interface Codec {
        /** The record bytes of a text; a {@link SerializationException} or {@link NumberFormatException} names why not. */
        byte[] encode(String topic, String text);

        /** The text of record bytes (never null; a null record is "null"). */
        String decode(String topic, byte[] data);
    }

    /**
     * The codec of this format. {@code schema} is required for Avro and Protobuf (and optional for JSON, as a JSON
     * Schema); {@code protoMessage} picks the message type of a .proto (default: its first message).
     */
    Codec codec(Path schema, String protoMessage, boolean isKey) {
        if (schema != null && (this != JSON && this != AVRO && this != PROTOBUF)) {
            throw CliException.usage(
                    "a schema file is only used with the json, avro and protobuf formats, not " + this);
        }
        if (schema != null && !Files.isReadable(schema)) {
            throw CliException.usage("schema file " + schema + ": cannot read it (no such file?)");
        }
        return switch (this) {
            case STRING ->
                new Codec() {
                    @Override
                    public byte[] encode(String topic, String text) {
                        return text.getBytes(StandardCharsets.UTF_8);
                    }

                    @Override
                    public String decode(String topic, byte[] data) {
                        return data == null ? "null" : new String(data, StandardCharsets.UTF_8);
                    }
                };
            case INT -> numeric(4, s -> ByteBuffer.allocate(4).putInt(Integer.parseInt(s.trim())), b -> b.getInt());
            case LONG -> numeric(8, s -> ByteBuffer.allocate(8).putLong(Long.parseLong(s.trim())), b -> b.getLong());
            case FLOAT -> numeric(4, s -> ByteBuffer.allocate(4).putFloat(parseFloat(s)), b -> b.getFloat());
            case DOUBLE -> numeric(8, s -> ByteBuffer.allocate(8).putDouble(parseDouble(s)), b -> b.getDouble());
            case JSON -> lines(LineCodec.json(configs(schema, protoMessage), isKey));
            case AVRO -> lines(LineCodec.avro(configs(requireSchema(schema), protoMessage), isKey));
            case PROTOBUF -> lines(LineCodec.protobuf(configs(requireSchema(schema), protoMessage), isKey));
        };
    }

    private Path requireSchema(Path schema) {
        if (schema == null) {
            throw CliException.usage("the " + this + " format needs a schema file (--schema FILE, --key-schema FILE)");
        }
        return schema;
    }

    private static Map<String, Object> configs(Path schema, String protoMessage) {
        Map<String, Object> configs = new HashMap<>();
        if (schema != null) {
            configs.put(SerdeConfig.SCHEMA_FILE, schema.toString());
        }
        if (protoMessage != null) {
            configs.put(SerdeConfig.PROTOBUF_MESSAGE, protoMessage);
        }
        return configs;
    }

    private static float parseFloat(String s) {
        float f = Float.parseFloat(s.trim());
        if (!Float.isFinite(f) && !s.trim().matches("[+-]?(Infinity|NaN)")) {
            throw new NumberFormatException("out of range for a float: " + s);
        }
        return f;
    }

    private static double parseDouble(String s) {
        return Double.parseDouble(s.trim());
    }

    private Codec numeric(
            int size,
            java.util.function.Function<String, ByteBuffer> writer,
            java.util.function.Function<ByteBuffer, Number> reader) {
        RecordFormat format = this;
        return new Codec() {
            @Override
            public byte[] encode(String topic, String text) {
                try {
                    return writer.apply(text).array();
                } catch (NumberFormatException e) {
                    throw new SerializationException("not " + article(format) + ": \"" + text + "\"");
                }
            }

            @Override
            public String decode(String topic, byte[] data) {
                if (data == null) {
                    return "null";
                }
                if (data.length != size) {
                    throw new SerializationException(
                            "expected " + size + " bytes for " + article(format) + ", found " + data.length);
                }
                return String.valueOf(reader.apply(ByteBuffer.wrap(data)));
            }
        };
    }

    private static String article(RecordFormat f) {
        return (f == INT ? "an " : "a ") + f;
    }

    private static Codec lines(LineCodec codec) {
        return new Codec() {
            @Override
            public byte[] encode(String topic, String text) {
                return codec.fromLine(topic, text);
            }

            @Override
            public String decode(String topic, byte[] data) {
                return codec.toLine(topic, data);
            }
        };
    }
}
