package io.fjord.it.txn;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Errors;
import io.fjord.it.EmbeddedBroker;
import io.fjord.it.RawKafkaClient;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.AddOffsetsToTxnRequest;
import io.fjord.protocol.message.AddOffsetsToTxnResponse;
import io.fjord.protocol.message.AddPartitionsToTxnRequest;
import io.fjord.protocol.message.AddPartitionsToTxnResponse;
import io.fjord.protocol.message.EndTxnRequest;
import io.fjord.protocol.message.EndTxnResponse;
import io.fjord.protocol.message.FindCoordinatorRequest;
import io.fjord.protocol.message.FindCoordinatorResponse;
import io.fjord.protocol.message.InitProducerIdRequest;
import io.fjord.protocol.message.InitProducerIdResponse;
import io.fjord.protocol.message.ProduceRequest;
import io.fjord.protocol.message.ProduceResponse;
import io.fjord.protocol.message.TxnOffsetCommitRequest;
import io.fjord.protocol.message.TxnOffsetCommitResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hanging transactions are prevented (KIP-890 part 1): a transactional produce or TxnOffsetCommit that reaches
 * the partition after its transaction was aborted (a request the client gave up on, landing late) is rejected
 * instead of opening a transaction no coordinator knows of, so the partition's last stable offset moves on. The
 * requests are raw, with a real transactional id, producer id and epoch from the broker's transaction coordinator.
 * With {@code transaction.partition.verification.enable=false} the same late produce hangs the partition, which
 * shows the scenario is the one verification is for.
 */
class TransactionVerificationIT {

    private static final short ADD_PARTITIONS_V3 = 3;
    private static final short END_TXN_V3 = 3;
    private static final short PRODUCE_V9 = 9;
    private static final short PRODUCE_V11 = 11;
    private static final Map<String, String> SETTINGS = Map.of(
            "offsets.topic.num.partitions", "1",
            "transaction.state.log.num.partitions", "1",
            "group.initial.rebalance.delay.ms", "0");

    @TempDir
    Path dataDir;

    /** A transactional id's producer, as the coordinator gave it out. */
    private record TxnProducer(String transactionalId, long producerId, short epoch) {}

    @Test
    void aLateTransactionalProduceAfterTheAbortIsRejectedAndTheLastStableOffsetMovesOn() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir, SETTINGS);
                Admin admin = TxnClients.admin(broker.bootstrap());
                RawKafkaClient raw = new RawKafkaClient(broker.address())) {
            TopicPartition tp = createTopic(admin, "late-produce");
            TxnClients.produce(broker.address(), tp, TxnClients.plainBatch("before"));
            TxnProducer producer = abortedTransaction(raw, admin, "late-app", tp);

            ProduceResponse.PartitionProduceResponse old = produce(raw, producer, tp, PRODUCE_V9, "late");
            assertThat(Errors.forCode(old.errorCode()))
                    .as("a producer before Produce v11 hears INVALID_TXN_STATE")
                    .isEqualTo(Errors.INVALID_TXN_STATE);
            assertThat(old.baseOffset()).isEqualTo(-1L);
            ProduceResponse.PartitionProduceResponse newer = produce(raw, producer, tp, PRODUCE_V11, "late");
            assertThat(Errors.forCode(newer.errorCode())).isEqualTo(Errors.TRANSACTION_ABORTABLE);

            long end = TxnClients.endOffset(broker.bootstrap(), tp, IsolationLevel.READ_UNCOMMITTED);
            assertThat(TxnClients.readToEnd(broker.bootstrap(), tp, IsolationLevel.READ_UNCOMMITTED))
                    .as("nothing of the late batch was appended")
                    .containsExactly("before");
            assertThat(TxnClients.endOffset(broker.bootstrap(), tp, IsolationLevel.READ_COMMITTED))
                    .as("the last stable offset is not pinned")
                    .isEqualTo(end);
            TxnClients.produce(broker.address(), tp, TxnClients.plainBatch("after"));
            assertThat(TxnClients.readToEnd(broker.bootstrap(), tp, IsolationLevel.READ_COMMITTED))
                    .containsExactly("before", "after");
        }
    }

    @Test
    void aTransactionalProduceToAPartitionTheTransactionNeverAddedIsRejected() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir, SETTINGS);
                Admin admin = TxnClients.admin(broker.bootstrap());
                RawKafkaClient raw = new RawKafkaClient(broker.address())) {
            TopicPartition added = createTopic(admin, "added");
            TopicPartition skipped = createTopic(admin, "skipped");
            TxnProducer producer = initProducer(raw, "skipping-app");
            assertThat(addPartition(raw, producer, added)).isEqualTo(Errors.NONE);

            assertThat(Errors.forCode(
                            produce(raw, producer, skipped, PRODUCE_V11, "x").errorCode()))
                    .isEqualTo(Errors.TRANSACTION_ABORTABLE);
            ProduceResponse.PartitionProduceResponse ok = produce(raw, producer, added, PRODUCE_V11, "y");
            assertThat(Errors.forCode(ok.errorCode()))
                    .as("the partition in the transaction is verified and appended")
                    .isEqualTo(Errors.NONE);
            assertThat(TxnClients.endOffset(broker.bootstrap(), added, IsolationLevel.READ_COMMITTED))
                    .as("its transaction is open")
                    .isZero();
            assertThat(endTxn(raw, producer, true)).isEqualTo(Errors.NONE);
            TxnClients.await(
                    () -> TxnClients.endOffset(broker.bootstrap(), added, IsolationLevel.READ_COMMITTED) == 2L);
            assertThat(TxnClients.endOffset(broker.bootstrap(), skipped, IsolationLevel.READ_COMMITTED))
                    .isZero();
        }
    }

    @Test
    void aLateTxnOffsetCommitAfterTheAbortIsRejected() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir, SETTINGS);
                Admin admin = TxnClients.admin(broker.bootstrap());
                RawKafkaClient raw = new RawKafkaClient(broker.address())) {
            TopicPartition tp = createTopic(admin, "consumed");
            awaitCoordinator(raw, "etl", (byte) 0);
            TxnProducer producer = initProducer(raw, "etl-app");
            AddOffsetsToTxnResponse added = (AddOffsetsToTxnResponse) raw.send(
                    ApiKeys.ADD_OFFSETS_TO_TXN,
                    (short) 3,
                    new AddOffsetsToTxnRequest()
                            .setTransactionalId(producer.transactionalId())
                            .setProducerId(producer.producerId())
                            .setProducerEpoch(producer.epoch())
                            .setGroupId("etl"));
            assertThat(Errors.forCode(added.errorCode())).isEqualTo(Errors.NONE);
            assertThat(endTxn(raw, producer, false)).isEqualTo(Errors.NONE);
            awaitState(admin, producer, TransactionState.COMPLETE_ABORT);

            assertThat(txnOffsetCommit(raw, producer, tp, (short) 3)).isEqualTo(Errors.INVALID_TXN_STATE);
            assertThat(txnOffsetCommit(raw, producer, tp, (short) 4)).isEqualTo(Errors.TRANSACTION_ABORTABLE);
            TopicPartition offsets = new TopicPartition("__consumer_offsets", 0);
            assertThat(TxnClients.endOffset(broker.bootstrap(), offsets, IsolationLevel.READ_COMMITTED))
                    .as("no transaction hangs in the group's partition")
                    .isEqualTo(TxnClients.endOffset(broker.bootstrap(), offsets, IsolationLevel.READ_UNCOMMITTED));
        }
    }

    @Test
    void withVerificationOffTheSameLateProduceHangsThePartition() throws Exception {
        Map<String, String> settings = new java.util.HashMap<>(SETTINGS);
        settings.put("transaction.partition.verification.enable", "false");
        try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir, settings);
                Admin admin = TxnClients.admin(broker.bootstrap());
                RawKafkaClient raw = new RawKafkaClient(broker.address())) {
            TopicPartition tp = createTopic(admin, "late-produce");
            TxnClients.produce(broker.address(), tp, TxnClients.plainBatch("before"));
            TxnProducer producer = abortedTransaction(raw, admin, "late-app", tp);

            assertThat(Errors.forCode(
                            produce(raw, producer, tp, PRODUCE_V9, "late").errorCode()))
                    .isEqualTo(Errors.NONE);
            TxnClients.produce(broker.address(), tp, TxnClients.plainBatch("after"));
            assertThat(TxnClients.endOffset(broker.bootstrap(), tp, IsolationLevel.READ_COMMITTED))
                    .as("pinned at the late batch: a hanging transaction")
                    .isEqualTo(2L);
        }
    }

    // ---- the transaction, step by step ----

    private static TopicPartition createTopic(Admin admin, String name) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get();
        return new TopicPartition(name, 0);
    }

    /** InitProducerId, AddPartitionsToTxn, EndTxn abort, until the coordinator completed the abort. */
    private static TxnProducer abortedTransaction(RawKafkaClient raw, Admin admin, String id, TopicPartition tp)
            throws Exception {
        TxnProducer producer = initProducer(raw, id);
        assertThat(addPartition(raw, producer, tp)).isEqualTo(Errors.NONE);
        assertThat(endTxn(raw, producer, false)).isEqualTo(Errors.NONE);
        awaitState(admin, producer, TransactionState.COMPLETE_ABORT);
        return producer;
    }

    private static TxnProducer initProducer(RawKafkaClient raw, String transactionalId) throws Exception {
        awaitCoordinator(raw, transactionalId, (byte) 1);
        InitProducerIdResponse response = TxnClients.until(() -> {
            InitProducerIdResponse r = (InitProducerIdResponse) send(
                    raw,
                    ApiKeys.INIT_PRODUCER_ID,
                    (short) 4,
                    new InitProducerIdRequest()
                            .setTransactionalId(transactionalId)
                            .setTransactionTimeoutMs(60_000)
                            .setProducerId(-1L)
                            .setProducerEpoch((short) -1));
            return r.errorCode() == Errors.NONE.code() ? r : null;
        });
        return new TxnProducer(transactionalId, response.producerId(), response.producerEpoch());
    }

    /** FindCoordinator (creating the coordinator's topic) until the coordinator is known. */
    private static void awaitCoordinator(RawKafkaClient raw, String key, byte keyType) throws Exception {
        TxnClients.until(() -> {
            FindCoordinatorResponse r = (FindCoordinatorResponse) send(
                    raw,
                    ApiKeys.FIND_COORDINATOR,
                    (short) 3,
                    new FindCoordinatorRequest().setKey(key).setKeyType(keyType));
            return r.errorCode() == Errors.NONE.code() ? r : null;
        });
    }

    private static Errors addPartition(RawKafkaClient raw, TxnProducer producer, TopicPartition tp) throws Exception {
        AddPartitionsToTxnResponse response = (AddPartitionsToTxnResponse) raw.send(
                ApiKeys.ADD_PARTITIONS_TO_TXN,
                ADD_PARTITIONS_V3,
                new AddPartitionsToTxnRequest()
                        .setV3AndBelowTransactionalId(producer.transactionalId())
                        .setV3AndBelowProducerId(producer.producerId())
                        .setV3AndBelowProducerEpoch(producer.epoch())
                        .setV3AndBelowTopics(
                                new ArrayList<>(List.of(new AddPartitionsToTxnRequest.AddPartitionsToTxnTopic()
                                        .setName(tp.topic())
                                        .setPartitions(new ArrayList<>(List.of(tp.partition())))))));
        return Errors.forCode(response.resultsByTopicV3AndBelow()
                .get(0)
                .resultsByPartition()
                .get(0)
                .partitionErrorCode());
    }

    private static Errors endTxn(RawKafkaClient raw, TxnProducer producer, boolean commit) throws Exception {
        EndTxnResponse response = (EndTxnResponse) raw.send(
                ApiKeys.END_TXN,
                END_TXN_V3,
                new EndTxnRequest()
                        .setTransactionalId(producer.transactionalId())
                        .setProducerId(producer.producerId())
                        .setProducerEpoch(producer.epoch())
                        .setCommitted(commit));
        return Errors.forCode(response.errorCode());
    }

    private static void awaitState(Admin admin, TxnProducer producer, TransactionState state) throws Exception {
        TxnClients.await(() -> {
            try {
                return admin.describeTransactions(List.of(producer.transactionalId()))
                                .all()
                                .get()
                                .get(producer.transactionalId())
                                .state()
                        == state;
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** A transactional Produce (acks=all) of one record at sequence 0, as the producer sent it first. */
    private static ProduceResponse.PartitionProduceResponse produce(
            RawKafkaClient raw, TxnProducer producer, TopicPartition tp, short version, String value) throws Exception {
        ByteBuffer batch = new TxnClients.Producer(producer.producerId(), producer.epoch()).txnBatch(value);
        ProduceRequest request = new ProduceRequest()
                .setTransactionalId(producer.transactionalId())
                .setAcks((short) -1)
                .setTimeoutMs(10_000)
                .setTopicData(new ArrayList<>(List.of(new ProduceRequest.TopicProduceData()
                        .setName(tp.topic())
                        .setPartitionData(new ArrayList<>(List.of(new ProduceRequest.PartitionProduceData()
                                .setIndex(tp.partition())
                                .setRecords(io.fjord.protocol.MemoryRecords.of(batch))))))));
        ProduceResponse response = (ProduceResponse) raw.send(ApiKeys.PRODUCE, version, request);
        return response.responses().get(0).partitionResponses().get(0);
    }

    private static Errors txnOffsetCommit(RawKafkaClient raw, TxnProducer producer, TopicPartition tp, short version)
            throws Exception {
        TxnOffsetCommitRequest request = new TxnOffsetCommitRequest()
                .setTransactionalId(producer.transactionalId())
                .setGroupId("etl")
                .setProducerId(producer.producerId())
                .setProducerEpoch(producer.epoch())
                .setTopics(List.of(new TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic()
                        .setName(tp.topic())
                        .setPartitions(List.of(new TxnOffsetCommitRequest.TxnOffsetCommitRequestPartition()
                                .setPartitionIndex(tp.partition())
                                .setCommittedOffset(1)))));
        TxnOffsetCommitResponse response =
                (TxnOffsetCommitResponse) raw.send(ApiKeys.TXN_OFFSET_COMMIT, version, request);
        return Errors.forCode(response.topics().get(0).partitions().get(0).errorCode());
    }

    private static io.fjord.protocol.ApiMessage send(
            RawKafkaClient raw, ApiKeys key, short version, io.fjord.protocol.ApiMessage request) {
        try {
            return raw.send(key, version, request);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
