package io.fjord.coordinator;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A classic group (JoinGroup/SyncGroup/Heartbeat/LeaveGroup, client-side assignors) and its state machine,
 * as Kafka's ClassicGroup: Empty -> PreparingRebalance -> CompletingRebalance -> Stable, and Dead once
 * deleted. A group created by a simple offset commit is an Empty classic group with protocol type "".
 * Guarded by the shard's lock.
 */
final class ClassicGroup implements Group {

    enum State {
        EMPTY("Empty"),
        PREPARING_REBALANCE("PreparingRebalance"),
        COMPLETING_REBALANCE("CompletingRebalance"),
        STABLE("Stable"),
        DEAD("Dead");

        final String title;
        private Set<State> validPrevious;

        static {
            EMPTY.validPrevious = EnumSet.of(PREPARING_REBALANCE);
            PREPARING_REBALANCE.validPrevious = EnumSet.of(STABLE, COMPLETING_REBALANCE, EMPTY);
            COMPLETING_REBALANCE.validPrevious = EnumSet.of(PREPARING_REBALANCE);
            STABLE.validPrevious = EnumSet.of(COMPLETING_REBALANCE);
            DEAD.validPrevious = EnumSet.of(STABLE, PREPARING_REBALANCE, COMPLETING_REBALANCE, EMPTY, DEAD);
        }

        State(String title) {
            this.title = title;
        }
    }

    private final String groupId;
    private State state = State.EMPTY;
    long stateTimestampMs;
    String protocolType;
    String protocolName;
    int generationId;
    String leaderId;
    /** True while the first rebalance after Empty waits group.initial.rebalance.delay.ms for more members. */
    boolean initialDelayActive;
    /** Set when a member joins during the initial delay, which then extends once more. */
    boolean newMemberAdded;

    final Map<String, ClassicMember> members = new LinkedHashMap<>();
    /** Member ids handed out with MEMBER_ID_REQUIRED that have not joined yet. */
    final Set<String> pendingMembers = new HashSet<>();
    /** Members of this generation that have not sent SyncGroup yet. */
    final Set<String> pendingSyncMembers = new HashSet<>();

    private final Map<String, String> staticMembers = new HashMap<>();

    ClassicGroup(String groupId, long nowMs) {
        this.groupId = groupId;
        this.stateTimestampMs = nowMs;
    }

    @Override
    public String groupId() {
        return groupId;
    }

    @Override
    public String type() {
        return "classic";
    }

    @Override
    public String stateName() {
        return state.title;
    }

    @Override
    public String protocolType() {
        return protocolType == null ? "" : protocolType;
    }

    @Override
    public boolean isEmpty() {
        return members.isEmpty() && pendingMembers.isEmpty();
    }

    State state() {
        return state;
    }

    boolean is(State s) {
        return state == s;
    }

    void transitionTo(State next, long nowMs) {
        if (!next.validPrevious.contains(state)) {
            throw new IllegalStateException("group " + groupId + " cannot move from " + state + " to " + next);
        }
        state = next;
        stateTimestampMs = nowMs;
    }

    /** Sets the state as loaded from a record, without transition checks. */
    void loadState(State loaded, long timestampMs) {
        state = loaded;
        stateTimestampMs = timestampMs;
    }

    ClassicMember member(String memberId) {
        return members.get(memberId);
    }

    boolean isLeader(String memberId) {
        return memberId.equals(leaderId);
    }

    String staticMemberId(String groupInstanceId) {
        return groupInstanceId == null ? null : staticMembers.get(groupInstanceId);
    }

    void add(ClassicMember member) {
        members.put(member.memberId, member);
        if (member.isStatic()) {
            staticMembers.put(member.groupInstanceId, member.memberId);
        }
        if (leaderId == null) {
            leaderId = member.memberId;
        }
        pendingMembers.remove(member.memberId);
    }

    void remove(String memberId) {
        ClassicMember removed = members.remove(memberId);
        pendingSyncMembers.remove(memberId);
        if (removed != null && removed.isStatic()) {
            staticMembers.remove(removed.groupInstanceId, memberId);
        }
        if (memberId.equals(leaderId)) {
            leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
        }
    }

    /** Moves a static member to a new member id (a restarted instance), keeping its assignment. */
    void replaceStaticMember(ClassicMember member, String newMemberId) {
        String oldMemberId = member.memberId;
        members.remove(oldMemberId);
        pendingSyncMembers.remove(oldMemberId);
        member.memberId = newMemberId;
        members.put(newMemberId, member);
        staticMembers.put(member.groupInstanceId, newMemberId);
        if (oldMemberId.equals(leaderId)) {
            leaderId = newMemberId;
        }
    }

    int numAwaitingJoin() {
        int n = 0;
        for (ClassicMember m : members.values()) {
            if (m.isAwaitingJoin()) {
                n++;
            }
        }
        return n;
    }

    boolean hasAllMembersJoined() {
        return numAwaitingJoin() == members.size() && pendingMembers.isEmpty();
    }

    /** The longest rebalance timeout of the members: how long a rebalance waits for rejoins. */
    int rebalanceTimeoutMs() {
        int max = 0;
        for (ClassicMember m : members.values()) {
            max = Math.max(max, m.rebalanceTimeoutMs);
        }
        return max;
    }

    /** Whether a member with {@code type} and {@code protocols} may join (Kafka's supportsProtocols). */
    boolean supportsProtocols(String type, List<ClassicMember.Protocol> protocols) {
        if (members.isEmpty()) {
            return type != null && !type.isEmpty() && !protocols.isEmpty();
        }
        if (!type.equals(protocolType)) {
            return false;
        }
        for (ClassicMember.Protocol p : protocols) {
            if (allMembersSupport(p.name())) {
                return true;
            }
        }
        return false;
    }

    private boolean allMembersSupport(String name) {
        for (ClassicMember m : members.values()) {
            if (!m.supports(name)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The protocol for the next generation: among those every member supports, the one most members list
     * first (each member votes for its most preferred candidate); ties go to the first member's order.
     */
    String selectProtocol() {
        List<String> candidates = new ArrayList<>();
        ClassicMember first = members.values().iterator().next();
        for (ClassicMember.Protocol p : first.protocols) {
            if (allMembersSupport(p.name())) {
                candidates.add(p.name());
            }
        }
        if (candidates.isEmpty()) {
            throw new IllegalStateException("no protocol supported by all members of " + groupId);
        }
        Map<String, Integer> votes = new HashMap<>();
        for (ClassicMember m : members.values()) {
            for (ClassicMember.Protocol p : m.protocols) {
                if (candidates.contains(p.name())) {
                    votes.merge(p.name(), 1, Integer::sum);
                    break;
                }
            }
        }
        String best = candidates.get(0);
        for (String c : candidates) {
            if (votes.getOrDefault(c, 0) > votes.getOrDefault(best, 0)) {
                best = c;
            }
        }
        return best;
    }
}
