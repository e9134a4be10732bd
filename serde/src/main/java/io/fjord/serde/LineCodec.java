package io.fjord.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Message;
import io.fjord.serde.avro.AvroDeserializer;
import io.fjord.serde.avro.AvroJson;
import io.fjord.serde.avro.AvroSerializer;
import io.fjord.serde.json.JsonDeserializer;
import io.fjord.serde.json.JsonSerializer;
import io.fjord.serde.protobuf.ProtobufDeserializer;
import io.fjord.serde.protobuf.ProtobufJson;
import io.fjord.serde.protobuf.ProtobufSerializer;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;

/**
 * One JSON text line to record bytes and back, for a format: what {@code fjord produce --value-format avro
 * --schema FILE} and {@code fjord consume} do per line. Built from the same configs as the serializers
 * ({@link SerdeConfig}); a format that needs a schema fails at construction with a {@link SchemaException}
 * when none is configured. Errors are {@code SerializationException}s whose one-line message names the field,
 * ready to be printed after "line N: ". Thread-safe.
 */
public final class LineCodec {
    private final BiFunction<String, String, byte[]> encoder;
    private final BiFunction<String, byte[], String> decoder;

    private LineCodec(BiFunction<String, String, byte[]> encoder, BiFunction<String, byte[], String> decoder) {
        this.encoder = encoder;
        this.decoder = decoder;
    }

    /** JSON lines as JSON records (header only with a schema), validated when a JSON Schema is configured. */
    public static LineCodec json(Map<String, ?> configs, boolean isKey) {
        JsonSerializer<JsonNode> serializer = new JsonSerializer<>();
        serializer.configure(configs, isKey);
        JsonDeserializer<JsonNode> deserializer = new JsonDeserializer<>();
        deserializer.configure(without(configs, SerdeConfig.JSON_TYPE), isKey);
        return new LineCodec(
                (topic, line) -> serializer.serialize(topic, JsonText.parse(line)),
                (topic, data) -> JsonText.write(deserializer.deserialize(topic, data)));
    }

    /** JSON lines as Avro records of the configured schema (required). */
    public static LineCodec avro(Map<String, ?> configs, boolean isKey) {
        AvroSerializer serializer = new AvroSerializer();
        serializer.configure(configs, isKey);
        Schema schema = requireSchema(serializer.configuredSchema(), "Avro");
        AvroDeserializer deserializer = new AvroDeserializer();
        deserializer.configure(without(configs, SerdeConfig.SPECIFIC_AVRO_READER), isKey);
        return new LineCodec(
                (topic, line) -> serializer.serialize(topic, AvroJson.fromJson(line, schema)), (topic, data) -> {
                    Object datum = deserializer.deserialize(topic, data);
                    return AvroJson.toJson(datum, datum instanceof GenericContainer c ? c.getSchema() : schema);
                });
    }

    /** JSON lines as Protobuf messages of {@link SerdeConfig#PROTOBUF_MESSAGE} in the configured .proto (required). */
    public static LineCodec protobuf(Map<String, ?> configs, boolean isKey) {
        ProtobufSerializer<Message> serializer = new ProtobufSerializer<>();
        serializer.configure(configs, isKey);
        requireSchema(serializer.configuredSchema(), "Protobuf");
        ProtobufDeserializer<Message> deserializer = new ProtobufDeserializer<>();
        deserializer.configure(without(configs, SerdeConfig.PROTOBUF_TYPE), isKey);
        return new LineCodec(
                (topic, line) ->
                        serializer.serialize(topic, ProtobufJson.fromJson(line, serializer.configuredMessageType())),
                (topic, data) -> {
                    Message message = deserializer.deserialize(topic, data);
                    return message == null ? "null" : ProtobufJson.toJson(message);
                });
    }

    /** The record bytes for one JSON text line. */
    public byte[] fromLine(String topic, String line) {
        return encoder.apply(topic, line);
    }

    /** The JSON text (one line) of a record's bytes; "null" for a null record. */
    public String toLine(String topic, byte[] data) {
        return data == null ? "null" : decoder.apply(topic, data);
    }

    private static <S> S requireSchema(S schema, String format) {
        if (schema == null) {
            throw new SchemaException(
                    format + " needs a schema: set " + SerdeConfig.SCHEMA_FILE + " (or " + SerdeConfig.SCHEMA + ")");
        }
        return schema;
    }

    private static Map<String, ?> without(Map<String, ?> configs, String name) {
        Map<String, Object> copy = new java.util.HashMap<>(configs);
        copy.remove(name);
        copy.remove("key." + name);
        copy.remove("value." + name);
        return copy;
    }
}
