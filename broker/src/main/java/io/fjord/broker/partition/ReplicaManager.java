package io.fjord.broker.partition;

import io.fjord.broker.purgatory.DelayedOperationPurgatory;
import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.common.Uuid;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.TopicImage;
import io.fjord.storage.LogConfig;
import io.fjord.storage.LogManager;
import io.fjord.storage.UnifiedLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions this broker hosts, kept in step with the metadata image by the metadata publisher, and
 * the purgatories where produce (acks=all) and fetch (long-poll) requests wait for them.
 *
 * <p>Clients may only produce to and read from a partition's leader: {@link #partitionOrThrow} answers
 * NOT_LEADER_OR_FOLLOWER for a partition this broker does not lead (hosted as a follower, or not hosted
 * but known to the metadata), so a client refreshes its metadata and goes to the leader the image names.
 *
 * <p>Thread-safe. {@link #ensurePartition}, {@link #removePartition} and {@link #onMetadataImage} run on
 * the metadata thread; lookups run on I/O threads.
 */
public final class ReplicaManager {

    private static final Logger log = LoggerFactory.getLogger(ReplicaManager.class);

    private final LogManager logManager;
    private final int localBrokerId;
    private volatile MetadataImage image = MetadataImage.EMPTY;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final DelayedOperationPurgatory<TopicPartition> producePurgatory;
    private final DelayedOperationPurgatory<TopicPartition> fetchPurgatory;

    public ReplicaManager(LogManager logManager, ScheduledExecutorService timer, int localBrokerId) {
        this.logManager = logManager;
        this.localBrokerId = localBrokerId;
        this.producePurgatory = new DelayedOperationPurgatory<>("produce", timer, 1000);
        this.fetchPurgatory = new DelayedOperationPurgatory<>("fetch", timer, 1000);
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

    public DelayedOperationPurgatory<TopicPartition> producePurgatory() {
        return producePurgatory;
    }

    public DelayedOperationPurgatory<TopicPartition> fetchPurgatory() {
        return fetchPurgatory;
    }

    /** Creates (or opens) the partition's log, or updates its state; called for each metadata change. */
    public void ensurePartition(
            TopicPartition tp,
            Uuid topicId,
            LogConfig config,
            int leaderId,
            int leaderEpoch,
            int[] isr,
            int minInsyncReplicas) {
        Partition existing = partitions.get(tp);
        if (existing != null && existing.topicId().equals(topicId)) {
            existing.update(leaderId, leaderEpoch, isr, minInsyncReplicas);
            existing.log().updateConfig(config);
            return;
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
        partitions.put(
                tp,
                new Partition(
                        tp,
                        topicId,
                        partitionLog,
                        leaderId,
                        leaderEpoch,
                        isr,
                        minInsyncReplicas,
                        this::onPartitionProgress));
    }

    /** Drops the partition and deletes its data (topic deleted). Waiting requests complete now. */
    public void removePartition(TopicPartition tp) {
        Partition removed = partitions.remove(tp);
        if (removed == null) {
            return;
        }
        producePurgatory.completeAll(List.of(tp));
        fetchPurgatory.completeAll(List.of(tp));
        try {
            logManager.deleteLog(tp);
        } catch (RuntimeException e) {
            log.error("could not delete the log of {}", tp, e);
        }
    }

    /** Wakes the requests waiting on {@code tp} after its log or high watermark moved. */
    public void onPartitionProgress(TopicPartition tp) {
        producePurgatory.checkAndComplete(tp);
        fetchPurgatory.checkAndComplete(tp);
    }

    public List<TopicPartition> hostedPartitions() {
        return new ArrayList<>(partitions.keySet());
    }

    public void shutdown() {
        List<TopicPartition> all = hostedPartitions();
        producePurgatory.completeAll(all);
        fetchPurgatory.completeAll(all);
    }
}
