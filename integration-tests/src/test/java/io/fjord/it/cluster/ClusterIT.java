package io.fjord.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.Errors;
import io.fjord.it.durability.DurabilityClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three Fjord brokers in separate processes on loopback form one cluster over the Raft metadata quorum:
 * any broker bootstraps clients to all three, partitions spread over the brokers and are served by their
 * leader only, consumer groups work (offsets replicated three times), the loss of the active controller
 * (kill -9) elects another, and producer ids stay unique across brokers. One cluster serves every test;
 * the controller kill and restart run last but one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    @TempDir
    static Path dir;

    static LocalCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        long startNs = System.nanoTime();
        cluster = LocalCluster.start(
                dir,
                3,
                Map.of(
                        "broker.session.timeout.ms", "3000",
                        "broker.heartbeat.interval.ms", "500",
                        "group.initial.rebalance.delay.ms", "0",
                        "offsets.topic.replication.factor", "3",
                        "offsets.topic.num.partitions", "6"));
        System.out.printf("3-broker cluster ready in %d ms%n", (System.nanoTime() - startNs) / 1_000_000);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void bootstrappingFromAnyOneBrokerShowsAllThree() throws Exception {
        Set<Integer> controllers = new HashSet<>();
        for (int id = 1; id <= 3; id++) {
            try (Admin admin = LocalCluster.admin(cluster.broker(id).bootstrap())) {
                List<Integer> nodes = LocalCluster.nodeIds(admin);
                assertThat(nodes).as("brokers seen from broker %d", id).containsExactly(1, 2, 3);
                controllers.add(LocalCluster.controllerId(admin));
            }
            String metadata = kcatMetadata(cluster.broker(id).bootstrap());
            assertThat(metadata).contains(" 3 brokers:");
            for (int other = 1; other <= 3; other++) {
                assertThat(metadata)
                        .contains("broker " + other + " at "
                                + cluster.broker(other).bootstrap());
            }
        }
        assertThat(controllers)
                .as("every broker names the same active controller")
                .hasSize(1);
        assertThat(controllers.iterator().next()).isBetween(1, 3);
    }

    @Test
    @Order(2)
    void partitionsSpreadOverTheBrokersAndClientsWriteAndReadThroughOneAddress() throws Exception {
        String bootstrap = cluster.broker(1).bootstrap();
        try (Admin admin = LocalCluster.admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic("spread", 6, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            TopicDescription topic = admin.describeTopics(List.of("spread"))
                    .allTopicNames()
                    .get()
                    .get("spread");
            Set<Integer> leaders = new HashSet<>();
            for (TopicPartitionInfo p : topic.partitions()) {
                leaders.add(p.leader().id());
            }
            assertThat(leaders).as("leaders of the 6 partitions").containsExactlyInAnyOrder(1, 2, 3);
        }
        int records = 600;
        try (KafkaProducer<String, String> producer = producer(bootstrap)) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>("spread", "k" + i, "v" + i));
            }
            producer.flush();
        }
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, null)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < 6; p++) {
                partitions.add(new TopicPartition("spread", p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Set<String> values = new HashSet<>();
            pollUntil(consumer, values, records, 30_000);
            assertThat(values).hasSize(records).contains("v0", "v599");
        }
    }

    @Test
    @Order(3)
    void aBrokerThatDoesNotLeadAPartitionAnswersNotLeaderOrFollower() throws Exception {
        try (Admin admin = LocalCluster.admin(cluster.bootstrap())) {
            admin.createTopics(List.of(new NewTopic("led", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            int leader = admin.describeTopics(List.of("led"))
                    .allTopicNames()
                    .get()
                    .get("led")
                    .partitions()
                    .get(0)
                    .leader()
                    .id();
            for (int id = 1; id <= 3; id++) {
                // CreateTopics answers once the controller committed the topic; a broker applies it a
                // moment later and answers with a retriable error until then (UNKNOWN_TOPIC_OR_PARTITION,
                // or NOT_LEADER_OR_FOLLOWER while its replica is being created), as Kafka's brokers do.
                Errors expected = id == leader ? Errors.NONE : Errors.NOT_LEADER_OR_FOLLOWER;
                Errors error = BrokerProbe.produce(cluster.broker(id).port(), "led", 0, (short) 1, "k", "v", 10_000);
                long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (error != expected
                        && (error == Errors.UNKNOWN_TOPIC_OR_PARTITION || error == Errors.NOT_LEADER_OR_FOLLOWER)
                        && System.nanoTime() < deadlineNs) {
                    Thread.sleep(50);
                    error = BrokerProbe.produce(cluster.broker(id).port(), "led", 0, (short) 1, "k", "v", 10_000);
                }
                assertThat(error)
                        .as("produce to broker %d, leader %d", id, leader)
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    @Order(4)
    void aReplicationFactorAboveTheLiveBrokersIsRejected() {
        try (Admin admin = LocalCluster.admin(cluster.broker(2).bootstrap())) {
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("too-many-replicas", 1, (short) 4)))
                            .all()
                            .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(InvalidReplicationFactorException.class);
        }
    }

    @Test
    @Order(5)
    void aConsumerGroupConsumesAndCommitsThroughItsCoordinator() throws Exception {
        String bootstrap = cluster.broker(3).bootstrap();
        try (Admin admin = LocalCluster.admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic("grouped", 3, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = producer(bootstrap)) {
            for (int i = 0; i < 300; i++) {
                producer.send(new ProducerRecord<>("grouped", "k" + i, "v" + i));
            }
            producer.flush();
        }
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, "cluster-group")) {
            consumer.subscribe(List.of("grouped"));
            Set<String> values = new HashSet<>();
            pollUntil(consumer, values, 300, 60_000);
            assertThat(values).hasSize(300);
            consumer.commitSync();
        }
        try (Admin admin = LocalCluster.admin(bootstrap)) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("cluster-group"))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .get("cluster-group");
            int offsetsPartition = Math.abs("cluster-group".hashCode()) % 6;
            Node leader = admin.describeTopics(List.of("__consumer_offsets"))
                    .allTopicNames()
                    .get()
                    .get("__consumer_offsets")
                    .partitions()
                    .get(offsetsPartition)
                    .leader();
            assertThat(group.coordinator().id())
                    .as("the coordinator is the leader of __consumer_offsets-%d", offsetsPartition)
                    .isEqualTo(leader.id());
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("cluster-group")
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            long total = committed.values().stream()
                    .mapToLong(OffsetAndMetadata::offset)
                    .sum();
            assertThat(total).as("committed offsets over the 3 partitions").isEqualTo(300);
        }
    }

    /** The broker test 6 killed, restarted by test 7. */
    static int killed = -1;

    @Test
    @Order(6)
    void killingTheActiveControllerElectsAnotherAndTopicsCanStillBeCreated() throws Exception {
        int controller;
        try (Admin admin = LocalCluster.admin(cluster.bootstrap())) {
            controller = LocalCluster.controllerId(admin);
        }
        assertThat(controller).isBetween(1, 3);
        int survivor = controller == 1 ? 2 : 1;
        long killedNs = System.nanoTime();
        cluster.broker(controller).kill9();
        killed = controller;
        try (Admin admin = LocalCluster.admin(cluster.broker(survivor).bootstrap())) {
            int newController = -1;
            long deadlineNs = killedNs + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadlineNs) {
                newController = LocalCluster.controllerId(admin);
                if (newController > 0 && newController != controller) {
                    break;
                }
                Thread.sleep(50);
            }
            long electedMs = (System.nanoTime() - killedNs) / 1_000_000;
            assertThat(newController).isNotEqualTo(controller).isBetween(1, 3);
            System.out.printf(
                    "controller %d killed; broker %d took over as active controller in %d ms%n",
                    controller, newController, electedMs);

            admin.createTopics(List.of(new NewTopic("after-failover", 2, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            long createdMs = (System.nanoTime() - killedNs) / 1_000_000;
            System.out.printf("a topic was created %d ms after the kill%n", createdMs);
            // the Admin client asked the new controller; the broker it lists topics from may apply the record a
            // moment later (each broker's metadata follows the log on its own, as in Kafka)
            long listedDeadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!admin.listTopics().names().get(10, TimeUnit.SECONDS).contains("after-failover")
                    && System.nanoTime() < listedDeadlineNs) {
                Thread.sleep(50);
            }
            assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).contains("after-failover");

            // The dead broker stops heartbeating: after broker.session.timeout.ms it is fenced and gone.
            long fenceDeadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            List<Integer> nodes = List.of();
            while (System.nanoTime() < fenceDeadlineNs) {
                nodes = LocalCluster.nodeIds(admin);
                if (!nodes.contains(controller)) {
                    break;
                }
                Thread.sleep(200);
            }
            assertThat(nodes).doesNotContain(controller).hasSize(2);
            System.out.printf(
                    "broker %d fenced %d ms after the kill%n", controller, (System.nanoTime() - killedNs) / 1_000_000);
        }
    }

    @Test
    @Order(7)
    void aKilledBrokerRestartsRejoinsAndServesItsPartitionsAgain() throws Exception {
        assertThat(killed).as("test 6 killed a broker").isBetween(1, 3);
        long startNs = System.nanoTime();
        cluster.broker(killed).start();
        System.out.printf(
                "broker %d restarted and registered in %d ms%n", killed, (System.nanoTime() - startNs) / 1_000_000);
        String bootstrap = cluster.broker(killed).bootstrap();
        try (Admin admin = LocalCluster.admin(bootstrap)) {
            assertThat(LocalCluster.nodeIds(admin)).containsExactly(1, 2, 3);
        }
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, null)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < 6; p++) {
                partitions.add(new TopicPartition("spread", p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Set<String> values = new HashSet<>();
            pollUntil(consumer, values, 600, 30_000);
            assertThat(values)
                    .as("the records of test 2, the restarted broker's included")
                    .hasSize(600);
        }
    }

    @Test
    @Order(8)
    void producerIdsHandedOutByDifferentBrokersNeverCollide() throws Exception {
        Set<Long> ids = new HashSet<>();
        for (int round = 0; round < 2; round++) {
            for (int id = 1; id <= 3; id++) {
                long producerId = DurabilityClients.initProducerId(new java.net.InetSocketAddress(
                                "127.0.0.1", cluster.broker(id).port()))
                        .producerId();
                assertThat(ids.add(producerId))
                        .as("producer id %d from broker %d is new (ids so far %s)", producerId, id, ids)
                        .isTrue();
            }
        }
    }

    /** {@code kcat -L} against one broker: its output (kcat must be on the PATH, as for KcatIT). */
    private static String kcatMetadata(String bootstrap) throws Exception {
        Process kcat = new ProcessBuilder("kcat", "-b", bootstrap, "-L", "-m", "10")
                .redirectErrorStream(true)
                .start();
        kcat.getOutputStream().close();
        String output = new String(kcat.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(kcat.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(kcat.exitValue()).as("kcat -L: %s", output).isZero();
        return output;
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(String bootstrap, String groupId) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        if (groupId != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        }
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }

    private static void pollUntil(
            KafkaConsumer<String, String> consumer, Set<String> values, int count, long timeoutMs) {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (values.size() < count && System.nanoTime() < deadlineNs) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                values.add(record.value());
            }
        }
    }
}
