package io.fjord.broker.security;

/**
 * A client failed to authenticate: wrong password, unknown user, a malformed token. The message is sent to the client
 * in the SaslAuthenticate response (SASL_AUTHENTICATION_FAILED), so it must not say which part was wrong beyond what
 * Kafka says.
 */
public final class SaslAuthenticationException extends Exception {

    private static final long serialVersionUID = 1L;

    public SaslAuthenticationException(String message) {
        super(message);
    }
}
