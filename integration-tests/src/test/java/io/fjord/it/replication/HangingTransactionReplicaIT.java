package io.fjord.it.replication;

import static io.fjord.it.replication.ReplicationIT.admin;
import static io.fjord.it.replication.ReplicationIT.awaitLeaderKnowsIt;
import static io.fjord.it.replication.ReplicationIT.awaitPartition;
import static io.fjord.it.replication.ReplicationIT.createTopic;
import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.it.txn.TransactionsTool;
import io.fjord.it.txn.TxnClients;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;

/**
 * {@code kafka-transactions.sh find-hanging --broker-id N} for a broker that follows the hanging partition: it asks
 * broker N itself for the producers of every partition with a replica there, and Kafka answers DescribeProducers
 * from a follower's own log as from a leader's. The hanging transaction (see {@link TxnClients#hangAfterAbort}) is
 * found on the follower, and the admin's abort, written on the leader, reaches it by replication.
 */
class HangingTransactionReplicaIT extends QuorumTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String TOPIC = "replicated-orders";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    @Override
    Map<String, String> brokerSettings() {
        Map<String, String> settings = new HashMap<>(ReplicationIT.settings());
        settings.putAll(TxnClients.FORGED_TRANSACTIONS);
        return settings;
    }

    @Test
    void findHangingOnAFollowerListsTheTransactionAndTheAbortReachesIt() throws Exception {
        try (Admin admin = admin(quorum.bootstrap())) {
            createTopic(admin, TOPIC, 1);
            TopicPartitionInfo partition =
                    awaitPartition(admin, TOPIC, 0, p -> p.isr().size() == 3);
            assertThat(partition.isr()).hasSize(3);
            int leader = partition.leader().id();
            awaitLeaderKnowsIt(quorum.address(leader), TOPIC, 0, leader);
            int follower = partition.replicas().stream()
                    .mapToInt(Node::id)
                    .filter(id -> id != leader)
                    .findFirst()
                    .orElseThrow();
            TxnClients.Hanging hanging =
                    TxnClients.hangAfterAbort(quorum.bootstrap(), quorum.address(leader), admin, "replicated-app", TP);

            assertThat(TransactionsTool.findHanging(quorum.bootstrap(), follower, 0))
                    .as("broker %d, a follower, has the late batch (acks=all)", follower)
                    .singleElement()
                    .satisfies(txn -> {
                        assertThat(txn.partition()).isEqualTo(TP);
                        assertThat(txn.producer().producerId()).isEqualTo(hanging.producerId());
                        assertThat(txn.producer().currentTransactionStartOffset())
                                .hasValue(hanging.startOffset());
                    });
            assertThat(TransactionsTool.findHanging(quorum.bootstrap(), leader, 0))
                    .extracting(TransactionsTool.OpenTransaction::partition)
                    .containsExactly(TP);

            TransactionsTool.abort(quorum.bootstrap(), TP, hanging.startOffset());
            await(() -> TransactionsTool.findHanging(quorum.bootstrap(), follower, 0)
                    .isEmpty());
            assertThat(TransactionsTool.findHanging(quorum.bootstrap(), leader, 0))
                    .isEmpty();
            assertThat(TxnClients.readToEnd(quorum.bootstrap(), TP, IsolationLevel.READ_COMMITTED))
                    .containsExactly("committed");
        }
    }

    private static void await(ThrowingCondition condition) throws Exception {
        long deadlineNs = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.holds()) {
            assertThat(System.nanoTime()).as("within %s", DEADLINE).isLessThan(deadlineNs);
            Thread.sleep(50);
        }
    }

    @FunctionalInterface
    private interface ThrowingCondition {
        boolean holds() throws Exception;
    }
}
