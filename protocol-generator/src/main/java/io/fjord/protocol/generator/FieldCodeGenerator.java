package io.fjord.protocol.generator;

/**
 * Emits the read, write and size statements of one field, following Kafka's encoding rules: classic
 * versus compact lengths, nullable structs as a presence byte (-1 absent, 1 present) followed by the
 * struct, arrays as a count followed by the elements. {@code within} is the message's valid versions, so
 * version conditions can be simplified.
 */
final class FieldCodeGenerator {
    private final Versions within;

    FieldCodeGenerator(Versions within) {
        this.within = within;
    }

    String cond(Versions versions) {
        return versions.condition("version", within);
    }

    /** Like {@link #cond(Versions)}, where the code is already known to run only in {@code known}. */
    String cond(Versions versions, Versions known) {
        return versions.condition("version", within.intersect(known));
    }

    /** The compact-encoding expression for a field when it is not tagged. */
    String compact(FieldSpec field) {
        return field.flexibleVersionsOverride() == null ? "flexible" : cond(field.flexibleVersionsOverride());
    }

    String nullable(FieldSpec field) {
        return cond(field.nullableVersions());
    }

    void read(CodeBuffer buf, FieldSpec field, String compact) {
        String target = "this." + field.camelCaseName();
        FieldType type = field.type();
        String nullable = nullable(field);
        String quoted = quote(field.name());
        if (type.isArray()) {
            FieldType element = type.element();
            buf.line("{");
            buf.line(
                    "int count = io.fjord.protocol.MessageCodec.readArrayLength(in, %s, %s, %s);",
                    compact, nullable, quoted);
            buf.line("if (count < 0) {");
            buf.line("%s = null;", target);
            buf.line("} else {");
            buf.line("java.util.ArrayList<%s> list = new java.util.ArrayList<>(count);", element.boxedJavaType());
            buf.line("for (int i = 0; i < count; i++) {");
            buf.line("list.add(%s);", readValue(element, compact, "false", quoted));
            buf.line("}");
            buf.line("%s = list;", target);
            buf.line("}");
            buf.line("}");
        } else if (type.isStruct() && !nullable.equals("false")) {
            String present = "io.fjord.protocol.MessageCodec.readStructPresent(in)";
            if (nullable.equals("true")) {
                buf.line("%s = %s ? new %s(in, version) : null;", target, present, type.name());
            } else {
                buf.line("%s = (!%s || %s) ? new %s(in, version) : null;", target, nullable, present, type.name());
            }
        } else {
            buf.line("%s = %s;", target, readValue(type, compact, nullable, quoted));
        }
    }

    private static String readValue(FieldType type, String compact, String nullable, String quotedName) {
        String codec = "io.fjord.protocol.MessageCodec.";
        return switch (type.name()) {
            case "int8" -> "in.readByte()";
            case "int16" -> "in.readShort()";
            case "uint16" -> "(in.readShort() & 0xffff)";
            case "int32" -> "in.readInt()";
            case "uint32" -> "(in.readInt() & 0xffffffffL)";
            case "int64" -> "in.readLong()";
            case "float64" -> "in.readDouble()";
            case "bool" -> "(in.readByte() != 0)";
            case "uuid" -> "in.readUuid()";
            case "string" -> codec + "readString(in, " + compact + ", " + nullable + ", " + quotedName + ")";
            case "bytes" -> codec + "readBytes(in, " + compact + ", " + nullable + ", " + quotedName + ")";
            case "records" -> codec + "readRecords(in, " + compact + ", " + nullable + ", " + quotedName + ")";
            default -> "new " + type.name() + "(in, version)";
        };
    }

    void write(CodeBuffer buf, FieldSpec field, String compact) {
        String source = "this." + field.camelCaseName();
        FieldType type = field.type();
        String nullable = nullable(field);
        String quoted = quote(field.name());
        if (type.isArray()) {
            FieldType element = type.element();
            buf.line(
                    "io.fjord.protocol.MessageCodec.writeArrayLength(out, %s, %s, %s, %s);",
                    source, compact, nullable, quoted);
            buf.line("if (%s != null) {", source);
            buf.line("for (%s element : %s) {", element.javaType(), source);
            buf.line(writeValue(element, "element", compact, "false", quoted));
            buf.line("}");
            buf.line("}");
        } else if (type.isStruct() && !nullable.equals("false")) {
            buf.branch(
                    nullable,
                    () -> {
                        buf.line("if (%s == null) {", source);
                        buf.line("out.writeByte((byte) -1);");
                        buf.line("} else {");
                        buf.line("out.writeByte((byte) 1);");
                        buf.line("%s.write(out, version);", source);
                        buf.line("}");
                    },
                    () -> buf.line("%s.write(out, version);", source));
        } else {
            buf.line(writeValue(type, source, compact, nullable, quoted));
        }
    }

    private static String writeValue(FieldType type, String v, String compact, String nullable, String quotedName) {
        String codec = "io.fjord.protocol.MessageCodec.";
        return switch (type.name()) {
            case "int8" -> "out.writeByte(" + v + ");";
            case "int16" -> "out.writeShort(" + v + ");";
            case "uint16" -> "out.writeShort((short) " + v + ");";
            case "int32" -> "out.writeInt(" + v + ");";
            case "uint32" -> "out.writeInt((int) " + v + ");";
            case "int64" -> "out.writeLong(" + v + ");";
            case "float64" -> "out.writeDouble(" + v + ");";
            case "bool" -> "out.writeByte(" + v + " ? (byte) 1 : (byte) 0);";
            case "uuid" -> "out.writeUuid(" + v + ");";
            case "string" ->
                codec + "writeString(out, " + v + ", " + compact + ", " + nullable + ", " + quotedName + ");";
            case "bytes" ->
                codec + "writeBytes(out, " + v + ", " + compact + ", " + nullable + ", " + quotedName + ");";
            case "records" ->
                codec + "writeRecords(out, " + v + ", " + compact + ", " + nullable + ", " + quotedName + ");";
            default -> v + ".write(out, version);";
        };
    }

    void size(CodeBuffer buf, FieldSpec field, String compact, String var) {
        String source = "this." + field.camelCaseName();
        FieldType type = field.type();
        String nullable = nullable(field);
        String quoted = quote(field.name());
        if (type.isArray()) {
            FieldType element = type.element();
            buf.line("%s += io.fjord.protocol.MessageCodec.sizeOfArrayLength(%s, %s);", var, source, compact);
            buf.line("if (%s != null) {", source);
            if (element.fixedSize() > 0) {
                buf.line("%s += %s.size() * %d;", var, source, element.fixedSize());
            } else {
                buf.line("for (%s element : %s) {", element.javaType(), source);
                buf.line("%s += %s;", var, sizeValue(element, "element", compact, quoted));
                buf.line("}");
            }
            buf.line("}");
        } else if (type.isStruct() && !nullable.equals("false")) {
            buf.branch(
                    nullable,
                    () -> {
                        buf.line("%s += 1;", var);
                        buf.line("if (%s != null) {", source);
                        buf.line("%s += %s.size(version);", var, source);
                        buf.line("}");
                    },
                    () -> buf.line("%s += %s.size(version);", var, source));
        } else {
            buf.line("%s += %s;", var, sizeValue(type, source, compact, quoted));
        }
    }

    private static String sizeValue(FieldType type, String v, String compact, String quotedName) {
        String codec = "io.fjord.protocol.MessageCodec.";
        if (type.fixedSize() > 0) {
            return Integer.toString(type.fixedSize());
        }
        return switch (type.name()) {
            case "string" -> codec + "sizeOfString(" + v + ", " + compact + ", " + quotedName + ")";
            case "bytes" -> codec + "sizeOfBytes(" + v + ", " + compact + ")";
            case "records" -> codec + "sizeOfRecords(" + v + ", " + compact + ")";
            default -> v + ".size(version)";
        };
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
