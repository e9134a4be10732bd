package io.fjord.coordinator;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The production {@link CoordinatorScheduler}: one daemon thread of a {@link ScheduledExecutorService}. A
 * task that throws is logged to stderr and does not stop the thread. Thread-safe.
 */
public final class ExecutorCoordinatorScheduler implements CoordinatorScheduler, AutoCloseable {

    private final ScheduledExecutorService executor;

    public ExecutorCoordinatorScheduler(String threadName) {
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public Cancellable schedule(long delayMs, Runnable task) {
        ScheduledFuture<?> future = executor.schedule(
                () -> {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        System.err.println("coordinator timer task failed: " + e);
                        e.printStackTrace();
                    }
                },
                Math.max(0, delayMs),
                TimeUnit.MILLISECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
