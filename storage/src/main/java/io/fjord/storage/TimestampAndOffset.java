package io.fjord.storage;

/**
 * A ListOffsets answer: the timestamp found (-1 for EARLIEST/LATEST), its offset and the leader epoch of
 * that offset (-1 when unknown). Immutable.
 */
public record TimestampAndOffset(long timestampMs, long offset, int leaderEpoch) {}
