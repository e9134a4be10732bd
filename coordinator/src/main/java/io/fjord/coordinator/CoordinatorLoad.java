package io.fjord.coordinator;

import java.util.Iterator;

/**
 * One scheduled load of a coordinator partition ({@code __consumer_offsets} or {@code __transaction_state}),
 * from {@link LoadableCoordinator#scheduleLoad}: requests for its keys get COORDINATOR_LOAD_IN_PROGRESS until
 * {@link #run} has replayed the partition, and an unload or a newer load cancels it. Thread-safe; {@link #run}
 * is called once, by the loading thread.
 */
public interface CoordinatorLoad {

    int partition();

    /** True once the partition was unloaded (or loaded again) after this load was scheduled. */
    boolean isCancelled();

    /**
     * Replays {@code entries} (in log order, from the log start) and then serves the partition. {@code entries}
     * may read from disk; it is no longer consumed once the load is cancelled.
     *
     * @return true if the partition is now served, false if the load was cancelled
     */
    boolean run(Iterator<CoordinatorLogEntry> entries);

    /** Gives this load up: the partition is unloaded unless a newer load replaced it. Idempotent. */
    void cancel();
}
