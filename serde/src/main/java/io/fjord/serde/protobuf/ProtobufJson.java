package io.fjord.serde.protobuf;

import static io.fjord.serde.JsonPaths.child;
import static io.fjord.serde.JsonPaths.describe;
import static io.fjord.serde.JsonPaths.error;
import static io.fjord.serde.JsonPaths.mismatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.MapEntry;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import io.fjord.serde.JsonText;
import java.math.BigInteger;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Converts between plain JSON (one line per record, as the CLI reads and prints) and Protobuf messages.
 *
 * <p>Fields are matched by their .proto name or their JSON name (lowerCamelCase) and written with their .proto
 * name. Close to protobuf's canonical JSON mapping: enums by name (numbers accepted), bytes base64, maps as
 * objects, 64-bit integers as numbers or numeric strings on input. Differences: 64-bit integers are written as
 * JSON numbers, and well-known types (Timestamp, Struct, wrappers...) are plain messages, not their special JSON
 * forms. Only fields that are set are written. JSON null leaves a field unset. Unknown fields are errors. Every
 * error names the field path, e.g. {@code field 'address.zip': expected int32, found string "x"}. Stateless
 * and thread-safe.
 */
public final class ProtobufJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private ProtobufJson() {}

    /** Parses one JSON text into a message of type {@code type}. */
    public static DynamicMessage fromJson(String json, Descriptor type) {
        return fromJson(JsonText.parse(json), type);
    }

    public static DynamicMessage fromJson(JsonNode node, Descriptor type) {
        return message(node, type, "");
    }

    /** The JSON text (one line) of a message, generated or dynamic. */
    public static String toJson(MessageOrBuilder message) {
        return JsonText.write(toJsonNode(message));
    }

    private static DynamicMessage message(JsonNode node, Descriptor type, String path) {
        if (!node.isObject()) {
            throw mismatch(path, "message " + type.getFullName() + " (object)", node);
        }
        DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String fieldPath = child(path, entry.getKey());
            FieldDescriptor field = field(type, entry.getKey());
            if (field == null) {
                throw error(fieldPath, "not a field of message " + type.getFullName());
            }
            JsonNode value = entry.getValue();
            if (value.isNull()) {
                continue;
            }
            if (field.getRealContainingOneof() != null) {
                FieldDescriptor other = builder.getOneofFieldDescriptor(field.getRealContainingOneof());
                if (other != null) {
                    throw error(
                            fieldPath,
                            "oneof " + field.getRealContainingOneof().getName() + " already has field "
                                    + other.getName());
                }
            }
            if (field.isMapField()) {
                map(builder, field, value, fieldPath);
            } else if (field.isRepeated()) {
                if (!value.isArray()) {
                    throw mismatch(fieldPath, "array", value);
                }
                for (int i = 0; i < value.size(); i++) {
                    builder.addRepeatedField(field, single(value.get(i), field, fieldPath + "[" + i + "]"));
                }
            } else {
                builder.setField(field, single(value, field, fieldPath));
            }
        }
        return builder.build();
    }

    private static FieldDescriptor field(Descriptor type, String name) {
        FieldDescriptor field = type.findFieldByName(name);
        if (field != null) {
            return field;
        }
        for (FieldDescriptor f : type.getFields()) {
            if (f.getJsonName().equals(name)) {
                return f;
            }
        }
        return null;
    }

    private static void map(DynamicMessage.Builder builder, FieldDescriptor field, JsonNode value, String path) {
        if (!value.isObject()) {
            throw mismatch(path, "map (object)", value);
        }
        Descriptor entryType = field.getMessageType();
        FieldDescriptor keyField = entryType.findFieldByNumber(1);
        FieldDescriptor valueField = entryType.findFieldByNumber(2);
        for (Map.Entry<String, JsonNode> e : value.properties()) {
            String entryPath = path + "[\"" + e.getKey() + "\"]";
            Object key = single(NODES.textNode(e.getKey()), keyField, entryPath + " (key)");
            Object mapped = single(e.getValue(), valueField, entryPath);
            builder.addRepeatedField(
                    field,
                    DynamicMessage.newBuilder(entryType)
                            .setField(keyField, key)
                            .setField(valueField, mapped)
                            .build());
        }
    }

    /** One value of a field's type (an element, for repeated fields). */
    private static Object single(JsonNode node, FieldDescriptor field, String path) {
        switch (field.getJavaType()) {
            case INT:
                return unsigned32(field)
                        ? (int) integer(node, field, path, 0, 0xffffffffL)
                        : (int) integer(node, field, path, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case LONG:
                return longValue(node, field, path);
            case FLOAT:
                return (float) floating(node, field, path);
            case DOUBLE:
                return floating(node, field, path);
            case BOOLEAN:
                if (node.isBoolean()) {
                    return node.booleanValue();
                }
                if (node.isTextual()
                        && (node.textValue().equals("true") || node.textValue().equals("false"))) {
                    return Boolean.parseBoolean(node.textValue());
                }
                throw mismatch(path, "bool", node);
            case STRING:
                if (!node.isTextual()) {
                    throw mismatch(path, "string", node);
                }
                return node.textValue();
            case BYTE_STRING:
                if (!node.isTextual()) {
                    throw mismatch(path, "bytes (base64 text)", node);
                }
                try {
                    return ByteString.copyFrom(Base64.getDecoder().decode(node.textValue()));
                } catch (IllegalArgumentException e) {
                    throw error(path, "expected base64 text for bytes: " + e.getMessage());
                }
            case ENUM:
                return enumValue(node, field, path);
            case MESSAGE:
                return message(node, field.getMessageType(), path);
            default:
                throw error(path, "unsupported field type " + field.getType());
        }
    }

    private static boolean unsigned32(FieldDescriptor field) {
        return field.getType() == FieldDescriptor.Type.UINT32 || field.getType() == FieldDescriptor.Type.FIXED32;
    }

    private static boolean unsigned64(FieldDescriptor field) {
        return field.getType() == FieldDescriptor.Type.UINT64 || field.getType() == FieldDescriptor.Type.FIXED64;
    }

    private static BigInteger exactInteger(JsonNode node, FieldDescriptor field, String path) {
        String typeName = field.getType().name().toLowerCase(java.util.Locale.ROOT);
        if (node.isIntegralNumber()) {
            return node.bigIntegerValue();
        }
        if (node.isNumber() && node.decimalValue().stripTrailingZeros().scale() <= 0) {
            return node.decimalValue().toBigIntegerExact();
        }
        if (node.isTextual()) {
            try {
                return new BigInteger(node.textValue().trim());
            } catch (NumberFormatException e) {
                throw mismatch(path, typeName, node);
            }
        }
        throw mismatch(path, typeName, node);
    }

    /** A 32-bit value; unsigned types accept 0..2^32-1 and are stored as their int bit pattern. */
    private static long integer(JsonNode node, FieldDescriptor field, String path, long min, long max) {
        BigInteger value = exactInteger(node, field, path);
        if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
            throw error(
                    path,
                    "value " + value + " is out of range for "
                            + field.getType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return value.longValue();
    }

    private static long longValue(JsonNode node, FieldDescriptor field, String path) {
        BigInteger value = exactInteger(node, field, path);
        BigInteger min = unsigned64(field) ? BigInteger.ZERO : BigInteger.valueOf(Long.MIN_VALUE);
        BigInteger max = unsigned64(field) ? UINT64_MAX : BigInteger.valueOf(Long.MAX_VALUE);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw error(
                    path,
                    "value " + value + " is out of range for "
                            + field.getType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return value.longValue();
    }

    private static double floating(JsonNode node, FieldDescriptor field, String path) {
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
        throw mismatch(path, field.getType().name().toLowerCase(java.util.Locale.ROOT), node);
    }

    private static EnumValueDescriptor enumValue(JsonNode node, FieldDescriptor field, String path) {
        EnumValueDescriptor value = null;
        if (node.isTextual()) {
            value = field.getEnumType().findValueByName(node.textValue());
        } else if (node.isIntegralNumber() && node.canConvertToInt()) {
            value = field.getEnumType().findValueByNumber(node.intValue());
        }
        if (value == null) {
            List<String> names = field.getEnumType().getValues().stream()
                    .map(EnumValueDescriptor::getName)
                    .toList();
            throw error(
                    path,
                    "expected one of the values " + names + " of enum "
                            + field.getEnumType().getFullName() + ", found " + describe(node));
        }
        return value;
    }

    static JsonNode toJsonNode(MessageOrBuilder message) {
        ObjectNode object = NODES.objectNode();
        for (Map.Entry<FieldDescriptor, Object> entry : message.getAllFields().entrySet()) {
            FieldDescriptor field = entry.getKey();
            if (field.isMapField()) {
                ObjectNode map = NODES.objectNode();
                FieldDescriptor valueField = field.getMessageType().findFieldByNumber(2);
                for (Object element : (List<?>) entry.getValue()) {
                    Object key;
                    Object value;
                    if (element instanceof MapEntry<?, ?> mapEntry) {
                        key = mapEntry.getKey();
                        value = mapEntry.getValue();
                    } else {
                        Message m = (Message) element;
                        key = m.getField(field.getMessageType().findFieldByNumber(1));
                        value = m.getField(valueField);
                    }
                    map.set(String.valueOf(key), value(value, valueField));
                }
                object.set(field.getName(), map);
            } else if (field.isRepeated()) {
                ArrayNode array = NODES.arrayNode();
                for (Object element : (List<?>) entry.getValue()) {
                    array.add(value(element, field));
                }
                object.set(field.getName(), array);
            } else {
                object.set(field.getName(), value(entry.getValue(), field));
            }
        }
        return object;
    }

    private static JsonNode value(Object value, FieldDescriptor field) {
        switch (field.getJavaType()) {
            case INT:
                int i = (Integer) value;
                return unsigned32(field) ? NODES.numberNode(Integer.toUnsignedLong(i)) : NODES.numberNode(i);
            case LONG:
                long l = (Long) value;
                return unsigned64(field) && l < 0
                        ? NODES.numberNode(new BigInteger(Long.toUnsignedString(l)))
                        : NODES.numberNode(l);
            case FLOAT:
            case DOUBLE:
                double d = ((Number) value).doubleValue();
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    return NODES.textNode(Double.toString(d));
                }
                return value instanceof Float f ? NODES.numberNode(f) : NODES.numberNode(d);
            case BOOLEAN:
                return NODES.booleanNode((Boolean) value);
            case STRING:
                return NODES.textNode((String) value);
            case BYTE_STRING:
                return NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
            case ENUM:
                EnumValueDescriptor e = (EnumValueDescriptor) value;
                return e.getIndex() < 0 ? NODES.numberNode(e.getNumber()) : NODES.textNode(e.getName());
            case MESSAGE:
                return toJsonNode((MessageOrBuilder) value);
            default:
                throw new SerializationException("unsupported field type " + field.getType());
        }
    }
}
