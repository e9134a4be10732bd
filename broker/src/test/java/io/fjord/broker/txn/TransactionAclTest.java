package io.fjord.broker.txn;

import static io.fjord.broker.security.AclTestContext.ADMIN;
import static io.fjord.broker.security.AclTestContext.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fjord.broker.handler.InitProducerIdHandler;
import io.fjord.broker.handler.WriteTxnMarkersHandler;
import io.fjord.broker.producer.ProducerIdManager;
import io.fjord.broker.security.AclTestContext;
import io.fjord.common.Errors;
import io.fjord.common.Time;
import io.fjord.coordinator.CoordinatorLogEntry;
import io.fjord.coordinator.txn.TransactionCoordinator;
import io.fjord.metadata.AclBinding;
import io.fjord.metadata.AclOperation;
import io.fjord.metadata.AclResourceType;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.AddOffsetsToTxnRequest;
import io.fjord.protocol.message.AddOffsetsToTxnResponse;
import io.fjord.protocol.message.AddPartitionsToTxnRequest;
import io.fjord.protocol.message.AddPartitionsToTxnResponse;
import io.fjord.protocol.message.DescribeTransactionsRequest;
import io.fjord.protocol.message.DescribeTransactionsResponse;
import io.fjord.protocol.message.EndTxnRequest;
import io.fjord.protocol.message.EndTxnResponse;
import io.fjord.protocol.message.InitProducerIdRequest;
import io.fjord.protocol.message.InitProducerIdResponse;
import io.fjord.protocol.message.ListTransactionsRequest;
import io.fjord.protocol.message.ListTransactionsResponse;
import io.fjord.protocol.message.WriteTxnMarkersRequest;
import io.fjord.protocol.message.WriteTxnMarkersResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transaction APIs' ACL checks: {@code User:alice} may write transactional id {@code tx}, read group {@code g}
 * and write and describe topic {@code orders}, not {@code secret}; {@code User:admin} is a super user; {@code
 * User:mallory} has no ACL.
 */
class TransactionAclTest {

    private static final String ALICE = "User:alice";
    private static final String MALLORY = "User:mallory";

    @TempDir
    Path dir;

    private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
    private AclTestContext acls;

    @AfterEach
    void tearDown() {
        executor.shutdownNow();
    }

    private TransactionHandlers handlers(boolean withAuthorizer) {
        acls = new AclTestContext(withAuthorizer);
        acls.topic("orders", 1);
        acls.topic("secret", 1);
        acls.allow(ALICE, AclOperation.WRITE, AclResourceType.TRANSACTIONAL_ID, "tx");
        acls.allow(ALICE, AclOperation.READ, AclResourceType.GROUP, "g");
        acls.allow(ALICE, AclOperation.WRITE, AclResourceType.TOPIC, "orders");
        acls.allow(ALICE, AclOperation.DESCRIBE, AclResourceType.TOPIC, "orders");
        TransactionCoordinator coordinator = new TransactionCoordinator(
                new TransactionCoordinator.Config(1, 900_000, 604_800_000L, 10),
                AclTestContext.discardingLog(),
                new AtomicInteger(1000)::getAndIncrement,
                (producerId, epoch, coordinatorEpoch, commit, partitions) -> new CompletableFuture<>(),
                "__consumer_offsets",
                group -> 0,
                Time.SYSTEM,
                executor);
        assertThat(coordinator
                        .scheduleLoad(0, 0)
                        .run(List.<CoordinatorLogEntry>of().iterator()))
                .isTrue();
        return new TransactionHandlers(coordinator, acls.metadata);
    }

    private static <T> T answer(CompletableFuture<ApiMessage> future) throws Exception {
        @SuppressWarnings("unchecked")
        T response = (T) future.get(5, TimeUnit.SECONDS);
        return response;
    }

    private InitProducerIdResponse initProducerId(TransactionHandlers transactions, String principal, String txnId)
            throws Exception {
        ProducerIdManager ids = new ProducerIdManager(floor -> new CompletableFuture<>(), dir, Time.SYSTEM, 100);
        InitProducerIdHandler handler = new InitProducerIdHandler(ids, transactions, acls.metadata.authorizer());
        return answer(handler.handle(
                request(ApiKeys.INIT_PRODUCER_ID, 4, principal),
                new InitProducerIdRequest().setTransactionalId(txnId).setTransactionTimeoutMs(60_000)));
    }

    @Test
    void initProducerIdNeedsWriteOnTheTransactionalId() throws Exception {
        TransactionHandlers transactions = handlers(true);
        InitProducerIdResponse mallory = initProducerId(transactions, MALLORY, "tx");
        InitProducerIdResponse alice = initProducerId(transactions, ALICE, "tx");
        InitProducerIdResponse admin = initProducerId(transactions, ADMIN, "other");

        assertThat(mallory.errorCode()).isEqualTo(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code());
        assertThat(mallory.producerId()).isEqualTo(-1L);
        assertThat(alice.errorCode()).isZero();
        assertThat(alice.producerId()).isEqualTo(1000L);
        assertThat(admin.errorCode()).isZero();
    }

    @Test
    void idempotentInitProducerIdNeedsIdempotentWriteOrWriteOnSomeTopic() throws Exception {
        TransactionHandlers transactions = handlers(true);
        acls.allow("User:bob", AclOperation.IDEMPOTENT_WRITE, AclResourceType.CLUSTER, AclBinding.CLUSTER_NAME);

        assertThat(initProducerId(transactions, MALLORY, null).errorCode())
                .isEqualTo(Errors.CLUSTER_AUTHORIZATION_FAILED.code());
        // Allowed, they hear that this broker has no producer id block yet (never asked for in this test).
        assertThat(initProducerId(transactions, ALICE, null).errorCode())
                .isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
        assertThat(initProducerId(transactions, "User:bob", null).errorCode())
                .isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
        assertThat(initProducerId(transactions, ADMIN, null).errorCode())
                .isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
    }

    @Test
    void withoutAnAuthorizerNobodyIsAsked() throws Exception {
        TransactionHandlers transactions = handlers(false);
        assertThat(initProducerId(transactions, MALLORY, "tx").errorCode()).isZero();
        AddPartitionsToTxnResponse added = answer(transactions.addPartitionsToTxn(
                request(ApiKeys.ADD_PARTITIONS_TO_TXN, 3, MALLORY), addPartitions("__consumer_offsets", "orders")));
        assertThat(added.resultsByTopicV3AndBelow())
                .extracting(t -> t.name(), t -> t.resultsByPartition().get(0).partitionErrorCode())
                .containsExactlyInAnyOrder(
                        tuple("__consumer_offsets", Errors.UNKNOWN_TOPIC_OR_PARTITION.code()),
                        tuple("orders", Errors.OPERATION_NOT_ATTEMPTED.code()));
    }

    private static AddPartitionsToTxnRequest addPartitions(String... topics) {
        AddPartitionsToTxnRequest request = new AddPartitionsToTxnRequest()
                .setV3AndBelowTransactionalId("tx")
                .setV3AndBelowProducerId(1000)
                .setV3AndBelowProducerEpoch((short) 0);
        for (String topic : topics) {
            request.v3AndBelowTopics()
                    .add(new AddPartitionsToTxnRequest.AddPartitionsToTxnTopic()
                            .setName(topic)
                            .setPartitions(new ArrayList<>(List.of(0))));
        }
        return request;
    }

    @Test
    void clientAddPartitionsToTxnNeedsWriteOnTheTransactionalIdAndEachTopic() throws Exception {
        TransactionHandlers transactions = handlers(true);
        AddPartitionsToTxnResponse mallory = answer(transactions.addPartitionsToTxn(
                request(ApiKeys.ADD_PARTITIONS_TO_TXN, 3, MALLORY), addPartitions("orders")));
        AddPartitionsToTxnResponse alice = answer(transactions.addPartitionsToTxn(
                request(ApiKeys.ADD_PARTITIONS_TO_TXN, 3, ALICE),
                addPartitions("secret", "__transaction_state", "missing", "orders")));

        assertThat(mallory.resultsByTopicV3AndBelow()
                        .get(0)
                        .resultsByPartition()
                        .get(0)
                        .partitionErrorCode())
                .isEqualTo(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code());
        assertThat(alice.resultsByTopicV3AndBelow())
                .extracting(t -> t.name(), t -> t.resultsByPartition().get(0).partitionErrorCode())
                .containsExactlyInAnyOrder(
                        tuple("secret", Errors.TOPIC_AUTHORIZATION_FAILED.code()),
                        tuple("__transaction_state", Errors.TOPIC_AUTHORIZATION_FAILED.code()),
                        tuple("missing", Errors.TOPIC_AUTHORIZATION_FAILED.code()),
                        tuple("orders", Errors.OPERATION_NOT_ATTEMPTED.code()));
    }

    @Test
    void brokerAddPartitionsToTxnNeedsClusterAction() throws Exception {
        TransactionHandlers transactions = handlers(true);
        AddPartitionsToTxnResponse alice = answer(transactions.addPartitionsToTxn(
                request(ApiKeys.ADD_PARTITIONS_TO_TXN, 4, ALICE), new AddPartitionsToTxnRequest()));
        AddPartitionsToTxnResponse admin = answer(transactions.addPartitionsToTxn(
                request(ApiKeys.ADD_PARTITIONS_TO_TXN, 4, ADMIN), new AddPartitionsToTxnRequest()));

        assertThat(alice.errorCode()).isEqualTo(Errors.CLUSTER_AUTHORIZATION_FAILED.code());
        assertThat(admin.errorCode()).isZero();
    }

    @Test
    void addOffsetsToTxnNeedsWriteOnTheTransactionalIdThenReadOnTheGroup() throws Exception {
        TransactionHandlers transactions = handlers(true);
        acls.allow(MALLORY, AclOperation.WRITE, AclResourceType.TRANSACTIONAL_ID, "tx");
        AddOffsetsToTxnRequest request = new AddOffsetsToTxnRequest()
                .setTransactionalId("tx")
                .setProducerId(1000)
                .setProducerEpoch((short) 0)
                .setGroupId("g");
        AddOffsetsToTxnResponse mallory =
                answer(transactions.addOffsetsToTxn(request(ApiKeys.ADD_OFFSETS_TO_TXN, 3, MALLORY), request));
        AddOffsetsToTxnResponse bob =
                answer(transactions.addOffsetsToTxn(request(ApiKeys.ADD_OFFSETS_TO_TXN, 3, "User:bob"), request));
        AddOffsetsToTxnResponse alice =
                answer(transactions.addOffsetsToTxn(request(ApiKeys.ADD_OFFSETS_TO_TXN, 3, ALICE), request));

        assertThat(mallory.errorCode()).isEqualTo(Errors.GROUP_AUTHORIZATION_FAILED.code());
        assertThat(bob.errorCode()).isEqualTo(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code());
        assertThat(alice.errorCode())
                .isNotIn(Errors.GROUP_AUTHORIZATION_FAILED.code(), Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code());
    }

    @Test
    void endTxnNeedsWriteOnTheTransactionalId() throws Exception {
        TransactionHandlers transactions = handlers(true);
        EndTxnRequest request = new EndTxnRequest()
                .setTransactionalId("tx")
                .setProducerId(1000)
                .setProducerEpoch((short) 0)
                .setCommitted(true);
        EndTxnResponse mallory = answer(transactions.endTxn(request(ApiKeys.END_TXN, 3, MALLORY), request));
        EndTxnResponse alice = answer(transactions.endTxn(request(ApiKeys.END_TXN, 3, ALICE), request));

        assertThat(mallory.errorCode()).isEqualTo(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code());
        assertThat(alice.errorCode()).isNotEqualTo(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code());
    }

    @Test
    void listAndDescribeTransactionsShowOnlyWhatThePrincipalMayDescribe() throws Exception {
        TransactionHandlers transactions = handlers(true);
        initProducerId(transactions, ADMIN, "tx");
        initProducerId(transactions, ADMIN, "other");
        DescribeTransactionsRequest describe =
                new DescribeTransactionsRequest().setTransactionalIds(List.of("other", "tx"));

        ListTransactionsResponse listed = answer(transactions.listTransactions(
                request(ApiKeys.LIST_TRANSACTIONS, 1, ALICE), new ListTransactionsRequest()));
        ListTransactionsResponse all = answer(transactions.listTransactions(
                request(ApiKeys.LIST_TRANSACTIONS, 1, ADMIN), new ListTransactionsRequest()));
        DescribeTransactionsResponse described =
                answer(transactions.describeTransactions(request(ApiKeys.DESCRIBE_TRANSACTIONS, 0, ALICE), describe));

        // WRITE on a transactional id implies DESCRIBE, as in Kafka.
        assertThat(listed.transactionStates())
                .extracting(t -> t.transactionalId())
                .containsExactly("tx");
        assertThat(all.transactionStates())
                .extracting(t -> t.transactionalId())
                .containsExactlyInAnyOrder("tx", "other");
        assertThat(described.transactionStates())
                .extracting(t -> t.transactionalId(), t -> t.errorCode())
                .containsExactly(
                        tuple("other", Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code()), tuple("tx", (short) 0));
    }

    @Test
    void writeTxnMarkersRefusesAPrincipalWithoutClusterActionOrAlter() throws Exception {
        handlers(true);
        WriteTxnMarkersHandler handler = new WriteTxnMarkersHandler(null, acls.metadata.authorizer());
        WriteTxnMarkersRequest request = new WriteTxnMarkersRequest();
        WriteTxnMarkersRequest.WritableTxnMarker marker =
                new WriteTxnMarkersRequest.WritableTxnMarker().setProducerId(1000);
        marker.topics()
                .add(new WriteTxnMarkersRequest.WritableTxnMarkerTopic()
                        .setName("orders")
                        .setPartitionIndexes(new ArrayList<>(List.of(0, 1))));
        request.markers().add(marker);
        WriteTxnMarkersResponse denied = answer(handler.handle(request(ApiKeys.WRITE_TXN_MARKERS, 1, ALICE), request));

        assertThat(denied.markers().get(0).topics().get(0).partitions())
                .extracting(p -> p.errorCode())
                .containsOnly(Errors.CLUSTER_AUTHORIZATION_FAILED.code());
        // The principals allowed write markers: TxnMarkersTest.withAclsOnlyAPrincipalWithClusterActionWritesMarkers.
    }
}
