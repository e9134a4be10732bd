package io.fjord.storage;

/**
 * An OffsetForLeaderEpoch answer: the largest epoch at most the one asked for, and the offset where the
 * next epoch started (or the log end offset for the latest epoch). Both -1 when undefined. Immutable.
 */
public record EpochEndOffset(int leaderEpoch, long endOffset) {

    public static final EpochEndOffset UNDEFINED = new EpochEndOffset(-1, -1L);
}
