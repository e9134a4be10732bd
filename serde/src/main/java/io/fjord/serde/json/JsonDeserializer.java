package io.fjord.serde.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.fjord.serde.JsonText;
import io.fjord.serde.SerdeConfig;
import io.fjord.serde.WireFormat;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Reads JSON records, with or without the {@link WireFormat} header, into a {@link JsonNode} or the class named
 * by {@link SerdeConfig#JSON_TYPE}. The header is recognised by its first byte: 0x00 never starts JSON text.
 * With a configured schema every value is validated before it is returned. Thread-safe after
 * {@link #configure}.
 */
public class JsonDeserializer<T> implements org.apache.kafka.common.serialization.Deserializer<T> {
    private JsonSchemaValidator validator;
    private Class<?> type = JsonNode.class;

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        SerdeConfig config = new SerdeConfig(configs, isKey);
        SerdeConfig.SchemaText schema = config.schemaText();
        this.validator = schema == null ? null : JsonSchemaValidator.parse(schema.text(), schema.origin());
        Class<?> configured = config.type(SerdeConfig.JSON_TYPE);
        this.type = configured == null ? JsonNode.class : configured;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        JsonNode node;
        if (data.length > 0 && data[0] == WireFormat.MAGIC) {
            WireFormat.Framed framed = WireFormat.read(data);
            node = JsonText.parse(data, WireFormat.HEADER_BYTES, framed.rest().remaining());
        } else {
            node = JsonText.parse(data, 0, data.length);
        }
        if (validator != null) {
            validator.validate(node);
        }
        if (type == JsonNode.class) {
            return (T) node;
        }
        try {
            return (T) JsonText.MAPPER.treeToValue(node, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SerializationException("cannot bind JSON to " + type.getName() + ": " + JsonText.describe(e), e);
        }
    }
}
