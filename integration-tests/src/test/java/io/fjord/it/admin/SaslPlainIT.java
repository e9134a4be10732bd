package io.fjord.it.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.it.BrokerProcess;
import io.fjord.it.EmbeddedBroker;
import io.fjord.it.RawKafkaClient;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.MetadataRequest;
import io.fjord.protocol.message.SaslHandshakeRequest;
import io.fjord.protocol.message.SaslHandshakeResponse;
import java.io.IOException;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SASL/PLAIN as Kafka's docker set-ups configure it: a SASL_PLAINTEXT listener whose PlainLoginModule JAAS entry
 * lists the users, the broker logging in to itself (transaction markers, KIP-890 verification) as {@code admin} with
 * {@code sasl.mechanism.inter.broker.protocol=PLAIN}, and a PLAINTEXT listener next to it that asks nothing.
 */
public class SaslPlainIT {

    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"admin\" password=\"admin-secret\" user_admin=\"admin-secret\" user_alice=\"alice-secret\";";

    @TempDir
    Path dir;

    private EmbeddedBroker broker;
    private int saslPort;
    private int plainPort;

    @BeforeEach
    void start() {
        saslPort = BrokerProcess.freePort();
        plainPort = BrokerProcess.freePort();
        broker = EmbeddedBroker.start(dir, settings(saslPort, plainPort));
    }

    /**
     * A SASL_PLAINTEXT listener on {@code saslPort} (users admin and alice, password {@code <user>-secret}), also the
     * inter-broker listener, and a PLAINTEXT one on {@code plainPort}.
     */
    public static Map<String, String> settings(int saslPort, int plainPort) {
        return Map.of(
                "listeners",
                "SASL_PLAINTEXT://127.0.0.1:" + saslPort + ",OPEN://127.0.0.1:" + plainPort,
                "listener.security.protocol.map",
                "SASL_PLAINTEXT:SASL_PLAINTEXT,OPEN:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name",
                "SASL_PLAINTEXT",
                "sasl.enabled.mechanisms",
                "PLAIN",
                "sasl.mechanism.inter.broker.protocol",
                "PLAIN",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config",
                JAAS,
                "group.initial.rebalance.delay.ms",
                "0",
                "connection.failed.authentication.delay.ms",
                "0");
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void anAuthenticatedClientProducesTransactionallyAndConsumesInAGroup() throws Exception {
        String topic = "secured";
        Properties txn = producerProps("alice", "alice-secret");
        txn.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "alice-txn");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(txn)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "committed-" + i));
            }
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "aborted"));
            producer.abortTransaction();
        }
        List<String> read = new ArrayList<>();
        Properties props = clientProps("alice", "alice-secret");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "alice-group");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
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
        assertThat(read)
                .containsExactlyInAnyOrder("committed-0", "committed-1", "committed-2", "committed-3", "committed-4");
    }

    @Test
    void aWrongPasswordIsRefusedWithKafkasMessage() {
        try (Admin admin = Admin.create(clientProps("alice", "not-her-password"))) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(SaslAuthenticationException.class)
                    .hasMessageContaining("Authentication failed: Invalid username or password");
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps("mallory", "guess"))) {
            assertThatThrownBy(() ->
                            producer.send(new ProducerRecord<>("secured", "v")).get(30, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void requestsBeforeAuthenticationCloseTheConnection() throws Exception {
        try (RawKafkaClient raw = new RawKafkaClient(new InetSocketAddress("127.0.0.1", saslPort), 5_000)) {
            SaslHandshakeResponse handshake = (SaslHandshakeResponse)
                    raw.send(ApiKeys.SASL_HANDSHAKE, (short) 1, new SaslHandshakeRequest().setMechanism("GSSAPI"));
            assertThat(handshake.errorCode()).as("UNSUPPORTED_SASL_MECHANISM").isEqualTo((short) 33);
            assertThat(handshake.mechanisms()).containsExactly("PLAIN");
            assertThatThrownBy(() -> raw.send(ApiKeys.METADATA, (short) 12, new MetadataRequest()))
                    .isInstanceOf(IOException.class);
        }
        try (RawKafkaClient raw = new RawKafkaClient(new InetSocketAddress("127.0.0.1", saslPort), 5_000)) {
            assertThatThrownBy(() -> raw.send(ApiKeys.METADATA, (short) 12, new MetadataRequest()))
                    .as("Metadata before any handshake")
                    .isInstanceOf(IOException.class);
            assertThat(raw.isClosedByPeer()).isTrue();
        }
        try (RawKafkaClient raw = new RawKafkaClient(new InetSocketAddress("127.0.0.1", saslPort), 5_000)) {
            // A size prefix over sasl.server.max.receive.size (512 KiB) before authentication closes at once.
            byte[] frame = new byte[8];
            java.nio.ByteBuffer.wrap(frame)
                    .putInt(10 << 20)
                    .putShort((short) 36)
                    .putShort((short) 2);
            raw.sendRaw(frame);
            long startNs = System.nanoTime();
            assertThatThrownBy(raw::readFrame)
                    .as("closed by the broker, not a read timing out")
                    .isInstanceOf(IOException.class)
                    .isNotInstanceOf(java.net.SocketTimeoutException.class);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs))
                    .isLessThan(4_000);
        }
    }

    @Test
    void thePlaintextListenerNextToItAsksNothing() throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + plainPort);
        try (Admin admin = Admin.create(props)) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .singleElement()
                    .satisfies(node -> assertThat(node.port()).isEqualTo(plainPort));
        }
    }

    @Test
    void kcatLogsInWithPlain() throws Exception {
        SaslClients.assertKcatRoundTrip(saslPort, "PLAIN", "alice", "alice-secret", "kcat-secured");
    }

    private Properties clientProps(String user, String password) {
        return SaslClients.clientProps(saslPort, "PLAIN", SaslClients.PLAIN_LOGIN, user, password);
    }

    private Properties producerProps(String user, String password) {
        return SaslClients.producerProps(saslPort, "PLAIN", SaslClients.PLAIN_LOGIN, user, password);
    }
}
