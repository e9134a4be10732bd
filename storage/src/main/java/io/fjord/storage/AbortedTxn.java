package io.fjord.storage;

/**
 * An aborted transaction of one producer on one partition, as the transaction index keeps it: its first
 * data offset, the offset of its ABORT marker, and the last stable offset when the marker was written
 * (every transaction aborted later starts at or after it, which bounds a lookup). A read_committed
 * consumer drops the producer's records in [firstOffset, lastOffset]. Immutable.
 */
public record AbortedTxn(long producerId, long firstOffset, long lastOffset, long lastStableOffset) {}
