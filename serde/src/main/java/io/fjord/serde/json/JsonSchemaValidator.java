package io.fjord.serde.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.SpecVersionDetector;
import com.networknt.schema.ValidationMessage;
import io.fjord.serde.JsonText;
import io.fjord.serde.SchemaException;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A compiled JSON Schema (draft 4 to 2020-12, chosen by the schema's {@code $schema}, default 2020-12), backed
 * by networknt's json-schema-validator. Immutable and thread-safe once built.
 */
public final class JsonSchemaValidator {
    private static final int MAX_REPORTED_ERRORS = 5;

    private final JsonSchema schema;
    private final String text;

    private JsonSchemaValidator(JsonSchema schema, String text) {
        this.schema = schema;
        this.text = text;
    }

    /**
     * Compiles a schema.
     *
     * @param origin where the text came from, for the message of a {@link SchemaException}
     */
    public static JsonSchemaValidator parse(String text, String origin) {
        JsonNode node;
        try {
            node = JsonText.parse(text);
        } catch (SerializationException e) {
            throw new SchemaException(origin + ": " + e.getMessage(), e);
        }
        if (!node.isObject() && !node.isBoolean()) {
            throw new SchemaException(origin + ": a JSON Schema must be an object or a boolean, found "
                    + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        try {
            SpecVersion.VersionFlag version = node.isObject()
                    ? SpecVersionDetector.detectOptionalVersion(node, false).orElse(SpecVersion.VersionFlag.V202012)
                    : SpecVersion.VersionFlag.V202012;
            JsonSchema schema = JsonSchemaFactory.getInstance(version).getSchema(node);
            schema.initializeValidators();
            return new JsonSchemaValidator(schema, text);
        } catch (RuntimeException e) {
            throw new SchemaException(origin + ": invalid JSON Schema: " + e.getMessage(), e);
        }
    }

    public String text() {
        return text;
    }

    /**
     * Validates a value.
     *
     * @throws SerializationException naming the failing paths, e.g. "$.age: string found, integer expected"
     */
    public void validate(JsonNode value) {
        Set<ValidationMessage> errors = schema.validate(value);
        if (errors.isEmpty()) {
            return;
        }
        String listed = errors.stream()
                .map(ValidationMessage::getMessage)
                .sorted()
                .limit(MAX_REPORTED_ERRORS)
                .collect(Collectors.joining("; "));
        String more =
                errors.size() > MAX_REPORTED_ERRORS ? " (and " + (errors.size() - MAX_REPORTED_ERRORS) + " more)" : "";
        throw new SerializationException("JSON does not match the schema: " + listed + more);
    }
}
