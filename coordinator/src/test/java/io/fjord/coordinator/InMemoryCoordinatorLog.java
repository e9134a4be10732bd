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
 * A {@link CoordinatorLog} in memory: appends are kept per partition in order, as entries with offsets (a
 * transactional append's records carry its producer id; {@link #appendMarker} adds a transaction marker). By
 * default an append commits at once; with {@link #holdCommits} they wait for {@link #commitAll} (or fail with
 * {@link #failPending}) and take their offsets when they commit; with {@link #blockAppends} the append call
 * itself blocks.
 */
final class InMemoryCoordinatorLog implements CoordinatorLog {

    private final Map<Integer, List<CoordinatorLogEntry>> entries = new HashMap<>();
    private final List<Pending> pending = new ArrayList<>();
    private boolean hold;
    private volatile int blockedPartition = -1;
    private final CountDownLatch blockedAppendEntered = new CountDownLatch(1);
    private final CountDownLatch unblock = new CountDownLatch(1);

    private record Pending(
            int partition, long producerId, List<CoordinatorRecord> records, CompletableFuture<Void> future) {}

    @Override
    public CompletableFuture<Void> append(int partition, List<CoordinatorRecord> batch) {
        return appendAs(partition, CoordinatorLogEntry.NO_PRODUCER_ID, batch);
    }

    @Override
    public CompletableFuture<Void> appendTransactional(
            int partition,
            long producerId,
            short producerEpoch,
            io.fjord.common.VerificationGuard guard,
            List<CoordinatorRecord> batch) {
        return appendAs(partition, producerId, batch);
    }

    private CompletableFuture<Void> appendAs(int partition, long producerId, List<CoordinatorRecord> batch) {
        if (partition == blockedPartition) {
            blockedAppendEntered.countDown();
            try {
                unblock.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return appendNow(partition, producerId, batch);
    }

    private synchronized CompletableFuture<Void> appendNow(
            int partition, long producerId, List<CoordinatorRecord> batch) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        if (hold) {
            pending.add(new Pending(partition, producerId, batch, future));
            return future;
        }
        write(partition, producerId, batch);
        future.complete(null);
        return future;
    }

    private void write(int partition, long producerId, List<CoordinatorRecord> batch) {
        List<CoordinatorLogEntry> log = entries.computeIfAbsent(partition, p -> new ArrayList<>());
        for (CoordinatorRecord record : batch) {
            log.add(new CoordinatorLogEntry.Data(log.size(), producerId, record));
        }
    }

    /** Appends {@code producerId}'s end-transaction marker to {@code partition}, as the broker would. */
    synchronized void appendMarker(int partition, long producerId, boolean committed) {
        List<CoordinatorLogEntry> log = entries.computeIfAbsent(partition, p -> new ArrayList<>());
        log.add(new CoordinatorLogEntry.TransactionMarker(log.size(), producerId, committed));
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
                write(p.partition(), p.producerId(), p.records());
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

    /** The records written to {@code partition}, transactional or not, in order. */
    synchronized List<CoordinatorRecord> records(int partition) {
        List<CoordinatorRecord> records = new ArrayList<>();
        for (CoordinatorLogEntry entry : entries(partition)) {
            if (entry instanceof CoordinatorLogEntry.Data data) {
                records.add(data.record());
            }
        }
        return records;
    }

    /** Everything written to {@code partition}, in order: what a load replays. */
    synchronized List<CoordinatorLogEntry> entries(int partition) {
        return new ArrayList<>(entries.getOrDefault(partition, List.of()));
    }

    synchronized int pendingCount() {
        return pending.size();
    }
}
