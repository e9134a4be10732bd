package io.fjord.coordinator;

import java.util.HashMap;
import java.util.Map;

/**
 * Named one-shot timers of a shard ("join:g1", "hb:g1:member-1"). Scheduling a key replaces its previous
 * timer; a task runs under the shard's lock and only if the shard is still active and the timer was neither
 * cancelled nor replaced. Guarded by the shard's lock.
 */
final class ShardTimers {

    private final CoordinatorShard shard;
    private final CoordinatorScheduler scheduler;
    private final Map<String, Entry> entries = new HashMap<>();

    private static final class Entry {
        CoordinatorScheduler.Cancellable handle;
    }

    ShardTimers(CoordinatorShard shard, CoordinatorScheduler scheduler) {
        this.shard = shard;
        this.scheduler = scheduler;
    }

    void schedule(String key, long delayMs, Runnable task) {
        cancel(key);
        Entry entry = new Entry();
        entries.put(key, entry);
        entry.handle = scheduler.schedule(delayMs, () -> {
            shard.lock.lock();
            try {
                if (entries.get(key) != entry || !shard.isActive()) {
                    return;
                }
                entries.remove(key);
                task.run();
            } finally {
                shard.lock.unlock();
            }
        });
    }

    boolean isScheduled(String key) {
        return entries.containsKey(key);
    }

    void cancel(String key) {
        Entry previous = entries.remove(key);
        if (previous != null && previous.handle != null) {
            previous.handle.cancel();
        }
    }

    void cancelAll() {
        for (Entry entry : entries.values()) {
            if (entry.handle != null) {
                entry.handle.cancel();
            }
        }
        entries.clear();
    }
}
