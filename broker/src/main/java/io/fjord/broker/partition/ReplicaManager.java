package io.fjord.broker.partition;

import io.fjord.broker.purgatory.DelayedOperationPurgatory;
import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.common.Uuid;
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
 * <p>Thread-safe. {@link #ensurePartition} and {@link #removePartition} run on the metadata thread;
 * lookups run on I/O threads.
 */
public final class ReplicaManager {

    private static final Logger log = LoggerFactory.getLogger(ReplicaManager.class);

    private final LogManager logManager;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final DelayedOperationPurgatory<TopicPartition> producePurgatory;
    private final DelayedOperationPurgatory<TopicPartition> fetchPurgatory;

    public ReplicaManager(LogManager logManager, ScheduledExecutorService timer) {
        this.logManager = logManager;
        this.producePurgatory = new DelayedOperationPurgatory<>("produce", timer, 1000);
        this.fetchPurgatory = new DelayedOperationPurgatory<>("fetch", timer, 1000);
    }

    /** The partition, or UNKNOWN_TOPIC_OR_PARTITION if this broker does not host it. */
    public Partition partitionOrThrow(TopicPartition tp) {
        Partition partition = partitions.get(tp);
        if (partition == null) {
            throw new ApiException(Errors.UNKNOWN_TOPIC_OR_PARTITION, "this broker does not host " + tp);
        }
        return partition;
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
            TopicPartition tp, Uuid topicId, LogConfig config, int leaderEpoch, int[] isr, int minInsyncReplicas) {
        Partition existing = partitions.get(tp);
        if (existing != null && existing.topicId().equals(topicId)) {
            existing.update(leaderEpoch, isr, minInsyncReplicas);
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
        partitions.put(tp, new Partition(tp, topicId, partitionLog, leaderEpoch, isr, minInsyncReplicas));
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
