package io.fjord.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A consumer group of two members reads a 6-partition topic with three replicas while a producer writes;
 * the group's coordinator is killed (kill -9). With {@code offsets.topic.replication.factor=3} the
 * coordinator moves to another broker, the group keeps consuming and committing, no committed offset
 * ever goes back, and a group restarted afterwards resumes exactly at its committed offsets: no record
 * skipped, duplicates only after the offsets committed before the kill.
 */
class GroupFailoverIT {

    private static final String TOPIC = "orders";
    private static final String GROUP = "failover-group";
    private static final int PARTITIONS = 6;

    @RegisterExtension
    static final ClusterExtension CLUSTER = new ClusterExtension(3, LocalCluster.FAST_FAILOVER);

    private static LocalCluster cluster() {
        return CLUSTER.cluster();
    }

    @Test
    void theGroupKeepsConsumingWhenItsCoordinatorIsKilledAndResumesFromItsCommittedOffsets() throws Exception {
        try (Admin admin = cluster().admin()) {
            cluster().createTopic(admin, TOPIC, PARTITIONS, 3, 2);
        }
        String bootstrap = cluster().bootstrap();
        GroupMemberThread.Consumed consumed = new GroupMemberThread.Consumed();
        ConcurrentLinkedQueue<String> wentBack = new ConcurrentLinkedQueue<>();
        try (Admin admin = LocalCluster.admin(bootstrap);
                SequenceProducer producer = SequenceProducer.start(bootstrap, TOPIC, PARTITIONS, 2);
                GroupMemberThread first = new GroupMemberThread(bootstrap, GROUP, TOPIC, consumed, "member-1");
                GroupMemberThread second = new GroupMemberThread(bootstrap, GROUP, TOPIC, consumed, "member-2");
                CommittedOffsetsWatch watch = new CommittedOffsetsWatch(admin, wentBack)) {
            awaitTrue(() -> stableWithTwoMembers(admin) && consumed.total() > 500, 60_000, "two members consuming");
            assertThat(LocalCluster.describe(admin, "__consumer_offsets", 0).replicas())
                    .as("replicas of __consumer_offsets (offsets.topic.replication.factor=3)")
                    .hasSize(3);
            Map<Integer, Long> committedAtKill = committed(admin);
            int coordinator = coordinator(admin);
            long killNs = System.nanoTime();
            long consumedAtKill = consumed.total();
            cluster().kill9(coordinator);
            awaitTrue(
                    () -> coordinatorOrMinusOne(admin) > 0 && coordinatorOrMinusOne(admin) != coordinator,
                    60_000,
                    "a new coordinator");
            long movedMs = LocalCluster.msSince(killNs);
            awaitTrue(() -> consumed.total() > consumedAtKill + 500, 60_000, "consumption after the kill");
            long consumingMs = LocalCluster.msSince(killNs);
            awaitTrue(
                    () -> sum(committedOrEmpty(admin)) > sum(committedAtKill) + 500, 60_000, "commits after the kill");
            System.out.printf(
                    "GROUP_FAILOVER killedCoordinator=%d newCoordinator=%d coordinatorMovedMs=%d consuming500MoreMs=%d"
                            + " committingMs=%d%n",
                    coordinator, coordinator(admin), movedMs, consumingMs, LocalCluster.msSince(killNs));
            producer.close();
            Map<Integer, Long> ends = endOffsets(admin);
            awaitTrue(
                    () -> committedOrEmpty(admin).equals(ends), 60_000, "the group committing the end offsets " + ends);
            System.out.printf(
                    "GROUP_FAILOVER consumed=%d duplicates=%d failedCommitsOrPolls=%d%n",
                    consumed.total(), consumed.duplicates(), first.failedCommits() + second.failedCommits());
            for (Map.Entry<Integer, Long> duplicate : consumed.lowestDuplicate().entrySet()) {
                assertThat(duplicate.getValue())
                        .as(
                                "a record of partition %d handed out twice lies after the offset committed before the kill",
                                duplicate.getKey())
                        .isGreaterThanOrEqualTo(committedAtKill.get(duplicate.getKey()));
            }
            for (int p = 0; p < PARTITIONS; p++) {
                assertThat(consumed.firstGap(p, 0, ends.get(p)))
                        .as("first offset of %d never consumed", p)
                        .isEqualTo(ends.get(p));
            }
        }
        assertThat(wentBack).as("committed offsets that went back").isEmpty();
        aRestartedGroupResumesAtItsCommittedOffsets();
    }

    private static void aRestartedGroupResumesAtItsCommittedOffsets() throws Exception {
        String live = cluster().bootstrap();
        try (Admin admin = LocalCluster.admin(live)) {
            Map<Integer, Long> committed = committed(admin);
            writeMore(live, 600);
            Map<Integer, Long> ends = endOffsets(admin);
            GroupMemberThread.Consumed resumed = new GroupMemberThread.Consumed();
            try (GroupMemberThread first = new GroupMemberThread(live, GROUP, TOPIC, resumed, "member-3");
                    GroupMemberThread second = new GroupMemberThread(live, GROUP, TOPIC, resumed, "member-4")) {
                awaitTrue(() -> committedOrEmpty(admin).equals(ends), 60_000, "the restarted group reaching " + ends);
            }
            assertThat(resumed.firstSeen())
                    .as("where the restarted group began")
                    .isEqualTo(committed);
            assertThat(resumed.duplicates()).isZero();
            for (int p = 0; p < PARTITIONS; p++) {
                assertThat(resumed.firstGap(p, committed.get(p), ends.get(p)))
                        .as("first offset of %d never consumed after the restart", p)
                        .isEqualTo(ends.get(p));
            }
            System.out.printf("GROUP_FAILOVER restarted group resumed at %s and read to %s%n", committed, ends);
        }
    }

    /** Polls the group's committed offsets every 100 ms and notes any that went back. */
    private static final class CommittedOffsetsWatch implements AutoCloseable {
        private final Thread thread;
        private volatile boolean running = true;

        CommittedOffsetsWatch(Admin admin, ConcurrentLinkedQueue<String> wentBack) {
            thread = new Thread(
                    () -> {
                        Map<Integer, Long> highest = new HashMap<>();
                        while (running) {
                            committedOrEmpty(admin).forEach((p, offset) -> {
                                Long before = highest.put(p, offset);
                                if (before != null && offset < before) {
                                    wentBack.add("partition " + p + ": " + before + " -> " + offset);
                                }
                            });
                            sleep(100);
                        }
                    },
                    "committed-offsets-watch");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(30_000);
        }
    }

    private static void writeMore(String bootstrap, int count) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, "more", "-2"));
            }
            producer.flush();
        }
    }

    private static boolean stableWithTwoMembers(Admin admin) {
        try {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP))
                    .all()
                    .get(10, TimeUnit.SECONDS)
                    .get(GROUP);
            return group.members().size() == 2
                    && group.members().stream()
                            .allMatch(m -> !m.assignment().topicPartitions().isEmpty());
        } catch (Exception e) {
            return false;
        }
    }

    private static int coordinator(Admin admin) throws Exception {
        return admin.describeConsumerGroups(List.of(GROUP))
                .all()
                .get(10, TimeUnit.SECONDS)
                .get(GROUP)
                .coordinator()
                .id();
    }

    private static int coordinatorOrMinusOne(Admin admin) {
        try {
            return coordinator(admin);
        } catch (Exception e) {
            return -1;
        }
    }

    private static Map<Integer, Long> committed(Admin admin) throws Exception {
        Map<Integer, Long> offsets = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                .partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
        committed.forEach((tp, o) -> {
            if (o != null) {
                offsets.put(tp.partition(), o.offset());
            }
        });
        return offsets;
    }

    private static Map<Integer, Long> committedOrEmpty(Admin admin) {
        try {
            return committed(admin);
        } catch (Exception e) {
            return Map.of();
        }
    }

    private static Map<Integer, Long> endOffsets(Admin admin) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            latest.put(new TopicPartition(TOPIC, p), OffsetSpec.latest());
        }
        Map<Integer, Long> ends = new HashMap<>();
        admin.listOffsets(latest)
                .all()
                .get(10, TimeUnit.SECONDS)
                .forEach((tp, info) -> ends.put(tp.partition(), info.offset()));
        return ends;
    }

    private static long sum(Map<Integer, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    private static void awaitTrue(BooleanSupplier condition, long timeoutMs, String what) {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadlineNs) {
                throw new AssertionError(what + " not seen in " + timeoutMs + " ms");
            }
            sleep(100);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
