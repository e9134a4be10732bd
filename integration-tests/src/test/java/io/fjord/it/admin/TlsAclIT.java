package io.fjord.it.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.it.BrokerProcess;
import io.fjord.it.EmbeddedBroker;
import io.fjord.testkit.TlsFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS client is the principal its certificate names, as Kafka's default principal builder names it: {@code
 * User:CN=client} for the test kit's client certificate, or what {@code ssl.principal.mapping.rules} makes of it. The PLAINTEXT listener, which is also the brokers' own, is
 * anonymous, and {@code User:ANONYMOUS} is the super user, as a Kafka set-up with a plaintext inter-broker listener
 * must make it.
 */
public class TlsAclIT {

    @TempDir
    Path dir;

    private TlsFiles tls;
    private EmbeddedBroker broker;
    private int plainPort;
    private int tlsPort;

    private void start(Map<String, String> extra) throws Exception {
        tls = TlsFiles.create(dir.resolve("tls"));
        plainPort = BrokerProcess.freePort();
        tlsPort = BrokerProcess.freePort();
        Map<String, String> settings = new HashMap<>();
        settings.put("listeners", "OPEN://127.0.0.1:" + plainPort + ",MUTUAL://127.0.0.1:" + tlsPort);
        settings.put("listener.security.protocol.map", "OPEN:PLAINTEXT,MUTUAL:SSL,CONTROLLER:PLAINTEXT");
        settings.put("inter.broker.listener.name", "OPEN");
        settings.putAll(tls.brokerSettings("listener.name.mutual.", tls.trustStore()));
        settings.put("listener.name.mutual.ssl.client.auth", "required");
        settings.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        settings.put("super.users", "User:ANONYMOUS");
        settings.put("group.initial.rebalance.delay.ms", "0");
        settings.putAll(extra);
        broker = EmbeddedBroker.start(dir.resolve("data"), settings);
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void theCertificatesDistinguishedNameIsThePrincipalTheAclsName() throws Exception {
        start(Map.of());
        assertTheAclsOfThisPrincipalApply("User:CN=client");
    }

    @Test
    void mappingRulesTurnTheDistinguishedNameIntoAShorterPrincipal() throws Exception {
        start(Map.of("listener.name.mutual.ssl.principal.mapping.rules", "RULE:^CN=([a-z]+)$/$1-app/U, DEFAULT"));
        assertTheAclsOfThisPrincipalApply("User:CLIENT-APP");
    }

    private void assertTheAclsOfThisPrincipalApply(String principal) throws Exception {
        Properties open = new Properties();
        open.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + plainPort);
        try (Admin admin = Admin.create(open)) {
            admin.createTopics(List.of(new NewTopic("certified", 1, (short) 1), new NewTopic("other", 1, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            admin.createAcls(List.of(
                            allow(principal, ResourceType.TOPIC, "certified", AclOperation.WRITE),
                            allow(principal, ResourceType.TOPIC, "certified", AclOperation.READ),
                            allow(principal, ResourceType.GROUP, "certs", AclOperation.READ)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        Properties producerProps = client();
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>("certified", "v" + i)).get(30, TimeUnit.SECONDS);
            }
            assertThatThrownBy(() ->
                            producer.send(new ProducerRecord<>("other", "v")).get(30, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOf(TopicAuthorizationException.class);
        }
        Properties consumerProps = client();
        consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "certs");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps)) {
            consumer.subscribe(List.of("certified"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (read.size() < 3 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    read.add(r.value());
                }
            }
        }
        assertThat(read).containsExactly("v0", "v1", "v2");
    }

    private static AclBinding allow(String principal, ResourceType type, String name, AclOperation operation) {
        return new AclBinding(
                new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }

    private Properties client() {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + tlsPort);
        props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        props.put(
                SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
                tls.brokerOnlyTrustStore().toString());
        props.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, TlsFiles.PASSWORD);
        props.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        props.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, tls.clientKeyStore().toString());
        props.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, TlsFiles.PASSWORD);
        props.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
        return props;
    }
}
