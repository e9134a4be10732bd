package io.fjord.broker.partition;

import io.fjord.broker.purgatory.DelayedOperation;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * End-transaction markers appended to several partitions, waiting like an acks=all produce until the
 * high watermark of each passes its marker: NONE then (NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR fell
 * below min.insync.replicas meanwhile), NOT_LEADER_OR_FOLLOWER when this broker stopped leading it first,
 * REQUEST_TIMED_OUT when the deadline passed first. Completes one future with every partition's error,
 * the ones that failed before the wait included.
 *
 * <p>Thread-safe: {@link #tryComplete} may run on any thread that moves a high watermark; the result map
 * is filled before the operation is watched and read only by the single completing thread.
 */
final class DelayedTxnMarkers extends DelayedOperation {

    /** A partition's marker and the offset the high watermark must reach. */
    record Wait(TopicPartition topicPartition, Partition partition, long requiredOffset) {}

    private final List<Wait> waits;
    private final Map<TopicPartition, Errors> results;
    private final CompletableFuture<Map<TopicPartition, Errors>> future;
    private volatile boolean expired;

    DelayedTxnMarkers(
            long timeoutMs,
            List<Wait> waits,
            Map<TopicPartition, Errors> failedBeforeWait,
            CompletableFuture<Map<TopicPartition, Errors>> future) {
        super(timeoutMs);
        this.waits = waits;
        this.results = new LinkedHashMap<>(failedBeforeWait);
        this.future = future;
    }

    @Override
    public boolean tryComplete() {
        for (Wait wait : waits) {
            if (wait.partition().acksAllStatus(wait.requiredOffset()) == null) {
                return false;
            }
        }
        return forceComplete();
    }

    @Override
    protected void onExpiration() {
        expired = true;
    }

    @Override
    protected void onComplete() {
        for (Wait wait : waits) {
            Errors status = wait.partition().acksAllStatus(wait.requiredOffset());
            if (status == null) {
                status = expired ? Errors.REQUEST_TIMED_OUT : Errors.NOT_LEADER_OR_FOLLOWER;
            }
            results.put(wait.topicPartition(), status);
        }
        future.complete(Map.copyOf(results));
    }
}
