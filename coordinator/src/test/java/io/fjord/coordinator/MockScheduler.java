package io.fjord.coordinator;

import io.fjord.testkit.MockTime;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link CoordinatorScheduler} on a {@link MockTime}: tasks run only inside {@link #advance}, on the test
 * thread, in deadline order (then scheduling order). Thread-safe enough for tests (synchronized).
 */
final class MockScheduler implements CoordinatorScheduler {

    private final MockTime time;
    private final List<Task> tasks = new ArrayList<>();
    private long sequence;

    private static final class Task implements Cancellable {
        final long deadlineMs;
        final long seq;
        final Runnable runnable;
        volatile boolean cancelled;

        Task(long deadlineMs, long seq, Runnable runnable) {
            this.deadlineMs = deadlineMs;
            this.seq = seq;
            this.runnable = runnable;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    MockScheduler(MockTime time) {
        this.time = time;
    }

    @Override
    public synchronized Cancellable schedule(long delayMs, Runnable task) {
        Task t = new Task(time.milliseconds() + Math.max(0, delayMs), sequence++, task);
        tasks.add(t);
        return t;
    }

    /** Moves the clock forward by {@code durationMs}, running every task that falls due on the way. */
    void advance(long durationMs) {
        long endMs = time.milliseconds() + durationMs;
        while (true) {
            Task next = nextDue(endMs);
            if (next == null) {
                break;
            }
            if (next.deadlineMs > time.milliseconds()) {
                time.advanceMs(next.deadlineMs - time.milliseconds());
            }
            next.runnable.run();
        }
        if (endMs > time.milliseconds()) {
            time.advanceMs(endMs - time.milliseconds());
        }
    }

    private synchronized Task nextDue(long endMs) {
        Task best = null;
        for (Task t : tasks) {
            if (!t.cancelled
                    && t.deadlineMs <= endMs
                    && (best == null
                            || t.deadlineMs < best.deadlineMs
                            || (t.deadlineMs == best.deadlineMs && t.seq < best.seq))) {
                best = t;
            }
        }
        tasks.removeIf(t -> t.cancelled);
        if (best != null) {
            tasks.remove(best);
        }
        return best;
    }
}
