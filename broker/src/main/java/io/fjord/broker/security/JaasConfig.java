package io.fjord.broker.security;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JAAS text Kafka's brokers read SASL settings from, in both places it can be: the value of {@code
 * listener.name.<listener>.<mechanism>.sasl.jaas.config} (login module entries) and a JAAS file named by the {@code
 * java.security.auth.login.config} system property (sections such as {@code KafkaServer { ... };}). An entry is
 * {@code <login module class> <flag> key="value" ...;}; values may be quoted, {@code //} and {@code /* *}{@code /}
 * comments are skipped. Only parsing: no login module is loaded.
 */
public final class JaasConfig {

    /** One login module entry. */
    public record Entry(String loginModule, String flag, Map<String, String> options) {}

    private static final String PUNCTUATION = "{};=";

    private final String text;
    private int pos;

    private JaasConfig(String text) {
        this.text = text;
    }

    /** The entries of a {@code sasl.jaas.config} value. */
    public static List<Entry> parseEntries(String text) {
        JaasConfig parser = new JaasConfig(text);
        List<Entry> entries = parser.entries(false);
        if (parser.peek() != null) {
            throw parser.error("unexpected '" + parser.peek() + "'");
        }
        return entries;
    }

    /** The sections of a JAAS file by name, each with its entries. */
    public static Map<String, List<Entry>> parseFile(String text) {
        JaasConfig parser = new JaasConfig(text);
        Map<String, List<Entry>> sections = new LinkedHashMap<>();
        while (parser.peek() != null) {
            String name = parser.word("a section name");
            parser.expect("{");
            sections.put(name, parser.entries(true));
            parser.expect("}");
            parser.expect(";");
        }
        return sections;
    }

    private List<Entry> entries(boolean inSection) {
        List<Entry> entries = new ArrayList<>();
        while (true) {
            String next = peek();
            if (next == null || (inSection && next.equals("}"))) {
                return entries;
            }
            String module = word("a login module class");
            String flag = word("a control flag after " + module);
            if (!List.of("required", "requisite", "sufficient", "optional").contains(flag)) {
                throw error("the control flag of " + module + " must be required, requisite, sufficient or optional,"
                        + " not " + flag);
            }
            Map<String, String> options = new LinkedHashMap<>();
            while (!";".equals(peek())) {
                String key = word("an option name or ';'");
                expect("=");
                options.put(key, value());
            }
            expect(";");
            entries.add(new Entry(module, flag, options));
        }
    }

    private String value() {
        skipBlanks();
        if (pos < text.length() && text.charAt(pos) == '"') {
            StringBuilder out = new StringBuilder();
            pos++;
            while (pos < text.length() && text.charAt(pos) != '"') {
                char c = text.charAt(pos++);
                if (c == '\\' && pos < text.length()) {
                    c = text.charAt(pos++);
                }
                out.append(c);
            }
            if (pos >= text.length()) {
                throw error("unterminated quoted value");
            }
            pos++;
            return out.toString();
        }
        return word("a value");
    }

    private void expect(String punctuation) {
        String next = peek();
        if (!punctuation.equals(next)) {
            throw error("expected '" + punctuation + "'" + (next == null ? " at the end" : ", found '" + next + "'"));
        }
        pos++;
    }

    private String word(String what) {
        String next = peek();
        if (next == null || PUNCTUATION.contains(next) || next.equals("\"")) {
            throw error("expected " + what + (next == null ? " at the end" : ", found '" + next + "'"));
        }
        int start = pos;
        while (pos < text.length() && !isDelimiter(text.charAt(pos))) {
            pos++;
        }
        return text.substring(start, pos);
    }

    /** The next token's first character as a string, or null at the end; skips blanks and comments. */
    private String peek() {
        skipBlanks();
        return pos < text.length() ? String.valueOf(text.charAt(pos)) : null;
    }

    private void skipBlanks() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (Character.isWhitespace(c)) {
                pos++;
            } else if (text.startsWith("//", pos) || text.startsWith("#", pos)) {
                int end = text.indexOf('\n', pos);
                pos = end < 0 ? text.length() : end + 1;
            } else if (text.startsWith("/*", pos)) {
                int end = text.indexOf("*/", pos + 2);
                if (end < 0) {
                    throw error("unterminated comment");
                }
                pos = end + 2;
            } else {
                return;
            }
        }
    }

    private static boolean isDelimiter(char c) {
        return Character.isWhitespace(c) || PUNCTUATION.indexOf(c) >= 0 || c == '"';
    }

    private IllegalArgumentException error(String message) {
        return new IllegalArgumentException("JAAS configuration, at character " + pos + ": " + message);
    }
}
