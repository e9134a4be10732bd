package io.fjord.broker.security;

import io.fjord.broker.network.RequestContext;
import io.fjord.common.Errors;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.SaslAuthenticateResponse;
import io.fjord.protocol.message.SaslHandshakeResponse;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;

/**
 * SaslHandshake and SaslAuthenticate where no authentication is going on: on a PLAINTEXT listener, or on a SASL
 * connection that has already authenticated (Fjord does not re-authenticate, KIP-368). Kafka answers
 * ILLEGAL_SASL_STATE.
 */
public final class SaslOutOfPlace {

    private SaslOutOfPlace() {}

    public static CompletableFuture<ApiMessage> handshake(RequestContext context, ApiMessage request) {
        return CompletableFuture.completedFuture(new SaslHandshakeResponse()
                .setErrorCode(Errors.ILLEGAL_SASL_STATE.code())
                .setMechanisms(new ArrayList<>()));
    }

    public static CompletableFuture<ApiMessage> authenticate(RequestContext context, ApiMessage request) {
        return CompletableFuture.completedFuture(new SaslAuthenticateResponse()
                .setErrorCode(Errors.ILLEGAL_SASL_STATE.code())
                .setErrorMessage("no SASL authentication is in progress on this connection")
                .setAuthBytes(new byte[0]));
    }
}
