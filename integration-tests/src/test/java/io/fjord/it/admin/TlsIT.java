package io.fjord.it.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.it.BrokerProcess;
import io.fjord.it.EmbeddedBroker;
import io.fjord.it.KcatIT;
import io.fjord.testkit.TlsFiles;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS as Kafka configures it, with real clients: an SSL listener (the broker's key and trust stores), one that asks
 * every client for a certificate ({@code ssl.client.auth=required}), a SASL_SSL listener with PLAIN users, and a
 * PLAINTEXT one beside them. The Java client and librdkafka (kcat) produce and consume through each; clients that do
 * not trust the broker, or that the broker does not trust, are turned away without harming the others.
 */
public class TlsIT {

    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"admin\" password=\"admin-secret\" user_admin=\"admin-secret\" user_alice=\"alice-secret\";";

    @TempDir
    static Path dir;

    static TlsFiles tls;
    static EmbeddedBroker broker;
    static int sslPort;
    static int mutualPort;
    static int saslSslPort;
    static int plainPort;
    static int pemPort;

    @BeforeAll
    static void start() throws Exception {
        tls = TlsFiles.create(dir.resolve("tls"));
        sslPort = BrokerProcess.freePort();
        mutualPort = BrokerProcess.freePort();
        saslSslPort = BrokerProcess.freePort();
        plainPort = BrokerProcess.freePort();
        pemPort = BrokerProcess.freePort();
        Map<String, String> settings = new HashMap<>();
        settings.put(
                "listeners",
                "OPEN://127.0.0.1:" + plainPort + ",SECURE://127.0.0.1:" + sslPort + ",MUTUAL://127.0.0.1:" + mutualPort
                        + ",LOGIN://127.0.0.1:" + saslSslPort + ",PEM://127.0.0.1:" + pemPort);
        settings.put(
                "listener.security.protocol.map",
                "OPEN:PLAINTEXT,SECURE:SSL,MUTUAL:SSL,LOGIN:SASL_SSL,PEM:SSL,CONTROLLER:PLAINTEXT");
        settings.put("inter.broker.listener.name", "OPEN");
        for (String listener : List.of("secure", "mutual", "login")) {
            // Per listener: the PEM listener's stores may not inherit a store password (Kafka refuses one).
            settings.putAll(tls.brokerSettings("listener.name." + listener + ".", tls.trustStore()));
        }
        settings.put("listener.name.mutual.ssl.client.auth", "required");
        settings.put("listener.name.login.sasl.enabled.mechanisms", "PLAIN");
        settings.put("listener.name.login.plain.sasl.jaas.config", JAAS);
        // PEM, in the configuration itself as Kafka's KIP-651 allows: an encrypted key, and the certificates trusted.
        settings.put("listener.name.pem.ssl.keystore.type", "PEM");
        settings.put("listener.name.pem.ssl.keystore.key", Files.readString(tls.brokerEncryptedKeyPem()));
        settings.put("listener.name.pem.ssl.keystore.certificate.chain", Files.readString(tls.brokerPem()));
        settings.put("listener.name.pem.ssl.key.password", TlsFiles.PASSWORD);
        settings.put("listener.name.pem.ssl.truststore.type", "PEM");
        settings.put("listener.name.pem.ssl.truststore.certificates", Files.readString(tls.trustPem()));
        settings.put("listener.name.pem.ssl.client.auth", "required");
        settings.put("group.initial.rebalance.delay.ms", "0");
        settings.put("connection.failed.authentication.delay.ms", "0");
        broker = EmbeddedBroker.start(dir.resolve("data"), settings);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    /** A client of the SSL listener on {@code port} that trusts the broker's certificate. */
    private static Properties sslClient(int port) {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
        props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        props.put(
                SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
                tls.brokerOnlyTrustStore().toString());
        props.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, TlsFiles.PASSWORD);
        props.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        return props;
    }

    private static Properties withClientCertificate(Properties props) {
        props.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, tls.clientKeyStore().toString());
        props.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, TlsFiles.PASSWORD);
        props.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
        return props;
    }

    private static void createTopic(Properties client, String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(client)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /** Sends {@code count} random values of {@code size} bytes; returns the SHA-256 of them in send order. */
    private static byte[] produce(Properties client, String topic, int count, int size) throws Exception {
        Properties props = (Properties) client.clone();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        Random random = new Random(42);
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < count; i++) {
                byte[] value = new byte[size];
                random.nextBytes(value);
                digest.update(value);
                sends.add(producer.send(new ProducerRecord<>(topic, 0, null, value)));
            }
            producer.flush();
        }
        for (int i = 0; i < count; i++) {
            assertThat(sends.get(i).get(30, TimeUnit.SECONDS).offset()).isEqualTo(i);
        }
        return digest.digest();
    }

    /** Reads {@code count} values of partition 0 from the start in a group; returns the SHA-256 of them in order. */
    private static byte[] consume(Properties client, String topic, String group, int count) throws Exception {
        Properties props = (Properties) client.clone();
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        int read = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (read < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    assertThat(r.offset()).isEqualTo(read);
                    digest.update(r.value());
                    read++;
                }
            }
            consumer.commitSync();
        }
        assertThat(read).as("records read from %s", topic).isEqualTo(count);
        return digest.digest();
    }

    @Test
    void theJavaClientProducesAndConsumesOverTlsResponsesOfManyMegabytesIncluded() throws Exception {
        Properties client = sslClient(sslPort);
        createTopic(client, "sealed", 1);
        // 24 MB in one partition, in produce requests of up to 1 MiB that arrive in many TLS records; the consumer's
        // fetches of up to 1 MiB each are read from the segment in chunks.
        Properties bigBatches = (Properties) client.clone();
        bigBatches.put(ProducerConfig.BATCH_SIZE_CONFIG, "1048576");
        bigBatches.put(ProducerConfig.LINGER_MS_CONFIG, "50");
        byte[] sent = produce(bigBatches, "sealed", 3_000, 8_000);
        assertThat(consume(client, "sealed", "sealed-readers", 3_000)).isEqualTo(sent);
        try (Admin admin = Admin.create(client)) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .as("a client on the SSL listener is told the SSL listener's address")
                    .containsExactly(new Node(1, "127.0.0.1", sslPort));
        }
        Properties plain = new Properties();
        plain.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + plainPort);
        assertThat(consume(plain, "sealed", "plain-readers", 3_000))
                .as("the same records through the PLAINTEXT listener (sendfile)")
                .isEqualTo(sent);
    }

    @Test
    void aClientThatDoesNotTrustTheBrokerIsRefusedWithKafkasError() throws Exception {
        Properties untrusting = sslClient(sslPort);
        untrusting.remove(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG);
        untrusting.remove(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG);
        untrusting.remove(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG);
        try (Admin admin = Admin.create(untrusting)) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(SslAuthenticationException.class)
                    .hasMessageContaining("SSL handshake failed");
        }
        assertBrokerStillServes();
    }

    @Test
    void plaintextBytesOnATlsListenerCloseTheConnectionAndNothingElse() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", sslPort), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            // An ApiVersions v0 request in the clear, as a client that forgot security.protocol=SSL sends it.
            out.write(new byte[] {0, 0, 0, 10, 0, 18, 0, 0, 0, 0, 0, 1, 0, 0});
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            int total = 0;
            int n;
            while ((n = in.read(buffer)) >= 0) {
                total += n;
                assertThat(total)
                        .as("at most a TLS alert, never a Kafka answer")
                        .isLessThan(64);
            }
        }
        assertBrokerStillServes();
    }

    @Test
    void aListenerThatRequiresClientCertificatesTurnsAwayClientsWithout() throws Exception {
        assertOnlyClientsWithCertificatesGetIn(mutualPort, "mutual");
    }

    @Test
    void pemKeysAndCertificatesInTheConfigurationServeClientsWithCertificates() throws Exception {
        assertOnlyClientsWithCertificatesGetIn(pemPort, "pem");
    }

    private static void assertOnlyClientsWithCertificatesGetIn(int port, String topic) throws Exception {
        try (Admin admin = Admin.create(sslClient(port))) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .as("no client certificate")
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(SslAuthenticationException.class);
        }
        Properties client = withClientCertificate(sslClient(port));
        createTopic(client, topic, 1);
        byte[] sent = produce(client, topic, 200, 1_000);
        assertThat(consume(client, topic, topic + "-readers", 200)).isEqualTo(sent);
    }

    @Test
    void saslSslLogsInOverTls() throws Exception {
        Properties client = sslClient(saslSslPort);
        client.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        client.put("sasl.mechanism", "PLAIN");
        client.put(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\""
                        + " password=\"alice-secret\";");
        createTopic(client, "logged-in", 1);
        byte[] sent = produce(client, "logged-in", 200, 1_000);
        assertThat(consume(client, "logged-in", "login-readers", 200)).isEqualTo(sent);

        client.put(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\""
                        + " password=\"guess\";");
        try (Admin admin = Admin.create(client)) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .hasMessageContaining("Invalid username or password");
        }
    }

    @Test
    void kcatProducesAndConsumesOverTls() throws Exception {
        String topic = "kcat-tls";
        createTopic(sslClient(sslPort), topic, 2);
        StringBuilder input = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            String line = "k" + (i % 7) + ":sealed " + i + " " + "y".repeat(i % 300);
            input.append(line).append('\n');
            expected.add(line);
        }
        KcatIT.Result produce = kcat(input.toString(), "-P", "-t", topic, "-K:", "-z", "lz4");
        assertThat(produce.exitCode())
                .as("kcat -P stderr: %s", produce.stderr())
                .isZero();
        KcatIT.Result consume = kcat("", "-C", "-t", topic, "-o", "beginning", "-e", "-f", "%k:%s\\n");
        assertThat(consume.exitCode())
                .as("kcat -C stderr: %s", consume.stderr())
                .isZero();
        assertThat(consume.stdout().lines().toList()).containsExactlyInAnyOrderElementsOf(expected);
    }

    /** Runs kcat against the SSL listener, trusting the broker's certificate (OpenSSL reads it as PEM). */
    private static KcatIT.Result kcat(String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                "kcat",
                "-b",
                "127.0.0.1:" + sslPort,
                "-X",
                "security.protocol=ssl",
                "-X",
                "ssl.ca.location=" + tls.brokerPem()));
        command.addAll(List.of(args));
        return KcatIT.run(stdin, command.toArray(String[]::new));
    }

    private static void assertBrokerStillServes() throws Exception {
        Properties props = sslClient(sslPort);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            assertThat(producer.send(new ProducerRecord<>("still-serving", "v"))
                            .get(30, TimeUnit.SECONDS)
                            .offset())
                    .isGreaterThanOrEqualTo(0);
        }
    }
}
