package io.fjord.coordinator;

import io.fjord.common.Errors;
import io.fjord.common.Time;
import io.fjord.common.VerificationGuard;
import io.fjord.coordinator.record.CorruptRecordException;
import io.fjord.protocol.message.ConsumerGroupDescribeRequest;
import io.fjord.protocol.message.ConsumerGroupDescribeResponse;
import io.fjord.protocol.message.ConsumerGroupHeartbeatRequest;
import io.fjord.protocol.message.ConsumerGroupHeartbeatResponse;
import io.fjord.protocol.message.DeleteGroupsRequest;
import io.fjord.protocol.message.DeleteGroupsResponse;
import io.fjord.protocol.message.DescribeGroupsRequest;
import io.fjord.protocol.message.DescribeGroupsResponse;
import io.fjord.protocol.message.HeartbeatRequest;
import io.fjord.protocol.message.HeartbeatResponse;
import io.fjord.protocol.message.JoinGroupRequest;
import io.fjord.protocol.message.JoinGroupResponse;
import io.fjord.protocol.message.LeaveGroupRequest;
import io.fjord.protocol.message.LeaveGroupResponse;
import io.fjord.protocol.message.ListGroupsRequest;
import io.fjord.protocol.message.ListGroupsResponse;
import io.fjord.protocol.message.OffsetCommitRequest;
import io.fjord.protocol.message.OffsetCommitResponse;
import io.fjord.protocol.message.OffsetDeleteRequest;
import io.fjord.protocol.message.OffsetDeleteResponse;
import io.fjord.protocol.message.OffsetFetchRequest;
import io.fjord.protocol.message.OffsetFetchResponse;
import io.fjord.protocol.message.SyncGroupRequest;
import io.fjord.protocol.message.SyncGroupResponse;
import io.fjord.protocol.message.TxnOffsetCommitRequest;
import io.fjord.protocol.message.TxnOffsetCommitResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The group coordinator's API: one method per Kafka group API, taking the decoded request and its version and
 * returning the response to send (never failing the future: errors are error codes in the response), plus the
 * lifecycle calls of the broker: {@link #scheduleLoad} when this broker becomes leader of a
 * {@code __consumer_offsets} partition, {@link #unloadPartition} when it stops being leader.
 *
 * <p>State is split into one shard per {@code __consumer_offsets} partition, each guarded by its own lock
 * (see {@link CoordinatorShard}); a request takes only its group's shard. All methods are thread-safe and
 * never block on I/O: writes go to the {@link CoordinatorLog} and responses complete when they commit.
 */
public final class GroupCoordinator implements LoadableCoordinator {

    private final GroupCoordinatorConfig config;
    private final CoordinatorLog log;
    private final CoordinatorScheduler scheduler;
    private final CoordinatorContext ctx;
    private final ShardRouter router;
    private final ClassicRebalancer rebalancer;
    private final ClassicJoinHandler joinHandler;
    private final ClassicMemberHandler memberHandler;
    private final OffsetHandler offsetHandler;
    private final OffsetApi offsetApi;
    private final GroupAdminHandler adminHandler = new GroupAdminHandler();
    private final ConsumerGroupHandler consumerHandler;
    private final ConsumerGroupDescriber consumerDescriber;
    private final GroupReplayer replayer;
    /** Orders {@link #scheduleLoad} against {@link #shutdown}. */
    private final Object lifecycleLock = new Object();
    /** Guarded by {@link #lifecycleLock}. */
    private boolean shutDown;

    /**
     * @param random seeds new member ids; pass a seeded {@link Random} in tests
     */
    public GroupCoordinator(
            GroupCoordinatorConfig config,
            CoordinatorLog log,
            TopicMetadataView metadata,
            CoordinatorScheduler scheduler,
            Time time,
            Random random) {
        this.config = config;
        this.log = log;
        this.scheduler = scheduler;
        this.ctx = new CoordinatorContext(config, time, random, metadata);
        this.router = new ShardRouter(config.offsetsTopicNumPartitions());
        this.rebalancer = new ClassicRebalancer(ctx);
        this.joinHandler = new ClassicJoinHandler(ctx, rebalancer);
        this.memberHandler = new ClassicMemberHandler(ctx, rebalancer);
        this.offsetHandler = new OffsetHandler(ctx);
        this.offsetApi = new OffsetApi(router, offsetHandler, metadata);
        this.consumerHandler = new ConsumerGroupHandler(ctx);
        this.consumerDescriber = new ConsumerGroupDescriber(ctx, consumerHandler);
        this.replayer = new GroupReplayer(ctx);
    }

    // ---- FindCoordinator helpers ----

    /** Kafka's formula: {@code Utils.abs(key.hashCode()) % numPartitions}, with abs(MIN_VALUE) = 0. */
    public static int partitionFor(String key, int numPartitions) {
        int hash = key.hashCode();
        int abs = hash == Integer.MIN_VALUE ? 0 : Math.abs(hash);
        return abs % numPartitions;
    }

    /** The {@code __consumer_offsets} partition of {@code groupId}. */
    public int partitionFor(String groupId) {
        return partitionFor(groupId, config.offsetsTopicNumPartitions());
    }

    /**
     * NONE if this coordinator serves {@code groupId} now, COORDINATOR_LOAD_IN_PROGRESS while its partition
     * loads, NOT_COORDINATOR if the partition is not loaded here.
     */
    public Errors coordinatorStatus(String groupId) {
        CoordinatorShard shard = router.shard(partitionFor(groupId));
        if (shard == null || shard.state() == CoordinatorShard.State.CLOSED) {
            return Errors.NOT_COORDINATOR;
        }
        return shard.state() == CoordinatorShard.State.LOADING ? Errors.COORDINATOR_LOAD_IN_PROGRESS : Errors.NONE;
    }

    // ---- lifecycle ----

    /**
     * Registers {@code partition} as LOADING at once (requests for its groups get COORDINATOR_LOAD_IN_PROGRESS)
     * and returns the load to run, typically on a loading thread. An unload, a newer load or {@link #shutdown}
     * that comes before or during the load cancels it. Call it in the order leadership changes (the metadata
     * thread); after {@link #shutdown} the returned load is already cancelled.
     */
    public PartitionLoad scheduleLoad(int partition) {
        CoordinatorShard shard = new CoordinatorShard(partition, log, scheduler);
        CoordinatorShard previous;
        synchronized (lifecycleLock) {
            if (shutDown) {
                close(shard);
                return new PartitionLoad(this, shard);
            }
            previous = router.put(shard);
        }
        if (previous != null) {
            close(previous);
        }
        return new PartitionLoad(this, shard);
    }

    /** {@link #scheduleLoad(int)}: groups have no coordinator epoch, so the leader epoch is not needed. */
    @Override
    public PartitionLoad scheduleLoad(int partition, int leaderEpoch) {
        return scheduleLoad(partition);
    }

    /**
     * Becomes coordinator of {@code partition}: {@link #scheduleLoad} and {@link PartitionLoad#run} on the
     * caller's thread (call it off the network threads). A corrupt record is skipped and reported on stderr.
     *
     * @return true if the partition is now served, false if it was unloaded meanwhile
     */
    public boolean loadPartition(int partition, Iterator<CoordinatorLogEntry> entries) {
        return scheduleLoad(partition).run(entries);
    }

    /**
     * Replays entries into a LOADING shard, one at a time under the shard's lock (so an unload waits for at
     * most one entry and the load stops at the next one), then activates it. The iterator is advanced outside
     * the lock: it may read the log.
     */
    boolean replayAndActivate(CoordinatorShard shard, Iterator<CoordinatorLogEntry> entries) {
        int skipped = 0;
        try {
            while (!shard.isClosed() && entries.hasNext()) {
                CoordinatorLogEntry entry = entries.next();
                shard.lock.lock();
                try {
                    if (shard.isClosed()) {
                        return false;
                    }
                    replayer.replay(shard, entry);
                } catch (CorruptRecordException e) {
                    skipped++;
                    System.err.println(
                            "__consumer_offsets-" + shard.partition + ": skipping corrupt record: " + e.getMessage());
                } finally {
                    shard.lock.unlock();
                }
            }
        } catch (RuntimeException e) {
            abandon(shard);
            throw e;
        }
        if (!activate(shard)) {
            return false;
        }
        if (skipped > 0) {
            System.err.println(
                    "__consumer_offsets-" + shard.partition + ": loaded, " + skipped + " corrupt records skipped");
        }
        return true;
    }

    private boolean activate(CoordinatorShard shard) {
        shard.lock.lock();
        try {
            if (shard.state() != CoordinatorShard.State.LOADING) {
                return false; // unloaded while loading
            }
            for (CoordinatorShard.TransactionEnd end : shard.drainEndedWhileLoading()) {
                shard.offsets.completeTransaction(end.producerId(), end.committed());
            }
            replayer.finish(shard);
            shard.state(CoordinatorShard.State.ACTIVE);
            for (Group group : shard.groups.values()) {
                if (group instanceof ClassicGroup classic) {
                    classic.members.values().forEach(m -> rebalancer.scheduleSession(shard, classic, m));
                } else {
                    consumerHandler.onLoaded(shard, (ConsumerGroup) group);
                }
            }
            scheduleExpiry(shard);
            return true;
        } finally {
            shard.lock.unlock();
        }
    }

    /** Closes {@code shard} and unregisters it unless a newer shard of its partition took its place. */
    void abandon(CoordinatorShard shard) {
        router.remove(shard.partition, shard);
        close(shard);
    }

    /** Stops coordinating {@code partition}: timers stop, waiting requests get NOT_COORDINATOR. Idempotent. */
    @Override
    public void unloadPartition(int partition) {
        CoordinatorShard shard = router.remove(partition);
        if (shard != null) {
            close(shard);
        }
    }

    /** Unloads every partition, cancels loads in progress; later loads are cancelled at once. */
    public void shutdown() {
        synchronized (lifecycleLock) {
            shutDown = true;
        }
        for (CoordinatorShard shard : new ArrayList<>(router.shards())) {
            unloadPartition(shard.partition);
        }
    }

    private void close(CoordinatorShard shard) {
        shard.lock.lock();
        try {
            shard.state(CoordinatorShard.State.CLOSED);
            shard.timers.cancelAll();
            for (Group group : shard.groups.values()) {
                if (group instanceof ClassicGroup classic) {
                    for (ClassicMember m : classic.members.values()) {
                        if (m.awaitingJoin != null) {
                            m.awaitingJoin.complete(
                                    ClassicRebalancer.joinError(m.memberId, Errors.NOT_COORDINATOR, m.joinVersion));
                            m.awaitingJoin = null;
                        }
                        if (m.awaitingSync != null) {
                            m.awaitingSync.complete(ClassicRebalancer.syncResponse(
                                    classic, Errors.NOT_COORDINATOR, ClassicMember.EMPTY, m.syncVersion));
                            m.awaitingSync = null;
                        }
                    }
                }
            }
        } finally {
            shard.lock.unlock();
        }
    }

    private void scheduleExpiry(CoordinatorShard shard) {
        shard.timers.schedule("expire-offsets", config.offsetsRetentionCheckIntervalMs(), () -> {
            offsetHandler.expireOffsets(shard);
            scheduleExpiry(shard);
        });
    }

    // ---- classic groups ----

    public CompletableFuture<JoinGroupResponse> joinGroup(
            JoinGroupRequest request, short version, String clientId, String clientHost) {
        return router.run(
                request.groupId(),
                (error, message) -> ClassicRebalancer.joinError(request.memberId(), error, version),
                shard -> joinHandler.join(
                        shard,
                        request,
                        version,
                        clientId == null ? "" : clientId,
                        clientHost == null ? "" : clientHost));
    }

    public CompletableFuture<SyncGroupResponse> syncGroup(SyncGroupRequest request, short version) {
        return router.run(
                request.groupId(),
                (error, message) ->
                        new SyncGroupResponse().setErrorCode(error.code()).setAssignment(ClassicMember.EMPTY),
                shard -> memberHandler.sync(shard, request, version));
    }

    public CompletableFuture<HeartbeatResponse> heartbeat(HeartbeatRequest request, short version) {
        return router.run(
                request.groupId(),
                (error, message) -> new HeartbeatResponse().setErrorCode(error.code()),
                shard -> memberHandler.heartbeat(shard, request, version));
    }

    public CompletableFuture<LeaveGroupResponse> leaveGroup(LeaveGroupRequest request, short version) {
        return router.run(
                request.groupId(),
                (error, message) -> new LeaveGroupResponse().setErrorCode(error.code()),
                shard -> shard.groups.get(request.groupId()) instanceof ConsumerGroup consumer
                        ? consumerHandler.leaveMembers(shard, consumer, leavingMembers(request, version), version)
                        : memberHandler.leave(shard, request, version));
    }

    private static List<LeaveGroupRequest.MemberIdentity> leavingMembers(LeaveGroupRequest request, short version) {
        return version >= 3
                ? request.members()
                : List.of(new LeaveGroupRequest.MemberIdentity().setMemberId(request.memberId()));
    }

    // ---- offsets ----

    public CompletableFuture<OffsetCommitResponse> offsetCommit(OffsetCommitRequest request, short version) {
        return offsetApi.commit(request, version);
    }

    public CompletableFuture<OffsetFetchResponse> offsetFetch(OffsetFetchRequest request, short version) {
        return offsetApi.fetch(request, version);
    }

    public CompletableFuture<OffsetDeleteResponse> offsetDelete(OffsetDeleteRequest request, short version) {
        return offsetApi.delete(request, version);
    }

    // ---- transactions (KIP-98, KIP-447) ----

    /**
     * TxnOffsetCommit: writes the offsets as a transactional batch of the request's producer; they stay
     * pending (invisible to OffsetFetch, UNSTABLE_OFFSET_COMMIT with require_stable) until
     * {@link #completeTransaction}.
     */
    public CompletableFuture<TxnOffsetCommitResponse> txnOffsetCommit(TxnOffsetCommitRequest request, short version) {
        return txnOffsetCommit(request, version, null);
    }

    /**
     * {@link #txnOffsetCommit(TxnOffsetCommitRequest, short)} once the broker verified with the transaction
     * coordinator that the group's partition is in the producer's transaction (KIP-890 part 1): the batch carries
     * {@code guard} ({@link VerificationGuard#NONE} when the transaction was already ongoing in the partition).
     */
    public CompletableFuture<TxnOffsetCommitResponse> txnOffsetCommit(
            TxnOffsetCommitRequest request, short version, VerificationGuard guard) {
        return offsetApi.txnCommit(request, version, guard);
    }

    /**
     * Ends {@code producerId}'s transaction on {@code __consumer_offsets} partition {@code offsetsPartition}:
     * on commit the producer's pending offsets there become the groups' committed offsets (each only where it
     * was written after the committed offset it meets, as Kafka compares record offsets), on abort they are
     * dropped. The broker calls it once the producer's end-transaction marker is in that partition's log,
     * before it acknowledges the marker. While the partition loads the end is kept and applied after the
     * replay (the load may have read the log before the marker); a partition not served here ignores it (its
     * next load replays the marker). Thread-safe.
     */
    public void completeTransaction(int offsetsPartition, long producerId, boolean committed) {
        CoordinatorShard shard = router.shard(offsetsPartition);
        if (shard == null) {
            return;
        }
        shard.lock.lock();
        try {
            switch (shard.state()) {
                case LOADING -> shard.deferTransactionEnd(new CoordinatorShard.TransactionEnd(producerId, committed));
                case ACTIVE -> offsetHandler.completeTransaction(shard, producerId, committed);
                case CLOSED -> {}
            }
        } finally {
            shard.lock.unlock();
        }
    }

    /**
     * Writes tombstones for every group's committed offsets of the deleted {@code topics}, in each partition served
     * here (Kafka's {@code onPartitionsDeleted}). A partition still loading keeps them: a load does not look at the
     * topics, so they stay until they expire, as in Kafka. Thread-safe.
     */
    @Override
    public void onTopicsDeleted(Set<String> topics) {
        if (topics.isEmpty()) {
            return;
        }
        for (CoordinatorShard shard : router.shards()) {
            shard.lock.lock();
            try {
                if (shard.state() == CoordinatorShard.State.ACTIVE) {
                    offsetHandler.deleteOffsetsOf(shard, topics);
                }
            } finally {
                shard.lock.unlock();
            }
        }
    }

    // ---- administration ----

    public CompletableFuture<ListGroupsResponse> listGroups(ListGroupsRequest request, short version) {
        Set<String> states = new HashSet<>();
        if (version >= 4) {
            request.statesFilter().forEach(s -> states.add(s.toLowerCase(Locale.ROOT)));
        }
        Set<String> types = new HashSet<>();
        if (version >= 5) {
            request.typesFilter().forEach(t -> types.add(t.toLowerCase(Locale.ROOT)));
        }
        ListGroupsResponse response = new ListGroupsResponse();
        for (CoordinatorShard shard : router.shards()) {
            shard.lock.lock();
            try {
                if (shard.state() == CoordinatorShard.State.LOADING) {
                    response.setErrorCode(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
                } else if (shard.isActive()) {
                    adminHandler.list(shard, states, types, response.groups());
                }
            } finally {
                shard.lock.unlock();
            }
        }
        response.groups().sort((a, b) -> a.groupId().compareTo(b.groupId()));
        return CompletableFuture.completedFuture(response);
    }

    public CompletableFuture<DescribeGroupsResponse> describeGroups(DescribeGroupsRequest request, short version) {
        DescribeGroupsResponse response = new DescribeGroupsResponse();
        for (String groupId : request.groups()) {
            DescribeGroupsResponse.DescribedGroup described = router.run(
                            groupId,
                            (error, message) -> new DescribeGroupsResponse.DescribedGroup()
                                    .setGroupId(groupId)
                                    .setErrorCode(error.code())
                                    .setGroupState("")
                                    .setProtocolType("")
                                    .setProtocolData(""),
                            shard -> CompletableFuture.completedFuture(adminHandler.describe(shard, groupId, version)))
                    .join();
            response.groups().add(described);
        }
        return CompletableFuture.completedFuture(response);
    }

    public CompletableFuture<DeleteGroupsResponse> deleteGroups(DeleteGroupsRequest request, short version) {
        List<CompletableFuture<DeleteGroupsResponse.DeletableGroupResult>> futures = new ArrayList<>();
        for (String groupId : request.groupsNames()) {
            futures.add(router.run(groupId, (error, message) -> error, shard -> adminHandler.delete(shard, groupId))
                    .thenApply(error -> new DeleteGroupsResponse.DeletableGroupResult()
                            .setGroupId(groupId)
                            .setErrorCode(error.code())));
        }
        return CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> {
                    DeleteGroupsResponse response = new DeleteGroupsResponse();
                    futures.forEach(f -> response.results().add(f.join()));
                    return response;
                });
    }

    // ---- consumer groups (KIP-848) ----

    public CompletableFuture<ConsumerGroupHeartbeatResponse> consumerGroupHeartbeat(
            ConsumerGroupHeartbeatRequest request, short version, String clientId, String clientHost) {
        return consumerGroupHeartbeat(request, version, clientId, clientHost, ConsumerMember.ALL_TOPICS);
    }

    /**
     * As {@link #consumerGroupHeartbeat(ConsumerGroupHeartbeatRequest, short, String, String)}, with the topics the
     * request's principal may describe: the member's regular expression subscribes only to those (the broker's
     * authorizer decides; the coordinator knows no ACLs).
     */
    public CompletableFuture<ConsumerGroupHeartbeatResponse> consumerGroupHeartbeat(
            ConsumerGroupHeartbeatRequest request,
            short version,
            String clientId,
            String clientHost,
            Predicate<String> describableTopics) {
        return router.run(
                request.groupId(),
                (error, message) -> consumerHeartbeatError(error, message),
                shard -> consumerHandler.heartbeat(
                        shard,
                        request,
                        version,
                        clientId == null ? "" : clientId,
                        clientHost == null ? "" : clientHost,
                        describableTopics));
    }

    private static ConsumerGroupHeartbeatResponse consumerHeartbeatError(Errors error, String message) {
        return ConsumerGroupHandler.errorResponse(
                error == Errors.INVALID_GROUP_ID ? Errors.INVALID_REQUEST : error, message);
    }

    public CompletableFuture<ConsumerGroupDescribeResponse> consumerGroupDescribe(
            ConsumerGroupDescribeRequest request, short version) {
        ConsumerGroupDescribeResponse response = new ConsumerGroupDescribeResponse();
        for (String groupId : request.groupIds()) {
            response.groups()
                    .add(router.run(
                                    groupId,
                                    (error, message) -> new ConsumerGroupDescribeResponse.DescribedGroup()
                                            .setGroupId(groupId)
                                            .setErrorCode(error.code())
                                            .setErrorMessage(message),
                                    shard -> CompletableFuture.completedFuture(
                                            consumerDescriber.describe(shard, groupId, version)))
                            .join());
        }
        return CompletableFuture.completedFuture(response);
    }
}
