package io.fjord.common;

/**
 * An operating error that maps to a Kafka error code at the API boundary: a client's bad request, a
 * missing topic, a full disk. Handlers turn it into the error code of the response; it never crashes the
 * broker. Programmer errors are {@link IllegalStateException}s and assertions instead.
 */
public class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Errors error;

    public ApiException(Errors error, String message) {
        super(message);
        this.error = error;
    }

    public ApiException(Errors error, String message, Throwable cause) {
        super(message, cause);
        this.error = error;
    }

    public Errors error() {
        return error;
    }
}
