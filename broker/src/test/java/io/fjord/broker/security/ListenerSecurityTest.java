package io.fjord.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.broker.network.NetworkServer;
import io.fjord.common.config.BrokerConfig;
import io.fjord.common.config.ConfigException;
import io.fjord.common.config.Endpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListenerSecurityTest {

    private static final String PLAIN_JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"admin\" password=\"admin-secret\" user_admin=\"admin-secret\";";

    private static BrokerConfig config(Map<String, String> extra) {
        Map<String, String> props = new HashMap<>();
        props.put("listeners", "SASL_PLAINTEXT://127.0.0.1:9092,PLAINTEXT://127.0.0.1:9093");
        props.putAll(extra);
        return BrokerConfig.parse(props);
    }

    @Test
    void aSaslListenerGetsAnAuthenticatorAPlaintextOneNone() {
        BrokerConfig config = config(Map.of(
                "sasl.enabled.mechanisms", "PLAIN", "listener.name.sasl_plaintext.plain.sasl.jaas.config", PLAIN_JAAS));
        ListenerSecurity security = new ListenerSecurity(config, Map.of());
        NetworkServer.Listener sasl = security.listener(new Endpoint("SASL_PLAINTEXT", "127.0.0.1", 9092));
        assertThat(sasl.authenticators()).isNotNull();
        assertThat(sasl.unauthenticatedMaxRequestBytes()).isEqualTo(524288);
        assertThat(sasl.failedAuthenticationDelayMs()).isEqualTo(100);
        assertThat(((SaslServerAuthenticator) sasl.authenticators().get()).mechanisms())
                .containsExactly("PLAIN");
        assertThat(security.listener(new Endpoint("PLAINTEXT", "127.0.0.1", 9093))
                        .authenticators())
                .isNull();
        assertThat(security.interBroker())
                .as("inter-broker traffic on PLAINTEXT")
                .isEqualTo(InterBrokerSecurity.PLAINTEXT);
    }

    @Test
    void kafkasDefaultGssapiAndMissingUsersStopTheStart() {
        ListenerSecurity gssapi = new ListenerSecurity(config(Map.of()), Map.of());
        assertThatThrownBy(() -> gssapi.listener(new Endpoint("SASL_PLAINTEXT", "127.0.0.1", 9092)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("enables SASL mechanism GSSAPI, which Fjord does not support");
        ListenerSecurity noUsers = new ListenerSecurity(config(Map.of("sasl.enabled.mechanisms", "PLAIN")), Map.of());
        assertThatThrownBy(() -> noUsers.listener(new Endpoint("SASL_PLAINTEXT", "127.0.0.1", 9092)))
                .hasMessageContaining("listener.name.sasl_plaintext.plain.sasl.jaas.config");
    }

    @Test
    void theInterBrokerLoginComesFromTheListenersPlainEntry() {
        Map<String, String> props = Map.of(
                "inter.broker.listener.name", "SASL_PLAINTEXT",
                "sasl.enabled.mechanisms", "PLAIN",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config", PLAIN_JAAS);
        assertThatThrownBy(() -> new ListenerSecurity(config(props), Map.of()).interBrokerLogin())
                .as("Kafka's default sasl.mechanism.inter.broker.protocol is GSSAPI")
                .hasMessageContaining("set sasl.mechanism.inter.broker.protocol=PLAIN");
        Map<String, String> plain = new HashMap<>(props);
        plain.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        assertThat(new ListenerSecurity(config(plain), Map.of()).interBrokerLogin())
                .isEqualTo(new SaslLogin("PLAIN", "admin", "admin-secret"));
    }

    @Test
    void aJaasFileSectionWorksAsInKafka(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kafka_server_jaas.conf");
        Files.writeString(
                file,
                "KafkaServer {\n org.apache.kafka.common.security.plain.PlainLoginModule required\n"
                        + "  user_bob=\"bob-secret\";\n};\n");
        String previous = System.setProperty("java.security.auth.login.config", file.toString());
        try {
            ListenerSecurity security =
                    new ListenerSecurity(config(Map.of("sasl.enabled.mechanisms", "PLAIN")), Map.of());
            Map<String, SaslMechanism> mechanisms = security.mechanisms("SASL_PLAINTEXT");
            SaslExchange exchange = mechanisms.get("PLAIN").newExchange();
            exchange.evaluate("\u0000bob\u0000bob-secret".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(exchange.authenticatedUser()).isEqualTo("bob");
        } finally {
            if (previous == null) {
                System.clearProperty("java.security.auth.login.config");
            } else {
                System.setProperty("java.security.auth.login.config", previous);
            }
        }
    }
}
