package io.fjord.it.cluster;

import io.fjord.it.BrokerProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * N Fjord brokers in separate JVMs on loopback, each a member of the Raft metadata quorum, configured as
 * {@code fjord cluster up} configures them: node ids 1..N, {@code process.roles=broker,controller}, a
 * PLAINTEXT and a CONTROLLER listener (the Raft port), data under {@code <dir>/node-<id>}. All are
 * launched at once (a quorum needs a majority up before any is ready). Not thread-safe.
 */
final class LocalCluster implements AutoCloseable {

    /**
     * Settings that make failures show quickly: a killed broker is fenced after 3 s, a follower that
     * stopped fetching leaves the ISR after 5 s, and nothing moves leaders back behind a test's back.
     */
    static final Map<String, String> FAST_FAILOVER = Map.of(
            "broker.session.timeout.ms", "3000",
            "broker.heartbeat.interval.ms", "500",
            "replica.lag.time.max.ms", "5000",
            "auto.leader.rebalance.enable", "false",
            "group.initial.rebalance.delay.ms", "0",
            "offsets.topic.replication.factor", "3",
            "offsets.topic.num.partitions", "3");

    private final List<BrokerProcess> brokers = new ArrayList<>();
    private final Set<Integer> paused = new HashSet<>();

    private LocalCluster() {}

    /** Starts {@code size} brokers with {@code overrides} on each and waits until all are ready. */
    static LocalCluster start(Path dir, int size, Map<String, String> overrides)
            throws IOException, InterruptedException {
        LocalCluster cluster = new LocalCluster();
        int[] kafkaPorts = new int[size];
        int[] raftPorts = new int[size];
        StringBuilder voters = new StringBuilder();
        for (int i = 0; i < size; i++) {
            kafkaPorts[i] = BrokerProcess.freePort();
            raftPorts[i] = BrokerProcess.freePort();
            voters.append(i == 0 ? "" : ",").append(i + 1).append("@127.0.0.1:").append(raftPorts[i]);
        }
        try {
            for (int i = 0; i < size; i++) {
                int id = i + 1;
                Map<String, String> settings = new LinkedHashMap<>();
                settings.put("node.id", Integer.toString(id));
                settings.put("process.roles", "broker,controller");
                settings.put("controller.quorum.voters", voters.toString());
                settings.put(
                        "listeners",
                        "PLAINTEXT://127.0.0.1:" + kafkaPorts[i] + ",CONTROLLER://127.0.0.1:" + raftPorts[i]);
                settings.put("controller.listener.names", "CONTROLLER");
                settings.putAll(overrides);
                BrokerProcess broker = new BrokerProcess(dir.resolve("node-" + id), kafkaPorts[i], settings);
                cluster.brokers.add(broker);
                broker.launch();
            }
            for (BrokerProcess broker : cluster.brokers) {
                broker.awaitReady();
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** The broker with node id {@code id} (1-based). */
    BrokerProcess broker(int id) {
        return brokers.get(id - 1);
    }

    int size() {
        return brokers.size();
    }

    /** Every live broker's address, comma-separated. */
    String bootstrap() {
        return brokers.stream()
                .filter(BrokerProcess::isAlive)
                .map(BrokerProcess::bootstrap)
                .collect(Collectors.joining(","));
    }

    /** kill -9 of broker {@code id} (paused or not); returns once the process is gone. */
    void kill9(int id) throws InterruptedException {
        broker(id).kill9();
        paused.remove(id);
    }

    /** Restarts broker {@code id} on its data directory and ports, waiting until it is ready. */
    void restart(int id) throws IOException, InterruptedException {
        broker(id).start();
    }

    /** An Admin client bootstrapped from every live broker. */
    Admin admin() {
        return admin(bootstrap());
    }

    static Admin admin(String bootstrap) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        return Admin.create(props);
    }

    /** The active controller's id as {@code admin}'s broker reports it, or -1 when none is known. */
    static int controllerId(Admin admin) throws InterruptedException, ExecutionException, TimeoutException {
        DescribeClusterResult cluster = admin.describeCluster();
        Node controller = cluster.controller().get(10, TimeUnit.SECONDS);
        return controller == null || controller.isEmpty() ? -1 : controller.id();
    }

    /** The ids of the registered, unfenced brokers as {@code admin}'s broker reports them (describeCluster), sorted. */
    static List<Integer> nodeIds(Admin admin) throws InterruptedException, ExecutionException, TimeoutException {
        return admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).stream()
                .map(Node::id)
                .sorted()
                .toList();
    }

    /** Creates {@code topic} with {@code min.insync.replicas} set and waits until every partition has its full ISR. */
    void createTopic(Admin admin, String topic, int partitions, int replicationFactor, int minInsyncReplicas)
            throws InterruptedException, ExecutionException, TimeoutException {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) replicationFactor)
                        .configs(Map.of("min.insync.replicas", Integer.toString(minInsyncReplicas)))))
                .all()
                .get(30, TimeUnit.SECONDS);
        for (int p = 0; p < partitions; p++) {
            awaitIsrSize(topic, p, replicationFactor, 30_000);
        }
    }

    /** Creates one-partition {@code topic} on {@code replicas} (the first leads) and waits for the full ISR. */
    void createTopic(Admin admin, String topic, List<Integer> replicas, int minInsyncReplicas)
            throws InterruptedException, ExecutionException, TimeoutException {
        admin.createTopics(List.of(new NewTopic(topic, Map.of(0, replicas))
                        .configs(Map.of("min.insync.replicas", Integer.toString(minInsyncReplicas)))))
                .all()
                .get(30, TimeUnit.SECONDS);
        awaitIsrSize(topic, 0, replicas.size(), 30_000);
    }

    /** Partition {@code partition} of {@code topic} as {@code admin}'s broker describes it. */
    static TopicPartitionInfo describe(Admin admin, String topic, int partition)
            throws InterruptedException, ExecutionException, TimeoutException {
        return admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get(10, TimeUnit.SECONDS)
                .get(topic)
                .partitions()
                .get(partition);
    }

    /** SIGSTOP of broker {@code id}: it stays connected but answers nothing until {@link #resume}. */
    void pause(int id) throws IOException, InterruptedException {
        broker(id).pause();
        paused.add(id);
    }

    /** SIGCONT of a {@link #pause}d broker. */
    void resume(int id) throws IOException, InterruptedException {
        broker(id).resume();
        paused.remove(id);
    }

    /** The leader of the partition once every running broker (not killed, not paused) reports the same one. */
    int leaderOf(String topic, int partition) throws InterruptedException {
        return awaitAgreed(topic, partition, view -> true, 10_000, "one view").leader();
    }

    /** The partition's in-sync replicas once every running broker reports the same ones. */
    Set<Integer> isrOf(String topic, int partition) throws InterruptedException {
        return awaitAgreed(topic, partition, view -> true, 10_000, "one view").isr();
    }

    /**
     * Waits for a leader that is not in {@code excluded} (and not -1) as soon as any running broker reports
     * one (the moment the election shows in metadata); returns its id.
     */
    int awaitLeaderOtherThan(String topic, int partition, Set<Integer> excluded, long timeoutMs)
            throws InterruptedException {
        Predicate<BrokerProbe.PartitionView> elected = view -> view.leader() >= 0 && !excluded.contains(view.leader());
        return await(
                        topic,
                        partition,
                        views -> views.values().stream().filter(elected).findFirst(),
                        timeoutMs,
                        "a leader outside " + excluded)
                .leader();
    }

    /** Waits until every running broker reports the same view of the partition, with {@code size} in-sync replicas. */
    void awaitIsrSize(String topic, int partition, int size, long timeoutMs) throws InterruptedException {
        awaitAgreed(topic, partition, view -> view.isr().size() == size, timeoutMs, "an ISR of " + size);
    }

    /** Waits until every running broker reports one and the same view, for which {@code done} holds. */
    BrokerProbe.PartitionView awaitAgreed(
            String topic, int partition, Predicate<BrokerProbe.PartitionView> done, long timeoutMs, String what)
            throws InterruptedException {
        return await(
                topic,
                partition,
                views -> {
                    Set<BrokerProbe.PartitionView> distinct = new HashSet<>(views.values());
                    return distinct.size() == 1
                                    && views.size() == runningCount()
                                    && done.test(views.values().iterator().next())
                            ? Optional.of(distinct.iterator().next())
                            : Optional.empty();
                },
                timeoutMs,
                what + " agreed by every running broker");
    }

    /**
     * Asks every running broker for the partition (raw Metadata, one socket each, so a frozen broker
     * delays nothing) every 20 ms until {@code decide} picks a view from what they answered; fails after
     * {@code timeoutMs} with the last answers.
     */
    private BrokerProbe.PartitionView await(
            String topic,
            int partition,
            Function<Map<Integer, BrokerProbe.PartitionView>, Optional<BrokerProbe.PartitionView>> decide,
            long timeoutMs,
            String what)
            throws InterruptedException {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        Map<Integer, Object> last = new TreeMap<>();
        while (System.nanoTime() < deadlineNs) {
            Map<Integer, BrokerProbe.PartitionView> views = new TreeMap<>();
            last.clear();
            for (int id = 1; id <= brokers.size(); id++) {
                if (!running(id)) {
                    continue;
                }
                try {
                    Optional<BrokerProbe.PartitionView> view =
                            BrokerProbe.partition(broker(id).port(), topic, partition);
                    if (view.isPresent()) {
                        views.put(id, view.get());
                    }
                    last.put(id, view);
                } catch (IOException e) {
                    last.put(id, e.toString());
                }
            }
            Optional<BrokerProbe.PartitionView> decided = decide.apply(views);
            if (decided.isPresent()) {
                return decided.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError(what + " for " + topic + "-" + partition + " not seen in " + timeoutMs
                + " ms; last answers by broker: " + last);
    }

    private boolean running(int id) {
        return broker(id).isAlive() && !paused.contains(id);
    }

    private int runningCount() {
        int n = 0;
        for (int id = 1; id <= brokers.size(); id++) {
            n += running(id) ? 1 : 0;
        }
        return n;
    }

    /** Milliseconds since {@code startNs} (a {@link System#nanoTime} reading). */
    static long msSince(long startNs) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
    }

    @Override
    public void close() throws InterruptedException {
        for (BrokerProcess broker : brokers) {
            broker.close();
        }
    }
}
