package io.fjord.coordinator;

/**
 * Runs the coordinator's timers (session, rebalance and join timeouts, offset expiry). Tasks run on a thread
 * of the scheduler's choosing; the coordinator takes the shard's lock inside each task. A test implementation
 * runs due tasks when a mock clock is advanced, so timer behaviour is deterministic.
 */
public interface CoordinatorScheduler {

    /** Runs {@code task} once, {@code delayMs} from now (0 = as soon as possible). */
    Cancellable schedule(long delayMs, Runnable task);

    /** A handle to a scheduled task. */
    interface Cancellable {

        /** Prevents the task from running if it has not started; idempotent. */
        void cancel();
    }
}
