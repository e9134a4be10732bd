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

    /**
     * Emits {@code then} under {@code if (condition)}, and {@code otherwise} (may be null) under its else;
     * a condition known to be "true" or "false" emits only the branch that runs.
     */
    CodeBuffer branch(String condition, Runnable then, Runnable otherwise) {
        if (condition.equals("true")) {
            then.run();
        } else if (condition.equals("false")) {
            if (otherwise != null) {
                otherwise.run();
            }
        } else {
            line("if (" + condition + ") {");
            then.run();
            if (otherwise != null) {
                line("} else {");
                otherwise.run();
            }
            line("}");
        }
        return this;
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
