package io.fjord.coordinator;

import io.fjord.common.Uuid;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Moves one consumer-protocol member towards its target assignment, as Kafka's CurrentAssignmentBuilder:
 * partitions leaving the member are first revoked (the member keeps its epoch and state
 * UNREVOKED_PARTITIONS until its heartbeat shows it no longer owns them); only then does it get the group's
 * assignment epoch and the new partitions that no other member still owns (the rest wait, state
 * UNRELEASED_PARTITIONS). Stateless; called with the shard's lock held.
 */
final class ConsumerReconciler {

    private ConsumerReconciler() {}

    /** @param owned the partitions the member reports owning, or null if it did not report them */
    static void reconcile(ConsumerGroup group, ConsumerMember member, Map<Uuid, Set<Integer>> owned) {
        if (member.state == ConsumerMember.State.UNREVOKED_PARTITIONS) {
            if (owned == null || intersects(owned, member.pendingRevocation)) {
                return;
            }
            member.pendingRevocation = new TreeMap<>();
        } else if (member.memberEpoch == group.assignmentEpoch && member.state == ConsumerMember.State.STABLE) {
            return;
        }
        Map<Uuid, Set<Integer>> keep = new TreeMap<>();
        Map<Uuid, Set<Integer>> revoke = new TreeMap<>();
        member.assigned.forEach((id, partitions) -> {
            for (int p : partitions) {
                boolean inTarget = ConsumerGroup.contains(member.target, id, p);
                (inTarget ? keep : revoke)
                        .computeIfAbsent(id, t -> new TreeSet<>())
                        .add(p);
            }
        });
        if (!revoke.isEmpty()) {
            member.assign(keep);
            member.pendingRevocation = revoke;
            member.state = ConsumerMember.State.UNREVOKED_PARTITIONS;
            return;
        }
        boolean unreleased = false;
        for (Map.Entry<Uuid, Set<Integer>> e : member.target.entrySet()) {
            for (int p : e.getValue()) {
                if (ConsumerGroup.contains(keep, e.getKey(), p)) {
                    continue;
                }
                String owner = group.owner(e.getKey(), p);
                if (owner == null || owner.equals(member.memberId)) {
                    keep.computeIfAbsent(e.getKey(), t -> new TreeSet<>()).add(p);
                } else {
                    unreleased = true;
                }
            }
        }
        if (member.memberEpoch != group.assignmentEpoch) {
            member.previousMemberEpoch = member.memberEpoch;
            member.memberEpoch = group.assignmentEpoch;
        }
        member.assign(keep);
        member.state = unreleased ? ConsumerMember.State.UNRELEASED_PARTITIONS : ConsumerMember.State.STABLE;
    }

    private static boolean intersects(Map<Uuid, Set<Integer>> a, Map<Uuid, Set<Integer>> b) {
        for (Map.Entry<Uuid, Set<Integer>> e : a.entrySet()) {
            Set<Integer> other = b.get(e.getKey());
            if (other != null) {
                for (int p : e.getValue()) {
                    if (other.contains(p)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
