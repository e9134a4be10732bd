package io.fjord.broker.security;

/**
 * How this broker connects to the inter-broker listener of another (replica fetchers, transaction markers): with
 * {@code tls} when that listener is SSL or SASL_SSL (else null), then logging in with {@code sasl} when it is
 * SASL_PLAINTEXT or SASL_SSL (else null). Immutable.
 */
public record InterBrokerSecurity(TlsSettings tls, SaslLogin sasl) {

    /** A PLAINTEXT inter-broker listener. */
    public static final InterBrokerSecurity PLAINTEXT = new InterBrokerSecurity(null, null);
}
