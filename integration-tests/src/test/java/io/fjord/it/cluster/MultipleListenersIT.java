package io.fjord.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.it.BrokerProcess;
import io.fjord.it.EmbeddedBroker;
import io.fjord.testkit.TlsFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker with more than one listener, as Kafka's docker set-ups run it (one address inside a network, another
 * outside): a client is told the addresses of the listener it connected to, and brokers talk to each other on
 * {@code inter.broker.listener.name}, whatever the other listeners advertise.
 */
class MultipleListenersIT {

    private static final String PROTOCOLS = "INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT";

    @TempDir
    Path dir;

    @Test
    void eachListenerAnswersWithItsOwnAddresses() throws Exception {
        int internal = BrokerProcess.freePort();
        int external = BrokerProcess.freePort();
        try (EmbeddedBroker broker = EmbeddedBroker.start(
                dir,
                Map.of(
                        "listeners",
                        "INTERNAL://127.0.0.1:" + internal + ",EXTERNAL://127.0.0.1:" + external,
                        "advertised.listeners",
                        "INTERNAL://127.0.0.1:" + internal + ",EXTERNAL://localhost:" + external,
                        "listener.security.protocol.map",
                        PROTOCOLS,
                        "inter.broker.listener.name",
                        "INTERNAL",
                        "group.initial.rebalance.delay.ms",
                        "0"))) {
            String topic = "two-doors";
            try (Admin admin = LocalCluster.admin("127.0.0.1:" + external)) {
                admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }
            try (KafkaProducer<String, String> producer = producer("127.0.0.1:" + external)) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
                }
            }
            List<String> read = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer = consumer("127.0.0.1:" + external, "outsiders", false)) {
                consumer.subscribe(List.of(topic));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (read.size() < 10 && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        read.add(r.value());
                    }
                }
                consumer.commitSync();
            }
            assertThat(read).hasSize(10);

            for (int port : new int[] {external, internal}) {
                String host = port == external ? "localhost" : "127.0.0.1";
                try (Admin admin = LocalCluster.admin("127.0.0.1:" + port)) {
                    assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                            .as("DescribeCluster on the listener of port %d", port)
                            .containsExactly(new Node(1, host, port));
                    Node leader = admin.describeTopics(List.of(topic))
                            .allTopicNames()
                            .get(30, TimeUnit.SECONDS)
                            .get(topic)
                            .partitions()
                            .get(0)
                            .leader();
                    assertThat(leader.host() + ":" + leader.port())
                            .as("Metadata on the listener of port %d", port)
                            .isEqualTo(host + ":" + port);
                    ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("outsiders"))
                            .all()
                            .get(30, TimeUnit.SECONDS)
                            .get("outsiders");
                    assertThat(group.coordinator().host() + ":"
                                    + group.coordinator().port())
                            .as("FindCoordinator on the listener of port %d", port)
                            .isEqualTo(host + ":" + port);
                }
            }
        }
    }

    /**
     * The first listener advertises a host no one can resolve, so a broker that reached its peers on their first
     * listener could neither replicate nor deliver transaction markers; on INTERNAL both work.
     */
    @Test
    void brokersReachEachOtherOnTheInterBrokerListener() throws Exception {
        threeBrokersTalkOnInternal(PROTOCOLS, Map.of(), new Properties());
    }

    /**
     * The same with TLS between the brokers: INTERNAL is an SSL listener, so each follower fetches from its leader
     * and the transaction coordinator sends its markers over TLS, checking the other broker's certificate (it names
     * 127.0.0.1) against the trust store.
     */
    @Test
    void brokersReachEachOtherOverTls() throws Exception {
        threeBrokersOverTls(Map.of());
    }

    /**
     * With ACLs on, the brokers' own requests (follower fetches, transaction markers, KIP-890 verification) are
     * allowed because the principal their certificate names, {@code User:CN=localhost}, is a super user, as Kafka
     * documents for its inter-broker principal; the test's client ({@code User:CN=client}) is one too.
     */
    @Test
    void brokersWithAclsReachEachOtherAsTheSuperUserTheirCertificateNames() throws Exception {
        threeBrokersOverTls(Map.of(
                "authorizer.class.name",
                "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "super.users",
                "User:CN=localhost;User:CN=client"));
    }

    private void threeBrokersOverTls(Map<String, String> extra) throws Exception {
        TlsFiles tls = TlsFiles.create(dir.resolve("tls"));
        Map<String, String> brokerTls = new LinkedHashMap<>(tls.brokerSettings("", tls.trustStore()));
        brokerTls.put("ssl.client.auth", "required");
        brokerTls.putAll(extra);
        Properties clientTls = new Properties();
        clientTls.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        clientTls.put(
                SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
                tls.brokerOnlyTrustStore().toString());
        clientTls.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, TlsFiles.PASSWORD);
        clientTls.put(
                SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, tls.clientKeyStore().toString());
        clientTls.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, TlsFiles.PASSWORD);
        clientTls.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
        clientTls.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        threeBrokersTalkOnInternal("INTERNAL:SSL,EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT", brokerTls, clientTls);
    }

    /**
     * Three brokers whose EXTERNAL listener advertises an unresolvable host and whose INTERNAL one (protocol as
     * {@code protocols} maps it, with {@code brokerSettings}) is the inter-broker listener; the test's clients
     * connect to INTERNAL with {@code clientSecurity}.
     */
    private void threeBrokersTalkOnInternal(
            String protocols, Map<String, String> brokerSettings, Properties clientSecurity) throws Exception {
        int size = 3;
        int[] internal = new int[size];
        int[] external = new int[size];
        int[] raft = new int[size];
        StringBuilder voters = new StringBuilder();
        for (int i = 0; i < size; i++) {
            internal[i] = BrokerProcess.freePort();
            external[i] = BrokerProcess.freePort();
            raft[i] = BrokerProcess.freePort();
            voters.append(i == 0 ? "" : ",").append(i + 1).append("@127.0.0.1:").append(raft[i]);
        }
        List<BrokerProcess> brokers = new ArrayList<>();
        try {
            for (int i = 0; i < size; i++) {
                Map<String, String> settings = new LinkedHashMap<>(LocalCluster.FAST_FAILOVER);
                settings.put("node.id", Integer.toString(i + 1));
                settings.put("process.roles", "broker,controller");
                settings.put("controller.quorum.voters", voters.toString());
                settings.put("controller.listener.names", "CONTROLLER");
                settings.put(
                        "listeners",
                        "EXTERNAL://127.0.0.1:" + external[i] + ",INTERNAL://127.0.0.1:" + internal[i]
                                + ",CONTROLLER://127.0.0.1:" + raft[i]);
                settings.put(
                        "advertised.listeners",
                        "EXTERNAL://unreachable.invalid:" + external[i] + ",INTERNAL://127.0.0.1:" + internal[i]);
                settings.put("listener.security.protocol.map", protocols);
                settings.putAll(brokerSettings);
                settings.put("inter.broker.listener.name", "INTERNAL");
                settings.put("transaction.state.log.replication.factor", "3");
                settings.put("transaction.state.log.min.isr", "2");
                BrokerProcess broker = new BrokerProcess(dir.resolve("node-" + (i + 1)), internal[i], settings);
                brokers.add(broker);
                broker.launch();
            }
            for (BrokerProcess broker : brokers) {
                broker.awaitReady();
            }
            String bootstrap = brokers.get(0).bootstrap();
            Properties client = new Properties();
            client.putAll(clientSecurity);
            client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            String topic = "replicated";
            try (Admin admin = admin(client)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (LocalCluster.nodeIds(admin).size() < size && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(LocalCluster.nodeIds(admin)).containsExactly(1, 2, 3);
                admin.createTopics(
                                List.of(new NewTopic(topic, 3, (short) 3).configs(Map.of("min.insync.replicas", "3"))))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }

            // min.insync.replicas=3: each acks=all write needs both followers to have fetched it from the leader.
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(client))) {
                for (int i = 0; i < 30; i++) {
                    producer.send(new ProducerRecord<>(topic, i % 3, "k" + i, "plain-" + i))
                            .get(30, TimeUnit.SECONDS);
                }
            }
            // A transaction over every partition: its markers go from the coordinator to each partition's leader.
            Properties txn = producerProps(client);
            txn.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "over-internal-" + UUID.randomUUID());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(txn)) {
                producer.initTransactions();
                producer.beginTransaction();
                for (int p = 0; p < 3; p++) {
                    producer.send(new ProducerRecord<>(topic, p, "t" + p, "committed-" + p));
                }
                producer.commitTransaction();
            }
            List<String> read = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer = consumer(client, null, true)) {
                consumer.assign(List.of(
                        new org.apache.kafka.common.TopicPartition(topic, 0),
                        new org.apache.kafka.common.TopicPartition(topic, 1),
                        new org.apache.kafka.common.TopicPartition(topic, 2)));
                consumer.seekToBeginning(consumer.assignment());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (read.size() < 33 && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        read.add(r.value());
                    }
                }
            }
            assertThat(read)
                    .as("read_committed sees the plain records and the committed transaction")
                    .hasSize(33)
                    .contains("committed-0", "committed-1", "committed-2");
            try (Admin admin = admin(client)) {
                TopicDescription description = admin.describeTopics(Set.of(topic))
                        .allTopicNames()
                        .get(30, TimeUnit.SECONDS)
                        .get(topic);
                for (TopicPartitionInfo partition : description.partitions()) {
                    assertThat(partition.isr())
                            .as("ISR of partition %d", partition.partition())
                            .hasSize(3);
                    assertThat(partition.leader().port())
                            .as("a client on INTERNAL is given INTERNAL addresses")
                            .isIn(internal[0], internal[1], internal[2]);
                }
            }
        } finally {
            for (BrokerProcess broker : brokers) {
                broker.close();
            }
        }
    }

    private static Admin admin(Properties client) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        return Admin.create(props);
    }

    private static Properties producerProps(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return producerProps(props);
    }

    private static Properties producerProps(Properties client) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        return props;
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        return new KafkaProducer<>(producerProps(bootstrap));
    }

    private static KafkaConsumer<String, String> consumer(String bootstrap, String group, boolean readCommitted) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return consumer(props, group, readCommitted);
    }

    private static KafkaConsumer<String, String> consumer(Properties client, String group, boolean readCommitted) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        if (group != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        if (readCommitted) {
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        }
        return new KafkaConsumer<>(props);
    }
}
