package io.fjord.coordinator;

import java.util.HashMap;
import java.util.Map;

/**
 * Named one-shot timers of a shard ("join:g1", "hb:g1:member-1"). Scheduling a key replaces its previous
 * timer; a task runs under the shard's lock and only if the shard is still active and the timer was neither
 * cancelled nor replaced. Guarded by the shard's lock.
 *
 * <p>A due task that finds the shard's lock taken (the shard may be appending to its log under it) does not
 * wait for it: it tries again {@link #LOCK_RETRY_MS} later, so one busy shard never holds up the timer thread
 * that every shard shares, nor the session timeouts of other shards' groups.
 */
final class ShardTimers {

    static final long LOCK_RETRY_MS = 5;

    private final CoordinatorShard shard;
    private final CoordinatorScheduler scheduler;
    private final Map<String, Entry> entries = new HashMap<>();

    private static final class Entry {
        /** Written under the shard's lock, and by the timer thread when it reschedules a busy task. */
        volatile CoordinatorScheduler.Cancellable handle;

        volatile boolean cancelled;
    }

    ShardTimers(CoordinatorShard shard, CoordinatorScheduler scheduler) {
        this.shard = shard;
        this.scheduler = scheduler;
    }

    void schedule(String key, long delayMs, Runnable task) {
        cancel(key);
        Entry entry = new Entry();
        entries.put(key, entry);
        entry.handle = scheduler.schedule(delayMs, () -> fire(key, entry, task));
    }

    /** Runs on the scheduler's thread. */
    private void fire(String key, Entry entry, Runnable task) {
        if (entry.cancelled) {
            return;
        }
        if (!shard.lock.tryLock()) {
            entry.handle = scheduler.schedule(LOCK_RETRY_MS, () -> fire(key, entry, task));
            return;
        }
        try {
            if (entries.get(key) != entry || !shard.isActive()) {
                return;
            }
            entries.remove(key);
            task.run();
        } finally {
            shard.lock.unlock();
        }
    }

    boolean isScheduled(String key) {
        return entries.containsKey(key);
    }

    void cancel(String key) {
        Entry previous = entries.remove(key);
        if (previous != null) {
            cancel(previous);
        }
    }

    void cancelAll() {
        entries.values().forEach(ShardTimers::cancel);
        entries.clear();
    }

    private static void cancel(Entry entry) {
        entry.cancelled = true;
        CoordinatorScheduler.Cancellable handle = entry.handle;
        if (handle != null) {
            handle.cancel();
        }
    }
}
