package io.fjord.broker.handler;

import io.fjord.broker.partition.Partition;
import io.fjord.broker.purgatory.DelayedOperation;
import io.fjord.common.Errors;
import io.fjord.protocol.message.ProduceResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An acks=all produce waiting until the high watermark of every partition it wrote passes the end of
 * what it appended, or its timeout (REQUEST_TIMED_OUT for the partitions still short).
 *
 * <p>Thread-safe: {@link #tryComplete} may run on any thread that moves a high watermark.
 */
final class DelayedProduce extends DelayedOperation {

    /** A partition's append and the offset the high watermark must reach. */
    record Wait(Partition partition, long requiredOffset, ProduceResponse.PartitionProduceResponse response) {}

    private final List<Wait> waits;
    private final ProduceResponse response;
    private final CompletableFuture<io.fjord.protocol.ApiMessage> future;

    DelayedProduce(
            long timeoutMs,
            List<Wait> waits,
            ProduceResponse response,
            CompletableFuture<io.fjord.protocol.ApiMessage> future) {
        super(timeoutMs);
        this.waits = waits;
        this.response = response;
        this.future = future;
    }

    @Override
    public boolean tryComplete() {
        for (Wait wait : waits) {
            if (wait.partition().highWatermark() < wait.requiredOffset()) {
                return false;
            }
        }
        return forceComplete();
    }

    @Override
    protected void onExpiration() {
        for (Wait wait : waits) {
            if (wait.partition().highWatermark() < wait.requiredOffset()) {
                wait.response()
                        .setErrorCode(Errors.REQUEST_TIMED_OUT.code())
                        .setErrorMessage("the in-sync replicas did not acknowledge the write in time");
            }
        }
    }

    @Override
    protected void onComplete() {
        for (Wait wait : waits) {
            boolean isShort = wait.partition().highWatermark() < wait.requiredOffset();
            if (isShort && wait.response().errorCode() == Errors.NONE.code()) {
                // Completed early because the partition moved away (deleted, or leadership lost).
                wait.response()
                        .setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code())
                        .setErrorMessage("this broker stopped leading the partition before the write was committed");
            }
        }
        future.complete(response);
    }
}
