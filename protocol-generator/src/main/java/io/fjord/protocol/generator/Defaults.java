package io.fjord.protocol.generator;

/**
 * A field's default value as a Java expression, and the test for "holds a non-default value" that
 * decides whether a tagged field is written and whether dropping an absent field is an error (the same
 * rules as Kafka's generator).
 */
final class Defaults {
    private Defaults() {}

    static String expression(FieldSpec field) {
        String d = field.defaultValue();
        FieldType type = field.type();
        boolean isNull = "null".equals(d);
        if (isNull && field.nullableVersions().isEmpty() && !type.name().equals("records")) {
            throw new IllegalArgumentException("Field " + field.name() + " defaults to null but is never nullable");
        }
        if (type.isArray()) {
            return isNull ? "null" : "new java.util.ArrayList<>(0)";
        }
        if (type.isStruct()) {
            return isNull ? "null" : "new " + type.name() + "()";
        }
        boolean empty = d == null || d.isEmpty();
        return switch (type.name()) {
            case "int8" -> "(byte) " + (empty ? 0 : integer(d, Byte.MIN_VALUE, Byte.MAX_VALUE));
            case "int16" -> "(short) " + (empty ? 0 : integer(d, Short.MIN_VALUE, Short.MAX_VALUE));
            case "uint16" -> Long.toString(empty ? 0 : integer(d, 0, 0xffff));
            case "int32" -> Long.toString(empty ? 0 : integer(d, Integer.MIN_VALUE, Integer.MAX_VALUE));
            case "uint32" -> (empty ? 0 : integer(d, 0, 0xffffffffL)) + "L";
            case "int64" -> (empty ? 0 : integer(d, Long.MIN_VALUE, Long.MAX_VALUE)) + "L";
            case "float64" -> empty ? "0.0d" : Double.parseDouble(d) + "d";
            case "bool" -> empty ? "false" : Boolean.toString(parseBool(d));
            case "string" -> isNull ? "null" : FieldCodeGenerator.quote(empty ? "" : d);
            case "bytes" -> isNull ? "null" : "new byte[0]";
            case "uuid" ->
                empty
                        ? "io.fjord.common.Uuid.ZERO"
                        : "io.fjord.common.Uuid.fromString(" + FieldCodeGenerator.quote(d) + ")";
            case "records" -> "null";
            default -> throw new IllegalArgumentException("Unknown type " + type);
        };
    }

    private static long integer(String text, long min, long max) {
        String t = text.trim();
        long v;
        if (t.startsWith("0x") || t.startsWith("0X")) {
            v = Long.parseLong(t.substring(2), 16);
        } else if (t.startsWith("-0x")) {
            v = -Long.parseLong(t.substring(3), 16);
        } else {
            v = Long.parseLong(t);
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException("Default " + text + " out of range [" + min + ", " + max + "]");
        }
        return v;
    }

    private static boolean parseBool(String text) {
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new IllegalArgumentException("Invalid boolean default " + text);
    }

    /** A Java boolean expression that is true when the field differs from its default. */
    static String nonDefault(FieldSpec field) {
        String v = "this." + field.camelCaseName();
        String d = expression(field);
        FieldType type = field.type();
        boolean defaultNull = d.equals("null");
        boolean neverNull = field.nullableVersions().isEmpty();
        if (type.isArray()) {
            return defaultNull
                    ? v + " != null"
                    : neverNull ? "!" + v + ".isEmpty()" : "(" + v + " == null || !" + v + ".isEmpty())";
        }
        switch (type.name()) {
            case "bytes":
                return defaultNull
                        ? v + " != null"
                        : neverNull ? v + ".length != 0" : "(" + v + " == null || " + v + ".length != 0)";
            case "records":
                return v + " != null";
            case "string":
            case "uuid":
                return defaultNull
                        ? v + " != null"
                        : neverNull
                                ? "!" + v + ".equals(" + d + ")"
                                : "(" + v + " == null || !" + v + ".equals(" + d + "))";
            case "bool":
                return d.equals("true") ? "!" + v : v;
            default:
                if (type.isStruct()) {
                    return defaultNull
                            ? v + " != null"
                            : neverNull
                                    ? "!" + v + ".equals(" + d + ")"
                                    : "(" + v + " == null || !" + v + ".equals(" + d + "))";
                }
                return v + " != " + d;
        }
    }
}
