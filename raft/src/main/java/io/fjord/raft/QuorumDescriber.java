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
 * leader has committed. Ratis keeps no history of that, so the leader remembers, in {@code lastCaughtUpMs},
 * the last answer at which each replica was caught up when it was described: a lagging replica reports that
 * time, one never seen caught up -1, as Kafka reports a time it does not know. A follower that has not
 * answered since this leader took over has no log end offset and no fetch time (-1; Ratis seeds its answer
 * time with a placeholder). Called on the leader's query threads; {@code lastCaughtUpMs} must be concurrent.
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
            long nowMs,
            Map<Integer, Long> lastCaughtUpMs) {
        long highWatermark = commitIndex + 1;
        Map<Integer, QuorumDescription.Replica> known = new HashMap<>();
        for (Follower f : followers) {
            if (f.matchIndex() < 0) {
                known.put(
                        f.id(),
                        new QuorumDescription.Replica(f.id(), -1, -1, lastCaughtUpMs.getOrDefault(f.id(), -1L)));
                continue;
            }
            long logEndOffset = f.matchIndex() + 1;
            long lastFetch = nowMs - f.lastAnswerElapsedMs();
            if (logEndOffset >= highWatermark) {
                lastCaughtUpMs.put(f.id(), lastFetch);
            }
            known.put(
                    f.id(),
                    new QuorumDescription.Replica(
                            f.id(), logEndOffset, lastFetch, lastCaughtUpMs.getOrDefault(f.id(), -1L)));
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
