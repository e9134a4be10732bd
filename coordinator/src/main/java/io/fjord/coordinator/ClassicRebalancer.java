package io.fjord.coordinator;

import io.fjord.common.Errors;
import io.fjord.coordinator.record.GroupRecords;
import io.fjord.coordinator.record.GroupRecords.ClassicGroupValue;
import io.fjord.coordinator.record.GroupRecords.ClassicMemberValue;
import io.fjord.protocol.message.JoinGroupResponse;
import io.fjord.protocol.message.SyncGroupResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The rebalance engine of classic groups, shared by the JoinGroup, SyncGroup, Heartbeat and LeaveGroup
 * handlers: starting a rebalance, completing the join phase (new generation, protocol choice, JoinGroup
 * responses), removing members, and the group's timers (join delay, member sessions, pending syncs). All
 * methods run with the shard's lock held.
 */
final class ClassicRebalancer {

    private final CoordinatorContext ctx;

    ClassicRebalancer(CoordinatorContext ctx) {
        this.ctx = ctx;
    }

    static String joinTimerKey(ClassicGroup group) {
        return "join:" + group.groupId();
    }

    static String syncTimerKey(ClassicGroup group) {
        return "sync:" + group.groupId();
    }

    static String sessionTimerKey(ClassicGroup group, String memberId) {
        return "hb:" + group.groupId() + ":" + memberId;
    }

    /** Starts a rebalance: the group waits for every member to rejoin, up to the rebalance timeout. */
    void prepareRebalance(CoordinatorShard shard, ClassicGroup group, String reason) {
        if (group.is(ClassicGroup.State.COMPLETING_REBALANCE)) {
            resetAssignmentsWithError(group, Errors.REBALANCE_IN_PROGRESS);
        }
        shard.timers.cancel(syncTimerKey(group));
        group.pendingSyncMembers.clear();
        boolean wasEmpty = group.is(ClassicGroup.State.EMPTY);
        group.transitionTo(ClassicGroup.State.PREPARING_REBALANCE, ctx.nowMs());
        long delayMs = ctx.config().initialRebalanceDelayMs();
        int rebalanceTimeoutMs = group.rebalanceTimeoutMs();
        if (wasEmpty && delayMs > 0) {
            group.initialDelayActive = true;
            group.newMemberAdded = false;
            long firstDelayMs = Math.min(delayMs, rebalanceTimeoutMs);
            scheduleInitialDelay(shard, group, firstDelayMs, Math.max(0, rebalanceTimeoutMs - firstDelayMs));
        } else {
            shard.timers.schedule(joinTimerKey(group), rebalanceTimeoutMs, () -> completeJoin(shard, group));
            maybeCompleteJoin(shard, group);
        }
    }

    private void scheduleInitialDelay(CoordinatorShard shard, ClassicGroup group, long delayMs, long remainingMs) {
        shard.timers.schedule(joinTimerKey(group), delayMs, () -> {
            if (group.newMemberAdded && remainingMs > 0) {
                group.newMemberAdded = false;
                long nextDelayMs = Math.min(ctx.config().initialRebalanceDelayMs(), remainingMs);
                scheduleInitialDelay(shard, group, nextDelayMs, Math.max(0, remainingMs - nextDelayMs));
            } else {
                completeJoin(shard, group);
            }
        });
    }

    /** Completes the join phase now if every member has rejoined and no initial delay is running. */
    void maybeCompleteJoin(CoordinatorShard shard, ClassicGroup group) {
        if (group.is(ClassicGroup.State.PREPARING_REBALANCE)
                && !group.initialDelayActive
                && group.hasAllMembersJoined()) {
            completeJoin(shard, group);
        }
    }

    /** Ends the join phase: drops members that did not rejoin, starts the next generation, answers joins. */
    void completeJoin(CoordinatorShard shard, ClassicGroup group) {
        if (!group.is(ClassicGroup.State.PREPARING_REBALANCE)) {
            return;
        }
        shard.timers.cancel(joinTimerKey(group));
        group.initialDelayActive = false;
        for (ClassicMember m : new ArrayList<>(group.members.values())) {
            if (!m.isAwaitingJoin() && !m.isStatic()) {
                shard.timers.cancel(sessionTimerKey(group, m.memberId));
                group.remove(m.memberId);
            }
        }
        group.generationId++;
        if (group.members.isEmpty()) {
            group.protocolName = null;
            group.leaderId = null;
            group.transitionTo(ClassicGroup.State.EMPTY, ctx.nowMs());
            shard.append(List.of(groupRecord(group)), error -> {});
            return;
        }
        group.protocolName = group.selectProtocol();
        if (group.leaderId == null
                || group.member(group.leaderId) == null
                || !group.member(group.leaderId).isAwaitingJoin()) {
            group.leaderId = firstJoined(group);
        }
        group.transitionTo(ClassicGroup.State.COMPLETING_REBALANCE, ctx.nowMs());
        for (ClassicMember m : group.members.values()) {
            group.pendingSyncMembers.add(m.memberId);
            if (m.isAwaitingJoin()) {
                CompletableFuture<JoinGroupResponse> future = m.awaitingJoin;
                JoinGroupResponse response = joinResponse(group, m, m.joinVersion, false);
                m.awaitingJoin = null;
                scheduleSession(shard, group, m);
                shard.afterPendingWrites(() -> future.complete(response));
            }
        }
        int generation = group.generationId;
        shard.timers.schedule(
                syncTimerKey(group), group.rebalanceTimeoutMs(), () -> onSyncTimeout(shard, group, generation));
    }

    private static String firstJoined(ClassicGroup group) {
        for (ClassicMember m : group.members.values()) {
            if (m.isAwaitingJoin()) {
                return m.memberId;
            }
        }
        return group.members.keySet().iterator().next();
    }

    /** The JoinGroup response of {@code member} for the group's current generation. */
    static JoinGroupResponse joinResponse(
            ClassicGroup group, ClassicMember member, short version, boolean skipAssignment) {
        JoinGroupResponse response = new JoinGroupResponse()
                .setGenerationId(group.generationId)
                .setProtocolName(group.protocolName)
                .setLeader(group.leaderId)
                .setMemberId(member.memberId)
                .setSkipAssignment(skipAssignment);
        if (version >= 7) {
            response.setProtocolType(group.protocolType);
        }
        if (group.isLeader(member.memberId)) {
            for (ClassicMember m : group.members.values()) {
                response.members()
                        .add(new JoinGroupResponse.JoinGroupResponseMember()
                                .setMemberId(m.memberId)
                                .setGroupInstanceId(version >= 5 ? m.groupInstanceId : null)
                                .setMetadata(m.metadata(group.protocolName)));
            }
        }
        return response;
    }

    /** A JoinGroup error response that any version can carry. */
    static JoinGroupResponse joinError(String memberId, Errors error, short version) {
        return new JoinGroupResponse()
                .setErrorCode(error.code())
                .setGenerationId(-1)
                .setMemberId(memberId == null ? "" : memberId)
                .setProtocolName(version >= 7 ? null : "")
                .setLeader("");
    }

    static SyncGroupResponse syncResponse(ClassicGroup group, Errors error, byte[] assignment, short version) {
        SyncGroupResponse response =
                new SyncGroupResponse().setErrorCode(error.code()).setAssignment(assignment);
        if (version >= 5 && error == Errors.NONE) {
            response.setProtocolType(group.protocolType).setProtocolName(group.protocolName);
        }
        return response;
    }

    /** Clears every member's assignment and fails the SyncGroups that wait with {@code error}. */
    void resetAssignmentsWithError(ClassicGroup group, Errors error) {
        for (ClassicMember m : group.members.values()) {
            m.assignment = ClassicMember.EMPTY;
            if (m.awaitingSync != null) {
                m.awaitingSync.complete(syncResponse(group, error, ClassicMember.EMPTY, m.syncVersion));
                m.awaitingSync = null;
            }
        }
    }

    /** Removes a member (left, expired, fenced) and moves the group on as Kafka does. */
    void removeMemberAndUpdateGroup(CoordinatorShard shard, ClassicGroup group, ClassicMember member, String reason) {
        if (member.awaitingJoin != null) {
            member.awaitingJoin.complete(joinError(member.memberId, Errors.UNKNOWN_MEMBER_ID, member.joinVersion));
            member.awaitingJoin = null;
        }
        if (member.awaitingSync != null) {
            member.awaitingSync.complete(
                    syncResponse(group, Errors.UNKNOWN_MEMBER_ID, ClassicMember.EMPTY, member.syncVersion));
            member.awaitingSync = null;
        }
        shard.timers.cancel(sessionTimerKey(group, member.memberId));
        group.remove(member.memberId);
        switch (group.state()) {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(shard, group, reason);
            case PREPARING_REBALANCE -> maybeCompleteJoin(shard, group);
            default -> {}
        }
    }

    /** (Re)starts the member's session timer: without a heartbeat for sessionTimeoutMs, it is removed. */
    void scheduleSession(CoordinatorShard shard, ClassicGroup group, ClassicMember member) {
        scheduleSession(shard, group, member, member.sessionTimeoutMs);
    }

    void scheduleSession(CoordinatorShard shard, ClassicGroup group, ClassicMember member, long timeoutMs) {
        String memberId = member.memberId;
        shard.timers.schedule(sessionTimerKey(group, memberId), timeoutMs, () -> {
            ClassicMember current = group.member(memberId);
            if (current != null) {
                removeMemberAndUpdateGroup(
                        shard,
                        group,
                        current,
                        "member " + memberId + " failed to heartbeat within its session timeout");
            }
        });
    }

    /** A member id handed out with MEMBER_ID_REQUIRED expires if it does not join within the session timeout. */
    void schedulePendingMember(CoordinatorShard shard, ClassicGroup group, String memberId, int sessionTimeoutMs) {
        shard.timers.schedule(sessionTimerKey(group, memberId), sessionTimeoutMs, () -> {
            if (group.pendingMembers.remove(memberId)) {
                if (group.is(ClassicGroup.State.PREPARING_REBALANCE)) {
                    maybeCompleteJoin(shard, group);
                }
            }
        });
    }

    private void onSyncTimeout(CoordinatorShard shard, ClassicGroup group, int generation) {
        if (group.generationId != generation || group.pendingSyncMembers.isEmpty()) {
            return;
        }
        if (!group.is(ClassicGroup.State.COMPLETING_REBALANCE) && !group.is(ClassicGroup.State.STABLE)) {
            return;
        }
        for (String memberId : new ArrayList<>(group.pendingSyncMembers)) {
            ClassicMember m = group.member(memberId);
            if (m != null) {
                if (m.awaitingSync != null) {
                    m.awaitingSync.complete(
                            syncResponse(group, Errors.UNKNOWN_MEMBER_ID, ClassicMember.EMPTY, m.syncVersion));
                    m.awaitingSync = null;
                }
                shard.timers.cancel(sessionTimerKey(group, memberId));
                group.remove(memberId);
            }
        }
        group.pendingSyncMembers.clear();
        prepareRebalance(shard, group, "members failed to sync within the rebalance timeout");
    }

    /** The group's record: its generation and every member with the metadata of the chosen protocol. */
    static CoordinatorRecord groupRecord(ClassicGroup group) {
        List<ClassicMemberValue> members = new ArrayList<>();
        for (ClassicMember m : group.members.values()) {
            byte[] subscription = group.protocolName == null ? null : m.metadata(group.protocolName);
            members.add(new ClassicMemberValue(
                    m.memberId,
                    m.groupInstanceId,
                    m.clientId,
                    m.clientHost,
                    m.rebalanceTimeoutMs,
                    m.sessionTimeoutMs,
                    subscription == null ? ClassicMember.EMPTY : subscription,
                    m.assignment));
        }
        return GroupRecords.classicGroupRecord(
                group.groupId(),
                new ClassicGroupValue(
                        group.protocolType,
                        group.generationId,
                        group.protocolName,
                        group.leaderId,
                        group.stateTimestampMs,
                        members));
    }
}
