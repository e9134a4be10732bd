package io.fjord.protocol.generator;

/**
 * The type of a field as a spec writes it: a primitive name, a struct name, or {@code []T} for an array
 * of either. Knows the Java type each maps to in the generated code.
 */
public record FieldType(String name, FieldType element) {
    public static FieldType parse(String text) {
        if (text.startsWith("[]")) {
            return new FieldType(text, parse(text.substring(2)));
        }
        return new FieldType(text, null);
    }

    public boolean isArray() {
        return element != null;
    }

    public boolean isStruct() {
        return !isArray() && !isPrimitive();
    }

    public boolean isPrimitive() {
        return switch (name) {
            case "int8",
                    "int16",
                    "uint16",
                    "int32",
                    "uint32",
                    "int64",
                    "float64",
                    "bool",
                    "string",
                    "bytes",
                    "uuid",
                    "records" -> true;
            default -> false;
        };
    }

    /** Fixed encoded size of a primitive, or -1 for variable-length types. */
    public int fixedSize() {
        return switch (name) {
            case "int8", "bool" -> 1;
            case "int16", "uint16" -> 2;
            case "int32", "uint32" -> 4;
            case "int64", "float64" -> 8;
            case "uuid" -> 16;
            default -> -1;
        };
    }

    public String javaType() {
        if (isArray()) {
            return "java.util.List<" + element.boxedJavaType() + ">";
        }
        return switch (name) {
            case "int8" -> "byte";
            case "int16" -> "short";
            case "uint16", "int32" -> "int";
            case "uint32", "int64" -> "long";
            case "float64" -> "double";
            case "bool" -> "boolean";
            case "string" -> "String";
            case "bytes" -> "byte[]";
            case "uuid" -> "io.fjord.common.Uuid";
            case "records" -> "io.fjord.protocol.Records";
            default -> name;
        };
    }

    public String boxedJavaType() {
        return switch (name) {
            case "int8" -> "Byte";
            case "int16" -> "Short";
            case "uint16", "int32" -> "Integer";
            case "uint32", "int64" -> "Long";
            case "float64" -> "Double";
            case "bool" -> "Boolean";
            default -> javaType();
        };
    }

    @Override
    public String toString() {
        return name;
    }
}
