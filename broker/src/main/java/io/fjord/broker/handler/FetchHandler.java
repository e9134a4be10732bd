package io.fjord.broker.handler;

import io.fjord.broker.network.RequestContext;
import io.fjord.broker.network.RequestHandler;
import io.fjord.broker.partition.Partition;
import io.fjord.broker.partition.ReplicaManager;
import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.common.Uuid;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.MemoryRecords;
import io.fjord.protocol.message.FetchRequest;
import io.fjord.protocol.message.FetchResponse;
import io.fjord.storage.EpochEndOffset;
import io.fjord.storage.FetchDataInfo;
import io.fjord.storage.UnifiedLog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Fetch for consumers and for follower replicas: reads each partition from its log, a consumer's up to
 * the high watermark, a follower's (replica id >= 0; in ReplicaState from v15) up to the log end offset,
 * within the partition and response byte limits, and answers with slices of the segment files (sent with
 * sendfile). A fetch that names its last fetched epoch (v12+) whose history diverged from this leader's
 * gets the diverging epoch and no records. A follower's fetch records its position with the partition,
 * which moves the high watermark and grows the ISR. When fewer than {@code min.bytes} are ready it waits
 * in the fetch purgatory, which appends wake up, until {@code max.wait.ms}. No fetch sessions: the
 * answer's session id is 0, so clients send full fetches.
 *
 * <p>Runs on an I/O thread; the delayed completion runs on the thread of the append that satisfied it,
 * or on the purgatory timer.
 */
public final class FetchHandler implements RequestHandler {

    private static final byte READ_COMMITTED = 1;
    private static final short FIRST_REPLICA_STATE_VERSION = 15;
    private static final short FIRST_CLIENT_METADATA_VERSION = 11;

    private final ReplicaManager replicaManager;
    private final TopicResolver topics;
    private final boolean rackAwareSelector;

    /**
     * @param rackAwareSelector whether {@code replica.selector.class} is Kafka's RackAwareReplicaSelector:
     *     the leader then sends a consumer that names its rack to an in-sync follower of that rack
     */
    public FetchHandler(ReplicaManager replicaManager, TopicResolver topics, boolean rackAwareSelector) {
        this.replicaManager = replicaManager;
        this.topics = topics;
        this.rackAwareSelector = rackAwareSelector;
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
            long logStartOffset) {}

    /**
     * Who fetches: a consumer (replica id < 0) or the follower with that broker id; a consumer's rack and
     * whether it may read from a follower replica (v11+, KIP-392).
     */
    record Fetcher(int replicaId, boolean readCommitted, String rackId, boolean mayReadFromFollower) {
        boolean isFollower() {
            return replicaId >= 0;
        }
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        FetchRequest request = (FetchRequest) message;
        short version = context.apiVersion();
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
        int replicaId =
                version >= FIRST_REPLICA_STATE_VERSION ? request.replicaState().replicaId() : request.replicaId();
        boolean consumer = replicaId < 0;
        Fetcher fetcher = new Fetcher(
                replicaId,
                request.isolationLevel() == READ_COMMITTED,
                request.rackId(),
                consumer && version >= FIRST_CLIENT_METADATA_VERSION);
        int maxBytes = version >= 3 ? request.maxBytes() : Integer.MAX_VALUE;
        Read read = readAll(fetches, maxBytes, version, fetcher);
        if (request.maxWaitMs() <= 0 || read.bytes >= request.minBytes() || read.anyError || fetches.isEmpty()) {
            return CompletableFuture.completedFuture(read.response);
        }
        CompletableFuture<ApiMessage> future = new CompletableFuture<>();
        DelayedFetch delayed =
                new DelayedFetch(request.maxWaitMs(), request.minBytes(), fetches, fetcher, replicaManager, () -> {
                    if (!future.isDone()) {
                        try {
                            future.complete(readAll(fetches, maxBytes, version, fetcher).response);
                        } catch (RuntimeException e) {
                            // Never leave the future open: the connection's ordered responses wait on it.
                            future.completeExceptionally(e);
                        }
                    }
                });
        List<TopicPartition> keys = new ArrayList<>(fetches.size());
        for (PartitionFetch f : fetches) {
            keys.add(new TopicPartition(f.topic(), f.partition()));
        }
        replicaManager.fetchPurgatory().tryCompleteElseWatch(delayed, keys);
        // The connection cancels the future when the client goes: stop waiting and drop the timer then.
        future.whenComplete((answer, failure) -> {
            if (future.isCancelled()) {
                delayed.forceComplete();
            }
        });
        return future;
    }

    private record Read(FetchResponse response, int bytes, boolean anyError) {}

    private Read readAll(List<PartitionFetch> fetches, int maxBytes, short version, Fetcher fetcher) {
        FetchResponse response = new FetchResponse().setSessionId(0);
        FetchResponse.FetchableTopicResponse current = null;
        int remaining = maxBytes;
        int total = 0;
        boolean anyError = false;
        for (PartitionFetch fetch : fetches) {
            if (current == null
                    || (version >= 13
                            ? !current.topicId().equals(fetch.topicId())
                            : !current.topic().equals(fetch.topic()))) {
                current = new FetchResponse.FetchableTopicResponse().setTopicId(fetch.topicId());
                if (version < 13) {
                    current.setTopic(fetch.topic());
                }
                response.responses().add(current);
            }
            FetchResponse.PartitionData data = new FetchResponse.PartitionData().setPartitionIndex(fetch.partition());
            current.partitions().add(data);
            try {
                int size = readPartition(
                        fetch, Math.min(fetch.maxBytes(), Math.max(remaining, 0)), total == 0, fetcher, data);
                if (size < 0) {
                    anyError = true; // diverged, or redirected: answer now
                    size = 0;
                }
                remaining -= size;
                total += size;
            } catch (ApiException e) {
                anyError = true;
                data.setErrorCode(e.error().code())
                        .setHighWatermark(-1L)
                        .setLastStableOffset(-1L)
                        .setLogStartOffset(-1L)
                        .setRecords(MemoryRecords.EMPTY);
            }
        }
        return new Read(response, total, anyError);
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
                        .setLastStableOffset(log.highWatermark())
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
                    .setLastStableOffset(log.highWatermark())
                    .setLogStartOffset(log.logStartOffset())
                    .setRecords(MemoryRecords.EMPTY);
            return -1;
        }
        long maxOffset = fetcher.isFollower() ? log.logEndOffset() : log.highWatermark();
        FetchDataInfo info = log.read(fetch.fetchOffset(), maxBytes, maxOffset, minOneMessage);
        if (fetcher.isFollower()) {
            partition.updateFollowerFetchState(fetcher.replicaId(), fetch.fetchOffset(), fetch.logStartOffset());
        }
        long highWatermark = log.highWatermark();
        data.setHighWatermark(highWatermark)
                .setLastStableOffset(highWatermark)
                .setLogStartOffset(log.logStartOffset())
                .setAbortedTransactions(fetcher.readCommitted() ? new ArrayList<>() : null)
                .setRecords(info.records());
        return info.records().sizeInBytes();
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
