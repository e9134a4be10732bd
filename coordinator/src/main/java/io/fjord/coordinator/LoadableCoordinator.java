package io.fjord.coordinator;

import java.util.Set;

/**
 * A coordinator whose state lives in the partitions of an internal topic: it serves the partitions this broker
 * leads, each loaded from its log when leadership arrives and dropped when it leaves. The broker calls both
 * methods in the order leadership changes.
 */
public interface LoadableCoordinator {

    /**
     * Registers {@code partition} as loading at once and returns the load to run on a loading thread.
     *
     * @param leaderEpoch the partition's leader epoch now (the transaction coordinator's epoch)
     */
    CoordinatorLoad scheduleLoad(int partition, int leaderEpoch);

    /** Stops serving {@code partition}. Idempotent. */
    void unloadPartition(int partition);

    /**
     * Whether a partition must be loaded again when its leader epoch rises while this broker still leads it (the
     * transaction coordinator: the epoch fences the markers of an older coordinator). A coordinator that does not
     * use the epoch keeps serving, which spares it a second load right after a restart (the broker's re-register
     * bumps the epochs of the partitions it led).
     */
    default boolean reloadsOnNewLeaderEpoch() {
        return false;
    }

    /** Forgets what the partitions this broker serves hold about {@code topics}, which were just deleted. */
    default void onTopicsDeleted(Set<String> topics) {}
}
