package io.fjord.broker.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.broker.network.RequestContext;
import io.fjord.common.Errors;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.SaslAuthenticateRequest;
import io.fjord.protocol.message.SaslAuthenticateResponse;
import io.fjord.protocol.message.SaslHandshakeRequest;
import io.fjord.protocol.message.SaslHandshakeResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SaslServerAuthenticatorTest {

    private final SaslServerAuthenticator authenticator = new SaslServerAuthenticator(mechanisms());

    private static Map<String, SaslMechanism> mechanisms() {
        Map<String, SaslMechanism> mechanisms = new LinkedHashMap<>();
        mechanisms.put("PLAIN", PlainMechanism.fromJaasOptions(Map.of("username", "admin", "user_alice", "secret")));
        return mechanisms;
    }

    @Test
    void handshakeThenPlainLetsTheClientIn() {
        SaslHandshakeResponse handshake = handshake("PLAIN");
        assertThat(handshake.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(handshake.mechanisms()).containsExactly("PLAIN");
        SaslAuthenticateResponse response = authenticate("\u0000alice\u0000secret");
        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(authenticator.authenticated()).isTrue();
        assertThat(authenticator.principal()).isEqualTo("User:alice");
    }

    @Test
    void anAuthorizationIdOfItsOwnIsAccepted() {
        handshake("PLAIN");
        assertThat(authenticate("alice\u0000alice\u0000secret").errorCode()).isEqualTo(Errors.NONE.code());
    }

    @Test
    void failuresEndTheExchange() {
        handshake("PLAIN");
        SaslAuthenticateResponse wrong = authenticate("\u0000alice\u0000guess");
        assertThat(wrong.errorCode()).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED.code());
        assertThat(wrong.errorMessage()).isEqualTo("Authentication failed: Invalid username or password");
        assertThat(authenticator.failed()).isTrue();
        assertThat(authenticator.authenticated()).isFalse();

        SaslServerAuthenticator other = new SaslServerAuthenticator(mechanisms());
        other.handle(null, new SaslHandshakeRequest().setMechanism("PLAIN"));
        SaslAuthenticateResponse impersonation = (SaslAuthenticateResponse) other.handle(
                null,
                new SaslAuthenticateRequest()
                        .setAuthBytes("admin\u0000alice\u0000secret".getBytes(StandardCharsets.UTF_8)));
        assertThat(impersonation.errorMessage()).contains("authorization id that is different from username");
        assertThat(other.failed()).isTrue();

        SaslServerAuthenticator unknown = new SaslServerAuthenticator(mechanisms());
        SaslHandshakeResponse response =
                (SaslHandshakeResponse) unknown.handle(null, new SaslHandshakeRequest().setMechanism("GSSAPI"));
        assertThat(response.errorCode()).isEqualTo(Errors.UNSUPPORTED_SASL_MECHANISM.code());
        assertThat(response.mechanisms()).containsExactly("PLAIN");
        assertThat(unknown.failed()).isTrue();
    }

    @Test
    void outOfOrderRequestsAreIllegal() {
        SaslAuthenticateResponse early = authenticate("\u0000alice\u0000secret");
        assertThat(early.errorCode()).isEqualTo(Errors.ILLEGAL_SASL_STATE.code());
        assertThat(authenticator.failed()).isTrue();

        SaslServerAuthenticator twice = new SaslServerAuthenticator(mechanisms());
        twice.handle(null, new SaslHandshakeRequest().setMechanism("PLAIN"));
        SaslHandshakeResponse again =
                (SaslHandshakeResponse) twice.handle(null, new SaslHandshakeRequest().setMechanism("PLAIN"));
        assertThat(again.errorCode()).isEqualTo(Errors.ILLEGAL_SASL_STATE.code());
    }

    @Test
    void malformedPlainTokensFail() {
        handshake("PLAIN");
        assertThat(authenticate("alice:secret").errorMessage())
                .isEqualTo("Invalid SASL/PLAIN response: expected 3 tokens, got 1");
        SaslServerAuthenticator empty = new SaslServerAuthenticator(mechanisms());
        empty.handle(null, new SaslHandshakeRequest().setMechanism("PLAIN"));
        SaslAuthenticateResponse response = (SaslAuthenticateResponse) empty.handle(
                null, new SaslAuthenticateRequest().setAuthBytes("\u0000alice\u0000".getBytes(StandardCharsets.UTF_8)));
        assertThat(response.errorMessage()).isEqualTo("Authentication failed: password not specified");
    }

    @Test
    void aV0HandshakeTakesTheTokensBareAsKafkaDoes() {
        SaslHandshakeResponse handshake = handshakeV0(authenticator);
        assertThat(handshake.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(authenticator.expectsRawToken()).isTrue();
        assertThat(authenticator.admit(ApiKeys.SASL_AUTHENTICATE))
                .as("after v0 the tokens come bare, not in SaslAuthenticate")
                .isFalse();
        byte[] answer = authenticator.handleRawToken("\u0000alice\u0000secret".getBytes(StandardCharsets.UTF_8));
        assertThat(answer)
                .as("PLAIN answers with an empty token, which Kafka sends as a 0-length frame")
                .isEmpty();
        assertThat(authenticator.authenticated()).isTrue();
        assertThat(authenticator.principal()).isEqualTo("User:alice");
        assertThat(authenticator.expectsRawToken()).isFalse();
    }

    @Test
    void aFailedBareLoginHasNoAnswer() {
        SaslServerAuthenticator v0 = new SaslServerAuthenticator(mechanisms());
        handshakeV0(v0);
        assertThat(v0.handleRawToken("\u0000alice\u0000guess".getBytes(StandardCharsets.UTF_8)))
                .isNull();
        assertThat(v0.failed()).isTrue();
        assertThat(v0.expectsRawToken()).isFalse();
    }

    @Test
    void aV1HandshakeKeepsSaslAuthenticate() {
        handshake("PLAIN");
        assertThat(authenticator.expectsRawToken()).isFalse();
        assertThat(authenticator.admit(ApiKeys.SASL_AUTHENTICATE)).isTrue();
    }

    private static SaslHandshakeResponse handshakeV0(SaslServerAuthenticator authenticator) {
        return (SaslHandshakeResponse) authenticator.handle(
                new RequestContext(ApiKeys.SASL_HANDSHAKE, (short) 0, 1, "kafka-python", 1, null),
                new SaslHandshakeRequest().setMechanism("PLAIN"));
    }

    private SaslHandshakeResponse handshake(String mechanism) {
        return (SaslHandshakeResponse) authenticator.handle(null, new SaslHandshakeRequest().setMechanism(mechanism));
    }

    private SaslAuthenticateResponse authenticate(String token) {
        return (SaslAuthenticateResponse) authenticator.handle(
                null, new SaslAuthenticateRequest().setAuthBytes(token.getBytes(StandardCharsets.UTF_8)));
    }
}
