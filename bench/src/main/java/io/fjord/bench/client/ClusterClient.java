package io.fjord.bench.client;

import java.io.BufferedReader;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * The client side of the three-broker workload ({@code BenchClient cluster BOOTSTRAP}), a line protocol on
 * stdin/stdout like the start-up probe:
 *
 * <table>
 *   <caption>Cluster protocol</caption>
 *   <tr><th>client prints</th><th>harness writes</th><th>meaning</th></tr>
 *   <tr><td>READY leaderId</td><td></td><td>3 brokers registered; {@value #THROUGHPUT_TOPIC} (8 partitions) and
 *       {@value #FAILOVER_TOPIC} (1 partition, replicas 2,3,1) exist with replication factor 3; the failover
 *       partition's leader is leaderId</td></tr>
 *   <tr><td></td><td>WATCH</td><td>start writing to the failover topic (acks=all, one record every
 *       {@value #SEND_INTERVAL_MS} ms) and polling its metadata</td></tr>
 *   <tr><td>WATCHING</td><td></td><td>writes are acknowledged</td></tr>
 *   <tr><td></td><td>KILLED</td><td>the leader's process was just sent SIGKILL: the clock starts</td></tr>
 *   <tr><td>FAILOVER leaderMs produceMs</td><td></td><td>ms until the metadata named another leader, and until
 *       the first record sent after the kill was acknowledged (NaN if not within {@value #LIMIT_MS} ms)</td></tr>
 *   <tr><td>ERROR text</td><td></td><td>gave up</td></tr>
 * </table>
 *
 * <p>Main thread plus the producer's own threads (callbacks only touch atomics). Bounded: one record per interval,
 * and {@value #LIMIT_MS} ms at most for each step.
 */
final class ClusterClient {

    static final String THROUGHPUT_TOPIC = "bench-rf3";
    static final String FAILOVER_TOPIC = "bench-failover";
    static final long LIMIT_MS = 120_000;
    static final long SEND_INTERVAL_MS = 5;
    static final long POLL_INTERVAL_MS = 10;

    private final String bootstrap;
    private final BufferedReader in;

    ClusterClient(String bootstrap, BufferedReader in) {
        this.bootstrap = bootstrap;
        this.in = in;
    }

    void run() throws Exception {
        try (Admin admin = Admin.create(adminProperties())) {
            awaitBrokers(admin);
            createTopics(admin);
            int leader = awaitLeader(admin, -1);
            BenchClient.say("READY " + leader);
            if (!"WATCH".equals(in.readLine())) {
                return;
            }
            watchFailover(admin, leader);
        }
    }

    private void awaitBrokers(Admin admin) throws Exception {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LIMIT_MS);
        while (System.nanoTime() < deadlineNs) {
            try {
                Collection<Node> nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                if (nodes.size() >= 3) {
                    return;
                }
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                // not up yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("fewer than 3 brokers registered within " + LIMIT_MS + " ms");
    }

    private static void createTopics(Admin admin) throws Exception {
        List<NewTopic> topics = List.of(
                new NewTopic(THROUGHPUT_TOPIC, 8, (short) 3),
                new NewTopic(FAILOVER_TOPIC, Map.of(0, List.of(2, 3, 1))));
        BenchClient.createIfAbsent(admin, topics);
    }

    /** The failover partition's leader once it has one other than {@code notThis}; -1 after the limit. */
    private static int awaitLeader(Admin admin, int notThis) throws InterruptedException {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LIMIT_MS);
        while (System.nanoTime() < deadlineNs) {
            int leader = leaderOf(admin);
            if (leader >= 0 && leader != notThis) {
                return leader;
            }
            Thread.sleep(POLL_INTERVAL_MS);
        }
        return -1;
    }

    private static int leaderOf(Admin admin) throws InterruptedException {
        try {
            TopicDescription d = admin.describeTopics(List.of(FAILOVER_TOPIC))
                    .allTopicNames()
                    .get(2, TimeUnit.SECONDS)
                    .get(FAILOVER_TOPIC);
            TopicPartitionInfo p = d.partitions().get(0);
            return p.leader() == null || p.leader().isEmpty() ? -1 : p.leader().id();
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            return -1;
        }
    }

    private void watchFailover(Admin admin, int oldLeader) throws Exception {
        AtomicLong killedNs = new AtomicLong(Long.MAX_VALUE);
        AtomicLong firstAckAfterKillNs = new AtomicLong(Long.MAX_VALUE);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties())) {
            producer.send(new ProducerRecord<>(FAILOVER_TOPIC, new byte[100])).get(LIMIT_MS, TimeUnit.MILLISECONDS);
            BenchClient.say("WATCHING");
            Thread sender = new Thread(() -> sendLoop(producer, killedNs, firstAckAfterKillNs), "failover-sender");
            sender.setDaemon(true);
            sender.start();
            if (!"KILLED".equals(in.readLine())) {
                return;
            }
            long t0 = System.nanoTime();
            killedNs.set(t0);
            int newLeader = awaitLeader(admin, oldLeader);
            double leaderMs = newLeader < 0 ? Double.NaN : (System.nanoTime() - t0) / 1e6;
            long deadlineNs = t0 + TimeUnit.MILLISECONDS.toNanos(LIMIT_MS);
            while (firstAckAfterKillNs.get() == Long.MAX_VALUE && System.nanoTime() < deadlineNs) {
                Thread.sleep(POLL_INTERVAL_MS);
            }
            long ackNs = firstAckAfterKillNs.get();
            double produceMs = ackNs == Long.MAX_VALUE ? Double.NaN : (ackNs - t0) / 1e6;
            BenchClient.say("FAILOVER " + leaderMs + " " + produceMs);
            producer.close(java.time.Duration.ZERO);
        }
    }

    /** One record every interval; the callback notes the first acknowledgement of a record sent after the kill. */
    private static void sendLoop(
            KafkaProducer<byte[], byte[]> producer, AtomicLong killedNs, AtomicLong firstAckAfterKillNs) {
        long endNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2 * LIMIT_MS);
        while (System.nanoTime() < endNs && firstAckAfterKillNs.get() == Long.MAX_VALUE) {
            long sentNs = System.nanoTime();
            try {
                producer.send(new ProducerRecord<>(FAILOVER_TOPIC, new byte[100]), (metadata, error) -> {
                    if (error == null && sentNs >= killedNs.get()) {
                        firstAckAfterKillNs.accumulateAndGet(System.nanoTime(), Math::min);
                    }
                });
                Thread.sleep(SEND_INTERVAL_MS);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // a closed producer or a full buffer: stop
                return;
            }
        }
    }

    private Properties adminProperties() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "10");
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "100");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "2000");
        return p;
    }

    /** The probe's producer (10 ms back-offs), with acks=all and a delivery timeout that outlasts a failover. */
    private Properties producerProperties() {
        Properties p = BenchClient.producerProperties(bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "100");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(LIMIT_MS));
        p.put(ProducerConfig.METADATA_MAX_AGE_CONFIG, "1000");
        return p;
    }
}
