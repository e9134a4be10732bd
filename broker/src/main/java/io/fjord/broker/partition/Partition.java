package io.fjord.broker.partition;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.common.Uuid;
import io.fjord.protocol.MemoryRecords;
import io.fjord.storage.LogAppendInfo;
import io.fjord.storage.UnifiedLog;
import java.util.function.Consumer;

/**
 * One partition this broker holds a replica of: its log and what the metadata says about it (topic id,
 * leader epoch, ISR). On a single broker this replica is the leader and the whole ISR, so the high
 * watermark follows the log end offset as soon as an append is done; the replication issue adds
 * followers here.
 *
 * <p>Thread-safe: appends are serialized by the log; the metadata fields are swapped atomically by the
 * metadata thread.
 */
public final class Partition {

    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final UnifiedLog log;
    private volatile int leaderId;
    private volatile int leaderEpoch;
    private volatile int[] isr;
    private volatile int minInsyncReplicas;
    private final Consumer<TopicPartition> onHighWatermarkMoved;

    Partition(
            TopicPartition topicPartition,
            Uuid topicId,
            UnifiedLog log,
            int leaderId,
            int leaderEpoch,
            int[] isr,
            int minIsr,
            Consumer<TopicPartition> onHighWatermarkMoved) {
        this.onHighWatermarkMoved = onHighWatermarkMoved;
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.log = log;
        this.leaderId = leaderId;
        this.leaderEpoch = leaderEpoch;
        this.isr = isr;
        this.minInsyncReplicas = minIsr;
        // After an unclean stop the checkpointed high watermark lags the recovered log: a leader alone in
        // its ISR owns every record it has, as Kafka's leader does when it takes over.
        maybeIncrementHighWatermark();
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public Uuid topicId() {
        return topicId;
    }

    public UnifiedLog log() {
        return log;
    }

    public int leaderEpoch() {
        return leaderEpoch;
    }

    /** The leader the metadata names (-1 when none); only the leader serves clients. */
    public int leaderId() {
        return leaderId;
    }

    void update(int leaderId, int leaderEpoch, int[] isr, int minInsyncReplicas) {
        this.leaderId = leaderId;
        this.leaderEpoch = leaderEpoch;
        this.isr = isr;
        this.minInsyncReplicas = minInsyncReplicas;
        maybeIncrementHighWatermark();
    }

    /**
     * Appends a producer's batches as leader. With acks=all the ISR must hold at least
     * {@code min.insync.replicas} replicas before anything is written (NOT_ENOUGH_REPLICAS).
     */
    public LogAppendInfo appendAsLeader(MemoryRecords records, short requiredAcks) {
        if (requiredAcks == -1 && isr.length < minInsyncReplicas) {
            throw new ApiException(
                    Errors.NOT_ENOUGH_REPLICAS,
                    "the ISR of " + topicPartition + " has " + isr.length + " replicas, min.insync.replicas is "
                            + minInsyncReplicas);
        }
        LogAppendInfo info = log.appendAsLeader(records.buffer(), leaderEpoch);
        maybeIncrementHighWatermark();
        return info;
    }

    /**
     * The high watermark is the smallest log end offset in the ISR; alone in it, ours. When it moves, the
     * requests waiting on this partition (acks=all produces, long-poll fetches) are woken here, once, for
     * every path that moves it.
     */
    private void maybeIncrementHighWatermark() {
        if (isr.length > 1) {
            return;
        }
        boolean moved = false;
        // Two appends may finish in either order: read the log end offset under the lock and never move
        // the high watermark back.
        synchronized (this) {
            long logEndOffset = log.logEndOffset();
            if (logEndOffset > log.highWatermark()) {
                log.updateHighWatermark(logEndOffset);
                moved = true;
            }
        }
        if (moved) {
            onHighWatermarkMoved.accept(topicPartition);
        }
    }

    public long highWatermark() {
        return log.highWatermark();
    }
}
