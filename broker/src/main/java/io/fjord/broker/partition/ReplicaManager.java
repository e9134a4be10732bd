package io.fjord.broker.partition;

import io.fjord.broker.purgatory.DelayedOperationPurgatory;
import io.fjord.broker.quota.ReplicationQuotaManager;
import io.fjord.broker.quota.ReplicationThrottles;
import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.Time;
import io.fjord.common.TopicPartition;
import io.fjord.common.Uuid;
import io.fjord.metadata.AlterPartitionItem;
import io.fjord.metadata.AlterPartitionResult;
import io.fjord.metadata.BrokerRegistration;
import io.fjord.metadata.Endpoint;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.PartitionRegistration;
import io.fjord.metadata.TopicImage;
import io.fjord.storage.LogAppendInfo;
import io.fjord.storage.LogConfig;
import io.fjord.storage.LogManager;
import io.fjord.storage.UnifiedLog;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions this broker hosts, kept in step with the metadata image by the metadata publisher; the
 * purgatories where produce (acks=all) and fetch (long-poll) requests wait for them; the replica fetchers
 * that copy the partitions it follows from their leaders; the replication throttles; and the periodic ISR shrink check of the
 * partitions it leads (every replica.lag.time.max.ms / 2).
 *
 * <p>Clients may only produce to and read from a partition's leader: {@link #partitionOrThrow} answers
 * NOT_LEADER_OR_FOLLOWER for a partition this broker does not lead (hosted as a follower, or not hosted
 * but known to the metadata), so a client refreshes its metadata and goes to the leader the image names.
 * Views of a replica's own log that Kafka serves from followers too use {@link #replicaOrThrow}.
 *
 * <p>Thread-safe. {@link #applyPartition}, {@link #removePartition} and {@link #onMetadataImage} run on
 * the metadata thread; lookups run on I/O threads; ISR changes are answered on controller threads.
 */
public final class ReplicaManager implements AlterPartitionChannel {

    private static final Logger log = LoggerFactory.getLogger(ReplicaManager.class);
    /** How long end-transaction markers wait for the in-sync replicas (Kafka: request.timeout.ms). */
    static final long TXN_MARKER_COMMIT_TIMEOUT_MS = 30_000;

    /** How a leader reaches the controller; {@code ControllerApi::alterPartition} in a broker. */
    @FunctionalInterface
    public interface AlterPartitionSender {
        CompletableFuture<List<AlterPartitionResult>> alterPartition(int brokerId, List<AlterPartitionItem> items);
    }

    private final LogManager logManager;
    private final int localBrokerId;
    private final ReplicaFetcherSettings fetcherSettings;
    private final Time time;
    private final Partition.IsrSettings isrSettings;
    private final AlterPartitionSender alterPartitionSender;
    private final ScheduledExecutorService timer;
    private volatile MetadataImage image = MetadataImage.EMPTY;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final DelayedOperationPurgatory<TopicPartition> producePurgatory;
    private final DelayedOperationPurgatory<TopicPartition> fetchPurgatory;
    private final DelayedOperationPurgatory<TopicPartition> deleteRecordsPurgatory;
    private final ReplicaFetcherManager fetchers;
    private final ReplicationThrottles throttles;
    private final Partition.Listener partitionListener = new Partition.Listener() {
        @Override
        public void onHighWatermarkMoved(TopicPartition tp) {
            onPartitionProgress(tp);
        }

        @Override
        public void onLogEndOffsetMoved(TopicPartition tp) {
            fetchPurgatory.checkAndComplete(tp);
        }

        @Override
        public void onLowWatermarkMoved(TopicPartition tp) {
            deleteRecordsPurgatory.checkAndComplete(tp);
        }
    };
    private ScheduledFuture<?> isrExpiration;

    /** A broker alone: no followers, no controller to ask (tests of the single-replica paths). */
    public ReplicaManager(LogManager logManager, ScheduledExecutorService timer, int localBrokerId) {
        this(
                logManager,
                timer,
                localBrokerId,
                Time.SYSTEM,
                new Partition.IsrSettings(30_000, 1_000),
                ReplicaFetcherSettings.defaults(),
                (id, items) -> CompletableFuture.failedFuture(
                        new ApiException(Errors.NOT_CONTROLLER, "no controller in this setup")),
                ReplicationThrottles.unlimited(localBrokerId, Time.SYSTEM));
    }

    public ReplicaManager(
            LogManager logManager,
            ScheduledExecutorService timer,
            int localBrokerId,
            Time time,
            Partition.IsrSettings isrSettings,
            ReplicaFetcherSettings fetcherSettings,
            AlterPartitionSender alterPartitionSender,
            ReplicationThrottles throttles) {
        this.throttles = throttles;
        this.logManager = logManager;
        this.localBrokerId = localBrokerId;
        this.time = time;
        this.isrSettings = isrSettings;
        this.alterPartitionSender = alterPartitionSender;
        this.timer = timer;
        this.producePurgatory = new DelayedOperationPurgatory<>("produce", timer, 1000);
        this.fetchPurgatory = new DelayedOperationPurgatory<>("fetch", timer, 1000);
        this.deleteRecordsPurgatory = new DelayedOperationPurgatory<>("deleteRecords", timer, 1000);
        this.fetcherSettings = fetcherSettings;
        this.fetchers =
                new ReplicaFetcherManager(localBrokerId, fetcherSettings, this::endpointOf, time, throttles.follower());
    }

    /** Starts the periodic ISR shrink check. */
    public synchronized void startup() {
        long periodMs = Math.max(1, isrSettings.replicaLagTimeMaxMs() / 2);
        isrExpiration = timer.scheduleAtFixedRate(this::maybeShrinkIsrs, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    private void maybeShrinkIsrs() {
        for (Partition partition : partitions.values()) {
            try {
                partition.maybeShrinkIsr();
            } catch (RuntimeException e) {
                log.error("ISR check of {} failed", partition.topicPartition(), e);
            }
        }
    }

    /**
     * The partition, which this broker leads. NOT_LEADER_OR_FOLLOWER when it is hosted here as a follower
     * or exists in the metadata without a replica here; UNKNOWN_TOPIC_OR_PARTITION when it does not exist.
     */
    public Partition partitionOrThrow(TopicPartition tp) {
        Partition partition = partitions.get(tp);
        if (partition == null) {
            TopicImage topic = image.topics().topic(tp.topic());
            if (topic != null && topic.partitions().containsKey(tp.partition())) {
                throw new ApiException(
                        Errors.NOT_LEADER_OR_FOLLOWER,
                        "broker " + localBrokerId + " holds no replica of " + tp + "; its leader is broker "
                                + topic.partitions().get(tp.partition()).leader());
            }
            throw new ApiException(Errors.UNKNOWN_TOPIC_OR_PARTITION, "this broker does not host " + tp);
        }
        int leaderId = partition.leaderId();
        if (leaderId != localBrokerId) {
            throw new ApiException(
                    Errors.NOT_LEADER_OR_FOLLOWER,
                    "broker " + localBrokerId + " is not the leader of " + tp + "; its leader is broker " + leaderId);
        }
        return partition;
    }

    /**
     * The partition hosted here, leader or follower, for a view of this replica's own log: DescribeProducers, which
     * Kafka answers from any replica so that {@code kafka-transactions.sh --broker-id} can inspect each one. Errors
     * as {@link #partitionOrThrow} for a partition not hosted here.
     */
    public Partition replicaOrThrow(TopicPartition tp) {
        Partition partition = partitions.get(tp);
        return partition != null ? partition : partitionOrThrow(tp);
    }

    /**
     * The partition for a consumer's read: its leader, or (when {@code allowFollower}, a v11+ consumer
     * fetch, KIP-392) a follower replica hosted here. Errors as {@link #partitionOrThrow}.
     */
    public Partition partitionForRead(TopicPartition tp, boolean allowFollower) {
        Partition partition = partitions.get(tp);
        if (allowFollower && partition != null && partition.leaderId() >= 0) {
            return partition;
        }
        return partitionOrThrow(tp);
    }

    /**
     * A partition's leader as a Produce (v10+) or Fetch (v16+) that got NOT_LEADER_OR_FOLLOWER names it (KIP-951):
     * its id and epoch, -1 and -1 when unknown; the leader's endpoint on the client's listener and its rack, or a
     * null endpoint when it is not registered, fenced or has no endpoint there.
     */
    public record CurrentLeader(int leaderId, int leaderEpoch, Endpoint endpoint, String rack) {}

    /**
     * Kafka's getCurrentLeader: the leader and epoch of this broker's replica of {@code tp}, else of the metadata
     * image, with the leader's address on {@code listenerName} (null: its first listener) if it is alive.
     */
    public CurrentLeader currentLeader(TopicPartition tp, String listenerName) {
        MetadataImage current = image;
        int leaderId = -1;
        int leaderEpoch = -1;
        Partition partition = partitions.get(tp);
        if (partition != null) {
            leaderId = partition.leaderId();
            leaderEpoch = partition.leaderEpoch();
        } else {
            TopicImage topic = current.topics().topic(tp.topic());
            PartitionRegistration registration =
                    topic == null ? null : topic.partitions().get(tp.partition());
            if (registration != null) {
                leaderId = registration.leader();
                leaderEpoch = registration.leaderEpoch();
            }
        }
        BrokerRegistration broker = leaderId < 0 ? null : current.cluster().broker(leaderId);
        Endpoint endpoint = broker == null || broker.fenced() ? null : broker.endpoint(listenerName);
        return new CurrentLeader(leaderId, leaderEpoch, endpoint, endpoint == null ? null : broker.rack());
    }

    /** The rack broker {@code brokerId} registered with, or null. */
    public String rackOf(int brokerId) {
        BrokerRegistration broker = image.cluster().broker(brokerId);
        return broker == null ? null : broker.rack();
    }

    /** The image the partitions follow; the metadata publisher sets it before it applies each delta. */
    public void onMetadataImage(MetadataImage image) {
        this.image = image;
    }

    public int localBrokerId() {
        return localBrokerId;
    }

    public Partition partition(TopicPartition tp) {
        return partitions.get(tp);
    }

    /** The leader and follower replication throttles of this broker. */
    public ReplicationThrottles throttles() {
        return throttles;
    }

    /**
     * Whether this leader withholds {@code partition}'s records from follower {@code replicaId} now
     * (Kafka's shouldLeaderThrottle): the partition is on the leader throttle list, the follower is not
     * in the ISR (an in-sync follower is never throttled, so the throttle cannot shrink the ISR), and the
     * leader's quota is exceeded.
     */
    public boolean shouldLeaderThrottle(Partition partition, int replicaId) {
        ReplicationQuotaManager quota = throttles.leader();
        return quota.isThrottled(partition.topicPartition())
                && !partition.isInSync(replicaId)
                && quota.isQuotaExceeded();
    }

    public DelayedOperationPurgatory<TopicPartition> producePurgatory() {
        return producePurgatory;
    }

    public DelayedOperationPurgatory<TopicPartition> fetchPurgatory() {
        return fetchPurgatory;
    }

    /** DeleteRecords waiting for the low watermark (see {@link Partition#lowWatermarkIfLeader}). */
    public DelayedOperationPurgatory<TopicPartition> deleteRecordsPurgatory() {
        return deleteRecordsPurgatory;
    }

    /**
     * Creates (or opens) the partition's log and makes this broker its leader or a follower as {@code
     * registration} says. Becoming a follower (or losing the leader) answers the requests waiting on it
     * (acks=all produces get NOT_LEADER_OR_FOLLOWER) and (re)starts fetching from the new leader; becoming
     * leader stops the fetch first, so no follower append runs once the partition leads.
     */
    public void applyPartition(
            TopicPartition tp, Uuid topicId, LogConfig config, PartitionRegistration registration, int minIsr) {
        Partition partition = getOrCreatePartition(tp, topicId, config);
        partition.log().updateConfig(config);
        if (registration.leader() == localBrokerId) {
            fetchers.removePartition(tp);
            if (partition.makeLeader(registration, minIsr)) {
                fetchPurgatory.checkAndComplete(tp); // fetches parked at the old epoch answer FENCED_LEADER_EPOCH
            }
            return;
        }
        boolean changed = partition.makeFollower(registration, minIsr);
        if (changed) {
            producePurgatory.completeAll(List.of(tp));
            fetchPurgatory.completeAll(List.of(tp));
            deleteRecordsPurgatory.completeAll(List.of(tp));
            fetchers.removePartition(tp);
            if (registration.leader() >= 0) {
                fetchers.addPartition(partition, registration.leader(), registration.leaderEpoch());
            }
        }
    }

    private Partition getOrCreatePartition(TopicPartition tp, Uuid topicId, LogConfig config) {
        Partition existing = partitions.get(tp);
        if (existing != null && existing.topicId().equals(topicId)) {
            return existing;
        }
        if (existing != null) {
            removePartition(tp); // a topic of the same name was deleted and created again
        }
        Uuid onDisk = logManager.topicId(tp).orElse(Uuid.ZERO);
        if (!onDisk.isZero() && !onDisk.equals(topicId)) {
            log.info("deleting the log of {}: it belongs to an earlier topic of that name ({})", tp, onDisk);
            logManager.deleteLog(tp);
        }
        UnifiedLog partitionLog = logManager.getOrCreateLog(tp, topicId, config);
        Partition created =
                new Partition(tp, topicId, partitionLog, localBrokerId, time, isrSettings, partitionListener, this);
        partitions.put(tp, created);
        return created;
    }

    /** Drops the partition and deletes its data (topic deleted, or replica moved away). Waiting requests complete now. */
    public void removePartition(TopicPartition tp) {
        fetchers.removePartition(tp);
        Partition removed = partitions.remove(tp);
        if (removed == null) {
            return;
        }
        producePurgatory.completeAll(List.of(tp));
        fetchPurgatory.completeAll(List.of(tp));
        deleteRecordsPurgatory.completeAll(List.of(tp));
        try {
            logManager.deleteLog(tp);
        } catch (RuntimeException e) {
            log.error("could not delete the log of {}", tp, e);
        }
    }

    /**
     * WriteTxnMarkers (KIP-98): appends, as leader, the end-transaction marker of producer {@code
     * producerId} to each of {@code partitions} and completes once every marker is committed (the high
     * watermark passed it, as for acks=all) or failed. Each partition's error: NONE;
     * NOT_LEADER_OR_FOLLOWER or UNKNOWN_TOPIC_OR_PARTITION (not led here); NOT_ENOUGH_REPLICAS (the ISR is
     * below min.insync.replicas) or NOT_ENOUGH_REPLICAS_AFTER_APPEND; INVALID_PRODUCER_EPOCH ({@code
     * producerEpoch} is older than the producer's); TRANSACTION_COORDINATOR_FENCED ({@code
     * coordinatorEpoch} is older than that of the producer's last marker); KAFKA_STORAGE_ERROR;
     * REQUEST_TIMED_OUT when not committed within {@value #TXN_MARKER_COMMIT_TIMEOUT_MS} ms. The future
     * never fails. Any thread.
     */
    public CompletableFuture<Map<TopicPartition, Errors>> appendTxnMarkers(
            long producerId,
            short producerEpoch,
            int coordinatorEpoch,
            boolean committed,
            Collection<TopicPartition> partitions) {
        Map<TopicPartition, Errors> failed = new LinkedHashMap<>();
        List<DelayedTxnMarkers.Wait> waits = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            try {
                Partition partition = partitionOrThrow(tp);
                LogAppendInfo info =
                        partition.appendEndTxnMarker(producerId, producerEpoch, coordinatorEpoch, committed);
                waits.add(new DelayedTxnMarkers.Wait(tp, partition, info.lastOffset() + 1));
            } catch (ApiException e) {
                failed.put(tp, e.error());
            } catch (RuntimeException e) {
                log.error("cannot append the marker of producer {} to {}", producerId, tp, e);
                failed.put(tp, Errors.UNKNOWN_SERVER_ERROR);
            }
        }
        CompletableFuture<Map<TopicPartition, Errors>> done = new CompletableFuture<>();
        DelayedTxnMarkers wait = new DelayedTxnMarkers(TXN_MARKER_COMMIT_TIMEOUT_MS, waits, failed, done);
        List<TopicPartition> keys = new ArrayList<>(waits.size());
        for (DelayedTxnMarkers.Wait w : waits) {
            keys.add(w.topicPartition());
        }
        if (keys.isEmpty()) {
            wait.forceComplete();
        } else {
            producePurgatory.tryCompleteElseWatch(wait, keys);
        }
        return done;
    }

    /** Wakes the requests waiting on {@code tp} after its log or high watermark moved. */
    public void onPartitionProgress(TopicPartition tp) {
        producePurgatory.checkAndComplete(tp);
        fetchPurgatory.checkAndComplete(tp);
    }

    public List<TopicPartition> hostedPartitions() {
        return new ArrayList<>(partitions.keySet());
    }

    /** The partitions this broker is fetching from a leader. */
    public List<TopicPartition> fetchedPartitions() {
        return fetchers.fetchedPartitions();
    }

    @Override
    public CompletableFuture<AlterPartitionResult> alterPartition(AlterPartitionItem item) {
        return alterPartitionSender.alterPartition(localBrokerId, List.of(item)).thenApply(results -> {
            if (results.size() != 1) {
                throw new ApiException(
                        Errors.UNKNOWN_SERVER_ERROR, "AlterPartition answered " + results.size() + " results for one");
            }
            return results.get(0);
        });
    }

    @Override
    public boolean isEligibleForIsr(int brokerId) {
        BrokerRegistration broker = image.cluster().broker(brokerId);
        return broker != null && !broker.fenced();
    }

    /**
     * Where this broker reaches broker {@code brokerId}: its endpoint on the inter-broker listener (with no listener
     * set, its first one); null when it has none, as Kafka takes such a leader as unavailable.
     */
    private InetSocketAddress endpointOf(int brokerId) {
        BrokerRegistration broker = image.cluster().broker(brokerId);
        Endpoint endpoint = broker == null ? null : broker.endpoint(fetcherSettings.listenerName());
        return endpoint == null ? null : new InetSocketAddress(endpoint.host(), endpoint.port());
    }

    /** Stops fetching (first, so no follower write races the shutdown), then answers every waiting request. */
    public void shutdownFetchers() {
        fetchers.shutdown();
    }

    public void shutdown() {
        synchronized (this) {
            if (isrExpiration != null) {
                isrExpiration.cancel(false);
            }
        }
        fetchers.shutdown();
        List<TopicPartition> all = hostedPartitions();
        producePurgatory.completeAll(all);
        fetchPurgatory.completeAll(all);
        deleteRecordsPurgatory.completeAll(all);
    }
}
