package io.fjord.it.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.it.BrokerProcess;
import io.fjord.it.EmbeddedBroker;
import io.fjord.it.RawKafkaClient;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.SaslHandshakeRequest;
import io.fjord.protocol.message.SaslHandshakeResponse;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SASL/SCRAM end to end as Kafka users set it up: credentials created with the Admin client (over a PLAINTEXT
 * listener, which the brokers also use among themselves), then clients logging in with ScramLoginModule over a
 * SASL_PLAINTEXT listener that enables SCRAM-SHA-256 and SCRAM-SHA-512.
 */
class SaslScramIT {

    @TempDir
    Path dir;

    private EmbeddedBroker broker;
    private int saslPort;
    private int plainPort;
    private Admin admin;

    @BeforeEach
    void start() throws Exception {
        saslPort = BrokerProcess.freePort();
        plainPort = BrokerProcess.freePort();
        broker = EmbeddedBroker.start(
                dir,
                Map.of(
                        "listeners",
                        "SASL_PLAINTEXT://127.0.0.1:" + saslPort + ",OPEN://127.0.0.1:" + plainPort,
                        "listener.security.protocol.map",
                        "SASL_PLAINTEXT:SASL_PLAINTEXT,OPEN:PLAINTEXT,CONTROLLER:PLAINTEXT",
                        "inter.broker.listener.name",
                        "OPEN",
                        "sasl.enabled.mechanisms",
                        "SCRAM-SHA-256,SCRAM-SHA-512",
                        "group.initial.rebalance.delay.ms",
                        "0",
                        "connection.failed.authentication.delay.ms",
                        "0"));
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + plainPort);
        admin = Admin.create(props);
        admin.alterUserScramCredentials(List.of(
                        new UserScramCredentialUpsertion(
                                "alice", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 8192), "alice-secret"),
                        new UserScramCredentialUpsertion(
                                "bob", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "bob-secret")))
                .all()
                .get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        admin.close();
        broker.close();
    }

    @Test
    void aScramClientProducesAndConsumesInAGroup() throws Exception {
        String topic = "scram-secured";
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(scramProducer("SCRAM-SHA-256", "alice", "alice-secret"))) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
            }
        }
        Properties props = scramClient("SCRAM-SHA-512", "bob", "bob-secret");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bob-group");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (read.size() < 5 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    read.add(r.value());
                }
            }
            consumer.commitSync();
        }
        assertThat(read).containsExactlyInAnyOrder("v0", "v1", "v2", "v3", "v4");
    }

    @Test
    void aWrongPasswordAnUnknownUserAndTheOtherHashAreRefusedAlike() {
        String refused = "Authentication failed during authentication due to invalid credentials with SASL mechanism"
                + " SCRAM-SHA-256";
        for (String[] login : List.of(
                new String[] {"alice", "not-her-password"},
                new String[] {"mallory", "guess"},
                // bob has only a SCRAM-SHA-512 credential
                new String[] {"bob", "bob-secret"})) {
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(scramProducer("SCRAM-SHA-256", login[0], login[1]))) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>("scram-secured", "v"))
                                .get(30, TimeUnit.SECONDS))
                        .as(login[0])
                        .isInstanceOf(ExecutionException.class)
                        .cause()
                        .isInstanceOf(SaslAuthenticationException.class)
                        .hasMessage(refused);
            }
        }
    }

    @Test
    void aDeletedCredentialNoLongerLogsInWhileTheOtherUserStillDoes() throws Exception {
        try (Admin alice = Admin.create(scramClient("SCRAM-SHA-256", "alice", "alice-secret"))) {
            assertThat(alice.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .hasSize(1);
        }
        admin.alterUserScramCredentials(List.of(new UserScramCredentialDeletion("alice", ScramMechanism.SCRAM_SHA_256)))
                .all()
                .get(30, TimeUnit.SECONDS);

        try (Admin alice = Admin.create(scramClient("SCRAM-SHA-256", "alice", "alice-secret"))) {
            assertThatThrownBy(() -> alice.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOf(SaslAuthenticationException.class);
        }
        try (Admin bob = Admin.create(scramClient("SCRAM-SHA-512", "bob", "bob-secret"))) {
            assertThat(bob.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
        }
    }

    @Test
    void theListenerOffersBothScramMechanisms() throws Exception {
        try (RawKafkaClient raw = new RawKafkaClient(new InetSocketAddress("127.0.0.1", saslPort), 5_000)) {
            SaslHandshakeResponse handshake = (SaslHandshakeResponse)
                    raw.send(ApiKeys.SASL_HANDSHAKE, (short) 1, new SaslHandshakeRequest().setMechanism("PLAIN"));
            assertThat(handshake.errorCode()).as("UNSUPPORTED_SASL_MECHANISM").isEqualTo((short) 33);
            assertThat(handshake.mechanisms()).containsExactly("SCRAM-SHA-256", "SCRAM-SHA-512");
        }
    }

    @Test
    void kcatLogsInWithScramSha512() throws Exception {
        SaslClients.assertKcatRoundTrip(saslPort, "SCRAM-SHA-512", "bob", "bob-secret", "kcat-scram");
    }

    private Properties scramClient(String mechanism, String user, String password) {
        return SaslClients.clientProps(saslPort, mechanism, SaslClients.SCRAM_LOGIN, user, password);
    }

    private Properties scramProducer(String mechanism, String user, String password) {
        return SaslClients.producerProps(saslPort, mechanism, SaslClients.SCRAM_LOGIN, user, password);
    }
}
