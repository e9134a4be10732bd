package io.fjord.raft;

/** An entry or reply of {@link CommandCodec} that does not decode: its bytes are corrupt or truncated. */
public final class MalformedCommandException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedCommandException(String message) {
        super(message);
    }

    public MalformedCommandException(String message, Throwable cause) {
        super(message, cause);
    }
}
