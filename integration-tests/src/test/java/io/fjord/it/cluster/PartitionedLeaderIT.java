package io.fjord.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Errors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Freezes (SIGSTOP) the leader of a partition with three replicas and {@code min.insync.replicas=2}
 * while a producer writes: another broker is elected and takes the writes; an acks=all write queued at
 * the frozen leader is never acknowledged; once thawed (SIGCONT) the old leader follows, drops what was
 * never committed and rejoins the ISR. First with a leader that is not the active controller, then with
 * one that is (the metadata quorum fails over too). At the end the three logs on disk of each partition
 * hold the same batches up to the high watermark.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PartitionedLeaderIT {

    /** The value of the write sent to the frozen leader: a sequence no producer uses. */
    private static final String ZOMBIE_SEQ = "-1";

    /**
     * How long the write sent to the frozen leader waits for its answer: longer than the leader can stay frozen
     * (the waits before the thaw allow up to 120 s), so that only the 30 s allowed after the thaw bound it.
     */
    private static final int ZOMBIE_READ_TIMEOUT_MS = 180_000;

    @RegisterExtension
    static final ClusterExtension CLUSTER = new ClusterExtension(3, LocalCluster.FAST_FAILOVER);

    /** Each frozen partition's high watermark once the cluster settled, for the on-disk comparison. */
    private static final Map<String, Long> HIGH_WATERMARKS = new TreeMap<>();

    private static LocalCluster cluster() {
        return CLUSTER.cluster();
    }

    @Test
    @Order(1)
    void aFrozenLeaderIsReplacedCannotAcknowledgeAndRejoinsWithTheCommittedLogOnly() throws Exception {
        int controller;
        try (Admin admin = cluster().admin()) {
            controller = LocalCluster.controllerId(admin);
        }
        int leader = controller == 1 ? 2 : 1;
        freezeLeaderWhileWriting("frozen-leader", leader);
    }

    @Test
    @Order(2)
    void aFrozenLeaderThatIsAlsoTheActiveControllerIsReplacedAndRejoinsTheSameWay() throws Exception {
        int controller;
        try (Admin admin = cluster().admin()) {
            controller = LocalCluster.controllerId(admin);
        }
        freezeLeaderWhileWriting("frozen-controller", controller);
    }

    @Test
    @Order(3)
    void everyReplicaHoldsTheSameBatchesUpToTheHighWatermark() throws Exception {
        assertThat(HIGH_WATERMARKS).as("partitions the earlier tests settled").isNotEmpty();
        cluster().close();
        for (Map.Entry<String, Long> partition : HIGH_WATERMARKS.entrySet()) {
            assertReplicasIdentical(partition.getKey(), partition.getValue());
        }
    }

    /** Creates {@code topic} led by {@code leader}, writes, freezes and thaws the leader, checks the records. */
    private static void freezeLeaderWhileWriting(String topic, int leader) throws Exception {
        try (Admin admin = cluster().admin()) {
            List<Integer> replicas = new ArrayList<>(List.of(leader));
            for (int id = 1; id <= 3; id++) {
                if (id != leader) {
                    replicas.add(id);
                }
            }
            cluster().createTopic(admin, topic, replicas, 2);
            assertThat(cluster().leaderOf(topic, 0)).isEqualTo(leader);
            SequenceProducer producer = SequenceProducer.start(cluster().bootstrap(), topic, 1, 1);
            int[] leaders;
            try {
                producer.awaitAcksAfter(0, 200, 30_000);
                leaders = freezeAndThaw(topic, producer, leader);
            } finally {
                producer.close();
            }
            assertThat(producer.failures())
                    .as("records the producer gave up on")
                    .isEmpty();
            TopicContents.read(cluster().bootstrap(), topic, 1, 60_000)
                    .assertKeepsEveryAcknowledgedRecordOnceInOrder(producer.acks());
            cluster().awaitIsrSize(topic, 0, 3, 30_000);
            HIGH_WATERMARKS.put(
                    topic,
                    admin.listOffsets(Map.of(new TopicPartition(topic, 0), OffsetSpec.latest()))
                            .all()
                            .get(10, TimeUnit.SECONDS)
                            .get(new TopicPartition(topic, 0))
                            .offset());
            // followers fetch continuously: give the last fetch round time to land on every replica, so that
            // each log ends at the high watermark and whole logs can be compared
            Thread.sleep(1_000);
            assertThat(leaders[1])
                    .as("the leader elected while broker %d was frozen still leads once it thawed and follows", leader)
                    .isEqualTo(leaders[0]);
        }
    }

    /**
     * Freezes {@code frozen}, waits for the takeover and for writes on the new leader, thaws it and waits
     * for all three in the ISR. Returns the leader elected during the freeze and the leader after the thaw.
     */
    private static int[] freezeAndThaw(String topic, SequenceProducer producer, int frozen) throws Exception {
        long freezeNs = System.nanoTime();
        cluster().pause(frozen);
        // Queued in the frozen leader's socket: it sees this acks=all write only after SIGCONT, as leader.
        CompletableFuture<BrokerProbe.ProduceAnswer> zombie = CompletableFuture.supplyAsync(() -> {
            try {
                return BrokerProbe.produceAnswer(
                        cluster().broker(frozen).port(),
                        topic,
                        0,
                        (short) -1,
                        "zombie",
                        ZOMBIE_SEQ,
                        5_000,
                        ZOMBIE_READ_TIMEOUT_MS);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        int newLeader = cluster().awaitLeaderOtherThan(topic, 0, Set.of(frozen), 30_000);
        long electedMs = LocalCluster.msSince(freezeNs);
        long electedNs = System.nanoTime();
        producer.awaitAcksAfter(electedNs, 100, 60_000);
        long resumedMs = TimeUnit.NANOSECONDS.toMillis(producer.resumedAfter(freezeNs) - freezeNs);
        cluster().awaitIsrSize(topic, 0, 2, 30_000);
        long thawNs = System.nanoTime();
        cluster().resume(frozen);
        BrokerProbe.ProduceAnswer zombieAnswer = zombie.get(30, TimeUnit.SECONDS);
        BrokerProbe.PartitionView rejoined =
                cluster().awaitAgreed(topic, 0, view -> view.isr().size() == 3, 60_000, "all three in the ISR");
        System.out.printf(
                "FROZEN_LEADER topic=%s frozen=%d newLeader=%d leaderElectedMs=%d writesResumedMs=%d zombieWrite=%s"
                        + " rejoinedIsrMs=%d leaderAfterThaw=%d%n",
                topic,
                frozen,
                newLeader,
                electedMs,
                resumedMs,
                zombieAnswer,
                LocalCluster.msSince(thawNs),
                rejoined.leader());
        // Refused as a deposed leader, or timed out waiting for followers that now fetch from the new leader;
        // any other error (a broken request, a server error) is not what fencing looks like.
        assertThat(zombieAnswer.error())
                .as("an acks=all write the frozen leader took must not be acknowledged")
                .isIn(Errors.NOT_LEADER_OR_FOLLOWER, Errors.REQUEST_TIMED_OUT);
        return new int[] {newLeader, rejoined.leader()};
    }

    /**
     * Opens each stopped broker's copy of {@code topic}'s partition: each ends at the high watermark (the
     * frozen leader kept nothing it alone had written) and all hold the same batches.
     */
    private static void assertReplicasIdentical(String topic, long highWatermark) {
        List<String> reference = ReplicaLogs.batches(cluster().broker(1).dataDir(), topic, 0, highWatermark);
        assertThat(reference).isNotEmpty();
        assertThat(String.join("\n", reference)).doesNotContain("zombie");
        for (int id = 2; id <= 3; id++) {
            assertThat(ReplicaLogs.batches(cluster().broker(id).dataDir(), topic, 0, highWatermark))
                    .as("batches of %s-0 on broker %d, high watermark %d", topic, id, highWatermark)
                    .containsExactlyElementsOf(reference);
        }
        System.out.printf(
                "FROZEN_LEADER %s-0 replicas identical: %d batches up to the high watermark %d on brokers 1..3%n",
                topic, reference.size(), highWatermark);
    }
}
