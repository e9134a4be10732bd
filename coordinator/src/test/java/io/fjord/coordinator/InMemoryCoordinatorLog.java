package io.fjord.coordinator;

import io.fjord.common.ApiException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@link CoordinatorLog} in memory: appends are kept per partition in order. By default an append commits
 * at once; with {@link #holdCommits} they wait for {@link #commitAll} (or fail with {@link #failPending}); with
 * {@link #blockAppends} the append call itself blocks.
 */
final class InMemoryCoordinatorLog implements CoordinatorLog {

    private final Map<Integer, List<CoordinatorRecord>> records = new HashMap<>();
    private final List<Pending> pending = new ArrayList<>();
    private boolean hold;
    private volatile int blockedPartition = -1;
    private final CountDownLatch blockedAppendEntered = new CountDownLatch(1);
    private final CountDownLatch unblock = new CountDownLatch(1);

    private record Pending(int partition, List<CoordinatorRecord> records, CompletableFuture<Void> future) {}

    @Override
    public CompletableFuture<Void> append(int partition, List<CoordinatorRecord> batch) {
        if (partition == blockedPartition) {
            blockedAppendEntered.countDown();
            try {
                unblock.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return appendNow(partition, batch);
    }

    private synchronized CompletableFuture<Void> appendNow(int partition, List<CoordinatorRecord> batch) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        if (hold) {
            pending.add(new Pending(partition, batch, future));
            return future;
        }
        records.computeIfAbsent(partition, p -> new ArrayList<>()).addAll(batch);
        future.complete(null);
        return future;
    }

    /**
     * Makes appends to {@code partition} block inside {@link #append} (as a slow disk write would, with the
     * shard's lock held) until {@link #unblockAppends}. Once per log.
     */
    void blockAppends(int partition) {
        blockedPartition = partition;
    }

    /** Waits until an append is blocked by {@link #blockAppends}. */
    void awaitBlockedAppend() throws InterruptedException {
        if (!blockedAppendEntered.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("no append was blocked");
        }
    }

    void unblockAppends() {
        blockedPartition = -1;
        unblock.countDown();
    }

    synchronized void holdCommits() {
        hold = true;
    }

    /** Commits every held append, in order, and stops holding. */
    void commitAll() {
        List<Pending> toComplete;
        synchronized (this) {
            hold = false;
            toComplete = new ArrayList<>(pending);
            pending.clear();
            for (Pending p : toComplete) {
                records.computeIfAbsent(p.partition(), k -> new ArrayList<>()).addAll(p.records());
            }
        }
        toComplete.forEach(p -> p.future().complete(null));
    }

    /** Fails every held append with {@code error}, and stops holding. */
    void failPending(ApiException error) {
        List<Pending> toFail;
        synchronized (this) {
            hold = false;
            toFail = new ArrayList<>(pending);
            pending.clear();
        }
        toFail.forEach(p -> p.future().completeExceptionally(error));
    }

    synchronized List<CoordinatorRecord> records(int partition) {
        return new ArrayList<>(records.getOrDefault(partition, List.of()));
    }

    synchronized int pendingCount() {
        return pending.size();
    }
}
