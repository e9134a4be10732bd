package io.fjord.broker.network;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Runs the tasks given to it one at a time, in submission order, on a shared pool. One per connection:
 * it keeps a connection's requests in order (an idempotent producer's pipelined batches must reach the
 * log in the order sent) while different connections run in parallel.
 *
 * <p>Thread-safe. The queue is bounded by the caller (a connection stops reading when it has too many
 * requests in flight).
 */
final class SerialExecutor implements Executor {

    private final Executor pool;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    SerialExecutor(Executor pool) {
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
        while (true) {
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
    }
}
