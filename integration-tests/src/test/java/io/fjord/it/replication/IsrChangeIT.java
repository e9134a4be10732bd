package io.fjord.it.replication;

import static io.fjord.it.replication.ReplicationIT.admin;
import static io.fjord.it.replication.ReplicationIT.createTopic;
import static io.fjord.it.replication.ReplicationIT.ids;
import static io.fjord.it.replication.ReplicationIT.produce;
import static io.fjord.it.replication.ReplicationIT.producer;
import static io.fjord.it.replication.ReplicationIT.readLog;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;

/**
 * The ISR follows the followers (needs the controller's AlterPartition): with three in-process brokers,
 * a topic with three replicas and min.insync.replicas=2, a follower that stops leaves the ISR within
 * about replica.lag.time.max.ms (or at once, when the controller fences it first), acks=all writes go on
 * with the other two, and once it starts again it catches up, rejoins the ISR, and holds every batch.
 */
class IsrChangeIT extends QuorumTest {

    static final String TOPIC = "isr";

    private static TopicPartitionInfo awaitPartition(Admin admin, Predicate<TopicPartitionInfo> condition)
            throws Exception {
        return ReplicationIT.awaitPartition(admin, TOPIC, 0, condition);
    }

    @Test
    void aStoppedFollowerLeavesTheIsrWritesGoOnAndItRejoinsOnceCaughtUp() throws Exception {
        long end;
        int follower;
        try (Admin admin = admin(quorum.bootstrap())) {
            createTopic(admin, TOPIC, 1);
            TopicPartitionInfo initial = awaitPartition(admin, p -> p.isr().size() == 3);
            assertThat(ids(initial.isr())).containsExactly(1, 2, 3);
            int leader = initial.leader().id();
            follower = leader == 3 ? 2 : 3;
            try (KafkaProducer<String, String> producer = producer(quorum.bootstrap())) {
                produce(producer, TOPIC, "before", 50);

                long stopNs = System.nanoTime();
                quorum.stopBroker(follower);
                TopicPartitionInfo shrunk =
                        awaitPartition(admin, p -> !ids(p.isr()).contains(follower));
                System.out.printf(
                        "follower %d left the ISR %s in %d ms%n",
                        follower, ids(shrunk.isr()), (System.nanoTime() - stopNs) / 1_000_000);
                assertThat(ids(shrunk.isr())).hasSize(2).doesNotContain(follower);
                assertThat(shrunk.leader().id()).isEqualTo(leader);

                List<Long> during = produce(producer, TOPIC, "during", 50);
                assertThat(during).hasSize(50);

                long restartNs = System.nanoTime();
                quorum.startBroker(follower);
                awaitPartition(admin, p -> ids(p.isr()).contains(follower));
                System.out.printf(
                        "follower %d rejoined the ISR in %d ms after its restart began%n",
                        follower, (System.nanoTime() - restartNs) / 1_000_000);
                // The other follower may have fallen behind meanwhile; it too is back once caught up.
                TopicPartitionInfo rejoined = awaitPartition(admin, p -> p.isr().size() == 3);
                assertThat(ids(rejoined.isr())).containsExactly(1, 2, 3);
                end = produce(producer, TOPIC, "after", 10).get(9) + 1;
            }
        }
        quorum.close();

        byte[] leaderLog = null;
        for (int id = 1; id <= 3; id++) {
            byte[] log = readLog(quorum.logDir(id).resolve(TOPIC + "-0"), end);
            if (leaderLog == null) {
                leaderLog = log;
            } else {
                assertThat(log).as("broker %d's log equals broker 1's", id).isEqualTo(leaderLog);
            }
        }
    }
}
