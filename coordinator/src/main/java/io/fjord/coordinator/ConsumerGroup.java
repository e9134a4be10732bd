package io.fjord.coordinator;

import io.fjord.common.Uuid;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A consumer group of the KIP-848 protocol: the group epoch (bumped when membership, subscriptions or the
 * subscribed topics' metadata change), the assignment epoch (the group epoch the target assignment was
 * computed for) and the members. Which member currently owns each partition (assigned or still pending
 * revocation) is derived from the members, so a partition is never given to a second member before the
 * first has released it. Guarded by the shard's lock.
 */
final class ConsumerGroup implements Group {

    private final String groupId;
    int groupEpoch;
    int assignmentEpoch;
    long stateTimestampMs;
    /** The subscribed topics and their partition counts the current group epoch was computed from. */
    Map<String, Integer> subscriptionMetadata = new TreeMap<>();

    final Map<String, ConsumerMember> members = new TreeMap<>();
    private final Map<String, String> staticMembers = new HashMap<>();

    ConsumerGroup(String groupId, long nowMs) {
        this.groupId = groupId;
        this.stateTimestampMs = nowMs;
    }

    @Override
    public String groupId() {
        return groupId;
    }

    @Override
    public String type() {
        return "consumer";
    }

    @Override
    public String protocolType() {
        return "consumer";
    }

    @Override
    public boolean isEmpty() {
        return members.isEmpty();
    }

    @Override
    public String stateName() {
        if (members.isEmpty()) {
            return "Empty";
        }
        if (groupEpoch > assignmentEpoch) {
            return "Assigning";
        }
        for (ConsumerMember m : members.values()) {
            if (m.memberEpoch != assignmentEpoch || m.state != ConsumerMember.State.STABLE) {
                return "Reconciling";
            }
        }
        return "Stable";
    }

    ConsumerMember member(String memberId) {
        return members.get(memberId);
    }

    String staticMemberId(String instanceId) {
        return instanceId == null ? null : staticMembers.get(instanceId);
    }

    void put(ConsumerMember member) {
        members.put(member.memberId, member);
        if (member.instanceId != null) {
            staticMembers.put(member.instanceId, member.memberId);
        }
    }

    void remove(String memberId) {
        ConsumerMember removed = members.remove(memberId);
        if (removed != null && removed.instanceId != null) {
            staticMembers.remove(removed.instanceId, memberId);
        }
    }

    /** The member that owns (or has yet to revoke) {@code partition} of {@code topicId}, or null. */
    String owner(Uuid topicId, int partition) {
        for (ConsumerMember m : members.values()) {
            if (contains(m.assigned, topicId, partition) || contains(m.pendingRevocation, topicId, partition)) {
                return m.memberId;
            }
        }
        return null;
    }

    static boolean contains(Map<Uuid, Set<Integer>> assignment, Uuid topicId, int partition) {
        Set<Integer> partitions = assignment.get(topicId);
        return partitions != null && partitions.contains(partition);
    }
}
