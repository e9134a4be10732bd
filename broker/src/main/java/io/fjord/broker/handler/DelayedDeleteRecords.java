package io.fjord.broker.handler;

import io.fjord.broker.partition.ReplicaManager;
import io.fjord.broker.purgatory.DelayedOperation;
import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.DeleteRecordsResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A DeleteRecords waiting until the low watermark of every partition it deleted from (the least log start offset
 * over the leader and its live followers, {@link io.fjord.broker.partition.Partition#lowWatermarkIfLeader}) reaches
 * the offset deleted before, as Kafka's DelayedDeleteRecords: a partition done answers NONE with its low watermark;
 * one still short at the deadline REQUEST_TIMED_OUT with the low watermark it had when the records were deleted; one
 * this broker stopped leading NOT_LEADER_OR_FOLLOWER (or UNKNOWN_TOPIC_OR_PARTITION once gone) with -1.
 *
 * <p>Thread-safe: {@link #tryComplete} runs on the I/O thread that deleted, on the threads that handle follower
 * fetches and on the timer; each partition's answer is settled under this object's monitor.
 */
final class DelayedDeleteRecords extends DelayedOperation {

    /** A partition deleted from, and the offset its low watermark must reach. */
    static final class Wait {
        final TopicPartition topicPartition;
        final long requiredOffset;
        final DeleteRecordsResponse.DeleteRecordsPartitionResult result;
        boolean pending = true;

        Wait(
                TopicPartition topicPartition,
                long requiredOffset,
                DeleteRecordsResponse.DeleteRecordsPartitionResult result) {
            this.topicPartition = topicPartition;
            this.requiredOffset = requiredOffset;
            this.result = result;
        }
    }

    private final ReplicaManager replicaManager;
    private final List<Wait> waits;
    private final DeleteRecordsResponse response;
    private final CompletableFuture<ApiMessage> future;

    DelayedDeleteRecords(
            long timeoutMs,
            ReplicaManager replicaManager,
            List<Wait> waits,
            DeleteRecordsResponse response,
            CompletableFuture<ApiMessage> future) {
        super(timeoutMs);
        this.replicaManager = replicaManager;
        this.waits = waits;
        this.response = response;
        this.future = future;
    }

    @Override
    public boolean tryComplete() {
        return settle(false) && forceComplete();
    }

    @Override
    protected void onExpiration() {
        synchronized (this) {
            for (Wait wait : waits) {
                if (wait.pending) {
                    wait.pending = false;
                    wait.result.setErrorCode(Errors.REQUEST_TIMED_OUT.code());
                }
            }
        }
    }

    /** Completed early (the partition moved away, the broker stops, the client left): a last look first. */
    @Override
    protected void onComplete() {
        settle(true);
        future.complete(response);
    }

    /**
     * Settles each pending partition whose low watermark reached its offset or that this broker no longer leads
     * ({@code giveUp}: every pending partition, those still short getting NOT_LEADER_OR_FOLLOWER); returns whether
     * none is pending.
     */
    private synchronized boolean settle(boolean giveUp) {
        boolean done = true;
        for (Wait wait : waits) {
            if (!wait.pending) {
                continue;
            }
            try {
                long low = replicaManager.partitionOrThrow(wait.topicPartition).lowWatermarkIfLeader();
                if (low >= wait.requiredOffset) {
                    wait.pending = false;
                    wait.result.setLowWatermark(low);
                } else if (giveUp) {
                    wait.pending = false;
                    wait.result
                            .setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code())
                            .setLowWatermark(-1L);
                } else {
                    done = false;
                }
            } catch (ApiException e) {
                wait.pending = false;
                wait.result.setErrorCode(e.error().code()).setLowWatermark(-1L);
            }
        }
        return done;
    }
}
