package io.fjord.metadata;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The replicated, totally ordered log of {@link MetadataRecord}s. {@link LocalMetadataLog} is a single
 * node's file; fjord-raft's {@code RaftMetadataLog} (Apache Ratis) replaces it for a multi-broker quorum
 * without changes to its callers. Listeners also hear leadership ({@link MetadataListener#onBecomeLeader},
 * {@link MetadataListener#onResign}).
 *
 * <p>Thread-safe: any thread may append and register. Appends are performed on the log's own thread.
 */
public interface MetadataLog extends AutoCloseable {

    /**
     * Appends {@code records} as one batch, atomically: all of them commit or none do. The future completes
     * with the offset of the batch's last record once the batch is committed (durable on a quorum); by then
     * every registered listener has been handed the batch. It fails if the log is closed or broken, or (in
     * a quorum) no leader commits it in time; a quorum implementation may forward the batch to the leader
     * (fjord-raft's does), so the future completes before this node's own listeners have the batch.
     */
    CompletableFuture<Long> append(List<MetadataRecord> records);

    /**
     * Registers a listener: it receives every committed batch from the start of the log (recovery), then
     * {@link MetadataListener#onReplayComplete}, then each new batch, in order, exactly once.
     */
    void register(MetadataListener listener);

    /**
     * Stops the log: appends already accepted are finished (or failed), later ones fail; listeners hear
     * nothing after the last finished append. Idempotent.
     */
    @Override
    void close();
}
