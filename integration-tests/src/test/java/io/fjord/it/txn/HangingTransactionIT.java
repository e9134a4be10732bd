package io.fjord.it.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.it.EmbeddedBroker;
import io.fjord.it.txn.TransactionsTool.OpenTransaction;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TransactionCoordinatorFencedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's tooling for hanging transactions (KIP-664) against Fjord: {@code kafka-transactions.sh find-hanging
 * --broker-id N} (DescribeProducers on the broker, ListTransactions, DescribeTransactions) lists a transaction that
 * a partition holds open and its coordinator does not, and {@code kafka-transactions.sh abort} ({@link
 * Admin#abortTransaction}: WriteTxnMarkers from the admin client to the partition leader, with the coordinator
 * epoch of the producer's last marker) ends it, so the last stable offset moves on and read_committed consumers
 * read past it without its records.
 *
 * <p>The hanging transaction arises as it did in Kafka before KIP-890: a real transactional producer aborts a
 * transaction, and a batch of that transaction that was still in flight (here sent raw, with the producer's id,
 * epoch and next sequence) reaches the partition after the abort marker. That needs partition verification off,
 * which is what it exists to prevent. kafka-tools is not on this module's classpath, so the two commands are
 * replayed here through the Admin calls TransactionsCommand makes, with its filters.
 */
class HangingTransactionIT {

    private static final short PRODUCE_V11 = 11;
    private static final Map<String, String> SETTINGS = Map.of(
            "offsets.topic.num.partitions", "1",
            "transaction.state.log.num.partitions", "1",
            "group.initial.rebalance.delay.ms", "0",
            "transaction.partition.verification.enable", "false");

    @TempDir
    Path dataDir;

    @Test
    void findHangingListsTheLateBatchAndAnAdminAbortLetsReadCommittedConsumersPastIt() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir, SETTINGS);
                Admin admin = TxnClients.admin(broker.bootstrap())) {
            int brokerId = brokerId(admin);
            TopicPartition orders = createTopic(admin, "orders");
            TopicPartition payments = createTopic(admin, "payments");
            TxnClients.Hanging hanging =
                    TxnClients.hangAfterAbort(broker.bootstrap(), broker.address(), admin, "orders-app", orders);
            TxnClients.produce(broker.address(), orders, TxnClients.plainBatch("after"));

            assertThat(TxnClients.endOffset(broker.bootstrap(), orders, IsolationLevel.READ_COMMITTED))
                    .as("the last stable offset is pinned at the late batch")
                    .isEqualTo(hanging.startOffset());
            assertThat(TxnClients.readToEnd(broker.bootstrap(), orders, IsolationLevel.READ_COMMITTED))
                    .containsExactly("committed");

            try (KafkaProducer<String, String> live =
                    TxnClients.transactionalProducer(broker.bootstrap(), "payments-app")) {
                live.initTransactions();
                live.beginTransaction();
                long sentMs = live.send(new ProducerRecord<>(payments.topic(), payments.partition(), "k", "pending"))
                        .get()
                        .timestamp();
                TxnClients.await(() -> System.currentTimeMillis() > sentMs);

                assertThat(TransactionsTool.openTransactions(broker.bootstrap(), brokerId, 0))
                        .as("both transactions are open longer than the timeout of 0 minutes")
                        .extracting(OpenTransaction::partition)
                        .containsExactlyInAnyOrder(orders, payments);
                List<OpenTransaction> found = TransactionsTool.findHanging(broker.bootstrap(), brokerId, 0);
                assertThat(found)
                        .as("the open transaction of a live producer is not hanging: its coordinator has it")
                        .singleElement()
                        .satisfies(txn -> {
                            assertThat(txn.partition()).isEqualTo(orders);
                            assertThat(txn.producer().producerId()).isEqualTo(hanging.producerId());
                            assertThat(txn.producer().producerEpoch()).isEqualTo(hanging.producerEpoch());
                            assertThat(txn.producer().currentTransactionStartOffset())
                                    .hasValue(hanging.startOffset());
                            assertThat(txn.producer().coordinatorEpoch())
                                    .as("the epoch of the coordinator that wrote the producer's abort marker")
                                    .hasValue(0);
                        });

                TransactionsTool.abort(broker.bootstrap(), orders, hanging.startOffset());

                TxnClients.await(() -> TxnClients.endOffset(broker.bootstrap(), orders, IsolationLevel.READ_COMMITTED)
                        == TxnClients.endOffset(broker.bootstrap(), orders, IsolationLevel.READ_UNCOMMITTED));
                assertThat(TxnClients.readToEnd(broker.bootstrap(), orders, IsolationLevel.READ_COMMITTED))
                        .as("read past the aborted transaction, without its records")
                        .containsExactly("committed", "after");
                assertThat(TxnClients.readToEnd(broker.bootstrap(), orders, IsolationLevel.READ_UNCOMMITTED))
                        .containsExactly("committed", "aborted", "late", "after");
                assertThat(TransactionsTool.findHanging(broker.bootstrap(), brokerId, 0))
                        .isEmpty();
                assertThat(TxnClients.producerOf(admin, orders, hanging.producerId())
                                .currentTransactionStartOffset())
                        .isEmpty();

                live.commitTransaction();
            }
            assertThat(TxnClients.readToEnd(broker.bootstrap(), payments, IsolationLevel.READ_COMMITTED))
                    .containsExactly("pending");
        }
    }

    @Test
    void aHangingTransactionOutlivesARestartAndAnAbortWithAnOlderCoordinatorEpochIsFenced() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir, SETTINGS)) {
            TopicPartition orders;
            try (Admin admin = TxnClients.admin(broker.bootstrap())) {
                orders = createTopic(admin, "orders");
                // Loads the transaction coordinator, so that the restart moves its epoch on.
                try (KafkaProducer<String, String> warmUp =
                        TxnClients.transactionalProducer(broker.bootstrap(), "warm-up")) {
                    warmUp.initTransactions();
                }
            }
            broker.restart();
            TxnClients.Hanging hanging;
            int coordinatorEpoch;
            try (Admin admin = TxnClients.admin(broker.bootstrap())) {
                hanging = TxnClients.hangAfterAbort(broker.bootstrap(), broker.address(), admin, "orders-app", orders);
                coordinatorEpoch = TxnClients.producerOf(admin, orders, hanging.producerId())
                        .coordinatorEpoch()
                        .orElseThrow();
                assertThat(coordinatorEpoch)
                        .as("the restarted coordinator's epoch, in the abort marker")
                        .isPositive();
            }
            broker.restart();
            try (Admin admin = TxnClients.admin(broker.bootstrap())) {
                int brokerId = brokerId(admin);
                assertThat(TransactionsTool.findHanging(broker.bootstrap(), brokerId, 0))
                        .as("the open transaction is recovered with the partition's producer state")
                        .singleElement()
                        .satisfies(txn -> {
                            assertThat(txn.partition()).isEqualTo(orders);
                            assertThat(txn.producer().producerId()).isEqualTo(hanging.producerId());
                            assertThat(txn.producer().currentTransactionStartOffset())
                                    .hasValue(hanging.startOffset());
                            assertThat(txn.producer().coordinatorEpoch()).hasValue(coordinatorEpoch);
                        });

                AbortTransactionSpec stale = new AbortTransactionSpec(
                        orders, hanging.producerId(), hanging.producerEpoch(), coordinatorEpoch - 1);
                assertThatThrownBy(() -> admin.abortTransaction(stale).all().get())
                        .as("a marker older than the producer's last one")
                        .hasCauseInstanceOf(TransactionCoordinatorFencedException.class);
                assertThat(TxnClients.endOffset(broker.bootstrap(), orders, IsolationLevel.READ_COMMITTED))
                        .as("still pinned")
                        .isEqualTo(hanging.startOffset());

                TransactionsTool.abort(broker.bootstrap(), orders, hanging.startOffset());
                TxnClients.await(() -> TxnClients.endOffset(broker.bootstrap(), orders, IsolationLevel.READ_COMMITTED)
                        == hanging.startOffset() + 2);
                assertThat(TxnClients.readToEnd(broker.bootstrap(), orders, IsolationLevel.READ_COMMITTED))
                        .containsExactly("committed");
                assertThat(TransactionsTool.findHanging(broker.bootstrap(), brokerId, 0))
                        .isEmpty();
            }
        }
    }

    // ---- helpers ----

    private static int brokerId(Admin admin) throws Exception {
        return admin.describeCluster().nodes().get().iterator().next().id();
    }

    private static TopicPartition createTopic(Admin admin, String name) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get();
        return new TopicPartition(name, 0);
    }
}
