package io.fjord.it.replication;

import static io.fjord.it.replication.ReplicationIT.admin;
import static io.fjord.it.replication.ReplicationIT.awaitLeaderKnowsIt;
import static io.fjord.it.replication.ReplicationIT.awaitPartition;
import static io.fjord.it.replication.ReplicationIT.createTopic;
import static io.fjord.it.replication.ReplicationIT.ids;
import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.it.txn.TxnClients;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;

/**
 * A new leader knows the transactions its log holds: followers replay the leader's batches into the same
 * producer state and transaction index, so after the leader stops, read_committed consumers of the new
 * leader still stop at the open transaction and skip the aborted one, and the open transaction's marker,
 * written to the new leader, makes it visible.
 */
class TransactionFailoverIT extends QuorumTest {

    private static final String TOPIC = "txn-failover";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    @Override
    Map<String, String> brokerSettings() {
        Map<String, String> settings = new HashMap<>(ReplicationIT.settings());
        settings.putAll(TxnClients.FORGED_TRANSACTIONS);
        return settings;
    }

    @Test
    void aNewLeaderKeepsTheOpenTransactionUnstableAndTheAbortedOneFiltered() throws Exception {
        try (Admin admin = admin(quorum.bootstrap())) {
            createTopic(admin, TOPIC, 1);
            TopicPartitionInfo initial =
                    awaitPartition(admin, TOPIC, 0, p -> p.isr().size() == 3);
            int oldLeader = initial.leader().id();
            InetSocketAddress leader = quorum.address(oldLeader);
            awaitLeaderKnowsIt(leader, TOPIC, 0, oldLeader);
            TxnClients.Producer aborted = TxnClients.newProducer(leader);
            TxnClients.Producer open = TxnClients.newProducer(leader);
            TxnClients.produce(leader, TP, TxnClients.plainBatch("p0"));
            TxnClients.produce(leader, TP, aborted.txnBatch("gone"));
            TxnClients.writeMarker(leader, aborted, false, TP);
            long openStart = TxnClients.produce(leader, TP, open.txnBatch("pending"));
            TxnClients.produce(leader, TP, TxnClients.plainBatch("p1"));
            long end = openStart + 2;

            quorum.stopBroker(oldLeader);
            TopicPartitionInfo moved = awaitPartition(
                    admin, TOPIC, 0, p -> p.leader() != null && p.leader().id() != oldLeader);
            System.out.printf(
                    "leadership moved from %d to %d (ISR %s)%n",
                    oldLeader, moved.leader().id(), ids(moved.isr()));
            awaitHighWatermark(end);

            assertThat(TxnClients.endOffset(quorum.bootstrap(), TP, IsolationLevel.READ_COMMITTED))
                    .as("the new leader's last stable offset")
                    .isEqualTo(openStart);
            assertThat(TxnClients.readToEnd(quorum.bootstrap(), TP, IsolationLevel.READ_COMMITTED))
                    .containsExactly("p0");

            TxnClients.writeMarker(quorum.address(moved.leader().id()), open, true, TP);
            assertThat(TxnClients.readToEnd(quorum.bootstrap(), TP, IsolationLevel.READ_COMMITTED))
                    .containsExactly("p0", "pending", "p1");
            assertThat(TxnClients.readToEnd(quorum.bootstrap(), TP, IsolationLevel.READ_UNCOMMITTED))
                    .containsExactly("p0", "gone", "pending", "p1");
        }
    }

    /** Polls the read_uncommitted end offset (the high watermark) until it reaches {@code offset}. */
    private void awaitHighWatermark(long offset) throws InterruptedException {
        long deadlineNs = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (TxnClients.endOffset(quorum.bootstrap(), TP, IsolationLevel.READ_UNCOMMITTED) < offset) {
            if (System.nanoTime() > deadlineNs) {
                throw new AssertionError("the new leader's high watermark did not reach " + offset);
            }
            Thread.sleep(100);
        }
    }
}
