package io.fjord.storage;

/**
 * Who writes a batch through {@link UnifiedLog#appendAsLeader(java.nio.ByteBuffer, int, AppendOrigin)}, as in
 * Kafka's {@code AppendOrigin}: a client's batch gets every check; a coordinator's batch (the broker's own
 * group or transaction coordinator) may be a control batch and is not held to the producer's sequence numbers
 * (a coordinator writes transactional batches with base sequence 0 for whatever producer it acts for, as
 * Kafka's does), though a stale producer epoch is still rejected.
 */
public enum AppendOrigin {
    CLIENT,
    COORDINATOR
}
