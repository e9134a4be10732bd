package io.fjord.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Errors;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Freezes (SIGSTOP) the leader of a partition with three replicas and {@code min.insync.replicas=2}
 * while a producer writes: another broker is elected and takes the writes; an acks=all write queued at
 * the frozen leader is never acknowledged; once thawed (SIGCONT) the old leader follows, drops what was
 * never committed and rejoins the ISR; at the end the three logs on disk hold the same batches up to the
 * high watermark.
 */
class PartitionedLeaderIT {

    private static final String TOPIC = "frozen-leader";

    /** The value of the write sent to the frozen leader: a sequence no producer uses. */
    private static final String ZOMBIE_SEQ = "-1";

    @RegisterExtension
    static final ClusterExtension CLUSTER = new ClusterExtension(3, LocalCluster.FAST_FAILOVER);

    private static LocalCluster cluster() {
        return CLUSTER.cluster();
    }

    @Test
    void aFrozenLeaderIsReplacedCannotAcknowledgeAndRejoinsWithTheCommittedLogOnly() throws Exception {
        SequenceProducer producer;
        int frozen;
        long highWatermark;
        try (Admin admin = cluster().admin()) {
            cluster().createTopic(admin, TOPIC, 1, 3, 2);
            producer = SequenceProducer.start(cluster().bootstrap(), TOPIC, 1, 1);
            try {
                producer.awaitAcksAfter(0, 200, 30_000);
                frozen = cluster().leaderOf(TOPIC, 0);
                freezeAndThaw(producer, frozen);
            } finally {
                producer.close();
            }
            assertThat(producer.failures())
                    .as("records the producer gave up on")
                    .isEmpty();
            TopicContents contents = TopicContents.read(cluster().bootstrap(), TOPIC, 1, 60_000);
            contents.assertKeepsEveryAcknowledgedRecordOnceInOrder(producer.acks());
            cluster().awaitIsrSize(TOPIC, 0, 3, 30_000);
            highWatermark = admin.listOffsets(Map.of(new TopicPartition(TOPIC, 0), OffsetSpec.latest()))
                    .all()
                    .get(10, TimeUnit.SECONDS)
                    .get(new TopicPartition(TOPIC, 0))
                    .offset();
            // followers fetch continuously: give the last fetch round time to land on every replica, so that
            // each log ends at the high watermark and whole logs can be compared
            Thread.sleep(1_000);
        }
        cluster().close();
        assertReplicasIdenticalBelow(highWatermark, frozen);
    }

    private static void freezeAndThaw(SequenceProducer producer, int frozen) throws Exception {
        long freezeNs = System.nanoTime();
        cluster().pause(frozen);
        // Queued in the frozen leader's socket: it sees this acks=all write only after SIGCONT, as leader.
        CompletableFuture<BrokerProbe.ProduceAnswer> zombie = CompletableFuture.supplyAsync(() -> {
            try {
                return BrokerProbe.produceAnswer(
                        cluster().broker(frozen).port(), TOPIC, 0, (short) -1, "zombie", ZOMBIE_SEQ, 5_000);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        int newLeader = cluster().awaitLeaderOtherThan(TOPIC, 0, Set.of(frozen), 30_000);
        long electedMs = LocalCluster.msSince(freezeNs);
        long electedNs = System.nanoTime();
        producer.awaitAcksAfter(electedNs, 100, 60_000);
        long resumedMs = TimeUnit.NANOSECONDS.toMillis(producer.resumedAfter(freezeNs) - freezeNs);
        cluster().awaitIsrSize(TOPIC, 0, 2, 30_000);
        long thawNs = System.nanoTime();
        cluster().resume(frozen);
        BrokerProbe.ProduceAnswer zombieAnswer = zombie.get(30, TimeUnit.SECONDS);
        cluster().awaitIsrSize(TOPIC, 0, 3, 60_000);
        System.out.printf(
                "FROZEN_LEADER frozen=%d newLeader=%d leaderElectedMs=%d writesResumedMs=%d zombieWrite=%s rejoinedIsrMs=%d%n",
                frozen, newLeader, electedMs, resumedMs, zombieAnswer, LocalCluster.msSince(thawNs));
        assertThat(zombieAnswer.error())
                .as("an acks=all write the frozen leader took must not be acknowledged")
                .isNotEqualTo(Errors.NONE);
        assertThat(cluster().leaderOf(TOPIC, 0)).as("the thawed broker follows").isEqualTo(newLeader);
    }

    /**
     * Opens each stopped broker's copy of the partition: each ends at the high watermark (the frozen
     * leader kept nothing it alone had written) and all hold the same batches.
     */
    private static void assertReplicasIdenticalBelow(long highWatermark, int frozen) {
        List<String> reference = ReplicaLogs.batches(cluster().broker(1).dataDir(), TOPIC, 0, highWatermark);
        assertThat(reference).isNotEmpty();
        assertThat(String.join("\n", reference)).doesNotContain("zombie");
        for (int id = 2; id <= 3; id++) {
            assertThat(ReplicaLogs.batches(cluster().broker(id).dataDir(), TOPIC, 0, highWatermark))
                    .as("batches of broker %d, high watermark %d (broker %d was frozen)", id, highWatermark, frozen)
                    .containsExactlyElementsOf(reference);
        }
        System.out.printf(
                "FROZEN_LEADER replicas identical: %d batches up to the high watermark %d on brokers 1..3%n",
                reference.size(), highWatermark);
    }
}
