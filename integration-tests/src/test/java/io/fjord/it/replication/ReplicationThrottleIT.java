package io.fjord.it.replication;

import static io.fjord.it.replication.ReplicationIT.admin;
import static io.fjord.it.replication.ReplicationIT.describe;
import static io.fjord.it.replication.ReplicationIT.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The follower replication throttle, as kafka-reassign-partitions --throttle sets it: three in-process
 * brokers, two topics of three replicas; one follower is stopped while ~20 MB go to each topic, then
 * restarted with {@code follower.replication.throttled.rate} = 2 MB/s (cluster default) and only topic
 * {@code slow} listing it in {@code follower.replication.throttled.replicas}. Both catch up at once from
 * the same start: {@code slow} at about the rate, {@code fast} unthrottled, and the test compares the two.
 */
class ReplicationThrottleIT extends QuorumTest {

    static final String FAST = "fast";
    static final String SLOW = "slow";
    static final int RECORD_BYTES = 10 * 1024;
    static final int RECORDS = 2000; // 20 MiB of values per topic
    static final long RATE_BYTES_PER_SECOND = 2L * 1024 * 1024;

    @Test
    void aThrottledFollowerCatchesUpAtTheRateWhileAnUnthrottledOneRuns() throws Exception {
        try (Admin admin = admin(quorum.bootstrap())) {
            admin.createTopics(List.of(newTopic(FAST), newTopic(SLOW))).all().get(30, TimeUnit.SECONDS);
            awaitIsr(admin, FAST, isr -> isr.size() == 3);
            awaitIsr(admin, SLOW, isr -> isr.size() == 3);
            int follower = leaderOfNeither(admin);

            throttle(admin, follower);
            quorum.stopBroker(follower);
            awaitIsr(admin, FAST, isr -> !isr.contains(follower));
            awaitIsr(admin, SLOW, isr -> !isr.contains(follower));
            produce(FAST);
            produce(SLOW);

            long restartNs = System.nanoTime();
            quorum.startBroker(follower);
            // startBroker returns once the broker has registered, and a replica joins an ISR only once its broker
            // is registered: from here both wait on nothing but their catch-up, whatever the start-up cost.
            long registeredNs = System.nanoTime();
            long fastMs = awaitIsr(admin, FAST, isr -> isr.contains(follower), registeredNs);
            long slowMs = awaitIsr(admin, SLOW, isr -> isr.contains(follower), registeredNs);
            long slowSinceRestartMs = (System.nanoTime() - restartNs) / 1_000_000;

            long bytes = (long) RECORDS * RECORD_BYTES;
            double expectedMs = bytes * 1000.0 / RATE_BYTES_PER_SECOND;
            System.out.printf(
                    "follower %d started in %d ms and caught up %d bytes: unthrottled in %d ms, throttled at %d B/s in"
                            + " %d ms after it registered, %d ms after its restart (%.0f ms expected)%n",
                    follower,
                    (registeredNs - restartNs) / 1_000_000,
                    bytes,
                    fastMs,
                    RATE_BYTES_PER_SECOND,
                    slowMs,
                    slowSinceRestartMs,
                    expectedMs);
            // The fetchers start while the broker starts up, so the throttled copy began at the restart at the
            // earliest: measured from there, it cannot take less than the rate allows.
            assertThat((double) slowSinceRestartMs)
                    .as("throttled catch-up time since the restart")
                    .isGreaterThanOrEqualTo(expectedMs / 2);
            assertThat(slowMs)
                    .as("throttled vs unthrottled catch-up time, both since the follower registered")
                    .isGreaterThanOrEqualTo(3 * fastMs);
        }
    }

    @Test
    void theThrottleConfigsAreAcceptedAndABadReplicaListIsRejected() throws Exception {
        try (Admin admin = admin(quorum.bootstrap())) {
            admin.createTopics(List.of(newTopic(SLOW))).all().get(30, TimeUnit.SECONDS);
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, SLOW);
            ConfigResource broker1 = new ConfigResource(ConfigResource.Type.BROKER, "1");
            alter(admin, broker1, "leader.replication.throttled.rate", "1000000");
            alter(admin, topic, "leader.replication.throttled.replicas", "0:1,0:2");

            assertThat(value(admin, broker1, "leader.replication.throttled.rate", "1000000"))
                    .isEqualTo("1000000");
            assertThat(value(admin, topic, "leader.replication.throttled.replicas", "0:1,0:2"))
                    .isEqualTo("0:1,0:2");
            assertThatThrownBy(() -> alter(admin, topic, "follower.replication.throttled.replicas", "0-1"))
                    .hasCauseInstanceOf(InvalidConfigurationException.class);
            // a broker config Kafka's broker cannot apply is INVALID_REQUEST (KAFKA-13609)
            assertThatThrownBy(() -> alter(admin, broker1, "follower.replication.throttled.rate", "-5"))
                    .hasCauseInstanceOf(InvalidRequestException.class);
        }
    }

    private static NewTopic newTopic(String name) {
        return new NewTopic(name, 1, (short) 3).configs(Map.of("min.insync.replicas", "2"));
    }

    /** A broker that leads neither topic, so stopping it moves no leadership. */
    private static int leaderOfNeither(Admin admin) throws Exception {
        Set<Integer> leaders = new HashSet<>(List.of(
                describe(admin, FAST, 0).leader().id(),
                describe(admin, SLOW, 0).leader().id()));
        for (int id = 1; id <= 3; id++) {
            if (!leaders.contains(id)) {
                return id;
            }
        }
        throw new AssertionError("three brokers, two leaders: one leads neither");
    }

    /** 2 MB/s for every broker's follower side; only {@code slow}'s replica on {@code follower} throttled. */
    private static void throttle(Admin admin, int follower) throws Exception {
        alter(
                admin,
                new ConfigResource(ConfigResource.Type.BROKER, ""),
                "follower.replication.throttled.rate",
                Long.toString(RATE_BYTES_PER_SECOND));
        alter(
                admin,
                new ConfigResource(ConfigResource.Type.TOPIC, SLOW),
                "follower.replication.throttled.replicas",
                "0:" + follower);
    }

    private static void alter(Admin admin, ConfigResource resource, String name, String value)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<ConfigResource, Collection<AlterConfigOp>> ops = new HashMap<>();
        ops.put(resource, List.of(new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET)));
        admin.incrementalAlterConfigs(ops).all().get(30, TimeUnit.SECONDS);
    }

    /**
     * The config's value once the broker answering has applied {@code expected}, or its last value after 10 s:
     * an alter returns when the controller committed it, and the broker that describes it applies it a
     * moment later.
     */
    private static String value(Admin admin, ConfigResource resource, String name, String expected) throws Exception {
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            String value = admin.describeConfigs(List.of(resource))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .get(resource)
                    .get(name)
                    .value();
            if (expected.equals(value) || System.nanoTime() > deadlineNs) {
                return value;
            }
            Thread.sleep(50);
        }
    }

    private void produce(String topic) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, quorum.bootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000");
        byte[] value = new byte[RECORD_BYTES];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) ('a' + i % 26);
        }
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                sends.add(producer.send(new ProducerRecord<>(topic, 0, null, value)));
            }
            for (Future<RecordMetadata> send : sends) {
                send.get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static void awaitIsr(Admin admin, String topic, Predicate<List<Integer>> condition) throws Exception {
        awaitIsr(admin, topic, condition, System.nanoTime());
    }

    /** Waits (up to 60 s) for the ISR of {@code topic}-0 to satisfy {@code condition}; ms since {@code sinceNs}. */
    private static long awaitIsr(Admin admin, String topic, Predicate<List<Integer>> condition, long sinceNs)
            throws Exception {
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<Integer> isr = ids(describe(admin, topic, 0).isr());
        while (!condition.test(isr)) {
            assertThat(System.nanoTime())
                    .as("ISR of %s is still %s", topic, isr)
                    .isLessThan(deadlineNs);
            Thread.sleep(50);
            isr = ids(describe(admin, topic, 0).isr());
        }
        return (System.nanoTime() - sinceNs) / 1_000_000;
    }
}
