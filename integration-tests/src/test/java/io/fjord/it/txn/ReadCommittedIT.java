package io.fjord.it.txn;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Errors;
import io.fjord.it.EmbeddedBroker;
import io.fjord.protocol.message.WriteTxnMarkersResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Read-committed consumption (KIP-98) with the official Java consumer: transactional batches produced
 * raw (built by kafka-clients, with a producer id from InitProducerId) and ended by raw WriteTxnMarkers,
 * as a transaction coordinator would. A read_committed consumer stops at the last stable offset, skips
 * the markers and drops aborted records; read_uncommitted sees every data record; both survive a restart.
 */
class ReadCommittedIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    static Path dataDir;

    static EmbeddedBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedBroker.start(dataDir.resolve("shared"), TxnClients.FORGED_TRANSACTIONS);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void anOpenTransactionHoldsReadCommittedConsumersAtItsFirstOffsetUntilItCommits() throws Exception {
        TopicPartition tp = createTopic(broker.bootstrap(), "txn-open");
        TxnClients.Producer p = TxnClients.newProducer(broker.address());
        TxnClients.produce(broker.address(), tp, TxnClients.plainBatch("before-0", "before-1"));
        long txnStart = TxnClients.produce(broker.address(), tp, p.txnBatch("t-0", "t-1"));
        TxnClients.produce(broker.address(), tp, p.txnBatch("t-2"));
        assertThat(txnStart).isEqualTo(2);

        assertThat(TxnClients.endOffset(broker.bootstrap(), tp, IsolationLevel.READ_COMMITTED))
                .isEqualTo(txnStart);
        assertThat(TxnClients.endOffset(broker.bootstrap(), tp, IsolationLevel.READ_UNCOMMITTED))
                .isEqualTo(5);
        assertThat(TxnClients.latestOffset(broker.bootstrap(), tp, IsolationLevel.READ_COMMITTED))
                .isEqualTo(txnStart);
        assertThat(TxnClients.latestOffset(broker.bootstrap(), tp, IsolationLevel.READ_UNCOMMITTED))
                .isEqualTo(5);
        assertThat(TxnClients.readToEnd(broker.bootstrap(), tp, IsolationLevel.READ_COMMITTED))
                .containsExactly("before-0", "before-1");
        assertThat(TxnClients.readToEnd(broker.bootstrap(), tp, IsolationLevel.READ_UNCOMMITTED))
                .containsExactly("before-0", "before-1", "t-0", "t-1", "t-2");

        TxnClients.writeMarker(broker.address(), p, true, tp);
        assertThat(TxnClients.endOffset(broker.bootstrap(), tp, IsolationLevel.READ_COMMITTED))
                .isEqualTo(6);
        assertThat(TxnClients.readToEnd(broker.bootstrap(), tp, IsolationLevel.READ_COMMITTED))
                .containsExactly("before-0", "before-1", "t-0", "t-1", "t-2");
        assertThat(TxnClients.readToEnd(broker.bootstrap(), tp, IsolationLevel.READ_UNCOMMITTED))
                .containsExactly("before-0", "before-1", "t-0", "t-1", "t-2");
    }

    @Test
    void aWaitingReadCommittedConsumerGetsTheRecordsWhenTheTransactionCommits() throws Exception {
        TopicPartition tp = createTopic(broker.bootstrap(), "txn-long-poll");
        TxnClients.Producer p = TxnClients.newProducer(broker.address());
        TxnClients.produce(broker.address(), tp, p.txnBatch("late-0", "late-1"));
        try (KafkaConsumer<byte[], byte[]> consumer =
                TxnClients.consumer(broker.bootstrap(), IsolationLevel.READ_COMMITTED)) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            assertThat(consumer.poll(Duration.ofMillis(500))).isEmpty();
            TxnClients.writeMarker(broker.address(), p, true, tp);
            List<String> seen = new ArrayList<>();
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (seen.size() < 2 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(TxnClients.text(r.value())));
            }
            assertThat(seen).containsExactly("late-0", "late-1");
        }
    }

    @Test
    void interleavedTransactionsOfTwoProducersShowOnlyTheCommittedOnesInOffsetOrder() throws Exception {
        TopicPartition tp = createTopic(broker.bootstrap(), "txn-interleaved");
        TxnClients.Producer a = TxnClients.newProducer(broker.address());
        TxnClients.Producer b = TxnClients.newProducer(broker.address());
        TxnClients.produce(broker.address(), tp, a.txnBatch("a1"));
        TxnClients.produce(broker.address(), tp, b.txnBatch("b1"));
        TxnClients.produce(broker.address(), tp, a.txnBatch("a2"));
        TxnClients.writeMarker(broker.address(), a, true, tp);
        TxnClients.produce(broker.address(), tp, b.txnBatch("b2"));
        TxnClients.writeMarker(broker.address(), b, false, tp);
        TxnClients.produce(broker.address(), tp, a.txnBatch("a3"));
        TxnClients.produce(broker.address(), tp, b.txnBatch("b3"));
        TxnClients.produce(broker.address(), tp, TxnClients.plainBatch("plain"));
        TxnClients.writeMarker(broker.address(), b, true, tp);
        TxnClients.writeMarker(broker.address(), a, false, tp);

        assertThat(TxnClients.readToEnd(broker.bootstrap(), tp, IsolationLevel.READ_COMMITTED))
                .containsExactly("a1", "a2", "b3", "plain");
        assertThat(TxnClients.readToEnd(broker.bootstrap(), tp, IsolationLevel.READ_UNCOMMITTED))
                .containsExactly("a1", "b1", "a2", "b2", "a3", "b3", "plain");
        assertThat(TxnClients.endOffset(broker.bootstrap(), tp, IsolationLevel.READ_COMMITTED))
                .isEqualTo(TxnClients.endOffset(broker.bootstrap(), tp, IsolationLevel.READ_UNCOMMITTED));
    }

    @Test
    void aMarkerWithAnOlderEpochIsRejectedPerPartition() throws Exception {
        TopicPartition tp = createTopic(broker.bootstrap(), "txn-fenced");
        TxnClients.Producer p = TxnClients.newProducer(broker.address());
        TxnClients.produce(broker.address(), tp, p.txnBatch("x"));
        WriteTxnMarkersResponse.WritableTxnMarkerPartitionResult newer =
                TxnClients.sendMarker(broker.address(), p.producerId(), (short) (p.epoch() + 1), true, tp);
        assertThat(Errors.forCode(newer.errorCode())).isEqualTo(Errors.NONE);
        WriteTxnMarkersResponse.WritableTxnMarkerPartitionResult older =
                TxnClients.sendMarker(broker.address(), p.producerId(), p.epoch(), false, tp);
        assertThat(Errors.forCode(older.errorCode())).isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
        WriteTxnMarkersResponse.WritableTxnMarkerPartitionResult unknown = TxnClients.sendMarker(
                broker.address(), p.producerId(), p.epoch(), true, new TopicPartition("no-such-topic", 0));
        assertThat(Errors.forCode(unknown.errorCode())).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    @Test
    void aRestartKeepsAbortedTransactionsFilteredAndAnOpenTransactionHoldingTheStableOffset() throws Exception {
        try (EmbeddedBroker own = EmbeddedBroker.start(dataDir.resolve("restart"), TxnClients.FORGED_TRANSACTIONS)) {
            TopicPartition tp = createTopic(own.bootstrap(), "txn-restart");
            TxnClients.Producer aborted = TxnClients.newProducer(own.address());
            TxnClients.Producer open = TxnClients.newProducer(own.address());
            TxnClients.produce(own.address(), tp, TxnClients.plainBatch("p0"));
            TxnClients.produce(own.address(), tp, aborted.txnBatch("gone-0", "gone-1"));
            TxnClients.writeMarker(own.address(), aborted, false, tp);
            TxnClients.produce(own.address(), tp, TxnClients.plainBatch("p1"));
            long openStart = TxnClients.produce(own.address(), tp, open.txnBatch("pending"));
            TxnClients.produce(own.address(), tp, TxnClients.plainBatch("p2"));

            own.restart();

            assertThat(TxnClients.endOffset(own.bootstrap(), tp, IsolationLevel.READ_COMMITTED))
                    .isEqualTo(openStart);
            assertThat(TxnClients.readToEnd(own.bootstrap(), tp, IsolationLevel.READ_COMMITTED))
                    .containsExactly("p0", "p1");
            TxnClients.writeMarker(own.address(), open, true, tp);
            assertThat(TxnClients.readToEnd(own.bootstrap(), tp, IsolationLevel.READ_COMMITTED))
                    .containsExactly("p0", "p1", "pending", "p2");
            assertThat(TxnClients.readToEnd(own.bootstrap(), tp, IsolationLevel.READ_UNCOMMITTED))
                    .containsExactly("p0", "gone-0", "gone-1", "p1", "pending", "p2");
        }
    }

    private static TopicPartition createTopic(String bootstrap, String name) throws Exception {
        try (Admin admin = TxnClients.admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get();
        }
        return new TopicPartition(name, 0);
    }
}
