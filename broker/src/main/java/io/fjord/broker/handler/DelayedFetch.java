package io.fjord.broker.handler;

import io.fjord.broker.partition.Partition;
import io.fjord.broker.partition.ReplicaManager;
import io.fjord.broker.purgatory.DelayedOperation;
import io.fjord.common.TopicPartition;
import io.fjord.storage.UnifiedLog;
import java.util.List;

/**
 * A fetch waiting for {@code min.bytes} of new data, or its max wait: a read_committed consumer's below
 * the last stable offset, another consumer's below the high watermark, a follower's below the log end
 * offset. Completed by the appends and high watermark moves of a watched partition, which are also all
 * that moves the last stable offset (no polling); a partition that disappears, stops being led here or
 * moves to a leader epoch other than the fetch's completes it at once so the fetcher sees the error.
 *
 * <p>Thread-safe: {@link #tryComplete} may run on any appending thread and on the timer.
 */
final class DelayedFetch extends DelayedOperation {

    private final int minBytes;
    private final List<FetchHandler.PartitionFetch> fetches;
    private final FetchHandler.Fetcher fetcher;
    private final ReplicaManager replicaManager;
    private final Runnable respond;

    DelayedFetch(
            long maxWaitMs,
            int minBytes,
            List<FetchHandler.PartitionFetch> fetches,
            FetchHandler.Fetcher fetcher,
            ReplicaManager replicaManager,
            Runnable respond) {
        super(maxWaitMs);
        this.minBytes = minBytes;
        this.fetches = fetches;
        this.fetcher = fetcher;
        this.replicaManager = replicaManager;
        this.respond = respond;
    }

    @Override
    public boolean tryComplete() {
        try {
            return tryCompleteNow();
        } catch (RuntimeException e) {
            // The log moved under the fetch (retention, DeleteRecords, deletion): answer now, and never let
            // the failure reach the appending thread that woke this fetch.
            return forceComplete();
        }
    }

    private boolean tryCompleteNow() {
        long available = 0;
        for (FetchHandler.PartitionFetch fetch : fetches) {
            Partition partition = replicaManager.partition(new TopicPartition(fetch.topic(), fetch.partition()));
            if (partition == null || (!partition.isLeader() && !fetcher.mayReadFromFollower())) {
                return forceComplete();
            }
            if (fetch.currentLeaderEpoch() >= 0 && fetch.currentLeaderEpoch() != partition.leaderEpoch()) {
                return forceComplete(); // the epoch moved on: answer FENCED_LEADER_EPOCH now, as Kafka does
            }
            UnifiedLog log = partition.log();
            long visibleEnd = FetchHandler.visibleEnd(fetcher, log);
            if (visibleEnd > fetch.fetchOffset()) {
                if (fetcher.isFollower() && replicaManager.shouldLeaderThrottle(partition, fetcher.replicaId())) {
                    continue; // withheld by the leader throttle: its bytes do not complete the fetch (Kafka)
                }
                if (minBytes <= 1) {
                    return forceComplete();
                }
                available += log.read(fetch.fetchOffset(), fetch.maxBytes(), visibleEnd, false)
                        .records()
                        .sizeInBytes();
                if (available >= minBytes) {
                    return forceComplete();
                }
            } else if (fetch.fetchOffset() > log.logEndOffset() || fetch.fetchOffset() < log.logStartOffset()) {
                return forceComplete(); // out of range now: answer with the error
            }
        }
        return false;
    }

    @Override
    protected void onComplete() {
        respond.run();
    }
}
