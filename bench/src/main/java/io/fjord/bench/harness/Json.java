package io.fjord.bench.harness;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON writer for the results file (maps, lists, strings, numbers, booleans, null), so the harness needs
 * nothing but the JDK on its classpath. Non-finite numbers are written as null.
 *
 * <p>Stateless; safe from any thread.
 */
final class Json {

    private Json() {}

    /** The JSON text of {@code value}, indented by two spaces per level. */
    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, 0);
        return out.append('\n').toString();
    }

    /** A record's components as an ordered map (name to value). */
    static Map<String, Object> recordFields(Record record) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (RecordComponent c : record.getClass().getRecordComponents()) {
            try {
                fields.put(c.getName(), c.getAccessor().invoke(record));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + c.getName() + " of " + record, e);
            }
        }
        return fields;
    }

    private static void write(StringBuilder out, Object value, int depth) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            string(out, s);
        } else if (value instanceof Double d) {
            out.append(Double.isFinite(d) ? Double.toString(d) : "null");
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            int i = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(i++ == 0 ? "\n" : ",\n").append("  ".repeat(depth + 1));
                string(out, String.valueOf(e.getKey()));
                out.append(": ");
                write(out, e.getValue(), depth + 1);
            }
            out.append(map.isEmpty() ? "}" : "\n" + "  ".repeat(depth) + "}");
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                out.append(i == 0 ? "\n" : ",\n").append("  ".repeat(depth + 1));
                write(out, list.get(i), depth + 1);
            }
            out.append(list.isEmpty() ? "]" : "\n" + "  ".repeat(depth) + "]");
        } else if (value instanceof Record r) {
            write(out, recordFields(r), depth);
        } else {
            string(out, value.toString());
        }
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
