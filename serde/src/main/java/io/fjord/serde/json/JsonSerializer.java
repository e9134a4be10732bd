package io.fjord.serde.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fjord.serde.ConfiguredSchemaSource;
import io.fjord.serde.JsonText;
import io.fjord.serde.SchemaSource;
import io.fjord.serde.SchemaType;
import io.fjord.serde.SerdeConfig;
import io.fjord.serde.WireFormat;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes any object (through Jackson) or {@link JsonNode} as JSON text, optionally validated against a JSON
 * Schema from {@link SerdeConfig#SCHEMA} / {@link SerdeConfig#SCHEMA_FILE}.
 *
 * <p>With a schema the record starts with the {@link WireFormat} header (magic 0 and the schema id); without
 * one it is plain JSON text, as most JSON consumers expect. {@link SerdeConfig#JSON_HEADER} overrides this.
 * Thread-safe after {@link #configure}.
 */
public class JsonSerializer<T> implements Serializer<T> {
    private JsonSchemaValidator validator;
    /** Until configure(): no schema, id 0, as after configure() with an empty map. */
    private SchemaSource schemaSource = new ConfiguredSchemaSource(SerdeConfig.DEFAULT_SCHEMA_ID, null, "no schema");

    private boolean writeHeader;
    private boolean isKey;

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        SerdeConfig config = new SerdeConfig(configs, isKey);
        SerdeConfig.SchemaText schema = config.schemaText();
        this.validator = schema == null ? null : JsonSchemaValidator.parse(schema.text(), schema.origin());
        this.schemaSource = config.schemaSource(configs, schema);
        Boolean header = config.bool(SerdeConfig.JSON_HEADER);
        this.writeHeader = header != null ? header : validator != null;
        this.isKey = isKey;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        JsonNode node = data instanceof JsonNode n ? n : toTree(data);
        if (validator != null) {
            validator.validate(node);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (writeHeader) {
            int id =
                    schemaSource.idForWrite(topic, isKey, SchemaType.JSON, validator == null ? null : validator.text());
            WireFormat.writeHeader(out, id);
        }
        try {
            JsonText.MAPPER.writeValue(out, node);
        } catch (java.io.IOException e) {
            throw new SerializationException("cannot write JSON: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private static JsonNode toTree(Object data) {
        try {
            return JsonText.MAPPER.valueToTree(data);
        } catch (IllegalArgumentException e) {
            Throwable cause = e.getCause() instanceof JsonProcessingException j ? j : e;
            throw new SerializationException(
                    "cannot convert " + data.getClass().getName() + " to JSON: "
                            + (cause instanceof JsonProcessingException j ? JsonText.describe(j) : e.getMessage()),
                    e);
        }
    }
}
