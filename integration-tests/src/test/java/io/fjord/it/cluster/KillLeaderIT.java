package io.fjord.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kills (kill -9) the leader of a partition with three replicas and {@code min.insync.replicas=2} five
 * times while an idempotent acks=all producer writes without pause: each time another broker takes over
 * within the session timeout, the producer carries on, the killed broker restarts and catches up into
 * the ISR, and at the end every acknowledged record is stored exactly once, in order.
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
            int previous = -1;
            for (int round = 1; round <= 5; round++) {
                int leader = cluster().leaderOf(TOPIC, 0);
                assertThat(leader)
                        .as("round %d: the leader is another broker than last round's", round)
                        .isBetween(1, 3)
                        .isNotEqualTo(previous);
                killLeaderAndRestart(producer, round, leader);
                previous = leader;
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
