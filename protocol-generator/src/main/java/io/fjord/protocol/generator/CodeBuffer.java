package io.fjord.protocol.generator;

/** Accumulates generated Java source, one indented line at a time. Not thread-safe. */
final class CodeBuffer {
    private final StringBuilder sb = new StringBuilder();
    private int indent;

    CodeBuffer line(String text) {
        if (text.startsWith("}")) {
            indent--;
        }
        if (!text.isEmpty()) {
            sb.append("    ".repeat(Math.max(indent, 0)));
        }
        sb.append(text).append('\n');
        if (text.endsWith("{")) {
            indent++;
        }
        return this;
    }

    CodeBuffer line(String format, Object... args) {
        return line(String.format(format, args));
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
