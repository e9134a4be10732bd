package io.fjord.metadata;

/**
 * Receives the committed batches of a {@link MetadataLog}, each exactly once and in offset order: first
 * the batches already in the log when it registered (recovery), then {@link #onReplayComplete}, then new
 * batches as they commit.
 *
 * <p>Called on the log's own thread, one call at a time: implementations must be quick and must not
 * block on the log (hand work to another thread instead). An exception is logged and does not stop
 * delivery to this or other listeners.
 */
public interface MetadataListener {

    /** A batch is committed. */
    void onCommit(MetadataBatch batch);

    /** Every batch that was in the log at registration has been delivered; {@code lastOffset} is -1 if none. */
    default void onReplayComplete(long lastOffset) {}

    /**
     * This node became the log's leader (the active controller) at {@code epoch} (the Raft term; 0 for a
     * single-node log, which leads from {@link #onReplayComplete} on). Every batch committed before the
     * leadership began has been delivered.
     */
    default void onBecomeLeader(long epoch) {}

    /** This node stopped being the leader (a new election, or the log closing). */
    default void onResign() {}
}
