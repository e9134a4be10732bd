package io.fjord.broker.network;

import io.fjord.protocol.ApiMessage;

/**
 * The authentication of one connection on a SASL listener: until it is done, the connection takes only ApiVersions,
 * SaslHandshake and SaslAuthenticate, and the latter two are answered here, on the event loop (they are cheap: a
 * password check or a few HMACs). Event-loop confined.
 */
public interface ConnectionAuthenticator {

    /** True once the client has authenticated: every API is open to it. */
    boolean authenticated();

    /** True once authentication has failed: the connection closes after the answer. */
    boolean failed();

    /** Answers a SaslHandshake or SaslAuthenticate request (never null). */
    ApiMessage handle(RequestContext context, ApiMessage request);

    /** The authenticated principal, e.g. {@code User:alice}; null before. */
    String principal();
}
