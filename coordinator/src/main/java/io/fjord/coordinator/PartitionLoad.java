package io.fjord.coordinator;

import java.util.Iterator;

/**
 * One scheduled load of a {@code __consumer_offsets} partition, from {@link GroupCoordinator#scheduleLoad}.
 * The partition's shard is already registered as LOADING (requests for its groups get
 * COORDINATOR_LOAD_IN_PROGRESS), so an unload or a newer load that arrives before {@link #run} cancels this
 * one. Thread-safe; {@link #run} is called once, by the loading thread.
 */
public final class PartitionLoad implements CoordinatorLoad {

    private final GroupCoordinator coordinator;
    private final CoordinatorShard shard;

    PartitionLoad(GroupCoordinator coordinator, CoordinatorShard shard) {
        this.coordinator = coordinator;
        this.shard = shard;
    }

    @Override
    public int partition() {
        return shard.partition;
    }

    /** True once the partition was unloaded (or loaded again) after this load was scheduled. */
    @Override
    public boolean isCancelled() {
        return shard.state() == CoordinatorShard.State.CLOSED;
    }

    /**
     * Replays {@code entries} (in log order, from the log start: records and transaction markers) and then
     * serves the partition's groups. {@code entries} is consumed outside the shard's lock, so it may read from
     * disk; it is no longer consumed once the load is cancelled. If it throws, the partition is unloaded and
     * the exception rethrown.
     *
     * @return true if the partition is now served, false if the load was cancelled
     */
    @Override
    public boolean run(Iterator<CoordinatorLogEntry> entries) {
        return coordinator.replayAndActivate(shard, entries);
    }

    /** Gives this load up: the partition is unloaded unless a newer load replaced it. Idempotent. */
    @Override
    public void cancel() {
        coordinator.abandon(shard);
    }
}
