package io.fjord.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.it.BrokerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Separate roles, as Kafka's KRaft runs them: three controller-only JVMs ({@code process.roles=controller},
 * the Raft voters, no Kafka listener) and two broker-only JVMs ({@code process.roles=broker}, non-voting
 * listeners of the metadata log). Clients see only the brokers; topics are created, written and read
 * through them; a restarted broker catches up with what changed while it was away, also across a change
 * of the active controller.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ProcessRolesIT {

    private static final int CONTROLLERS = 3;
    private static final List<Integer> BROKERS = List.of(4, 5);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run keeps the nodes' logs
    Path dir;

    private final List<BrokerProcess> processes = new ArrayList<>();
    private final Map<Integer, BrokerProcess> byId = new LinkedHashMap<>();

    @AfterEach
    void stopAll() throws InterruptedException {
        for (BrokerProcess process : processes) {
            process.close();
        }
    }

    @Test
    void controllerOnlyAndBrokerOnlyNodesServeClientsAndARestartedBrokerCatchesUp() throws Exception {
        long startNs = System.nanoTime();
        startCluster();
        System.out.printf(
                "3 controllers + 2 brokers ready in %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));

        try (Admin admin = LocalCluster.admin(byId.get(4).bootstrap())) {
            assertThat(brokerIds(admin))
                    .as("describeCluster lists the brokers only")
                    .containsExactly(4, 5);
            assertThat(LocalCluster.controllerId(admin)).isIn(4, 5);
            admin.createTopics(List.of(new NewTopic("roles", 2, (short) 2)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        // kafka-metadata-quorum's view, through a broker: the controllers vote, the brokers observe
        QuorumInfo quorum = awaitQuorum(byId.get(5).bootstrap(), q -> true);
        assertThat(quorum.leaderId()).isEqualTo(activeController());
        assertThat(quorum.voters())
                .extracting(QuorumInfo.ReplicaState::replicaId)
                .containsExactly(1, 2, 3);
        assertThat(quorum.observers())
                .extracting(QuorumInfo.ReplicaState::replicaId)
                .containsExactly(4, 5);
        assertThat(quorum.nodes().get(2).endpoints())
                .extracting(e -> e.name() + "://" + e.host() + ":" + e.port())
                .containsExactly("CONTROLLER://127.0.0.1:" + byId.get(2).port());
        for (QuorumInfo.ReplicaState replica : quorum.voters()) {
            assertThat(replica.logEndOffset())
                    .as("voter %s", replica.replicaId())
                    .isPositive();
            assertThat(replica.lastFetchTimestamp()).isPresent();
        }
        long epochBefore = quorum.leaderEpoch();
        produce(byId.get(5).bootstrap(), "roles", 0, 100);
        assertThat(consume(byId.get(4).bootstrap(), "roles", 100)).hasSize(100);

        assertThat(byId.get(5).stop()).isZero();
        try (Admin admin = LocalCluster.admin(byId.get(4).bootstrap())) {
            admin.createTopics(List.of(new NewTopic("while-away", 1, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        int leader = activeController();
        assertThat(byId.get(leader).stop()).isZero();
        try (Admin admin = LocalCluster.admin(byId.get(4).bootstrap())) {
            admin.createTopics(List.of(new NewTopic("after-leader-change", 1, (short) 1)))
                    .all()
                    .get(60, TimeUnit.SECONDS);
        }
        QuorumInfo after = awaitQuorum(byId.get(4).bootstrap(), q -> q.leaderId() != leader);
        assertThat(after.leaderEpoch()).isGreaterThan(epochBefore);
        assertThat(after.highWatermark()).isGreaterThan(quorum.highWatermark());
        assertThat(after.voters()).filteredOn(v -> v.replicaId() != leader).allSatisfy(v -> assertThat(v.logEndOffset())
                .isEqualTo(after.highWatermark()));

        byId.get(5).start();
        try (Admin admin = LocalCluster.admin(byId.get(5).bootstrap())) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .as("topics created while broker 5 was away, as broker 5 sees them")
                    .contains("roles", "while-away", "after-leader-change");
            assertThat(brokerIds(admin)).containsExactly(4, 5);
        }
        produce(byId.get(5).bootstrap(), "roles", 100, 50);
        assertThat(consume(byId.get(5).bootstrap(), "roles", 150)).hasSize(150);
    }

    private void startCluster() throws Exception {
        StringBuilder voters = new StringBuilder();
        Map<Integer, Integer> raftPorts = new LinkedHashMap<>();
        for (int id = 1; id <= CONTROLLERS; id++) {
            raftPorts.put(id, BrokerProcess.freePort());
            voters.append(id == 1 ? "" : ",").append(id).append("@127.0.0.1:").append(raftPorts.get(id));
        }
        for (int id = 1; id <= CONTROLLERS; id++) {
            Map<String, String> settings = common(id, "controller", voters.toString());
            settings.put("listeners", "CONTROLLER://127.0.0.1:" + raftPorts.get(id));
            launch(id, raftPorts.get(id), settings);
        }
        for (int id : BROKERS) {
            Map<String, String> settings = common(id, "broker", voters.toString());
            settings.put("fjord.metadata.listener.port", Integer.toString(BrokerProcess.freePort()));
            launch(id, BrokerProcess.freePort(), settings);
        }
        for (BrokerProcess process : processes) {
            process.awaitReady();
        }
    }

    private static Map<String, String> common(int id, String roles, String voters) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("node.id", Integer.toString(id));
        settings.put("process.roles", roles);
        settings.put("controller.quorum.voters", voters);
        settings.put("controller.listener.names", "CONTROLLER");
        settings.put("broker.session.timeout.ms", "3000");
        settings.put("broker.heartbeat.interval.ms", "500");
        settings.put("offsets.topic.replication.factor", "1");
        settings.put("group.initial.rebalance.delay.ms", "0");
        return settings;
    }

    private void launch(int id, int port, Map<String, String> settings) throws Exception {
        BrokerProcess process = new BrokerProcess(dir.resolve("node-" + id), port, settings);
        processes.add(process);
        byId.put(id, process);
        process.launch();
    }

    /** The controller whose log says last that it became the active controller. */
    private int activeController() throws Exception {
        int leader = -1;
        long latest = -1;
        for (int id = 1; id <= CONTROLLERS; id++) {
            List<String> lines = Files.readAllLines(byId.get(id).logFile());
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains("Node " + id + " is the active controller")) {
                    long at = Long.parseLong(lines.get(i).replaceAll(".* at term (\\d+).*", "$1"));
                    if (at > latest) {
                        latest = at;
                        leader = id;
                    }
                }
            }
        }
        assertThat(leader).as("an active controller in the controllers' logs").isPositive();
        return leader;
    }

    /** The quorum as DescribeQuorum reports it once every replica has answered and {@code until} holds. */
    private static QuorumInfo awaitQuorum(String bootstrap, java.util.function.Predicate<QuorumInfo> until)
            throws Exception {
        try (Admin admin = LocalCluster.admin(bootstrap)) {
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                QuorumInfo quorum = admin.describeMetadataQuorum().quorumInfo().get(15, TimeUnit.SECONDS);
                boolean caughtUp = java.util.stream.Stream.concat(quorum.voters().stream(), quorum.observers().stream())
                        .filter(r -> r.replicaId() != quorum.leaderId())
                        .filter(r -> r.lastFetchTimestamp().orElse(-1) > System.currentTimeMillis() - 5_000)
                        .allMatch(r -> r.logEndOffset() == quorum.highWatermark());
                if ((caughtUp && until.test(quorum)) || System.nanoTime() > deadlineNs) {
                    return quorum;
                }
                Thread.sleep(200);
            }
        }
    }

    private static List<Integer> brokerIds(Admin admin) throws Exception {
        return admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).stream()
                .map(Node::id)
                .sorted()
                .toList();
    }

    private static void produce(String bootstrap, String topic, int from, int count) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (int i = from; i < from + count; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static List<String> consume(String bootstrap, String topic, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "roles-" + expected);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (values.size() < expected && System.nanoTime() < deadlineNs) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
