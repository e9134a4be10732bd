package io.fjord.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@code fjord consume} prints one record: a {@code --format} template, {@code --format json} (one JSON
 * object per line) or the default (the value, preceded by the key and a tab when the record has one, so the
 * output can be fed back to {@code fjord produce --key-separator '\t'}). Immutable and thread-safe.
 *
 * <table>
 *   <caption>Template placeholders</caption>
 *   <tr><th>placeholder</th><th>prints</th></tr>
 *   <tr><td>{@code %t}</td><td>topic</td></tr>
 *   <tr><td>{@code %p}</td><td>partition</td></tr>
 *   <tr><td>{@code %o}</td><td>offset</td></tr>
 *   <tr><td>{@code %T}</td><td>timestamp, milliseconds since the epoch</td></tr>
 *   <tr><td>{@code %k}</td><td>key (empty when null)</td></tr>
 *   <tr><td>{@code %v}</td><td>value (empty when null)</td></tr>
 *   <tr><td>{@code %h}</td><td>headers as {@code k1=v1,k2=v2}</td></tr>
 *   <tr><td>{@code %%}, {@code \n}, {@code \t}, {@code \\}</td><td>%, newline, tab, backslash</td></tr>
 * </table>
 */
final class RecordTemplate {
    static final String JSON = "json";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A record with key and value already decoded to text. {@code keyIsJson}: the text is a JSON value. */
    record Decoded(
            String topic,
            int partition,
            long offset,
            long timestampMs,
            String key,
            boolean keyIsJson,
            String value,
            boolean valueIsJson,
            List<Header> headers) {}

    record Header(String key, String value) {}

    private final String template; // null: default, "json": JSON lines
    private final List<Object> parts; // String literals and Character placeholders

    private RecordTemplate(String template, List<Object> parts) {
        this.template = template;
        this.parts = parts;
    }

    static RecordTemplate parse(String format) {
        if (format == null || format.equals(JSON)) {
            return new RecordTemplate(format, List.of());
        }
        List<Object> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            char next = i + 1 < format.length() ? format.charAt(i + 1) : 0;
            if (c == '%') {
                if ("tpoTkvh".indexOf(next) >= 0 && next != 0) {
                    if (literal.length() > 0) {
                        parts.add(literal.toString());
                        literal.setLength(0);
                    }
                    parts.add(next);
                } else if (next == '%') {
                    literal.append('%');
                } else {
                    throw CliException.usage("--format: unknown placeholder %" + (next == 0 ? "" : next)
                            + " (use %t %p %o %T %k %v %h %%, or json)");
                }
                i++;
            } else if (c == '\\' && (next == 'n' || next == 't' || next == '\\')) {
                literal.append(next == 'n' ? '\n' : next == 't' ? '\t' : '\\');
                i++;
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            parts.add(literal.toString());
        }
        return new RecordTemplate(format, List.copyOf(parts));
    }

    /** The text for one record, without a trailing newline unless the template has one. */
    String render(Decoded r) {
        if (template == null) {
            return r.key() == null ? orEmpty(r.value()) : r.key() + "\t" + orEmpty(r.value());
        }
        if (template.equals(JSON)) {
            return json(r);
        }
        StringBuilder out = new StringBuilder();
        for (Object part : parts) {
            if (part instanceof String s) {
                out.append(s);
                continue;
            }
            switch ((Character) part) {
                case 't' -> out.append(r.topic());
                case 'p' -> out.append(r.partition());
                case 'o' -> out.append(r.offset());
                case 'T' -> out.append(r.timestampMs());
                case 'k' -> out.append(orEmpty(r.key()));
                case 'v' -> out.append(orEmpty(r.value()));
                case 'h' -> out.append(headers(r.headers()));
                default -> throw new AssertionError("placeholder " + part);
            }
        }
        return out.toString();
    }

    private static String json(Decoded r) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("topic", r.topic());
        node.put("partition", r.partition());
        node.put("offset", r.offset());
        node.put("timestamp", r.timestampMs());
        node.set("key", field(r.key(), r.keyIsJson()));
        node.set("value", field(r.value(), r.valueIsJson()));
        ArrayNode headers = node.putArray("headers");
        for (Header h : r.headers()) {
            ObjectNode header = headers.addObject();
            header.put("key", h.key());
            if (h.value() == null) {
                header.putNull("value");
            } else {
                header.put("value", h.value());
            }
        }
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serializes", e);
        }
    }

    private static JsonNode field(String text, boolean isJson) {
        if (text == null) {
            return MAPPER.nullNode();
        }
        if (isJson) {
            try {
                return MAPPER.readTree(text);
            } catch (JsonProcessingException e) {
                return MAPPER.getNodeFactory().textNode(text); // e.g. NaN from a double: keep it readable
            }
        }
        return MAPPER.getNodeFactory().textNode(text);
    }

    private static String headers(List<Header> headers) {
        StringBuilder s = new StringBuilder();
        for (Header h : headers) {
            if (s.length() > 0) {
                s.append(',');
            }
            s.append(h.key()).append('=').append(orEmpty(h.value()));
        }
        return s.toString();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
