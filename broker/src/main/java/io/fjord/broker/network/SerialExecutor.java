package io.fjord.broker.network;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs the tasks given to it one at a time, in submission order, on a shared pool. One per connection:
 * it keeps a connection's requests in order (an idempotent producer's pipelined batches must reach the
 * log in the order sent) while different connections run in parallel. Produce has one more, for the batches
 * that waited for transaction verification (they too must reach the log in the order they were verified).
 *
 * <p>Thread-safe. The queue is bounded by the caller (a connection stops reading when it has too many
 * requests in flight). It puts at most one drain task on the pool at a time, so the pool's queue holds at
 * most one task per connection; a drain runs at most {@link #MAX_TASKS_PER_TURN} tasks, then yields the
 * thread to other connections.
 */
public final class SerialExecutor implements Executor {

    static final int MAX_TASKS_PER_TURN = 16;

    private final Executor pool;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    public SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (tasks) {
            tasks.addLast(task);
            if (running) {
                return;
            }
            running = true;
        }
        pool.execute(this::drain);
    }

    private void drain() {
        for (int i = 0; i < MAX_TASKS_PER_TURN; i++) {
            Runnable next;
            synchronized (tasks) {
                next = tasks.pollFirst();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            next.run();
        }
        try {
            pool.execute(this::drain); // still running: the remaining tasks go behind other connections'
        } catch (RejectedExecutionException e) {
            // The broker is stopping and its I/O pool no longer takes work: the connection is closing too.
        }
    }
}
