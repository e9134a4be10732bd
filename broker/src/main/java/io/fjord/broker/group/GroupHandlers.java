package io.fjord.broker.group;

import io.fjord.broker.handler.MetadataView;
import io.fjord.broker.network.RequestContext;
import io.fjord.broker.partition.Partition;
import io.fjord.broker.partition.ReplicaManager;
import io.fjord.broker.txn.TransactionVerifier;
import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.common.VerificationGuard;
import io.fjord.common.config.BrokerConfig;
import io.fjord.coordinator.GroupCoordinator;
import io.fjord.coordinator.txn.TransactionCoordinator;
import io.fjord.metadata.BrokerRegistration;
import io.fjord.metadata.ControllerApi;
import io.fjord.metadata.CreatableTopic;
import io.fjord.metadata.Endpoint;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.PartitionRegistration;
import io.fjord.metadata.TopicImage;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.ConsumerGroupDescribeRequest;
import io.fjord.protocol.message.ConsumerGroupHeartbeatRequest;
import io.fjord.protocol.message.DeleteGroupsRequest;
import io.fjord.protocol.message.DescribeGroupsRequest;
import io.fjord.protocol.message.FindCoordinatorRequest;
import io.fjord.protocol.message.FindCoordinatorResponse;
import io.fjord.protocol.message.HeartbeatRequest;
import io.fjord.protocol.message.JoinGroupRequest;
import io.fjord.protocol.message.LeaveGroupRequest;
import io.fjord.protocol.message.ListGroupsRequest;
import io.fjord.protocol.message.OffsetCommitRequest;
import io.fjord.protocol.message.OffsetDeleteRequest;
import io.fjord.protocol.message.OffsetFetchRequest;
import io.fjord.protocol.message.SyncGroupRequest;
import io.fjord.protocol.message.TxnOffsetCommitRequest;
import io.fjord.protocol.message.TxnOffsetCommitResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group APIs: FindCoordinator answers with the leader of the group's {@code __consumer_offsets}
 * partition, or of the transactional id's {@code __transaction_state} partition (creating the topic on first
 * use, as Kafka does); every other group API goes to the {@link GroupCoordinator}, which answers
 * NOT_COORDINATOR / COORDINATOR_LOAD_IN_PROGRESS itself.
 */
public final class GroupHandlers {

    private static final byte KEY_TYPE_GROUP = 0;
    private static final byte KEY_TYPE_TRANSACTION = 1;

    /** The transaction coordinator's topic. */
    public static final String TRANSACTION_STATE_TOPIC = "__transaction_state";

    private final MetadataView metadata;
    private final ControllerApi controller;
    private final GroupCoordinator coordinator;
    private final TransactionCoordinator transactions;
    private final ReplicaManager replicaManager;
    private final TransactionVerifier verifier;
    private final Executor commitExecutor;
    private static final Logger log = LoggerFactory.getLogger(GroupHandlers.class);

    private final AtomicBoolean creatingOffsetsTopic = new AtomicBoolean();
    /** The last "too few brokers" warning, so each shortfall is logged once, not at every FindCoordinator. */
    private volatile String lastShortfallLogged;

    private final AtomicBoolean creatingTransactionTopic = new AtomicBoolean();

    /**
     * @param verifier verifies a TxnOffsetCommit's transaction with its coordinator first (KIP-890 part 1); null
     *     turns that off
     * @param commitExecutor where a TxnOffsetCommit that waited for its verification goes on (an I/O thread)
     */
    public GroupHandlers(
            MetadataView metadata,
            ControllerApi controller,
            GroupCoordinator coordinator,
            TransactionCoordinator transactions,
            ReplicaManager replicaManager,
            TransactionVerifier verifier,
            Executor commitExecutor) {
        this.metadata = metadata;
        this.controller = controller;
        this.coordinator = coordinator;
        this.transactions = transactions;
        this.replicaManager = replicaManager;
        this.verifier = verifier;
        this.commitExecutor = commitExecutor;
    }

    public CompletableFuture<ApiMessage> findCoordinator(RequestContext context, ApiMessage message) {
        FindCoordinatorRequest request = (FindCoordinatorRequest) message;
        short version = context.apiVersion();
        FindCoordinatorResponse response = new FindCoordinatorResponse();
        MetadataImage image = metadata.image();
        boolean forTransaction = request.keyType() == KEY_TYPE_TRANSACTION;
        TopicImage topic = image.topics().topic(forTransaction ? TRANSACTION_STATE_TOPIC : OffsetsTopicLog.TOPIC);
        if (topic == null && request.keyType() == KEY_TYPE_GROUP) {
            maybeCreateOffsetsTopic();
        } else if (topic == null && forTransaction) {
            maybeCreateTransactionTopic();
        }
        if (version < 4) {
            FindCoordinatorResponse.Coordinator c =
                    locate(request.key(), request.keyType(), topic, image, context.listenerName());
            return CompletableFuture.completedFuture(response.setErrorCode(c.errorCode())
                    .setErrorMessage(c.errorMessage())
                    .setNodeId(c.nodeId())
                    .setHost(c.host())
                    .setPort(c.port()));
        }
        for (String key : request.coordinatorKeys()) {
            response.coordinators().add(locate(key, request.keyType(), topic, image, context.listenerName()));
        }
        return CompletableFuture.completedFuture(response);
    }

    private FindCoordinatorResponse.Coordinator locate(
            String key, byte keyType, TopicImage topic, MetadataImage image, String listenerName) {
        FindCoordinatorResponse.Coordinator out = new FindCoordinatorResponse.Coordinator()
                .setKey(key)
                .setNodeId(-1)
                .setHost("")
                .setPort(-1);
        if (keyType != KEY_TYPE_GROUP && keyType != KEY_TYPE_TRANSACTION) {
            return out.setErrorCode(Errors.INVALID_REQUEST.code())
                    .setErrorMessage("unknown coordinator key type " + keyType);
        }
        if (key == null || key.isEmpty()) {
            return out.setErrorCode(Errors.INVALID_REQUEST.code())
                    .setErrorMessage(
                            keyType == KEY_TYPE_GROUP ? "the group id is empty" : "the transactional id is empty");
        }
        if (topic == null) {
            return out.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
                    .setErrorMessage("the coordinator's topic is being created");
        }
        int index = keyType == KEY_TYPE_GROUP ? coordinator.partitionFor(key) : transactions.partitionFor(key);
        PartitionRegistration partition = topic.partitions().get(index);
        BrokerRegistration broker = partition == null ? null : image.cluster().broker(partition.leader());
        Endpoint endpoint = broker == null ? null : MetadataView.clientEndpoint(broker, listenerName);
        if (endpoint == null || broker.fenced()) {
            return out.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
                    .setErrorMessage("the coordinator's partition has no leader");
        }
        return out.setNodeId(broker.id()).setHost(endpoint.host()).setPort(endpoint.port());
    }

    /**
     * Creates {@code __transaction_state} (transaction.state.log.*) with its replication factor ({@link
     * #internalReplicationFactor}); min.insync.replicas is capped by that factor.
     */
    private void maybeCreateTransactionTopic() {
        BrokerConfig config = metadata.config();
        int replicationFactor = internalReplicationFactor(
                TRANSACTION_STATE_TOPIC,
                BrokerConfig.TRANSACTION_STATE_LOG_REPLICATION_FACTOR,
                config.transactionStateLogReplicationFactor());
        if (replicationFactor < 0 || !creatingTransactionTopic.compareAndSet(false, true)) {
            return;
        }
        CreatableTopic topic = new CreatableTopic(
                TRANSACTION_STATE_TOPIC,
                config.transactionStateLogNumPartitions(),
                replicationFactor,
                Map.of(),
                Map.of(
                        "cleanup.policy", "compact",
                        "compression.type", "uncompressed",
                        "unclean.leader.election.enable", "false",
                        "min.insync.replicas",
                                Integer.toString(Math.min(config.transactionStateLogMinIsr(), replicationFactor)),
                        "segment.bytes", Integer.toString(config.transactionStateLogSegmentBytes())));
        controller.createTopics(List.of(topic), false).whenComplete((r, e) -> creatingTransactionTopic.set(false));
    }

    private void maybeCreateOffsetsTopic() {
        BrokerConfig config = metadata.config();
        int replicationFactor = internalReplicationFactor(
                OffsetsTopicLog.TOPIC,
                BrokerConfig.OFFSETS_TOPIC_REPLICATION_FACTOR,
                config.offsetsTopicReplicationFactor());
        if (replicationFactor < 0 || !creatingOffsetsTopic.compareAndSet(false, true)) {
            return;
        }
        CreatableTopic topic = new CreatableTopic(
                OffsetsTopicLog.TOPIC,
                config.offsetsTopicNumPartitions(),
                replicationFactor,
                Map.of(),
                Map.of(
                        "cleanup.policy", "compact",
                        "compression.type", "producer",
                        "segment.bytes", Integer.toString(config.offsetsTopicSegmentBytes())));
        controller.createTopics(List.of(topic), false).whenComplete((r, e) -> creatingOffsetsTopic.set(false));
    }

    /**
     * The replication factor an internal topic is created with, or -1 to create nothing yet. As in Kafka it is
     * the configured factor, and while fewer brokers are up than it asks for the topic waits (FindCoordinator
     * answers COORDINATOR_NOT_AVAILABLE, which clients retry): created with fewer, a young cluster's group offsets
     * or transaction states would stay on one broker for good, lost with it. A broker on its own metadata log
     * (no {@code controller.quorum.voters}) is the whole cluster for ever, so there the factor is 1, what Kafka's
     * single-node setups configure by hand.
     */
    private int internalReplicationFactor(String topic, String key, short configured) {
        BrokerConfig config = metadata.config();
        if (config.controllerQuorumVoters().isEmpty()) {
            return 1;
        }
        int liveBrokers = metadata.image().cluster().unfencedBrokerIds().size();
        if (liveBrokers >= configured) {
            return configured;
        }
        String shortfall = topic + ":" + liveBrokers + "<" + configured;
        if (!shortfall.equals(lastShortfallLogged)) {
            lastShortfallLogged = shortfall;
            log.warn(
                    "Number of alive brokers '{}' does not meet the required replication factor '{}' for the {} topic"
                            + " (configured via '{}'). This error can be ignored if the cluster is starting up and"
                            + " not all brokers are up yet.",
                    liveBrokers,
                    configured,
                    topic,
                    key);
        }
        return -1;
    }

    public CompletableFuture<ApiMessage> joinGroup(RequestContext context, ApiMessage message) {
        return widen(coordinator.joinGroup(
                (JoinGroupRequest) message, context.apiVersion(), context.clientId(), host(context)));
    }

    public CompletableFuture<ApiMessage> syncGroup(RequestContext context, ApiMessage message) {
        return widen(coordinator.syncGroup((SyncGroupRequest) message, context.apiVersion()));
    }

    public CompletableFuture<ApiMessage> heartbeat(RequestContext context, ApiMessage message) {
        return widen(coordinator.heartbeat((HeartbeatRequest) message, context.apiVersion()));
    }

    public CompletableFuture<ApiMessage> leaveGroup(RequestContext context, ApiMessage message) {
        return widen(coordinator.leaveGroup((LeaveGroupRequest) message, context.apiVersion()));
    }

    public CompletableFuture<ApiMessage> offsetCommit(RequestContext context, ApiMessage message) {
        return widen(coordinator.offsetCommit((OffsetCommitRequest) message, context.apiVersion()));
    }

    public CompletableFuture<ApiMessage> offsetFetch(RequestContext context, ApiMessage message) {
        return widen(coordinator.offsetFetch((OffsetFetchRequest) message, context.apiVersion()));
    }

    /**
     * TxnOffsetCommit. With transaction verification on, the transactional write to the group's {@code
     * __consumer_offsets} partition that would start the producer's transaction there waits until the
     * transaction coordinator confirmed the partition is in the producer's transaction (AddOffsetsToTxn added
     * it), as Kafka's group coordinator does; otherwise every partition of the request gets the verification's
     * error (TRANSACTION_ABORTABLE is INVALID_TXN_STATE before v4). When this broker does not lead that partition
     * the coordinator answers NOT_COORDINATOR itself.
     */
    public CompletableFuture<ApiMessage> txnOffsetCommit(RequestContext context, ApiMessage message) {
        TxnOffsetCommitRequest request = (TxnOffsetCommitRequest) message;
        short version = context.apiVersion();
        if (verifier == null) {
            return widen(coordinator.txnOffsetCommit(request, version));
        }
        TopicPartition offsets = new TopicPartition(OffsetsTopicLog.TOPIC, coordinator.partitionFor(request.groupId()));
        Partition partition = replicaManager.partition(offsets);
        VerificationGuard guard = VerificationGuard.NONE;
        if (partition != null && partition.isLeader()) {
            try {
                // The coordinator writes base sequence 0, so 0 is the lowest sequence of its batches.
                guard = partition.maybeStartTransactionVerification(request.producerId(), 0, request.producerEpoch());
            } catch (ApiException e) {
                guard = VerificationGuard.NONE; // leadership just moved: the write fails and says so
            }
        }
        if (guard == VerificationGuard.NONE) {
            return widen(coordinator.txnOffsetCommit(request, version, guard));
        }
        VerificationGuard placed = guard;
        return verifier.verify(
                        request.transactionalId(), request.producerId(), request.producerEpoch(), List.of(offsets))
                .thenComposeAsync(
                        errors -> {
                            Errors error = errors.get(offsets);
                            if (error == null) {
                                return widen(coordinator.txnOffsetCommit(request, version, placed));
                            }
                            return CompletableFuture.completedFuture(
                                    txnOffsetCommitError(request, verificationError(error, version)));
                        },
                        commitExecutor);
    }

    /**
     * What a TxnOffsetCommit is told when its partition was not verified, as Kafka's maybeConvertOffsetCommitError
     * (KAFKA-16386) tells it: the Java producer retries only the coordinator errors here, and fails for good on
     * any other. A transaction coordinator out of reach or busy deciding becomes COORDINATOR_LOAD_IN_PROGRESS
     * (retried without a new lookup of the group coordinator, which is not the one at fault);
     * TRANSACTION_ABORTABLE is INVALID_TXN_STATE before v4.
     */
    static Errors verificationError(Errors error, short version) {
        return switch (error) {
            case NETWORK_EXCEPTION, CONCURRENT_TRANSACTIONS, COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR ->
                Errors.COORDINATOR_LOAD_IN_PROGRESS;
            case NOT_ENOUGH_REPLICAS -> Errors.COORDINATOR_NOT_AVAILABLE;
            case TRANSACTION_ABORTABLE -> version < 4 ? Errors.INVALID_TXN_STATE : error;
            default -> error;
        };
    }

    private static TxnOffsetCommitResponse txnOffsetCommitError(TxnOffsetCommitRequest request, Errors error) {
        TxnOffsetCommitResponse response = new TxnOffsetCommitResponse();
        for (TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic topic : request.topics()) {
            TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic out =
                    new TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic()
                            .setName(topic.name())
                            .setTopicId(topic.topicId());
            for (TxnOffsetCommitRequest.TxnOffsetCommitRequestPartition p : topic.partitions()) {
                out.partitions()
                        .add(new TxnOffsetCommitResponse.TxnOffsetCommitResponsePartition()
                                .setPartitionIndex(p.partitionIndex())
                                .setErrorCode(error.code()));
            }
            response.topics().add(out);
        }
        return response;
    }

    public CompletableFuture<ApiMessage> offsetDelete(RequestContext context, ApiMessage message) {
        return widen(coordinator.offsetDelete((OffsetDeleteRequest) message, context.apiVersion()));
    }

    public CompletableFuture<ApiMessage> listGroups(RequestContext context, ApiMessage message) {
        return widen(coordinator.listGroups((ListGroupsRequest) message, context.apiVersion()));
    }

    public CompletableFuture<ApiMessage> describeGroups(RequestContext context, ApiMessage message) {
        return widen(coordinator.describeGroups((DescribeGroupsRequest) message, context.apiVersion()));
    }

    public CompletableFuture<ApiMessage> deleteGroups(RequestContext context, ApiMessage message) {
        return widen(coordinator.deleteGroups((DeleteGroupsRequest) message, context.apiVersion()));
    }

    public CompletableFuture<ApiMessage> consumerGroupHeartbeat(RequestContext context, ApiMessage message) {
        return widen(coordinator.consumerGroupHeartbeat(
                (ConsumerGroupHeartbeatRequest) message, context.apiVersion(), context.clientId(), host(context)));
    }

    public CompletableFuture<ApiMessage> consumerGroupDescribe(RequestContext context, ApiMessage message) {
        return widen(coordinator.consumerGroupDescribe((ConsumerGroupDescribeRequest) message, context.apiVersion()));
    }

    private static String host(RequestContext context) {
        return context.clientAddress() == null
                ? ""
                : "/" + context.clientAddress().getAddress().getHostAddress();
    }

    private static CompletableFuture<ApiMessage> widen(CompletableFuture<? extends ApiMessage> future) {
        return future.thenApply(m -> m);
    }
}
