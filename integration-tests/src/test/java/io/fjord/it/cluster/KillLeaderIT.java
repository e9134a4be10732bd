package io.fjord.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kills (kill -9) the leader of a partition with three replicas and {@code min.insync.replicas=2} five
 * times while an idempotent acks=all producer writes without pause, a different broker each round (1, 2,
 * 3, 1, 2: before a round, leadership is moved to that broker by reordering the replicas with a
 * reassignment and a preferred election): each time another broker takes over, the producer carries on,
 * the killed broker restarts and catches up into the ISR, and at the end every acknowledged record is
 * stored exactly once, in order.
 */
class KillLeaderIT {

    private static final String TOPIC = "kill-leader";

    @RegisterExtension
    static final ClusterExtension CLUSTER = new ClusterExtension(3, LocalCluster.FAST_FAILOVER);

    private static LocalCluster cluster() {
        return CLUSTER.cluster();
    }

    @Test
    void killingTheLeaderFiveTimesLosesNoAcknowledgedRecordAndWritesResumeOnANewLeader() throws Exception {
        try (Admin admin = cluster().admin()) {
            cluster().createTopic(admin, TOPIC, 1, 3, 2);
        }
        SequenceProducer producer = SequenceProducer.start(cluster().bootstrap(), TOPIC, 1, 1);
        try {
            producer.awaitAcksAfter(0, 200, 30_000);
            for (int round = 1; round <= 5; round++) {
                int target = (round - 1) % 3 + 1;
                moveLeadershipTo(target);
                int leader = cluster().leaderOf(TOPIC, 0);
                assertThat(leader)
                        .as("round %d: the broker to kill leads", round)
                        .isEqualTo(target);
                killLeaderAndRestart(producer, round, leader);
            }
        } finally {
            producer.close();
        }
        assertThat(producer.failures()).as("records the producer gave up on").isEmpty();
        TopicContents contents = TopicContents.read(cluster().bootstrap(), TOPIC, 1, 60_000);
        System.out.printf(
                "KILL_LEADER acknowledged=%d stored=%d%n", producer.acks().size(), contents.recordCount());
        contents.assertKeepsEveryAcknowledgedRecordOnceInOrder(producer.acks());
    }

    /** Makes {@code broker} the leader: first in the replica order (a reassignment), then a preferred election. */
    private static void moveLeadershipTo(int broker) throws Exception {
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        List<Integer> order = new ArrayList<>(List.of(broker));
        for (int id = 1; id <= 3; id++) {
            if (id != broker) {
                order.add(id);
            }
        }
        try (Admin admin = cluster().admin()) {
            admin.alterPartitionReassignments(Map.of(tp, Optional.of(new NewPartitionReassignment(order))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (cluster().leaderOf(TOPIC, 0) != broker) {
                try {
                    admin.electLeaders(ElectionType.PREFERRED, Set.of(tp)).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof ElectionNotNeededException)) {
                        throw e;
                    }
                }
                if (System.nanoTime() > deadlineNs) {
                    throw new AssertionError("broker " + broker + " never became the leader of " + tp);
                }
                Thread.sleep(100);
            }
        }
    }

    /** One round: kill -9 the leader, time the takeover, restart it, wait until it is back in the ISR. */
    private static void killLeaderAndRestart(SequenceProducer producer, int round, int leader) throws Exception {
        long killNs = System.nanoTime();
        cluster().kill9(leader);
        int newLeader = cluster().awaitLeaderOtherThan(TOPIC, 0, Set.of(leader), 30_000);
        long electedMs = LocalCluster.msSince(killNs);
        producer.awaitAcksAfter(System.nanoTime(), 50, 60_000);
        long resumedMs = TimeUnit.NANOSECONDS.toMillis(producer.resumedAfter(killNs) - killNs);
        long restartNs = System.nanoTime();
        cluster().restart(leader);
        cluster().awaitIsrSize(TOPIC, 0, 3, 60_000);
        System.out.printf(
                "FAILOVER round=%d killed=%d newLeader=%d leaderElectedMs=%d writesResumedMs=%d restartedIntoIsrMs=%d%n",
                round, leader, newLeader, electedMs, resumedMs, LocalCluster.msSince(restartNs));
    }
}
