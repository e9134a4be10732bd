package io.fjord.broker.purgatory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request that waits for something (the high watermark to pass an offset, enough bytes to fetch) or
 * its deadline, whichever comes first. Exactly one of the paths completes it: {@link #forceComplete()}
 * returns true to a single caller, which then calls {@link #onComplete()}.
 *
 * <p>Thread-safe: {@link #tryComplete()} may run concurrently on the threads that make progress
 * (appends) and on the timer; subclasses make it safe to call repeatedly.
 */
public abstract class DelayedOperation {

    private final AtomicBoolean completed = new AtomicBoolean();
    private final long delayMs;
    private volatile ScheduledFuture<?> deadline;

    protected DelayedOperation(long delayMs) {
        this.delayMs = Math.max(0, delayMs);
    }

    public long delayMs() {
        return delayMs;
    }

    /** Checks the condition; if met, calls {@link #forceComplete()} and returns true. */
    public abstract boolean tryComplete();

    /** Sends the answer. Called once, by whoever won {@link #forceComplete()}. */
    protected abstract void onComplete();

    /** Called (before {@link #onComplete()}) when the deadline passed first. */
    protected void onExpiration() {}

    public boolean isCompleted() {
        return completed.get();
    }

    /** Completes the operation unless someone else already did; returns whether this call did. */
    public boolean forceComplete() {
        if (completed.compareAndSet(false, true)) {
            ScheduledFuture<?> timer = deadline;
            if (timer != null) {
                timer.cancel(false); // the scheduler removes cancelled tasks, so they do not pile up
            }
            onComplete();
            return true;
        }
        return false;
    }

    /**
     * Completes this operation (dropping its timer) once {@code answer}, the request's future, is cancelled: the
     * connection cancels it when the client goes, and a request no one waits for need not wait any longer.
     */
    public final void completeWhenCancelled(CompletableFuture<?> answer) {
        answer.whenComplete((value, failure) -> {
            if (answer.isCancelled()) {
                forceComplete();
            }
        });
    }

    final void deadline(ScheduledFuture<?> timer) {
        this.deadline = timer;
        if (isCompleted()) {
            timer.cancel(false);
        }
    }

    final void expire() {
        if (completed.compareAndSet(false, true)) {
            onExpiration();
            onComplete();
        }
    }
}
