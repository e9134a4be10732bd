package io.fjord.serde.protobuf;

/**
 * Splits .proto source into tokens: identifiers (dotted names included), numbers, quoted strings and single
 * symbols; skips whitespace and comments, and counts lines for error messages. Not thread-safe.
 */
final class ProtoTokenizer {
    enum Kind {
        IDENT,
        NUMBER,
        STRING,
        SYMBOL,
        EOF
    }

    record Token(Kind kind, String text, int line) {
        boolean is(String s) {
            return (kind == Kind.IDENT || kind == Kind.SYMBOL) && text.equals(s);
        }

        String describe() {
            return switch (kind) {
                case EOF -> "end of file";
                case STRING -> "string \"" + text + "\"";
                default -> "'" + text + "'";
            };
        }
    }

    private final String text;
    private int pos;
    private int line = 1;
    private Token peeked;

    ProtoTokenizer(String text) {
        this.text = text;
    }

    Token peek() {
        if (peeked == null) {
            peeked = read();
        }
        return peeked;
    }

    Token next() {
        Token t = peek();
        peeked = null;
        return t;
    }

    private Token read() {
        skipSpaceAndComments();
        if (pos >= text.length()) {
            return new Token(Kind.EOF, "", line);
        }
        char c = text.charAt(pos);
        int start = pos;
        if (Character.isLetter(c)
                || c == '_'
                || (c == '.' && pos + 1 < text.length() && isIdentStart(text.charAt(pos + 1)))) {
            pos++;
            while (pos < text.length() && (isIdentPart(text.charAt(pos)) || text.charAt(pos) == '.')) {
                pos++;
            }
            return new Token(Kind.IDENT, text.substring(start, pos), line);
        }
        if (Character.isDigit(c) || (c == '.' && pos + 1 < text.length() && Character.isDigit(text.charAt(pos + 1)))) {
            pos++;
            while (pos < text.length()
                    && (isIdentPart(text.charAt(pos))
                            || text.charAt(pos) == '.'
                            || ((text.charAt(pos) == '-' || text.charAt(pos) == '+')
                                    && (text.charAt(pos - 1) == 'e' || text.charAt(pos - 1) == 'E')
                                    && !text.startsWith("0x", start)
                                    && !text.startsWith("0X", start)))) {
                pos++;
            }
            return new Token(Kind.NUMBER, text.substring(start, pos), line);
        }
        if (c == '"' || c == '\'') {
            return new Token(Kind.STRING, readString(c), line);
        }
        pos++;
        return new Token(Kind.SYMBOL, String.valueOf(c), line);
    }

    private String readString(char quote) {
        int startLine = line;
        StringBuilder sb = new StringBuilder();
        pos++;
        while (true) {
            if (pos >= text.length() || text.charAt(pos) == '\n') {
                throw new ProtoParser.ParseError(startLine, "unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == quote) {
                return sb.toString();
            }
            if (c == '\\' && pos < text.length()) {
                char e = text.charAt(pos++);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case '0' -> sb.append('\0');
                    default -> sb.append(e);
                }
            } else {
                sb.append(c);
            }
        }
    }

    private void skipSpaceAndComments() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                line++;
                pos++;
            } else if (Character.isWhitespace(c)) {
                pos++;
            } else if (text.startsWith("//", pos)) {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (text.startsWith("/*", pos)) {
                int end = text.indexOf("*/", pos + 2);
                if (end < 0) {
                    throw new ProtoParser.ParseError(line, "unterminated comment");
                }
                for (int i = pos; i < end; i++) {
                    if (text.charAt(i) == '\n') {
                        line++;
                    }
                }
                pos = end + 2;
            } else {
                return;
            }
        }
    }

    private static boolean isIdentStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isIdentPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
