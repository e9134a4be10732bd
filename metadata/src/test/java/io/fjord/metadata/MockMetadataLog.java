package io.fjord.metadata;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link MetadataLog} that commits, fails or interleaves foreign batches only when the test says so,
 * the way a Raft log can. Callbacks run on the test's thread. Thread-safe (one monitor).
 */
final class MockMetadataLog implements MetadataLog {

    private record Pending(List<MetadataRecord> records, CompletableFuture<Long> future) {}

    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final List<MetadataListener> listeners = new ArrayList<>();
    private long nextOffset;

    @Override
    public synchronized CompletableFuture<Long> append(List<MetadataRecord> records) {
        CompletableFuture<Long> future = new CompletableFuture<>();
        pending.add(new Pending(List.copyOf(records), future));
        notifyAll();
        return future;
    }

    @Override
    public synchronized void register(MetadataListener listener) {
        listener.onReplayComplete(nextOffset - 1);
        listeners.add(listener);
    }

    /** Waits until at least {@code count} appends are pending. */
    synchronized void awaitPending(int count) throws InterruptedException {
        long deadlineMs = System.currentTimeMillis() + 10_000;
        while (pending.size() < count) {
            long leftMs = deadlineMs - System.currentTimeMillis();
            if (leftMs <= 0) {
                throw new AssertionError("expected " + count + " pending appends, have " + pending.size());
            }
            wait(leftMs);
        }
    }

    /** Commits the oldest pending append: listeners first, then its future. */
    void commitNext() throws InterruptedException {
        Pending next;
        MetadataBatch batch;
        synchronized (this) {
            awaitPending(1);
            next = pending.poll();
            batch = new MetadataBatch(nextOffset, next.records());
            nextOffset = batch.lastOffset() + 1;
            listeners.forEach(l -> l.onCommit(batch));
        }
        next.future().complete(batch.lastOffset());
    }

    /** Fails the oldest pending append, as a lost leadership or a broken disk would. */
    void failNext(Throwable error) throws InterruptedException {
        Pending next;
        synchronized (this) {
            awaitPending(1);
            next = pending.poll();
        }
        next.future().completeExceptionally(error);
    }

    /** Commits a batch some other node wrote. */
    synchronized void commitForeign(List<MetadataRecord> records) {
        MetadataBatch batch = new MetadataBatch(nextOffset, records);
        nextOffset = batch.lastOffset() + 1;
        listeners.forEach(l -> l.onCommit(batch));
    }

    @Override
    public void close() {}
}
