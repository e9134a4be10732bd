package io.fjord.raft;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.common.Uuid;
import io.fjord.metadata.AclBinding;
import io.fjord.metadata.AclCreationResult;
import io.fjord.metadata.AclDeletionResult;
import io.fjord.metadata.AclFilter;
import io.fjord.metadata.AlterConfigsResource;
import io.fjord.metadata.AlterConfigsResult;
import io.fjord.metadata.AlterPartitionItem;
import io.fjord.metadata.AlterPartitionResult;
import io.fjord.metadata.ControllerApi;
import io.fjord.metadata.ControllerConfig;
import io.fjord.metadata.CreatableTopic;
import io.fjord.metadata.CreatePartitionsResult;
import io.fjord.metadata.CreatePartitionsTopic;
import io.fjord.metadata.CreateTopicResult;
import io.fjord.metadata.DeleteTopicResult;
import io.fjord.metadata.ElectLeadersResult;
import io.fjord.metadata.ElectionType;
import io.fjord.metadata.Endpoint;
import io.fjord.metadata.PartitionReassignment;
import io.fjord.metadata.QuorumDescription;
import io.fjord.metadata.ReassignmentResult;
import io.fjord.metadata.ScramCredentialDeletion;
import io.fjord.metadata.ScramCredentialResult;
import io.fjord.metadata.ScramCredentialUpsertion;
import io.fjord.raft.MetadataCommand.AllocateProducerIds;
import io.fjord.raft.MetadataCommand.AlterConfigs;
import io.fjord.raft.MetadataCommand.AlterPartition;
import io.fjord.raft.MetadataCommand.AlterPartitionReassignments;
import io.fjord.raft.MetadataCommand.AlterUserScramCredentials;
import io.fjord.raft.MetadataCommand.ControlledShutdown;
import io.fjord.raft.MetadataCommand.CreateAcls;
import io.fjord.raft.MetadataCommand.CreatePartitions;
import io.fjord.raft.MetadataCommand.CreateTopics;
import io.fjord.raft.MetadataCommand.DeleteAcls;
import io.fjord.raft.MetadataCommand.DeleteTopics;
import io.fjord.raft.MetadataCommand.ElectLeaders;
import io.fjord.raft.MetadataCommand.RegisterBroker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller as seen from any node of a Raft metadata quorum. Design: a controller request is itself
 * a Raft log entry (a {@link MetadataCommand}). This node's Raft client sends it to the leader, which
 * orders it; once committed, every node's state machine decides it against its image at that log
 * position with the same {@link io.fjord.metadata.ControllerLogic}, seeded by the random seed chosen
 * here (topic ids, placement), and so writes the same records; the leader's reply carries the
 * per-topic results back. Forwarding is therefore Ratis's own client retry to the leader: a broker that
 * is not the active controller serves CreateTopics, DeleteTopics, CreatePartitions,
 * IncrementalAlterConfigs and AlterConfigs, broker registration, producer id blocks and SCRAM credentials the same way as the leader does. A request is decided
 * against the committed state, exactly once (the Ratis retry cache drops a retried duplicate), so two
 * creates of one name cannot both succeed. {@code validateOnly} requests also pass through the log (and
 * write nothing). The single-node {@link io.fjord.metadata.Controller} applies the same rules.
 *
 * <p>Broker liveness: {@link #registerBroker} also starts this broker's heartbeats (every {@code
 * broker.heartbeat.interval.ms}), read-only Raft queries the leader answers without a log entry; the
 * leader fences a broker whose heartbeats stop for {@code broker.session.timeout.ms} and unfences it on
 * the next one ({@link BrokerSessions}).
 *
 * <p>Thread-safe; no method blocks. Futures fail with {@link ApiException} (NOT_CONTROLLER when the quorum
 * cannot be reached in time).
 */
public final class RaftController implements ControllerApi, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RaftController.class);

    private final RaftMetadataLog raftLog;
    private final ControllerConfig config;
    private final RandomGenerator random;
    private final Map<Integer, ScheduledFuture<?>> heartbeats = new ConcurrentHashMap<>();

    RaftController(RaftMetadataLog raftLog, ControllerConfig config, RandomGenerator random) {
        this.raftLog = raftLog;
        this.config = config;
        this.random = random;
    }

    private synchronized long nextSeed() {
        return random.nextLong();
    }

    @Override
    public CompletableFuture<List<CreateTopicResult>> createTopics(List<CreatableTopic> topics, boolean validateOnly) {
        return call(new CreateTopics(nextSeed(), config, validateOnly, topics), CommandCodec::decodeCreateTopicsReply);
    }

    @Override
    public CompletableFuture<List<DeleteTopicResult>> deleteTopics(List<String> names, List<Uuid> topicIds) {
        return call(new DeleteTopics(names, topicIds), CommandCodec::decodeDeleteTopicsReply);
    }

    @Override
    public CompletableFuture<List<CreatePartitionsResult>> createPartitions(
            List<CreatePartitionsTopic> topics, boolean validateOnly) {
        return call(
                new CreatePartitions(nextSeed(), config, validateOnly, topics),
                CommandCodec::decodeCreatePartitionsReply);
    }

    @Override
    public CompletableFuture<List<AlterConfigsResult>> incrementalAlterConfigs(
            List<AlterConfigsResource> resources, boolean validateOnly) {
        return call(new AlterConfigs(config, validateOnly, false, resources), CommandCodec::decodeAlterConfigsReply);
    }

    @Override
    public CompletableFuture<List<AlterConfigsResult>> alterConfigs(
            List<AlterConfigsResource> resources, boolean validateOnly) {
        return call(new AlterConfigs(config, validateOnly, true, resources), CommandCodec::decodeAlterConfigsReply);
    }

    /** Registers the broker unfenced, then heartbeats for it until {@link #stopHeartbeats} or close. */
    @Override
    public CompletableFuture<Long> registerBroker(
            int brokerId, Uuid incarnationId, List<Endpoint> endpoints, String rack) {
        if (brokerId < 0 || endpoints.isEmpty() || incarnationId == null) {
            return CompletableFuture.failedFuture(new ApiException(
                    Errors.INVALID_REQUEST,
                    "A broker registration needs an id >= 0, an incarnation id and endpoints; got id " + brokerId
                            + ", endpoints " + endpoints));
        }
        // The answer completes only once the heartbeats are scheduled: a caller that stops them right after
        // (a broker shutting down at once) must find them, or they would start after the stop and never end.
        return call(
                        new RegisterBroker(brokerId, incarnationId, endpoints, rack, config),
                        CommandCodec::decodeOffsetReply)
                .thenApply(offset -> {
                    startHeartbeats(brokerId, incarnationId);
                    return offset;
                });
    }

    @Override
    public CompletableFuture<List<AlterPartitionResult>> alterPartition(int brokerId, List<AlterPartitionItem> items) {
        return call(new AlterPartition(brokerId, items), CommandCodec::decodeAlterPartitionReply);
    }

    @Override
    public CompletableFuture<List<ElectLeadersResult>> electLeaders(
            ElectionType type, List<TopicPartition> partitions) {
        return call(new ElectLeaders(type, partitions), CommandCodec::decodeElectLeadersReply);
    }

    @Override
    public CompletableFuture<List<ReassignmentResult>> alterPartitionReassignments(
            List<PartitionReassignment> reassignments, boolean allowReplicationFactorChange) {
        return call(
                new AlterPartitionReassignments(config, allowReplicationFactorChange, reassignments),
                CommandCodec::decodeReassignmentsReply);
    }

    /** Decided in the log like every request; the broker's heartbeats carry on. */
    @Override
    public CompletableFuture<Boolean> controlledShutdown(int brokerId, Uuid incarnationId) {
        return call(new ControlledShutdown(brokerId, incarnationId, config), CommandCodec::decodeBooleanReply);
    }

    /** Decided in the log like every request: blocks follow the log order, so they never overlap. */
    @Override
    public CompletableFuture<Long> allocateProducerIds(int brokerId, long floor) {
        return call(new AllocateProducerIds(brokerId, floor), CommandCodec::decodeOffsetReply);
    }

    /** Decided in the log like every request; the entry holds the derived keys, never a SaltedPassword. */
    @Override
    public CompletableFuture<List<ScramCredentialResult>> alterUserScramCredentials(
            List<ScramCredentialDeletion> deletions, List<ScramCredentialUpsertion> upsertions) {
        return call(new AlterUserScramCredentials(deletions, upsertions), CommandCodec::decodeScramCredentialsReply);
    }

    /** Decided in the log like every request; the new ACLs' ids come from a seed drawn here. */
    @Override
    public CompletableFuture<List<AclCreationResult>> createAcls(List<AclBinding> acls) {
        return call(new CreateAcls(nextSeed(), acls), CommandCodec::decodeCreateAclsReply);
    }

    /** Decided in the log like every request, against the ACLs as of its entry. */
    @Override
    public CompletableFuture<List<AclDeletionResult>> deleteAcls(List<AclFilter> filters) {
        return call(new DeleteAcls(filters), CommandCodec::decodeDeleteAclsReply);
    }

    /**
     * The metadata quorum as its leader sees it (Kafka's DescribeQuorum), asked of the leader with a read-only
     * query. Fails with NOT_LEADER_OR_FOLLOWER or NOT_CONTROLLER when no leader answers in time.
     */
    public CompletableFuture<QuorumDescription> describeQuorum() {
        return unwrapped(raftLog.query(CommandCodec.encodeDescribeQuorum()), CommandCodec::decodeDescribeQuorumReply);
    }

    /**
     * One heartbeat for the broker to the active controller; completes with whether the broker is fenced
     * (a fenced broker's heartbeat also asks the controller to unfence it). Fails with
     * BROKER_ID_NOT_REGISTERED or STALE_BROKER_EPOCH when the broker must register again.
     */
    public CompletableFuture<Boolean> heartbeat(int brokerId, Uuid incarnationId) {
        return unwrapped(
                raftLog.query(CommandCodec.encodeHeartbeat(brokerId, incarnationId)),
                CommandCodec::decodeHeartbeatReply);
    }

    /** Heartbeats for the broker every {@code broker.heartbeat.interval.ms}, replacing an earlier schedule. */
    public void startHeartbeats(int brokerId, Uuid incarnationId) {
        long intervalMs = raftLog.config().brokerHeartbeatIntervalMs();
        ScheduledFuture<?> task = raftLog.scheduler()
                .scheduleWithFixedDelay(
                        () -> heartbeat(brokerId, incarnationId).whenComplete((fenced, error) -> {
                            if (error != null) {
                                log.debug("Heartbeat of broker {} failed: {}", brokerId, error.toString());
                            }
                        }),
                        0,
                        intervalMs,
                        TimeUnit.MILLISECONDS);
        ScheduledFuture<?> previous = heartbeats.put(brokerId, task);
        if (previous != null) {
            previous.cancel(false);
        }
    }

    /** Stops the broker's heartbeats (a broker shutting down); the controller fences it after the timeout. */
    public void stopHeartbeats(int brokerId) {
        ScheduledFuture<?> task = heartbeats.remove(brokerId);
        if (task != null) {
            task.cancel(false);
        }
    }

    private <T> CompletableFuture<T> call(MetadataCommand command, Function<byte[], T> decoder) {
        return unwrapped(raftLog.submit(command), decoder);
    }

    /** Decodes the reply; fails with the bare {@link ApiException}, not a CompletionException around it. */
    private static <T> CompletableFuture<T> unwrapped(CompletableFuture<byte[]> reply, Function<byte[], T> decoder) {
        CompletableFuture<T> result = new CompletableFuture<>();
        reply.whenComplete((bytes, error) -> {
            if (error != null) {
                result.completeExceptionally(
                        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
                return;
            }
            try {
                result.complete(decoder.apply(bytes));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    @Override
    public void close() {
        heartbeats.keySet().forEach(this::stopHeartbeats);
    }
}
