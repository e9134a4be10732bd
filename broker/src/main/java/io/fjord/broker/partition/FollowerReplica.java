package io.fjord.broker.partition;

/**
 * What a partition leader knows about one follower: its log end offset (the offset it last fetched
 * from), its log start offset, and when it last caught up with the leader's log end offset. A broker that
 * becomes leader starts with the log end offset unknown (-1), so the high watermark waits for the follower's
 * first fetch; at each new leader epoch a follower in the ISR counts as "caught up" at that moment, one outside
 * it never was.
 *
 * <p>Not thread-safe: guarded by the owning {@link Partition}'s state lock.
 */
final class FollowerReplica {

    static final long UNKNOWN_OFFSET = -1L;

    private final int brokerId;
    private long logEndOffset = UNKNOWN_OFFSET;
    private long logStartOffset = UNKNOWN_OFFSET;
    private long lastCaughtUpTimeMs;
    private long lastFetchTimeMs;
    private long lastFetchLeaderLogEndOffset = UNKNOWN_OFFSET;

    FollowerReplica(int brokerId, long lastCaughtUpTimeMs) {
        this.brokerId = brokerId;
        this.lastCaughtUpTimeMs = lastCaughtUpTimeMs;
    }

    int brokerId() {
        return brokerId;
    }

    long logEndOffset() {
        return logEndOffset;
    }

    long logStartOffset() {
        return logStartOffset;
    }

    /**
     * Records a fetch at {@code fetchOffset} (the follower's log end offset) made at {@code fetchTimeMs},
     * when the leader's log ended at {@code leaderLogEndOffset}. As in Kafka: the follower is caught up
     * now if it fetched from the leader's end, and was caught up at its previous fetch if it has now
     * reached what the leader's end was then.
     */
    void onFetch(long fetchOffset, long followerLogStartOffset, long fetchTimeMs, long leaderLogEndOffset) {
        if (fetchOffset >= leaderLogEndOffset) {
            lastCaughtUpTimeMs = Math.max(lastCaughtUpTimeMs, fetchTimeMs);
        } else if (fetchOffset >= lastFetchLeaderLogEndOffset && lastFetchLeaderLogEndOffset >= 0) {
            lastCaughtUpTimeMs = Math.max(lastCaughtUpTimeMs, lastFetchTimeMs);
        }
        logEndOffset = fetchOffset;
        logStartOffset = followerLogStartOffset;
        lastFetchLeaderLogEndOffset = leaderLogEndOffset;
        lastFetchTimeMs = fetchTimeMs;
    }

    /**
     * A new leader epoch on the same leader: the follower counts as caught up at {@code lastCaughtUpTimeMs} (now for
     * an ISR member, never for the others), as Kafka's resetReplicaState has it; its position stays.
     */
    void resetLastCaughtUp(long lastCaughtUpTimeMs) {
        this.lastCaughtUpTimeMs = lastCaughtUpTimeMs;
    }

    /** Kafka's isCaughtUp: at the leader's end, or caught up within the last {@code maxLagMs}. */
    boolean isCaughtUp(long leaderLogEndOffset, long nowMs, long maxLagMs) {
        return logEndOffset >= leaderLogEndOffset || nowMs - lastCaughtUpTimeMs <= maxLagMs;
    }

    @Override
    public String toString() {
        return "FollowerReplica[" + brokerId + ", logEndOffset=" + logEndOffset + ", lastCaughtUpTimeMs="
                + lastCaughtUpTimeMs + "]";
    }
}
