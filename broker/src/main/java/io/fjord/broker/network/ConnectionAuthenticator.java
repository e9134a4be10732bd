package io.fjord.broker.network;

import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.ApiMessage;

/**
 * The authentication of one connection on a SASL listener: until it is done, the connection takes only what {@link
 * #admit} lets through (ApiVersions, SaslHandshake and SaslAuthenticate in Kafka's order), and the latter two are
 * answered here, on the event loop (they are cheap: a
 * password check or a few HMACs). Event-loop confined.
 */
public interface ConnectionAuthenticator {

    /**
     * Whether a request of {@code key} may come now, before the client has authenticated: Kafka takes one
     * ApiVersions before the SaslHandshake, then the SaslHandshake, then SaslAuthenticate requests. Called with each
     * request's key before its body is read; an ApiVersions it admits counts as that one.
     */
    boolean admit(ApiKeys key);

    /** True once the client has authenticated: every API is open to it. */
    boolean authenticated();

    /** True once authentication has failed: the connection closes after the answer. */
    boolean failed();

    /** Answers a SaslHandshake or SaslAuthenticate request (never null). */
    ApiMessage handle(RequestContext context, ApiMessage request);

    /** The authenticated principal, e.g. {@code User:alice}; null before. */
    String principal();

    /**
     * True when the next frame is a bare SASL token instead of a request: after a SaslHandshake v0 (the exchange
     * before KIP-152, which kafka-python 2.0.2 still uses) Kafka reads the mechanism's tokens as size-prefixed frames
     * without a request header, and answers each the same way.
     */
    default boolean expectsRawToken() {
        return false;
    }

    /**
     * Answers a bare token (see {@link #expectsRawToken}): the token to send back, possibly empty, or null when the
     * login failed, which Kafka answers by closing the connection.
     */
    default byte[] handleRawToken(byte[] token) {
        throw new IllegalStateException("no bare SASL token expected");
    }
}
