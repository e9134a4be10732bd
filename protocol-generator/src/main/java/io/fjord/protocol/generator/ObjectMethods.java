package io.fjord.protocol.generator;

/** Emits {@code equals}, {@code hashCode} and {@code toString} over all fields of a struct. */
final class ObjectMethods {
    private ObjectMethods() {}

    static void generate(CodeBuffer buf, StructSpec struct) {
        buf.line("@Override");
        buf.line("public boolean equals(Object obj) {");
        buf.line("if (this == obj) {");
        buf.line("return true;");
        buf.line("}");
        buf.line("if (!(obj instanceof %s)) {", struct.name());
        buf.line("return false;");
        buf.line("}");
        buf.line("%s other = (%s) obj;", struct.name(), struct.name());
        for (FieldSpec f : struct.fields()) {
            String n = f.camelCaseName();
            String differs =
                    switch (f.type().isArray() ? "array" : f.type().name()) {
                        case "int8", "int16", "uint16", "int32", "uint32", "int64", "bool" ->
                            "this." + n + " != other." + n;
                        case "float64" -> "Double.compare(this." + n + ", other." + n + ") != 0";
                        case "bytes" -> "!java.util.Arrays.equals(this." + n + ", other." + n + ")";
                        default -> "!java.util.Objects.equals(this." + n + ", other." + n + ")";
                    };
            buf.line("if (%s) {", differs);
            buf.line("return false;");
            buf.line("}");
        }
        buf.line("return true;");
        buf.line("}");
        buf.line("");
        buf.line("@Override");
        buf.line("public int hashCode() {");
        buf.line("int h = 0;");
        for (FieldSpec f : struct.fields()) {
            String n = "this." + f.camelCaseName();
            String hash =
                    switch (f.type().isArray() ? "array" : f.type().name()) {
                        case "int8" -> "Byte.hashCode(" + n + ")";
                        case "int16" -> "Short.hashCode(" + n + ")";
                        case "uint16", "int32" -> "Integer.hashCode(" + n + ")";
                        case "uint32", "int64" -> "Long.hashCode(" + n + ")";
                        case "float64" -> "Double.hashCode(" + n + ")";
                        case "bool" -> "Boolean.hashCode(" + n + ")";
                        case "bytes" -> "java.util.Arrays.hashCode(" + n + ")";
                        default -> "java.util.Objects.hashCode(" + n + ")";
                    };
            buf.line("h = 31 * h + %s;", hash);
        }
        buf.line("return h;");
        buf.line("}");
        buf.line("");
        buf.line("@Override");
        buf.line("public String toString() {");
        buf.line("StringBuilder sb = new StringBuilder(\"%s(\");", struct.name());
        String sep = "";
        for (FieldSpec f : struct.fields()) {
            String n = "this." + f.camelCaseName();
            String value = f.type().name().equals("bytes") ? "java.util.Arrays.toString(" + n + ")" : n;
            buf.line("sb.append(\"%s%s=\").append(%s);", sep, f.camelCaseName(), value);
            sep = ", ";
        }
        buf.line("return sb.append(')').toString();");
        buf.line("}");
    }
}
