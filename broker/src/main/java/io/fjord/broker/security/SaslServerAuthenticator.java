package io.fjord.broker.security;

import io.fjord.broker.network.ConnectionAuthenticator;
import io.fjord.broker.network.RequestContext;
import io.fjord.common.Errors;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.SaslAuthenticateRequest;
import io.fjord.protocol.message.SaslAuthenticateResponse;
import io.fjord.protocol.message.SaslHandshakeRequest;
import io.fjord.protocol.message.SaslHandshakeResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The broker's side of Kafka's SASL handshake for one connection (KIP-152): SaslHandshake picks one of the listener's
 * enabled mechanisms, then SaslAuthenticate requests carry the mechanism's tokens until the client has proved who it
 * is. After a SaslHandshake v0 the tokens come bare instead, as size-prefixed frames without a request header, and are
 * answered the same way: Kafka still serves that older exchange, and kafka-python 2.0.2 logs in with it. Anything out
 * of order, an unknown mechanism or a failed proof ends the connection, as in Kafka. Event-loop confined.
 */
public final class SaslServerAuthenticator implements ConnectionAuthenticator {

    private enum State {
        HANDSHAKE,
        AUTHENTICATE,
        COMPLETE,
        FAILED
    }

    private final Map<String, SaslMechanism> mechanisms;
    private State state = State.HANDSHAKE;
    private SaslExchange exchange;
    private String principal;
    private boolean apiVersionsSeen;
    /** Set by a SaslHandshake v0: the tokens come as bare frames, not in SaslAuthenticate requests. */
    private boolean rawTokens;

    /** @param mechanisms the listener's enabled mechanisms by name, in the order they are offered */
    public SaslServerAuthenticator(Map<String, SaslMechanism> mechanisms) {
        this.mechanisms = mechanisms;
    }

    @Override
    public boolean admit(ApiKeys key) {
        return switch (state) {
            case HANDSHAKE -> {
                if (key == ApiKeys.API_VERSIONS && !apiVersionsSeen) {
                    apiVersionsSeen = true;
                    yield true;
                }
                yield key == ApiKeys.SASL_HANDSHAKE;
            }
            case AUTHENTICATE -> !rawTokens && key == ApiKeys.SASL_AUTHENTICATE;
            case COMPLETE -> true;
            case FAILED -> false;
        };
    }

    @Override
    public boolean authenticated() {
        return state == State.COMPLETE;
    }

    @Override
    public boolean failed() {
        return state == State.FAILED;
    }

    @Override
    public String principal() {
        return principal;
    }

    @Override
    public ApiMessage handle(RequestContext context, ApiMessage request) {
        if (request instanceof SaslHandshakeRequest handshake) {
            return handshake(handshake, context == null ? 1 : context.apiVersion());
        }
        if (request instanceof SaslAuthenticateRequest authenticate) {
            return authenticate(authenticate);
        }
        throw new IllegalArgumentException("not a SASL request: " + request.apiKey());
    }

    private SaslHandshakeResponse handshake(SaslHandshakeRequest request, int version) {
        SaslHandshakeResponse response =
                new SaslHandshakeResponse().setMechanisms(new ArrayList<>(mechanisms.keySet()));
        if (state != State.HANDSHAKE) {
            state = State.FAILED;
            return response.setErrorCode(Errors.ILLEGAL_SASL_STATE.code());
        }
        SaslMechanism mechanism = request.mechanism() == null ? null : mechanisms.get(request.mechanism());
        if (mechanism == null) {
            state = State.FAILED;
            return response.setErrorCode(Errors.UNSUPPORTED_SASL_MECHANISM.code());
        }
        exchange = mechanism.newExchange();
        state = State.AUTHENTICATE;
        rawTokens = version == 0;
        return response.setErrorCode(Errors.NONE.code());
    }

    @Override
    public boolean expectsRawToken() {
        return state == State.AUTHENTICATE && rawTokens;
    }

    @Override
    public byte[] handleRawToken(byte[] token) {
        if (!expectsRawToken()) {
            throw new IllegalStateException("no bare SASL token expected in state " + state);
        }
        try {
            return evaluate(token);
        } catch (SaslAuthenticationException e) {
            return null; // Kafka has no way to tell a bare-token client why: it closes the connection
        }
    }

    /** The mechanism's answer to the client's token; on a failed proof the exchange ends (state FAILED). */
    private byte[] evaluate(byte[] token) throws SaslAuthenticationException {
        try {
            byte[] challenge = exchange.evaluate(token);
            if (exchange.isComplete()) {
                state = State.COMPLETE;
                principal = "User:" + exchange.authenticatedUser();
                exchange = null;
            }
            return challenge == null ? new byte[0] : challenge;
        } catch (SaslAuthenticationException e) {
            state = State.FAILED;
            exchange = null;
            throw e;
        }
    }

    private SaslAuthenticateResponse authenticate(SaslAuthenticateRequest request) {
        SaslAuthenticateResponse response = new SaslAuthenticateResponse().setAuthBytes(new byte[0]);
        if (state != State.AUTHENTICATE || rawTokens) {
            state = State.FAILED;
            return response.setErrorCode(Errors.ILLEGAL_SASL_STATE.code())
                    .setErrorMessage("SaslAuthenticate before SaslHandshake chose a mechanism");
        }
        byte[] token = request.authBytes() == null ? new byte[0] : request.authBytes();
        try {
            return response.setErrorCode(Errors.NONE.code())
                    .setAuthBytes(evaluate(token))
                    .setSessionLifetimeMs(0);
        } catch (SaslAuthenticationException e) {
            return response.setErrorCode(Errors.SASL_AUTHENTICATION_FAILED.code())
                    .setErrorMessage(e.getMessage());
        }
    }

    /** The mechanisms offered, for tests and logs. */
    public List<String> mechanisms() {
        return List.copyOf(mechanisms.keySet());
    }
}
