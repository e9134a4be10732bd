package io.fjord.it.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.it.BrokerProcess;
import io.fjord.it.EmbeddedBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ACLs as a Kafka user sets them up: Kafka's StandardAuthorizer named in the configuration, a SASL/PLAIN listener,
 * {@code admin} a super user (the brokers log in to each other as admin), and alice and bob allowed only what the
 * ACLs admin creates with the Admin client say. Every check goes through the official Java client, and kcat.
 */
public class AclIT {

    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"admin\" password=\"admin-secret\" user_admin=\"admin-secret\""
            + " user_alice=\"alice-secret\" user_bob=\"bob-secret\";";

    @TempDir
    Path dir;

    private EmbeddedBroker broker;
    private int port;

    @BeforeEach
    void start() {
        port = BrokerProcess.freePort();
        broker = EmbeddedBroker.start(dir, settings(port));
    }

    public static Map<String, String> settings(int port) {
        Map<String, String> settings = new HashMap<>();
        settings.put("listeners", "SASL_PLAINTEXT://127.0.0.1:" + port);
        settings.put("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
        settings.put("inter.broker.listener.name", "SASL_PLAINTEXT");
        settings.put("sasl.enabled.mechanisms", "PLAIN");
        settings.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        settings.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", JAAS);
        settings.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        settings.put("super.users", "User:admin");
        settings.put("group.initial.rebalance.delay.ms", "0");
        settings.put("auto.create.topics.enable", "false");
        return settings;
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void aliceGetsExactlyWhatTheAclsAllow() throws Exception {
        try (Admin admin = Admin.create(props("admin"))) {
            admin.createTopics(List.of(new NewTopic("orders", 2, (short) 1), new NewTopic("secret", 1, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        // No ACL: alice may not even see the topic.
        Properties noIdempotence = producerProps("alice");
        noIdempotence.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(noIdempotence)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("orders", "k", "v"))
                            .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(TopicAuthorizationException.class);
        }
        try (Admin alice = Admin.create(props("alice"))) {
            assertThatThrownBy(() ->
                            alice.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOf(ClusterAuthorizationException.class);
            assertThatThrownBy(() -> alice.createAcls(
                                    List.of(allow("alice", ResourceType.TOPIC, "secret", AclOperation.READ)))
                            .all()
                            .get(30, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOf(ClusterAuthorizationException.class);
        }

        List<AclBinding> acls = List.of(
                allow("alice", ResourceType.TOPIC, "orders", AclOperation.WRITE),
                new AclBinding(
                        new ResourcePattern(ResourceType.TOPIC, "ord", PatternType.PREFIXED),
                        new AccessControlEntry("User:alice", "*", AclOperation.READ, AclPermissionType.ALLOW)));
        try (Admin admin = Admin.create(props("admin"))) {
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
            assertThat(admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS))
                    .containsExactlyInAnyOrderElementsOf(acls);
            AclBindingFilter appliesToOrders = new AclBindingFilter(
                    new ResourcePatternFilter(ResourceType.TOPIC, "orders", PatternType.MATCH),
                    AccessControlEntryFilter.ANY);
            assertThat(admin.describeAcls(appliesToOrders).values().get(30, TimeUnit.SECONDS))
                    .containsExactlyInAnyOrderElementsOf(acls);
        }

        // WRITE on one topic is enough for an idempotent producer (Kafka's "WRITE on any topic").
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps("alice"))) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("orders", "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
            }
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("secret", "k", "v"))
                            .get(30, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOf(TopicAuthorizationException.class);
        }
        // Only the topics alice may describe are listed.
        try (Admin alice = Admin.create(props("alice"))) {
            assertThat(alice.listTopics().names().get(30, TimeUnit.SECONDS)).containsExactly("orders");
        }
        // Reading in a group needs READ on the group too.
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps("alice", "alice-group"))) {
            consumer.subscribe(List.of("orders"));
            assertThatThrownBy(() -> pollUntil(consumer, 10)).isInstanceOf(GroupAuthorizationException.class);
        }
        try (Admin admin = Admin.create(props("admin"))) {
            admin.createAcls(List.of(allow("alice", ResourceType.GROUP, "alice-group", AclOperation.READ)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps("alice", "alice-group"))) {
            consumer.subscribe(List.of("orders"));
            assertThat(pollUntil(consumer, 10)).hasSize(10);
            consumer.commitSync();
        }
        // Not even the super user writes the broker's own topics: Kafka's rule, whose absence would let WRITE on *
        // forge
        // any group's offsets.
        Properties admin = producerProps("admin");
        admin.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(admin)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("__consumer_offsets", 0, "k", "v"))
                            .get(30, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOf(InvalidTopicException.class)
                    .hasMessageContaining("internal topic");
        }
        // bob has nothing: the client learns from the metadata that it may not see the topic.
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps("bob", "alice-group"))) {
            consumer.subscribe(List.of("orders"));
            assertThatThrownBy(() -> pollUntil(consumer, 1)).isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void denyBeatsAllowAndDeletedAclsStopApplying() throws Exception {
        try (Admin admin = Admin.create(props("admin"))) {
            admin.createTopics(List.of(new NewTopic("events", 1, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            admin.createAcls(List.of(
                            new AclBinding(
                                    new ResourcePattern(ResourceType.TOPIC, "*", PatternType.LITERAL),
                                    new AccessControlEntry("User:*", "*", AclOperation.ALL, AclPermissionType.ALLOW)),
                            new AclBinding(
                                    new ResourcePattern(ResourceType.TOPIC, "events", PatternType.LITERAL),
                                    new AccessControlEntry(
                                            "User:bob", "*", AclOperation.WRITE, AclPermissionType.DENY))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        Properties bob = producerProps("bob");
        bob.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(bob)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("events", "k", "v"))
                            .get(30, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOf(TopicAuthorizationException.class);
        }
        Properties alice = producerProps("alice");
        alice.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(alice)) {
            producer.send(new ProducerRecord<>("events", "k", "v")).get(30, TimeUnit.SECONDS);
        }
        try (Admin admin = Admin.create(props("admin"))) {
            AclBindingFilter everyWildcard = new AclBindingFilter(
                    new ResourcePatternFilter(ResourceType.TOPIC, "*", PatternType.LITERAL),
                    AccessControlEntryFilter.ANY);
            assertThat(admin.deleteAcls(List.of(everyWildcard)).all().get(30, TimeUnit.SECONDS))
                    .singleElement()
                    .satisfies(
                            deleted -> assertThat(deleted.entry().principal()).isEqualTo("User:*"));
            assertThat(admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS))
                    .singleElement()
                    .satisfies(left -> assertThat(left.entry().permissionType()).isEqualTo(AclPermissionType.DENY));
        }
        // The broker applies the deletion from its metadata log: alice is refused once it has.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Admin admin = Admin.create(props("alice"))) {
            while (!admin.listTopics().names().get(30, TimeUnit.SECONDS).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).isEmpty();
        }
    }

    @Test
    void aTransactionalProducerNeedsWriteOnItsTransactionalId() throws Exception {
        try (Admin admin = Admin.create(props("admin"))) {
            admin.createTopics(List.of(new NewTopic("payments", 1, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            admin.createAcls(List.of(allow("alice", ResourceType.TOPIC, "payments", AclOperation.WRITE)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        Properties txn = producerProps("alice");
        txn.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "alice-txn");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(txn)) {
            assertThatThrownBy(producer::initTransactions).isInstanceOf(TransactionalIdAuthorizationException.class);
        }
        try (Admin admin = Admin.create(props("admin"))) {
            admin.createAcls(List.of(allow("alice", ResourceType.TRANSACTIONAL_ID, "alice-txn", AclOperation.WRITE)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(txn)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("payments", "k", "v"));
            producer.commitTransaction();
        }
    }

    @Test
    void aclsSurviveARestart() throws Exception {
        AclBinding acl = allow("alice", ResourceType.GROUP, "g", AclOperation.READ);
        try (Admin admin = Admin.create(props("admin"))) {
            admin.createAcls(List.of(acl)).all().get(30, TimeUnit.SECONDS);
        }
        broker.close();
        broker = EmbeddedBroker.start(dir, settings(port));
        try (Admin admin = Admin.create(props("admin"))) {
            assertThat(admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS))
                    .containsExactly(acl);
        }
    }

    @Test
    void kcatIsRefusedATopicItMayNotWrite() throws Exception {
        try (Admin admin = Admin.create(props("admin"))) {
            admin.createTopics(List.of(new NewTopic("locked", 1, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        Process producer = new ProcessBuilder(
                        "kcat",
                        "-b",
                        "127.0.0.1:" + port,
                        "-X",
                        "security.protocol=SASL_PLAINTEXT",
                        "-X",
                        "sasl.mechanisms=PLAIN",
                        "-X",
                        "sasl.username=bob",
                        "-X",
                        "sasl.password=bob-secret",
                        "-P",
                        "-t",
                        "locked")
                .redirectErrorStream(true)
                .start();
        producer.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
        producer.getOutputStream().close();
        assertThat(producer.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(producer.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(producer.exitValue()).as(output).isNotZero();
        assertThat(output).containsIgnoringCase("authorization failed");
        try (Admin admin = Admin.create(props("admin"))) {
            assertThat(admin.listOffsets(Map.of(
                                    new org.apache.kafka.common.TopicPartition("locked", 0),
                                    org.apache.kafka.clients.admin.OffsetSpec.latest()))
                            .all()
                            .get(30, TimeUnit.SECONDS)
                            .values())
                    .singleElement()
                    .satisfies(info ->
                            assertThat(info.offset()).as("nothing was written").isZero());
        }
    }

    private static AclBinding allow(String user, ResourceType type, String name, AclOperation operation) {
        return new AclBinding(
                new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
    }

    private static List<String> pollUntil(KafkaConsumer<String, String> consumer, int count) {
        List<String> read = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (read.size() < count && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                read.add(r.value());
            }
        }
        return read;
    }

    private Properties props(String user) {
        return SaslClients.clientProps(port, "PLAIN", SaslClients.PLAIN_LOGIN, user, user + "-secret");
    }

    private Properties producerProps(String user) {
        return SaslClients.producerProps(port, "PLAIN", SaslClients.PLAIN_LOGIN, user, user + "-secret");
    }

    private Properties consumerProps(String user, String group) {
        Properties props = props(user);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return props;
    }
}
