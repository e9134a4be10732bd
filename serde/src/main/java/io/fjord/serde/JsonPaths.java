package io.fjord.serde;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Error messages for converting JSON to a schema'd record, naming the field by its dotted path
 * ({@code field 'address.zip': expected int, found string "x"}), shared by the Avro and Protobuf
 * converters. Stateless.
 */
public final class JsonPaths {

    private static final int MAX_SHOWN_CHARS = 40;

    private JsonPaths() {}

    /** The path of {@code name} inside {@code path} ("" is the top-level value). */
    public static String child(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    public static SerializationException mismatch(String path, String expected, JsonNode found) {
        return error(path, "expected " + expected + ", found " + describe(found));
    }

    public static SerializationException error(String path, String problem) {
        return new SerializationException((path.isEmpty() ? "value" : "field '" + path + "'") + ": " + problem);
    }

    /** The JSON type of {@code node} and, for a scalar, its text (cut at 40 characters). */
    public static String describe(JsonNode node) {
        String type = node.isTextual()
                ? "string"
                : node.isIntegralNumber()
                        ? "integer"
                        : node.isNumber() ? "number" : node.getNodeType().name().toLowerCase(Locale.ROOT);
        if (node.isContainerNode()) {
            return type;
        }
        String text = node.toString();
        return type + " " + (text.length() > MAX_SHOWN_CHARS ? text.substring(0, MAX_SHOWN_CHARS) + "..." : text);
    }
}
