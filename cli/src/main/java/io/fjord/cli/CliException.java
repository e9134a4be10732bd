package io.fjord.cli;

/**
 * A failure the user can act on: printed as one line {@code fjord: <message>} with the given exit code,
 * never with a stack trace.
 */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    CliException(String message) {
        this(Fjord.EXIT_FAILURE, message);
    }

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    static CliException usage(String message) {
        return new CliException(Fjord.EXIT_USAGE, message);
    }

    int exitCode() {
        return exitCode;
    }
}
