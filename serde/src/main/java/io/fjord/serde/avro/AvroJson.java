package io.fjord.serde.avro;

import static io.fjord.serde.JsonPaths.child;
import static io.fjord.serde.JsonPaths.describe;
import static io.fjord.serde.JsonPaths.error;
import static io.fjord.serde.JsonPaths.mismatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fjord.serde.JsonText;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Converts between plain JSON (one line per record, as the CLI reads and prints) and Avro generic data.
 *
 * <p>The JSON is the natural one, not Avro's JSON encoding: a union value is written as itself (the first
 * branch that accepts it wins; Avro's {@code {"type": value}} wrapper is also accepted on input), bytes and
 * fixed are base64, enums are their symbol, logical types are their underlying type (e.g. timestamp-millis is
 * a long). A missing field takes its default, or null when its type admits null. Unknown fields are errors.
 * Every error names the field path, e.g. {@code field 'address.zip': expected int, found string "x"}.
 * Stateless and thread-safe.
 */
public final class AvroJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AvroJson() {}

    /** Parses one JSON text and converts it to data of {@code schema} (a GenericRecord for a record schema). */
    public static Object fromJson(String json, Schema schema) {
        return fromJson(JsonText.parse(json), schema);
    }

    public static Object fromJson(JsonNode node, Schema schema) {
        return convert(node, schema, "");
    }

    /** The JSON text (one line) of Avro data of {@code schema}, generic or specific. */
    public static String toJson(Object datum, Schema schema) {
        return JsonText.write(toJsonNode(datum, schema));
    }

    private static Object convert(JsonNode node, Schema schema, String path) {
        switch (schema.getType()) {
            case NULL:
                if (!node.isNull()) {
                    throw mismatch(path, "null", node);
                }
                return null;
            case BOOLEAN:
                if (!node.isBoolean()) {
                    throw mismatch(path, "boolean", node);
                }
                return node.booleanValue();
            case INT:
                if (!node.isIntegralNumber()) {
                    throw mismatch(path, "int", node);
                }
                if (!node.canConvertToInt()) {
                    throw error(path, "value " + node + " is out of range for int");
                }
                return node.intValue();
            case LONG:
                if (!node.isIntegralNumber()) {
                    throw mismatch(path, "long", node);
                }
                if (!node.canConvertToLong()) {
                    throw error(path, "value " + node + " is out of range for long");
                }
                return node.longValue();
            case FLOAT:
                return (float) floating(node, path, "float");
            case DOUBLE:
                return floating(node, path, "double");
            case STRING:
                if (!node.isTextual()) {
                    throw mismatch(path, "string", node);
                }
                return node.textValue();
            case BYTES:
                return ByteBuffer.wrap(base64(node, path, "bytes"));
            case FIXED:
                return fixed(node, schema, path);
            case ENUM:
                if (!node.isTextual() || !schema.hasEnumSymbol(node.textValue())) {
                    throw error(
                            path,
                            "expected one of the symbols " + schema.getEnumSymbols() + " of enum "
                                    + schema.getFullName() + ", found " + describe(node));
                }
                return new GenericData.EnumSymbol(schema, node.textValue());
            case ARRAY:
                return array(node, schema, path);
            case MAP:
                return map(node, schema, path);
            case RECORD:
                return record(node, schema, path);
            case UNION:
                return union(node, schema, path);
            default:
                throw error(path, "unsupported Avro type " + schema.getType());
        }
    }

    private static double floating(JsonNode node, String path, String type) {
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            switch (node.textValue()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
            }
        }
        throw mismatch(path, type, node);
    }

    private static byte[] base64(JsonNode node, String path, String type) {
        if (!node.isTextual()) {
            throw mismatch(path, type + " (base64 text)", node);
        }
        try {
            return Base64.getDecoder().decode(node.textValue());
        } catch (IllegalArgumentException e) {
            throw error(path, "expected base64 text for " + type + ": " + e.getMessage());
        }
    }

    private static Object fixed(JsonNode node, Schema schema, String path) {
        byte[] bytes = base64(node, path, "fixed");
        if (bytes.length != schema.getFixedSize()) {
            throw error(
                    path,
                    "fixed " + schema.getFullName() + " needs " + schema.getFixedSize() + " bytes, found "
                            + bytes.length);
        }
        return new GenericData.Fixed(schema, bytes);
    }

    private static Object array(JsonNode node, Schema schema, String path) {
        if (!node.isArray()) {
            throw mismatch(path, "array", node);
        }
        GenericData.Array<Object> array = new GenericData.Array<>(node.size(), schema);
        for (int i = 0; i < node.size(); i++) {
            array.add(convert(node.get(i), schema.getElementType(), path + "[" + i + "]"));
        }
        return array;
    }

    private static Object map(JsonNode node, Schema schema, String path) {
        if (!node.isObject()) {
            throw mismatch(path, "map (object)", node);
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            map.put(entry.getKey(), convert(entry.getValue(), schema.getValueType(), child(path, entry.getKey())));
        }
        return map;
    }

    private static Object record(JsonNode node, Schema schema, String path) {
        if (!node.isObject()) {
            throw mismatch(path, "record " + schema.getFullName() + " (object)", node);
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (schema.getField(name) == null) {
                throw error(child(path, name), "not a field of record " + schema.getFullName());
            }
        }
        GenericData.Record record = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
            String fieldPath = child(path, field.name());
            JsonNode value = node.get(field.name());
            if (value != null) {
                record.put(field.pos(), convert(value, field.schema(), fieldPath));
            } else if (field.hasDefaultValue()) {
                record.put(
                        field.pos(),
                        GenericData.get()
                                .deepCopy(field.schema(), GenericData.get().getDefaultValue(field)));
            } else if (admitsNull(field.schema())) {
                record.put(field.pos(), null);
            } else {
                throw error(fieldPath, "missing (required " + typeName(field.schema()) + ", no default)");
            }
        }
        return record;
    }

    private static Object union(JsonNode node, Schema schema, String path) {
        List<Schema> branches = schema.getTypes();
        if (node.isNull() && admitsNull(schema)) {
            return null;
        }
        if (node.isObject() && node.size() == 1) {
            String key = node.fieldNames().next();
            for (Schema branch : branches) {
                if (branch.getFullName().equals(key) || branch.getName().equals(key)) {
                    if (branch.getType() != Schema.Type.RECORD || branch.getField(key) == null) {
                        return convert(node.get(key), branch, path);
                    }
                }
            }
        }
        List<String> problems = new ArrayList<>();
        for (Schema branch : branches) {
            if (branch.getType() == Schema.Type.NULL) {
                continue;
            }
            try {
                return convert(node, branch, path);
            } catch (SerializationException e) {
                problems.add(e.getMessage());
            }
        }
        if (problems.size() == 1) {
            throw new SerializationException(problems.get(0));
        }
        List<String> names = new ArrayList<>();
        branches.forEach(b -> names.add(typeName(b)));
        throw error(path, "expected one of " + names + ", found " + describe(node));
    }

    static JsonNode toJsonNode(Object datum, Schema schema) {
        switch (schema.getType()) {
            case NULL:
                return NODES.nullNode();
            case BOOLEAN:
                return NODES.booleanNode((Boolean) datum);
            case INT:
                return NODES.numberNode(((Number) datum).intValue());
            case LONG:
                return NODES.numberNode(((Number) datum).longValue());
            case FLOAT:
            case DOUBLE:
                double d = ((Number) datum).doubleValue();
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    return NODES.textNode(Double.toString(d));
                }
                return schema.getType() == Schema.Type.FLOAT
                        ? NODES.numberNode(((Number) datum).floatValue())
                        : NODES.numberNode(d);
            case STRING:
            case ENUM:
                return NODES.textNode(datum.toString());
            case BYTES:
                ByteBuffer buffer = ((ByteBuffer) datum).duplicate();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
            case FIXED:
                return NODES.textNode(Base64.getEncoder().encodeToString(((GenericFixed) datum).bytes()));
            case ARRAY:
                ArrayNode array = NODES.arrayNode();
                for (Object element : (Iterable<?>) datum) {
                    array.add(toJsonNode(element, schema.getElementType()));
                }
                return array;
            case MAP:
                ObjectNode map = NODES.objectNode();
                for (Map.Entry<?, ?> entry : ((Map<?, ?>) datum).entrySet()) {
                    map.set(entry.getKey().toString(), toJsonNode(entry.getValue(), schema.getValueType()));
                }
                return map;
            case RECORD:
                ObjectNode record = NODES.objectNode();
                IndexedRecord indexed = (IndexedRecord) datum;
                for (Schema.Field field : schema.getFields()) {
                    record.set(field.name(), toJsonNode(indexed.get(field.pos()), field.schema()));
                }
                return record;
            case UNION:
                int branch = GenericData.get().resolveUnion(schema, datum);
                return toJsonNode(datum, schema.getTypes().get(branch));
            default:
                throw new SerializationException("unsupported Avro type " + schema.getType());
        }
    }

    private static boolean admitsNull(Schema schema) {
        return schema.getType() == Schema.Type.NULL
                || (schema.getType() == Schema.Type.UNION
                        && schema.getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.NULL));
    }

    private static String typeName(Schema schema) {
        switch (schema.getType()) {
            case RECORD:
            case ENUM:
            case FIXED:
                return schema.getFullName();
            case UNION:
                List<String> names = new ArrayList<>();
                schema.getTypes().forEach(b -> names.add(typeName(b)));
                return String.join("|", names);
            default:
                return schema.getType().getName();
        }
    }
}
