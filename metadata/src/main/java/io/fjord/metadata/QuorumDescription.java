package io.fjord.metadata;

import java.util.List;

/**
 * The metadata quorum as its leader sees it, what Kafka's DescribeQuorum reports: the leader, its epoch
 * (the Raft term), the high watermark, and each voter's and observer's progress. Offsets count entries of
 * the Raft log, one past the last (a log end offset, as in Kafka); a replica's lag is the leader's log end
 * offset less its own. Immutable.
 */
public record QuorumDescription(
        int leaderId, long leaderEpoch, long highWatermark, List<Replica> voters, List<Replica> observers) {

    public QuorumDescription {
        voters = List.copyOf(voters);
        observers = List.copyOf(observers);
    }

    /**
     * One replica's progress: its log end offset (-1 when the leader does not know it), when the leader last
     * heard from it and when it last had everything the leader had committed (epoch milliseconds, -1 when
     * unknown).
     */
    public record Replica(int replicaId, long logEndOffset, long lastFetchTimestampMs, long lastCaughtUpTimestampMs) {}
}
