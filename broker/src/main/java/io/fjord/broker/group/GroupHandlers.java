package io.fjord.broker.group;

import io.fjord.broker.handler.MetadataView;
import io.fjord.broker.network.RequestContext;
import io.fjord.broker.partition.Partition;
import io.fjord.broker.partition.ReplicaManager;
import io.fjord.broker.security.Authorizer;
import io.fjord.broker.txn.TransactionVerifier;
import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.common.VerificationGuard;
import io.fjord.common.config.BrokerConfig;
import io.fjord.coordinator.GroupCoordinator;
import io.fjord.coordinator.txn.TransactionCoordinator;
import io.fjord.metadata.AclOperation;
import io.fjord.metadata.AclResourceType;
import io.fjord.metadata.BrokerRegistration;
import io.fjord.metadata.ControllerApi;
import io.fjord.metadata.CreatableTopic;
import io.fjord.metadata.Endpoint;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.PartitionRegistration;
import io.fjord.metadata.TopicImage;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.ConsumerGroupDescribeRequest;
import io.fjord.protocol.message.ConsumerGroupDescribeResponse;
import io.fjord.protocol.message.ConsumerGroupHeartbeatRequest;
import io.fjord.protocol.message.ConsumerGroupHeartbeatResponse;
import io.fjord.protocol.message.DeleteGroupsRequest;
import io.fjord.protocol.message.DeleteGroupsResponse;
import io.fjord.protocol.message.DescribeGroupsRequest;
import io.fjord.protocol.message.DescribeGroupsResponse;
import io.fjord.protocol.message.FindCoordinatorRequest;
import io.fjord.protocol.message.FindCoordinatorResponse;
import io.fjord.protocol.message.HeartbeatRequest;
import io.fjord.protocol.message.HeartbeatResponse;
import io.fjord.protocol.message.JoinGroupRequest;
import io.fjord.protocol.message.JoinGroupResponse;
import io.fjord.protocol.message.LeaveGroupRequest;
import io.fjord.protocol.message.LeaveGroupResponse;
import io.fjord.protocol.message.ListGroupsRequest;
import io.fjord.protocol.message.ListGroupsResponse;
import io.fjord.protocol.message.OffsetCommitRequest;
import io.fjord.protocol.message.OffsetDeleteRequest;
import io.fjord.protocol.message.OffsetFetchRequest;
import io.fjord.protocol.message.SyncGroupRequest;
import io.fjord.protocol.message.SyncGroupResponse;
import io.fjord.protocol.message.TxnOffsetCommitRequest;
import io.fjord.protocol.message.TxnOffsetCommitResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group APIs: FindCoordinator answers with the leader of the group's {@code __consumer_offsets}
 * partition, or of the transactional id's {@code __transaction_state} partition (creating the topic on first
 * use, as Kafka does); every other group API goes to the {@link GroupCoordinator}, which answers
 * NOT_COORDINATOR / COORDINATOR_LOAD_IN_PROGRESS itself.
 *
 * <p>Each API first makes Kafka 4's ACL checks, before any existence check: FindCoordinator DESCRIBE on the group or
 * transactional id of each key; JoinGroup, SyncGroup, Heartbeat, LeaveGroup and ConsumerGroupHeartbeat READ on the
 * group (top-level GROUP_AUTHORIZATION_FAILED), ConsumerGroupHeartbeat also DESCRIBE on each topic subscribed by name
 * (all or nothing) and, through the coordinator, on each topic its regular expression matches (silently dropped);
 * DescribeGroups and ConsumerGroupDescribe DESCRIBE on each group; DeleteGroups DELETE on each group; ListGroups
 * DESCRIBE on the cluster or else on each group (silently filtered); the offset APIs those of {@link
 * OffsetAuthorization}. Without an authorizer nothing is checked and the requests go on unchanged.
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
    private final OffsetAuthorization offsetAcls;
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
        this.offsetAcls = new OffsetAuthorization(metadata);
    }

    public CompletableFuture<ApiMessage> findCoordinator(RequestContext context, ApiMessage message) {
        FindCoordinatorRequest request = (FindCoordinatorRequest) message;
        short version = context.apiVersion();
        FindCoordinatorResponse response = new FindCoordinatorResponse();
        List<String> keys = version < 4 ? Collections.singletonList(request.key()) : request.coordinatorKeys();
        // As in Kafka, a key the principal may not describe is answered before anything else is looked at, and only
        // an authorized key may create the coordinator's topic.
        Errors[] denied = new Errors[keys.size()];
        boolean anyAllowed = !metadata.authorizer().enabled();
        for (int i = 0; i < denied.length; i++) {
            denied[i] = coordinatorKeyDenied(context, request.keyType(), keys.get(i));
            anyAllowed |= denied[i] == Errors.NONE;
        }
        if (version < 4 && !anyAllowed) {
            return CompletableFuture.completedFuture(response.setErrorCode(denied[0].code())
                    .setErrorMessage(denied[0].message())
                    .setNodeId(-1)
                    .setHost("")
                    .setPort(-1));
        }
        MetadataImage image = metadata.image();
        boolean forTransaction = request.keyType() == KEY_TYPE_TRANSACTION;
        TopicImage topic = image.topics().topic(forTransaction ? TRANSACTION_STATE_TOPIC : OffsetsTopicLog.TOPIC);
        if (topic == null && anyAllowed && request.keyType() == KEY_TYPE_GROUP) {
            maybeCreateOffsetsTopic();
        } else if (topic == null && anyAllowed && forTransaction) {
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
        for (int i = 0; i < denied.length; i++) {
            String key = keys.get(i);
            response.coordinators()
                    .add(
                            denied[i] == Errors.NONE
                                    ? locate(key, request.keyType(), topic, image, context.listenerName())
                                    : new FindCoordinatorResponse.Coordinator()
                                            .setKey(key)
                                            .setErrorCode(denied[i].code())
                                            .setErrorMessage(null)
                                            .setNodeId(-1)
                                            .setHost("")
                                            .setPort(-1));
        }
        return CompletableFuture.completedFuture(response);
    }

    /**
     * The error for a coordinator key the principal may not describe (DESCRIBE on the GROUP or the
     * TRANSACTIONAL_ID), else NONE. Other key types are left to {@link #locate}, which refuses them.
     */
    private Errors coordinatorKeyDenied(RequestContext context, byte keyType, String key) {
        Authorizer authorizer = metadata.authorizer();
        if (keyType == KEY_TYPE_GROUP
                && !authorizer.authorize(context, AclOperation.DESCRIBE, AclResourceType.GROUP, key)) {
            return Errors.GROUP_AUTHORIZATION_FAILED;
        }
        if (keyType == KEY_TYPE_TRANSACTION
                && !authorizer.authorize(context, AclOperation.DESCRIBE, AclResourceType.TRANSACTIONAL_ID, key)) {
            return Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
        }
        return Errors.NONE;
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
        JoinGroupRequest request = (JoinGroupRequest) message;
        short version = context.apiVersion();
        if (!mayRead(context, request.groupId())) {
            return CompletableFuture.completedFuture(new JoinGroupResponse()
                    .setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code())
                    .setGenerationId(-1)
                    .setMemberId("")
                    .setProtocolName(version >= 7 ? null : "")
                    .setLeader(""));
        }
        return widen(coordinator.joinGroup(request, version, context.clientId(), host(context)));
    }

    public CompletableFuture<ApiMessage> syncGroup(RequestContext context, ApiMessage message) {
        SyncGroupRequest request = (SyncGroupRequest) message;
        short version = context.apiVersion();
        if (!mayRead(context, request.groupId())) {
            // Kafka tells a v5+ request without its protocol type and name so before it looks at the ACLs.
            boolean incomplete = version >= 5 && (request.protocolType() == null || request.protocolName() == null);
            Errors error = incomplete ? Errors.INCONSISTENT_GROUP_PROTOCOL : Errors.GROUP_AUTHORIZATION_FAILED;
            return CompletableFuture.completedFuture(
                    new SyncGroupResponse().setErrorCode(error.code()).setAssignment(new byte[0]));
        }
        return widen(coordinator.syncGroup(request, version));
    }

    public CompletableFuture<ApiMessage> heartbeat(RequestContext context, ApiMessage message) {
        HeartbeatRequest request = (HeartbeatRequest) message;
        if (!mayRead(context, request.groupId())) {
            return CompletableFuture.completedFuture(
                    new HeartbeatResponse().setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code()));
        }
        return widen(coordinator.heartbeat(request, context.apiVersion()));
    }

    public CompletableFuture<ApiMessage> leaveGroup(RequestContext context, ApiMessage message) {
        LeaveGroupRequest request = (LeaveGroupRequest) message;
        if (!mayRead(context, request.groupId())) {
            return CompletableFuture.completedFuture(
                    new LeaveGroupResponse().setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code()));
        }
        return widen(coordinator.leaveGroup(request, context.apiVersion()));
    }

    /** READ on the group: what every member API of a group needs. */
    private boolean mayRead(RequestContext context, String groupId) {
        return metadata.authorizer().authorize(context, AclOperation.READ, AclResourceType.GROUP, groupId);
    }

    public CompletableFuture<ApiMessage> offsetCommit(RequestContext context, ApiMessage message) {
        short version = context.apiVersion();
        if (metadata.authorizer().enabled()) {
            return widen(offsetAcls.commit(
                    context, (OffsetCommitRequest) message, request -> coordinator.offsetCommit(request, version)));
        }
        return widen(coordinator.offsetCommit((OffsetCommitRequest) message, version));
    }

    public CompletableFuture<ApiMessage> offsetFetch(RequestContext context, ApiMessage message) {
        short version = context.apiVersion();
        if (metadata.authorizer().enabled()) {
            return widen(offsetAcls.fetch(
                    context, (OffsetFetchRequest) message, request -> coordinator.offsetFetch(request, version)));
        }
        return widen(coordinator.offsetFetch((OffsetFetchRequest) message, version));
    }

    /**
     * TxnOffsetCommit. With transaction verification on, the transactional write to the group's {@code
     * __consumer_offsets} partition that would start the producer's transaction there waits until the
     * transaction coordinator confirmed the partition is in the producer's transaction (AddOffsetsToTxn added
     * it), as Kafka's group coordinator does; otherwise every partition of the request gets the verification's
     * error (TRANSACTION_ABORTABLE is INVALID_TXN_STATE before v4). When this broker does not lead that partition
     * the coordinator answers NOT_COORDINATOR itself. With an authorizer the checks of {@link OffsetAuthorization}
     * come first, and only the topics they allow are verified and written.
     */
    public CompletableFuture<ApiMessage> txnOffsetCommit(RequestContext context, ApiMessage message) {
        TxnOffsetCommitRequest request = (TxnOffsetCommitRequest) message;
        if (metadata.authorizer().enabled()) {
            return widen(offsetAcls.txnCommit(context, request, allowed -> commitTransactional(context, allowed)
                    .thenApply(m -> (TxnOffsetCommitResponse) m)));
        }
        return commitTransactional(context, request);
    }

    private CompletableFuture<ApiMessage> commitTransactional(RequestContext context, TxnOffsetCommitRequest request) {
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
        short version = context.apiVersion();
        if (metadata.authorizer().enabled()) {
            return widen(offsetAcls.delete(
                    context, (OffsetDeleteRequest) message, request -> coordinator.offsetDelete(request, version)));
        }
        return widen(coordinator.offsetDelete((OffsetDeleteRequest) message, version));
    }

    /**
     * ListGroups: every group for a principal with DESCRIBE on the cluster, else only the groups it may describe;
     * the others are left out silently, and their denials are not logged, as in Kafka.
     */
    public CompletableFuture<ApiMessage> listGroups(RequestContext context, ApiMessage message) {
        CompletableFuture<ListGroupsResponse> listed =
                coordinator.listGroups((ListGroupsRequest) message, context.apiVersion());
        Authorizer authorizer = metadata.authorizer();
        if (!authorizer.enabled() || authorizer.authorizeCluster(context, AclOperation.DESCRIBE, false)) {
            return widen(listed);
        }
        return listed.thenApply(response -> {
            response.groups()
                    .removeIf(g -> !authorizer.authorize(
                            context, AclOperation.DESCRIBE, AclResourceType.GROUP, g.groupId(), false));
            return response;
        });
    }

    /**
     * DescribeGroups: DESCRIBE on each group, GROUP_AUTHORIZATION_FAILED for the others, which come first in the
     * response as in Kafka; v3+ asked for them, the described groups carry the principal's operations on them.
     */
    public CompletableFuture<ApiMessage> describeGroups(RequestContext context, ApiMessage message) {
        DescribeGroupsRequest request = (DescribeGroupsRequest) message;
        short version = context.apiVersion();
        Authorizer authorizer = metadata.authorizer();
        boolean withOperations = version >= 3 && request.includeAuthorizedOperations();
        if (!authorizer.enabled() && !withOperations) {
            return widen(coordinator.describeGroups(request, version));
        }
        DescribeGroupsResponse response = new DescribeGroupsResponse();
        DescribeGroupsRequest allowed =
                new DescribeGroupsRequest().setIncludeAuthorizedOperations(request.includeAuthorizedOperations());
        for (String groupId : request.groups()) {
            if (authorizer.authorize(context, AclOperation.DESCRIBE, AclResourceType.GROUP, groupId)) {
                allowed.groups().add(groupId);
            } else {
                response.groups()
                        .add(new DescribeGroupsResponse.DescribedGroup()
                                .setGroupId(groupId)
                                .setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code())
                                .setGroupState("")
                                .setProtocolType("")
                                .setProtocolData(""));
            }
        }
        return coordinator.describeGroups(allowed, version).thenApply(described -> {
            for (DescribeGroupsResponse.DescribedGroup group : described.groups()) {
                if (withOperations && group.errorCode() == Errors.NONE.code()) {
                    group.setAuthorizedOperations(
                            authorizer.authorizedOperations(context, AclResourceType.GROUP, group.groupId()));
                }
                response.groups().add(group);
            }
            return response;
        });
    }

    /**
     * DeleteGroups: DELETE on each (distinct) group; the others get GROUP_AUTHORIZATION_FAILED after the
     * coordinator's results, as in Kafka.
     */
    public CompletableFuture<ApiMessage> deleteGroups(RequestContext context, ApiMessage message) {
        DeleteGroupsRequest request = (DeleteGroupsRequest) message;
        short version = context.apiVersion();
        Authorizer authorizer = metadata.authorizer();
        if (!authorizer.enabled()) {
            return widen(coordinator.deleteGroups(request, version));
        }
        DeleteGroupsRequest allowed = new DeleteGroupsRequest();
        List<String> denied = new ArrayList<>();
        for (String groupId : new LinkedHashSet<>(request.groupsNames())) {
            if (authorizer.authorize(context, AclOperation.DELETE, AclResourceType.GROUP, groupId)) {
                allowed.groupsNames().add(groupId);
            } else {
                denied.add(groupId);
            }
        }
        return coordinator.deleteGroups(allowed, version).thenApply(response -> {
            for (String groupId : denied) {
                response.results()
                        .add(new DeleteGroupsResponse.DeletableGroupResult()
                                .setGroupId(groupId)
                                .setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code()));
            }
            return response;
        });
    }

    /**
     * ConsumerGroupHeartbeat: READ on the group (else GROUP_AUTHORIZATION_FAILED), then DESCRIBE on every topic the
     * member subscribes to by name: one denied topic fails the whole heartbeat with TOPIC_AUTHORIZATION_FAILED,
     * never telling which, as in Kafka. A regular expression's matches are filtered by the coordinator with the
     * predicate given here: topics the principal may not describe are silently not subscribed.
     */
    public CompletableFuture<ApiMessage> consumerGroupHeartbeat(RequestContext context, ApiMessage message) {
        ConsumerGroupHeartbeatRequest request = (ConsumerGroupHeartbeatRequest) message;
        Authorizer authorizer = metadata.authorizer();
        if (!authorizer.enabled()) {
            return widen(coordinator.consumerGroupHeartbeat(
                    request, context.apiVersion(), context.clientId(), host(context)));
        }
        if (!mayRead(context, request.groupId())) {
            return CompletableFuture.completedFuture(
                    new ConsumerGroupHeartbeatResponse().setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code()));
        }
        if (request.subscribedTopicNames() != null) {
            for (String topic : new HashSet<>(request.subscribedTopicNames())) {
                if (!authorizer.authorize(context, AclOperation.DESCRIBE, AclResourceType.TOPIC, topic)) {
                    return CompletableFuture.completedFuture(new ConsumerGroupHeartbeatResponse()
                            .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()));
                }
            }
        }
        return widen(coordinator.consumerGroupHeartbeat(
                request, context.apiVersion(), context.clientId(), host(context), describableTopics(context)));
    }

    /** Whether the principal may describe a topic, asked without logging a denial (Kafka's regex resolution). */
    private Predicate<String> describableTopics(RequestContext context) {
        Authorizer authorizer = metadata.authorizer();
        return topic -> authorizer.authorize(context, AclOperation.DESCRIBE, AclResourceType.TOPIC, topic, false);
    }

    /**
     * ConsumerGroupDescribe: DESCRIBE on each group (GROUP_AUTHORIZATION_FAILED first in the response), the
     * operations bit field when asked for, and, with an authorizer, a group whose members are assigned a topic the
     * principal may not describe is replaced by TOPIC_AUTHORIZATION_FAILED, as in Kafka.
     */
    public CompletableFuture<ApiMessage> consumerGroupDescribe(RequestContext context, ApiMessage message) {
        ConsumerGroupDescribeRequest request = (ConsumerGroupDescribeRequest) message;
        short version = context.apiVersion();
        Authorizer authorizer = metadata.authorizer();
        if (!authorizer.enabled() && !request.includeAuthorizedOperations()) {
            return widen(coordinator.consumerGroupDescribe(request, version));
        }
        ConsumerGroupDescribeResponse response = new ConsumerGroupDescribeResponse();
        ConsumerGroupDescribeRequest allowed = new ConsumerGroupDescribeRequest()
                .setIncludeAuthorizedOperations(request.includeAuthorizedOperations());
        for (String groupId : request.groupIds()) {
            if (authorizer.authorize(context, AclOperation.DESCRIBE, AclResourceType.GROUP, groupId)) {
                allowed.groupIds().add(groupId);
            } else {
                response.groups()
                        .add(new ConsumerGroupDescribeResponse.DescribedGroup()
                                .setGroupId(groupId)
                                .setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code()));
            }
        }
        return coordinator.consumerGroupDescribe(allowed, version).thenApply(described -> {
            for (ConsumerGroupDescribeResponse.DescribedGroup group : described.groups()) {
                if (request.includeAuthorizedOperations() && group.errorCode() == Errors.NONE.code()) {
                    group.setAuthorizedOperations(
                            authorizer.authorizedOperations(context, AclResourceType.GROUP, group.groupId()));
                }
                response.groups().add(group);
            }
            if (authorizer.enabled()) {
                hideGroupsWithUndescribableTopics(context, response);
            }
            return response;
        });
    }

    private static final String UNDESCRIBABLE_TOPICS =
            "The group has described topic(s) that the client is not authorized to describe.";

    /** Replaces each group one of whose members is (to be) assigned a topic the principal may not describe. */
    private void hideGroupsWithUndescribableTopics(RequestContext context, ConsumerGroupDescribeResponse response) {
        Authorizer authorizer = metadata.authorizer();
        Map<String, Boolean> describable = new HashMap<>();
        List<ConsumerGroupDescribeResponse.DescribedGroup> groups = response.groups();
        for (int i = 0; i < groups.size(); i++) {
            ConsumerGroupDescribeResponse.DescribedGroup group = groups.get(i);
            boolean hidden = false;
            for (ConsumerGroupDescribeResponse.Member member : group.members()) {
                for (ConsumerGroupDescribeResponse.Assignment assignment :
                        List.of(member.assignment(), member.targetAssignment())) {
                    for (ConsumerGroupDescribeResponse.TopicPartitions tp : assignment.topicPartitions()) {
                        hidden |= !describable.computeIfAbsent(
                                tp.topicName(),
                                t -> authorizer.authorize(context, AclOperation.DESCRIBE, AclResourceType.TOPIC, t));
                    }
                }
            }
            if (hidden) {
                groups.set(
                        i,
                        new ConsumerGroupDescribeResponse.DescribedGroup()
                                .setGroupId(group.groupId())
                                .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                                .setErrorMessage(UNDESCRIBABLE_TOPICS));
            }
        }
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
