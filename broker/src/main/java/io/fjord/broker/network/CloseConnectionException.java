package io.fjord.broker.network;

/**
 * Thrown by a handler (or the request decoder) to close the connection instead of answering, as a
 * Kafka broker does for an unparsable request or an acks=0 produce that failed.
 */
public final class CloseConnectionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CloseConnectionException(String message) {
        super(message, null, false, false);
    }
}
