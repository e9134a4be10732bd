package io.fjord.protocol;

/**
 * Thrown when bytes received from the network do not form a valid message: a length or count that is
 * negative or larger than the bytes remaining, a varint that is too long, a null where the version does
 * not allow one, a truncated buffer. The broker answers it by closing the connection that sent the frame.
 */
public class ProtocolParseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProtocolParseException(String message) {
        super(message);
    }
}
