package io.fjord.broker.handler;

import io.fjord.broker.network.RequestContext;
import io.fjord.broker.network.RequestHandler;
import io.fjord.broker.partition.Partition;
import io.fjord.broker.partition.ReplicaManager;
import io.fjord.broker.security.Authorizer;
import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.Time;
import io.fjord.common.TopicPartition;
import io.fjord.common.Uuid;
import io.fjord.metadata.AclOperation;
import io.fjord.metadata.AclResourceType;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.MemoryRecords;
import io.fjord.protocol.Records;
import io.fjord.protocol.message.FetchRequest;
import io.fjord.protocol.message.FetchResponse;
import io.fjord.storage.AbortedTxn;
import io.fjord.storage.EpochEndOffset;
import io.fjord.storage.FetchDataInfo;
import io.fjord.storage.UnifiedLog;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Fetch for consumers and for follower replicas: reads each partition from its log, a read_uncommitted
 * consumer's up to the high watermark, a read_committed consumer's up to the last stable offset (KIP-98:
 * whole batches below it, with the aborted transactions overlapping them so the consumer drops their
 * records), a follower's (replica id >= 0; in ReplicaState from v15) up to the log end offset,
 * within the partition and response byte limits, and answers with slices of the segment files (sent with
 * sendfile). A fetch that names its last fetched epoch (v12+) whose history diverged from this leader's
 * gets the diverging epoch and no records. A follower's fetch records its position with the partition,
 * which moves the high watermark and grows the ISR. When fewer than {@code min.bytes} are ready it waits
 * in the fetch purgatory, which appends wake up, until {@code max.wait.ms}. A follower that is not in
 * the ISR gets no records of a partition on the leader throttle list while the leader replication quota
 * is exceeded; the bytes sent of throttled partitions count against that quota. Incremental fetch sessions
 * (KIP-227, {@link FetchSessionCache}): a session's requests name only changed partitions and its
 * responses carry only partitions with news; a long poll over a session waits on all its partitions.
 *
 * <p>Runs on an I/O thread; the delayed completion runs on the thread of the append that satisfied it,
 * or on the purgatory timer.
 */
public final class FetchHandler implements RequestHandler {

    private static final byte READ_COMMITTED = 1;
    private static final short FIRST_REPLICA_STATE_VERSION = 15;
    private static final short FIRST_CLIENT_METADATA_VERSION = 11;
    private static final short FIRST_CURRENT_LEADER_VERSION = 16;
    private static final int INITIAL_EPOCH = 0;
    private static final int FINAL_EPOCH = -1;

    /** Kafka's default fetch.max.bytes, 55 MiB. */
    public static final int DEFAULT_FETCH_MAX_BYTES = 57_671_680;

    private final int fetchMaxBytes;
    private final ReplicaManager replicaManager;
    private final TopicResolver topics;
    private final boolean rackAwareSelector;
    private final FetchSessionCache sessions;
    private final Time time;
    private final Authorizer authorizer;

    /**
     * @param rackAwareSelector whether {@code replica.selector.class} is Kafka's RackAwareReplicaSelector:
     *     the leader then sends a consumer that names its rack to an in-sync follower of that rack
     * @param sessions the broker's incremental fetch sessions
     */
    public FetchHandler(
            ReplicaManager replicaManager,
            TopicResolver topics,
            boolean rackAwareSelector,
            FetchSessionCache sessions,
            Time time) {
        this(replicaManager, topics, rackAwareSelector, sessions, time, Authorizer.allowAll(), DEFAULT_FETCH_MAX_BYTES);
    }

    /**
     * With ACLs, as Kafka checks them: a follower needs CLUSTER_ACTION on the cluster, a consumer READ on each topic;
     * a partition the fetcher may not read gets TOPIC_AUTHORIZATION_FAILED (after an unknown topic id's
     * UNKNOWN_TOPIC_ID, before an unknown partition's UNKNOWN_TOPIC_OR_PARTITION). {@code fetchMaxBytes} is the
     * broker's fetch.max.bytes: a response carries at most that many bytes (the first batch whole, if larger),
     * whatever the request asks, and a request's min_bytes above it waits for no more than it, as Kafka's
     * handleFetchRequest caps both.
     */
    public FetchHandler(
            ReplicaManager replicaManager,
            TopicResolver topics,
            boolean rackAwareSelector,
            FetchSessionCache sessions,
            Time time,
            Authorizer authorizer,
            int fetchMaxBytes) {
        this.fetchMaxBytes = fetchMaxBytes;
        this.replicaManager = replicaManager;
        this.topics = topics;
        this.rackAwareSelector = rackAwareSelector;
        this.sessions = sessions;
        this.time = time;
        this.authorizer = authorizer;
    }

    /** One partition of the request, resolved. {@code topic} is null when the id is unknown. */
    record PartitionFetch(
            String topic,
            Uuid topicId,
            int partition,
            long fetchOffset,
            int maxBytes,
            int currentLeaderEpoch,
            int lastFetchedEpoch,
            long logStartOffset) {
        PartitionFetch withTopic(String name) {
            return new PartitionFetch(
                    name,
                    topicId,
                    partition,
                    fetchOffset,
                    maxBytes,
                    currentLeaderEpoch,
                    lastFetchedEpoch,
                    logStartOffset);
        }
    }

    /**
     * Who fetches: a consumer (replica id < 0) or the follower with that broker id; a consumer's rack and
     * whether it may read from a follower replica (v11+, KIP-392).
     */
    record Fetcher(int replicaId, boolean readCommitted, String rackId, boolean mayReadFromFollower) {
        boolean isFollower() {
            return replicaId >= 0;
        }
    }

    /**
     * What the fetch reads and how it is answered: the partitions to read; the session (null when
     * sessionless); whether the response carries every partition; or a request-level error.
     */
    private record Context(List<PartitionFetch> fetches, FetchSession session, boolean full, Errors error) {
        static Context failed(Errors error) {
            return new Context(List.of(), null, true, error);
        }
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        FetchRequest request = (FetchRequest) message;
        short version = context.apiVersion();
        int replicaId =
                version >= FIRST_REPLICA_STATE_VERSION ? request.replicaState().replicaId() : request.replicaId();
        boolean consumer = replicaId < 0;
        Fetcher fetcher = new Fetcher(
                replicaId,
                request.isolationLevel() == READ_COMMITTED,
                request.rackId(),
                consumer && version >= FIRST_CLIENT_METADATA_VERSION);
        Context fetch = context(request, version, !consumer);
        if (fetch.error() != null) {
            return CompletableFuture.completedFuture(
                    new FetchResponse().setErrorCode(fetch.error().code()).setSessionId(0));
        }
        List<PartitionFetch> fetches = fetch.fetches();
        int maxBytes = Math.min(version >= 3 ? request.maxBytes() : Integer.MAX_VALUE, fetchMaxBytes);
        int minBytes = Math.min(request.minBytes(), maxBytes);
        Denied denied = denied(context, fetcher, fetches);
        Read read = readAll(fetches, maxBytes, fetcher, denied);
        if (request.maxWaitMs() <= 0 || read.bytes >= minBytes || read.anyError) {
            return CompletableFuture.completedFuture(sent(read, fetch, version, context.listenerName()));
        }
        // Kafka's "interesting" partitions: those not refused before the read (unknown topic id, not authorized,
        // unknown partition). Only they are waited on; the refused ones are answered with them, when the wait ends.
        List<PartitionFetch> waitOn = new ArrayList<>(fetches.size());
        for (int i = 0; i < fetches.size(); i++) {
            if (!refusedBeforeRead(read.data.get(i).errorCode())) {
                waitOn.add(fetches.get(i));
            }
        }
        if (waitOn.isEmpty()) {
            return CompletableFuture.completedFuture(sent(read, fetch, version, context.listenerName()));
        }
        CompletableFuture<ApiMessage> future = new CompletableFuture<>();
        DelayedFetch delayed = new DelayedFetch(request.maxWaitMs(), minBytes, waitOn, fetcher, replicaManager, () -> {
            if (!future.isDone()) {
                try {
                    future.complete(
                            sent(readAll(fetches, maxBytes, fetcher, denied), fetch, version, context.listenerName()));
                } catch (RuntimeException e) {
                    // Never leave the future open: the connection's ordered responses wait on it.
                    future.completeExceptionally(e);
                }
            }
        });
        List<TopicPartition> keys = new ArrayList<>(waitOn.size());
        for (PartitionFetch f : waitOn) {
            keys.add(new TopicPartition(f.topic(), f.partition()));
        }
        replicaManager.fetchPurgatory().tryCompleteElseWatch(delayed, keys);
        delayed.completeWhenCancelled(future);
        return future;
    }

    /**
     * What the fetcher may not read: every partition, for a follower without CLUSTER_ACTION (Kafka answers each one
     * TOPIC_AUTHORIZATION_FAILED, unknown topic ids too), else the topics of a consumer without READ.
     */
    private record Denied(boolean all, Set<String> topics) {
        static final Denied NONE = new Denied(false, Set.of());

        boolean contains(String topic) {
            return all || (!topics.isEmpty() && topic != null && topics.contains(topic));
        }
    }

    private Denied denied(RequestContext context, Fetcher fetcher, List<PartitionFetch> fetches) {
        if (!authorizer.enabled()) {
            return Denied.NONE;
        }
        if (fetcher.isFollower()) {
            boolean allowed = authorizer.authorizeCluster(context, AclOperation.CLUSTER_ACTION);
            return allowed ? Denied.NONE : new Denied(true, Set.of());
        }
        Set<String> checked = new HashSet<>();
        Set<String> denied = new HashSet<>();
        for (PartitionFetch f : fetches) {
            String topic = f.topic();
            if (topic != null
                    && checked.add(topic)
                    && !authorizer.authorize(context, AclOperation.READ, AclResourceType.TOPIC, topic)) {
                denied.add(topic);
            }
        }
        return denied.isEmpty() ? Denied.NONE : new Denied(false, denied);
    }

    /** The partitions the request names, with their topic names resolved from ids from v13. */
    private List<PartitionFetch> requested(FetchRequest request, short version) {
        List<PartitionFetch> fetches = new ArrayList<>();
        for (FetchRequest.FetchTopic topic : request.topics()) {
            String name = version >= 13 ? topics.nameOf(topic.topicId()) : topic.topic();
            for (FetchRequest.FetchPartition p : topic.partitions()) {
                fetches.add(new PartitionFetch(
                        name,
                        topic.topicId(),
                        p.partition(),
                        p.fetchOffset(),
                        p.partitionMaxBytes(),
                        p.currentLeaderEpoch(),
                        p.lastFetchedEpoch(),
                        p.logStartOffset()));
            }
        }
        return fetches;
    }

    /**
     * KIP-227: a full fetch with epoch 0 opens a session (any session it names is closed first); epoch -1
     * closes the named session and fetches sessionless; any other epoch continues the named session, which
     * must exist, expect this epoch and use topic ids iff the request does (v13+), and is closed (the fetch
     * answered sessionless) once the request leaves it no partition.
     */
    private Context context(FetchRequest request, short version, boolean replica) {
        List<PartitionFetch> requested = requested(request, version);
        int sessionId = request.sessionId();
        int epoch = request.sessionEpoch();
        boolean usesTopicIds = version >= 13;
        if (epoch == INITIAL_EPOCH || epoch == FINAL_EPOCH) {
            if (sessionId != 0) {
                sessions.remove(sessionId);
            }
            FetchSession session = epoch == INITIAL_EPOCH ? sessions.create(replica, usesTopicIds, requested) : null;
            return new Context(requested, session, true, null);
        }
        FetchSession session = sessions.get(sessionId);
        if (session == null) {
            return Context.failed(Errors.FETCH_SESSION_ID_NOT_FOUND);
        }
        if (session.usesTopicIds() != usesTopicIds) {
            sessions.remove(sessionId);
            return Context.failed(Errors.FETCH_SESSION_TOPIC_ID_ERROR);
        }
        List<FetchSession.Key> forgotten = new ArrayList<>();
        for (FetchRequest.ForgottenTopic topic : request.forgottenTopicsData()) {
            for (int partition : topic.partitions()) {
                forgotten.add(
                        usesTopicIds
                                ? new FetchSession.Key(topic.topicId(), null, partition)
                                : new FetchSession.Key(Uuid.ZERO, topic.topic(), partition));
            }
        }
        List<PartitionFetch> all = session.update(epoch, requested, forgotten, time.milliseconds());
        if (all == null) {
            return Context.failed(Errors.INVALID_FETCH_SESSION_EPOCH);
        }
        if (all.isEmpty()) {
            // Kafka's newContext: a session left with no partition is closed and the fetch answered sessionless.
            sessions.remove(sessionId);
            return new Context(requested, null, true, null);
        }
        if (usesTopicIds) {
            // Ids learnt since the partition joined the session resolve now, and deleted topics fail.
            all.replaceAll(f -> f.withTopic(topics.nameOf(f.topicId())));
        }
        return new Context(all, session, false, null);
    }

    /**
     * A read of every partition: each partition's answer (in fetch order), its record bytes, whether any
     * partition failed, and the bytes of partitions on the leader throttle list (counted against the leader
     * quota once sent).
     */
    private record Read(List<FetchResponse.PartitionData> data, int bytes, boolean anyError, long throttledBytes) {}

    /**
     * The response to send: every partition, or those of the session that changed; records the throttled
     * bytes with the leader quota (Kafka: at send time).
     */
    private FetchResponse sent(Read read, Context fetch, short version, String listenerName) {
        if (read.throttledBytes > 0) {
            replicaManager.throttles().leader().record(read.throttledBytes);
        }
        List<PartitionFetch> fetches = fetch.fetches();
        boolean[] included = fetch.session() == null ? null : fetch.session().select(fetches, read.data, fetch.full());
        FetchResponse response = new FetchResponse()
                .setSessionId(fetch.session() == null ? 0 : fetch.session().id());
        FetchResponse.FetchableTopicResponse current = null;
        Map<Integer, FetchResponse.NodeEndpoint> endpoints = null; // made at the first partition that names one
        for (int i = 0; i < fetches.size(); i++) {
            if (included != null && !included[i]) {
                continue;
            }
            PartitionFetch f = fetches.get(i);
            if (current == null
                    || (version >= 13
                            ? !current.topicId().equals(f.topicId())
                            : !current.topic().equals(f.topic()))) {
                current = new FetchResponse.FetchableTopicResponse().setTopicId(f.topicId());
                if (version < 13) {
                    current.setTopic(f.topic());
                }
                response.responses().add(current);
            }
            FetchResponse.PartitionData data = read.data.get(i);
            current.partitions().add(data);
            if (version >= FIRST_CURRENT_LEADER_VERSION && f.topic() != null && namesCurrentLeader(data)) {
                if (endpoints == null) {
                    endpoints = new LinkedHashMap<>();
                }
                nameCurrentLeader(new TopicPartition(f.topic(), f.partition()), data, listenerName, endpoints);
            }
        }
        if (endpoints != null && !endpoints.isEmpty()) {
            response.setNodeEndpoints(new ArrayList<>(endpoints.values()));
        }
        return response;
    }

    /**
     * KIP-951 (v16+), as Kafka's handleFetchRequest: a partition answered NOT_LEADER_OR_FOLLOWER or
     * FENCED_LEADER_EPOCH names its current leader and epoch, and the response the leader's endpoint on the client's
     * listener, so the fetcher moves to it without waiting for a metadata refresh.
     */
    private static boolean namesCurrentLeader(FetchResponse.PartitionData data) {
        return data.errorCode() == Errors.NOT_LEADER_OR_FOLLOWER.code()
                || data.errorCode() == Errors.FENCED_LEADER_EPOCH.code();
    }

    private void nameCurrentLeader(
            TopicPartition tp,
            FetchResponse.PartitionData data,
            String listenerName,
            Map<Integer, FetchResponse.NodeEndpoint> endpoints) {
        ReplicaManager.CurrentLeader leader = replicaManager.currentLeader(tp, listenerName);
        data.setCurrentLeader(new FetchResponse.LeaderIdAndEpoch()
                .setLeaderId(leader.leaderId())
                .setLeaderEpoch(leader.leaderEpoch()));
        if (leader.endpoint() != null) {
            endpoints.put(
                    leader.leaderId(),
                    new FetchResponse.NodeEndpoint()
                            .setNodeId(leader.leaderId())
                            .setHost(leader.endpoint().host())
                            .setPort(leader.endpoint().port())
                            .setRack(leader.rack()));
        }
    }

    private Read readAll(List<PartitionFetch> fetches, int maxBytes, Fetcher fetcher, Denied denied) {
        List<FetchResponse.PartitionData> answers = new ArrayList<>(fetches.size());
        int remaining = maxBytes;
        int total = 0;
        long throttledBytes = 0;
        boolean anyError = false;
        for (PartitionFetch fetch : fetches) {
            FetchResponse.PartitionData data = new FetchResponse.PartitionData().setPartitionIndex(fetch.partition());
            answers.add(data);
            try {
                if (denied.contains(fetch.topic())) {
                    throw new ApiException(Errors.TOPIC_AUTHORIZATION_FAILED, null);
                }
                int size = readPartition(
                        fetch, Math.min(fetch.maxBytes(), Math.max(remaining, 0)), total == 0, fetcher, data);
                if (size < 0) {
                    anyError = true; // diverged, or redirected: answer now
                    size = 0;
                }
                remaining -= size;
                total += size;
                if (fetcher.isFollower()
                        && size > 0
                        && replicaManager
                                .throttles()
                                .leader()
                                .isThrottled(new TopicPartition(fetch.topic(), fetch.partition()))) {
                    throttledBytes += size;
                }
            } catch (ApiException e) {
                anyError |= !refusedBeforeRead(e.error().code());
                data.setErrorCode(e.error().code())
                        .setHighWatermark(-1L)
                        .setLastStableOffset(-1L)
                        .setLogStartOffset(-1L)
                        .setRecords(MemoryRecords.EMPTY);
            }
        }
        return new Read(answers, total, anyError, throttledBytes);
    }

    /**
     * Reads one partition into {@code data}; returns the record bytes, or -1 when the fetch must be answered
     * at once without records (the fetcher diverged, or should read from another replica).
     */
    private int readPartition(
            PartitionFetch fetch,
            int maxBytes,
            boolean minOneMessage,
            Fetcher fetcher,
            FetchResponse.PartitionData data) {
        if (fetch.topic() == null) {
            throw new ApiException(Errors.UNKNOWN_TOPIC_ID, "no topic has id " + fetch.topicId());
        }
        TopicPartition tp = new TopicPartition(fetch.topic(), fetch.partition());
        Partition hosted = replicaManager.partition(tp);
        if (hosted != null) {
            // Kafka's localLogWithEpochOrThrow: a replica hosted here answers a fetch at another epoch with the epoch
            // error before asking whether it may serve the fetcher at all.
            checkLeaderEpoch(fetch.currentLeaderEpoch(), hosted.leaderEpoch());
        }
        Partition partition = fetcher.isFollower()
                ? replicaManager.partitionOrThrow(tp)
                : replicaManager.partitionForRead(tp, fetcher.mayReadFromFollower());
        checkLeaderEpoch(fetch.currentLeaderEpoch(), partition.leaderEpoch());
        UnifiedLog log = partition.log();
        if (rackAwareSelector && !fetcher.isFollower() && partition.isLeader()) {
            int preferred = partition.preferredReadReplica(
                    fetcher.rackId(), fetch.fetchOffset(), replicaManager::rackOf, replicaManager::isEligibleForIsr);
            if (preferred >= 0) {
                data.setPreferredReadReplica(preferred)
                        .setHighWatermark(log.highWatermark())
                        .setLastStableOffset(log.lastStableOffset())
                        .setLogStartOffset(log.logStartOffset())
                        .setRecords(MemoryRecords.EMPTY);
                return -1;
            }
        }
        EpochEndOffset diverging = partition.divergingEpoch(fetch.lastFetchedEpoch(), fetch.fetchOffset());
        if (diverging != null) {
            data.setDivergingEpoch(new FetchResponse.EpochEndOffset()
                            .setEpoch(diverging.leaderEpoch())
                            .setEndOffset(diverging.endOffset()))
                    .setHighWatermark(log.highWatermark())
                    .setLastStableOffset(log.lastStableOffset())
                    .setLogStartOffset(log.logStartOffset())
                    .setRecords(MemoryRecords.EMPTY);
            return -1;
        }
        long highWatermark = log.highWatermark();
        long lastStableOffset = log.lastStableOffset();
        long maxOffset =
                fetcher.isFollower() ? log.logEndOffset() : fetcher.readCommitted() ? lastStableOffset : highWatermark;
        // A throttled partition's records are withheld while the leader quota is exceeded, so the other
        // partitions of the fetch proceed; the follower's position is recorded all the same.
        boolean withheld = fetcher.isFollower() && replicaManager.shouldLeaderThrottle(partition, fetcher.replicaId());
        FetchDataInfo read = withheld ? null : log.read(fetch.fetchOffset(), maxBytes, maxOffset, minOneMessage);
        Records records = read == null ? MemoryRecords.EMPTY : read.records();
        if (fetcher.isFollower()) {
            partition.updateFollowerFetchState(fetcher.replicaId(), fetch.fetchOffset(), fetch.logStartOffset());
            highWatermark = log.highWatermark();
            lastStableOffset = log.lastStableOffset();
        }
        data.setHighWatermark(highWatermark)
                .setLastStableOffset(lastStableOffset)
                .setLogStartOffset(log.logStartOffset())
                .setAbortedTransactions(fetcher.readCommitted() ? abortedTransactions(log, read) : null)
                .setRecords(records);
        return records.sizeInBytes();
    }

    /**
     * Where a fetcher's read ends: a follower's at the log end offset, a read_committed consumer's at the
     * last stable offset, any other consumer's at the high watermark.
     */
    static long visibleEnd(Fetcher fetcher, UnifiedLog log) {
        if (fetcher.isFollower()) {
            return log.logEndOffset();
        }
        return fetcher.readCommitted() ? log.lastStableOffset() : log.highWatermark();
    }

    /** The aborted transactions overlapping {@code read}'s records, as the response names them. */
    private static List<FetchResponse.AbortedTransaction> abortedTransactions(UnifiedLog log, FetchDataInfo read) {
        List<FetchResponse.AbortedTransaction> out = new ArrayList<>();
        if (read == null) {
            return out;
        }
        for (AbortedTxn txn : log.abortedTransactions(read)) {
            out.add(new FetchResponse.AbortedTransaction()
                    .setProducerId(txn.producerId())
                    .setFirstOffset(txn.firstOffset()));
        }
        return out;
    }

    /**
     * Whether a partition's error is one Kafka's handleFetchRequest gives before reading (its "erroneous" partitions:
     * UNKNOWN_TOPIC_ID, TOPIC_AUTHORIZATION_FAILED, UNKNOWN_TOPIC_OR_PARTITION for a partition the metadata does not
     * know), which neither ends a long poll early nor is waited on; a read's errors (NOT_LEADER_OR_FOLLOWER,
     * OFFSET_OUT_OF_RANGE, ...) answer at once.
     */
    private static boolean refusedBeforeRead(short errorCode) {
        return errorCode == Errors.UNKNOWN_TOPIC_ID.code()
                || errorCode == Errors.TOPIC_AUTHORIZATION_FAILED.code()
                || errorCode == Errors.UNKNOWN_TOPIC_OR_PARTITION.code();
    }

    static void checkLeaderEpoch(int requestEpoch, int leaderEpoch) {
        if (requestEpoch == -1 || requestEpoch == leaderEpoch) {
            return;
        }
        if (requestEpoch < leaderEpoch) {
            throw new ApiException(
                    Errors.FENCED_LEADER_EPOCH, "leader epoch " + requestEpoch + " is older than " + leaderEpoch);
        }
        throw new ApiException(
                Errors.UNKNOWN_LEADER_EPOCH, "leader epoch " + requestEpoch + " is newer than " + leaderEpoch);
    }
}
