package io.fjord.coordinator;

import io.fjord.common.Uuid;
import io.fjord.coordinator.record.GroupRecords.ConsumerMemberValue;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A member of a {@link ConsumerGroup} (KIP-848): its subscription, its epoch, the partitions it owns, those
 * it must give back, and the target the assignor chose for it. Guarded by the shard's lock.
 */
final class ConsumerMember {

    /** Where the member is in reconciling towards its target, as Kafka's MemberState. */
    enum State {
        STABLE(0),
        UNREVOKED_PARTITIONS(1),
        UNRELEASED_PARTITIONS(2);

        final byte id;

        State(int id) {
            this.id = (byte) id;
        }

        static State forId(byte id) {
            for (State s : values()) {
                if (s.id == id) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown consumer member state " + id);
        }
    }

    final String memberId;
    String instanceId;
    String rackId;
    String clientId;
    String clientHost;
    List<String> subscribedTopicNames = List.of();
    String subscribedTopicRegex;

    /**
     * The topics the member's principal may describe, as its last heartbeat's broker judged them: its regular
     * expression subscribes only to those. In memory only: null after a load until the member's next heartbeat,
     * which keeps the expression to the topics the member held before ({@link #holds}), so that another member's
     * heartbeat cannot hand it a topic its principal may not see.
     */
    Predicate<String> describableTopics = ALL_TOPICS;

    static final Predicate<String> ALL_TOPICS = topic -> true;

    String serverAssignor;
    int rebalanceTimeoutMs;
    int memberEpoch;
    int previousMemberEpoch;
    State state = State.STABLE;
    Map<Uuid, Set<Integer>> assigned = new TreeMap<>();
    Map<Uuid, Set<Integer>> pendingRevocation = new TreeMap<>();
    Map<Uuid, Set<Integer>> target = new TreeMap<>();

    /**
     * KIP-1251: the member epoch at which each owned partition was assigned, so a commit carrying an older
     * epoch is still accepted for partitions the member has owned since then. A partition it has no entry for
     * was assigned at the current epoch. Stored with the member (those before the current epoch), so a commit
     * with the previous epoch still counts after the coordinator moves or restarts.
     */
    Map<Uuid, Map<Integer, Integer>> assignmentEpochs = new TreeMap<>();

    ConsumerMember(String memberId) {
        this.memberId = memberId;
    }

    /** Whether the member owns, is revoking or is assigned a partition of {@code topicId}. */
    boolean holds(Uuid topicId) {
        return topicId != null
                && (assigned.containsKey(topicId)
                        || pendingRevocation.containsKey(topicId)
                        || target.containsKey(topicId));
    }

    /** The epoch at which the member got {@code topicId}-{@code partition}, or -1 if it does not own it. */
    int assignmentEpoch(Uuid topicId, int partition) {
        Set<Integer> owned = assigned.get(topicId);
        if (owned == null || !owned.contains(partition)) {
            return -1;
        }
        Map<Integer, Integer> epochs = assignmentEpochs.get(topicId);
        Integer epoch = epochs == null ? null : epochs.get(partition);
        return epoch == null ? memberEpoch : epoch;
    }

    /** Sets the owned partitions; those it did not own before are stamped with the current member epoch. */
    void assign(Map<Uuid, Set<Integer>> owned) {
        Map<Uuid, Map<Integer, Integer>> epochs = new TreeMap<>();
        owned.forEach((id, partitions) -> {
            Map<Integer, Integer> topicEpochs = new TreeMap<>();
            for (int p : partitions) {
                topicEpochs.put(p, assignmentEpoch(id, p) < 0 ? memberEpoch : assignmentEpoch(id, p));
            }
            epochs.put(id, topicEpochs);
        });
        assigned = owned;
        assignmentEpochs = epochs;
    }

    ConsumerMemberValue toValue() {
        return new ConsumerMemberValue(
                instanceId,
                rackId,
                clientId,
                clientHost,
                subscribedTopicNames,
                subscribedTopicRegex,
                serverAssignor,
                rebalanceTimeoutMs,
                memberEpoch,
                previousMemberEpoch,
                state.id,
                assigned,
                pendingRevocation,
                target,
                assignedBefore());
    }

    /** The owned partitions assigned at an epoch before the current one, with that epoch. */
    private Map<Uuid, Map<Integer, Integer>> assignedBefore() {
        Map<Uuid, Map<Integer, Integer>> before = new TreeMap<>();
        assigned.forEach((id, partitions) -> {
            for (int p : partitions) {
                int epoch = assignmentEpoch(id, p);
                if (epoch != memberEpoch) {
                    before.computeIfAbsent(id, t -> new TreeMap<>()).put(p, epoch);
                }
            }
        });
        return before;
    }

    static ConsumerMember fromValue(String memberId, ConsumerMemberValue v) {
        ConsumerMember m = new ConsumerMember(memberId);
        m.instanceId = v.instanceId();
        m.rackId = v.rackId();
        m.clientId = v.clientId();
        m.clientHost = v.clientHost();
        m.subscribedTopicNames = List.copyOf(v.subscribedTopicNames());
        m.subscribedTopicRegex = v.subscribedTopicRegex();
        m.serverAssignor = v.serverAssignor();
        m.rebalanceTimeoutMs = v.rebalanceTimeoutMs();
        m.memberEpoch = v.memberEpoch();
        m.previousMemberEpoch = v.previousMemberEpoch();
        m.state = State.forId(v.state());
        m.assigned = new TreeMap<>(v.assigned());
        m.pendingRevocation = new TreeMap<>(v.pendingRevocation());
        m.target = new TreeMap<>(v.target());
        m.assignmentEpochs = new TreeMap<>(v.assignedAt());
        m.describableTopics = null; // not judged since the load
        return m;
    }
}
