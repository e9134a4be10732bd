package io.fjord.raft;

import io.fjord.metadata.QuorumDescription;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the leader's {@link QuorumDescription} from what Ratis tells it: its term, its log's next index
 * and commit index, the voting and listening peers of the group, and each follower's match index and time
 * since its last answer. Offsets are Raft log indexes turned into end offsets (one past the last entry), so
 * the leader's log end offset is its next index, a follower's is its match index plus one, and the high
 * watermark is the commit index plus one. A replica counts as caught up when it holds everything the
 * leader has committed; Ratis keeps no history of that, so {@code lastCaughtUpTimestamp} is its last
 * answer then, and -1 while it lags. Pure; called on the leader's query thread.
 */
final class QuorumDescriber {

    private QuorumDescriber() {}

    /** A follower (voter or listener) as the leader's appender for it sees it. */
    record Follower(int id, long matchIndex, long lastAnswerElapsedMs) {}

    static QuorumDescription describe(
            int leaderId,
            long term,
            long nextIndex,
            long commitIndex,
            List<Integer> voterIds,
            List<Integer> observerIds,
            List<Follower> followers,
            long nowMs) {
        long highWatermark = commitIndex + 1;
        Map<Integer, QuorumDescription.Replica> known = new HashMap<>();
        for (Follower f : followers) {
            long logEndOffset = f.matchIndex() < 0 ? -1 : f.matchIndex() + 1;
            long lastFetch = nowMs - f.lastAnswerElapsedMs();
            known.put(
                    f.id(),
                    new QuorumDescription.Replica(
                            f.id(), logEndOffset, lastFetch, logEndOffset >= highWatermark ? lastFetch : -1));
        }
        known.put(leaderId, new QuorumDescription.Replica(leaderId, nextIndex, nowMs, nowMs));
        return new QuorumDescription(
                leaderId, term, highWatermark, replicas(voterIds, known), replicas(observerIds, known));
    }

    private static List<QuorumDescription.Replica> replicas(
            List<Integer> ids, Map<Integer, QuorumDescription.Replica> known) {
        List<QuorumDescription.Replica> out = new ArrayList<>(ids.size());
        for (int id : ids) {
            out.add(known.getOrDefault(id, new QuorumDescription.Replica(id, -1, -1, -1)));
        }
        return out;
    }
}
