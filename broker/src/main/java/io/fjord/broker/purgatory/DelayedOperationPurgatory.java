package io.fjord.broker.purgatory;

import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Holds {@link DelayedOperation}s until they can complete. Each operation watches one or more keys (e.g.
 * a partition); whoever changes the state behind a key calls {@link #checkAndComplete(Object)}, which
 * tries the operations watching it. The deadline runs on a shared scheduler. Nothing polls.
 *
 * <p>The scheduler must remove cancelled tasks ({@code setRemoveOnCancelPolicy(true)}).
 *
 * <p>Thread-safe. Completed operations are purged from the watch lists lazily, bounded by
 * {@link #purgeIntervalOps}.
 *
 * @param <K> the watch key type
 */
public final class DelayedOperationPurgatory<K> {

    private final String name;
    private final ScheduledExecutorService timer;
    private final Map<K, Queue<DelayedOperation>> watchers = new ConcurrentHashMap<>();
    private final AtomicInteger addsSincePurge = new AtomicInteger();
    private final int purgeIntervalOps;

    public DelayedOperationPurgatory(String name, ScheduledExecutorService timer, int purgeIntervalOps) {
        this.name = name;
        this.timer = timer;
        this.purgeIntervalOps = purgeIntervalOps;
    }

    public String name() {
        return name;
    }

    /**
     * Completes the operation now if it can; otherwise watches it under {@code keys} until a
     * {@link #checkAndComplete} or its deadline completes it. Returns whether it completed at once.
     */
    public boolean tryCompleteElseWatch(DelayedOperation operation, Collection<K> keys) {
        if (operation.tryComplete()) {
            return true;
        }
        for (K key : keys) {
            // Added inside compute: a concurrent removal of an emptied queue (also inside compute) can then
            // never drop this operation from the map between the lookup and the add.
            watchers.compute(key, (k, queue) -> {
                Queue<DelayedOperation> target = queue != null ? queue : new ConcurrentLinkedQueue<>();
                target.add(operation);
                return target;
            });
        }
        // A change may have slipped in between the first check and the watch: check once more.
        if (operation.tryComplete()) {
            return true;
        }
        operation.deadline(timer.schedule(operation::expire, operation.delayMs(), TimeUnit.MILLISECONDS));
        if (addsSincePurge.incrementAndGet() >= purgeIntervalOps) {
            addsSincePurge.set(0);
            purgeCompleted();
        }
        return false;
    }

    /** Tries every operation watching {@code key}; returns how many completed. */
    public int checkAndComplete(K key) {
        Queue<DelayedOperation> queue = watchers.get(key);
        if (queue == null) {
            return 0;
        }
        int completed = 0;
        for (Iterator<DelayedOperation> it = queue.iterator(); it.hasNext(); ) {
            DelayedOperation op = it.next();
            if (op.isCompleted()) {
                it.remove();
            } else if (op.tryComplete()) {
                it.remove();
                completed++;
            }
        }
        removeIfEmpty(key);
        return completed;
    }

    /** Completes every watched operation of every key now (broker shutdown, leadership change). */
    public void completeAll(List<K> keys) {
        for (K key : keys) {
            Queue<DelayedOperation> queue = watchers.remove(key);
            if (queue != null) {
                queue.forEach(DelayedOperation::forceComplete);
            }
        }
    }

    /** The number of distinct operations still watched (an approximation while changes run). */
    public int watched() {
        return (int) watchers.values().stream()
                .flatMap(Collection::stream)
                .filter(op -> !op.isCompleted())
                .distinct()
                .count();
    }

    private void purgeCompleted() {
        for (Map.Entry<K, Queue<DelayedOperation>> entry : watchers.entrySet()) {
            entry.getValue().removeIf(DelayedOperation::isCompleted);
            removeIfEmpty(entry.getKey());
        }
    }

    /** Drops the key's queue if empty, atomically with respect to the adds in {@link #tryCompleteElseWatch}. */
    private void removeIfEmpty(K key) {
        watchers.computeIfPresent(key, (k, queue) -> queue.isEmpty() ? null : queue);
    }

    /** The number of keys with a watch list (completed operations may linger until the next purge). */
    // Visible for testing
    int watchedKeys() {
        return watchers.size();
    }
}
