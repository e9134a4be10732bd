package io.fjord.broker.handler;

import io.fjord.broker.partition.Partition;
import io.fjord.broker.purgatory.DelayedOperation;
import io.fjord.common.Errors;
import io.fjord.protocol.message.ProduceResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An acks=all produce waiting until the high watermark of every partition it wrote passes the end of
 * what it appended, or its timeout (REQUEST_TIMED_OUT for the partitions still short), or until this
 * broker stops leading one of them (NOT_LEADER_OR_FOLLOWER).
 *
 * <p>Thread-safe: {@link #tryComplete} may run on any thread that moves a high watermark.
 */
final class DelayedProduce extends DelayedOperation {

    /** A partition's append and the offset the high watermark must reach. */
    record Wait(Partition partition, long requiredOffset, ProduceResponse.PartitionProduceResponse response) {}

    private final List<Wait> waits;
    private final ProduceResponse response;
    private final CompletableFuture<io.fjord.protocol.ApiMessage> future;
    private final Runnable beforeAnswer;

    /** @param beforeAnswer runs once the partitions' errors are final, just before the answer is given */
    DelayedProduce(
            long timeoutMs,
            List<Wait> waits,
            ProduceResponse response,
            CompletableFuture<io.fjord.protocol.ApiMessage> future,
            Runnable beforeAnswer) {
        super(timeoutMs);
        this.waits = waits;
        this.response = response;
        this.future = future;
        this.beforeAnswer = beforeAnswer;
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
        for (Wait wait : waits) {
            if (wait.partition().acksAllStatus(wait.requiredOffset()) == null) {
                wait.response()
                        .setErrorCode(Errors.REQUEST_TIMED_OUT.code())
                        .setErrorMessage("the in-sync replicas did not acknowledge the write in time");
            }
        }
    }

    /**
     * Per partition, Kafka's answer: NONE once the high watermark passed the write, with
     * NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR fell below min.insync.replicas meanwhile, and
     * NOT_LEADER_OR_FOLLOWER when completed early because this broker stopped leading the partition.
     */
    @Override
    protected void onComplete() {
        for (Wait wait : waits) {
            if (wait.response().errorCode() != Errors.NONE.code()) {
                continue;
            }
            Errors status = wait.partition().acksAllStatus(wait.requiredOffset());
            if (status == null) {
                status = Errors.NOT_LEADER_OR_FOLLOWER; // completed early: the partition moved away
            }
            if (status != Errors.NONE) {
                wait.response()
                        .setErrorCode(status.code())
                        .setErrorMessage(
                                status == Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND
                                        ? "the write was committed while the ISR was smaller than min.insync.replicas"
                                        : "this broker stopped leading the partition before the write was committed");
            }
        }
        beforeAnswer.run();
        future.complete(response);
    }
}
