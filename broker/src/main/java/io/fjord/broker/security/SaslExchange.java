package io.fjord.broker.security;

/**
 * The server side of one SASL mechanism for one connection: fed the client's tokens in turn (each SaslAuthenticate
 * request's bytes), it answers each with the next challenge until the exchange is complete. Not thread-safe: one
 * connection's requests are handled one at a time, in order.
 */
public interface SaslExchange {

    /**
     * Answers the client's next token.
     *
     * @return the bytes to send back (empty when the mechanism has nothing to say)
     * @throws SaslAuthenticationException when the client failed to authenticate; its message goes to the client
     */
    byte[] evaluate(byte[] clientToken) throws SaslAuthenticationException;

    /** True once the client has proved who it is. */
    boolean isComplete();

    /** The authenticated user's name (the principal is {@code User:<name>}); only once {@link #isComplete()}. */
    String authenticatedUser();
}
