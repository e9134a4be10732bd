package io.fjord.coordinator;

import io.fjord.common.Errors;
import io.fjord.protocol.message.HeartbeatRequest;
import io.fjord.protocol.message.HeartbeatResponse;
import io.fjord.protocol.message.LeaveGroupRequest;
import io.fjord.protocol.message.LeaveGroupResponse;
import io.fjord.protocol.message.SyncGroupRequest;
import io.fjord.protocol.message.SyncGroupResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * SyncGroup, Heartbeat and LeaveGroup for classic groups. The leader's SyncGroup persists the group with
 * its assignment; every waiting member gets its assignment once that record is committed. Runs with the
 * shard's lock held.
 */
final class ClassicMemberHandler {

    private final CoordinatorContext ctx;
    private final ClassicRebalancer rebalancer;

    ClassicMemberHandler(CoordinatorContext ctx, ClassicRebalancer rebalancer) {
        this.ctx = ctx;
        this.rebalancer = rebalancer;
    }

    CompletableFuture<SyncGroupResponse> sync(CoordinatorShard shard, SyncGroupRequest request, short version) {
        if (!(shard.groups.get(request.groupId()) instanceof ClassicGroup group)) {
            return syncError(Errors.UNKNOWN_MEMBER_ID);
        }
        if (group.is(ClassicGroup.State.DEAD)) {
            return syncError(Errors.COORDINATOR_NOT_AVAILABLE);
        }
        Errors invalid = ClassicJoinHandler.validateMember(group, request.memberId(), request.groupInstanceId());
        if (invalid != Errors.NONE) {
            return syncError(invalid);
        }
        if (request.generationId() != group.generationId) {
            return syncError(Errors.ILLEGAL_GENERATION);
        }
        if ((request.protocolType() != null && !request.protocolType().equals(group.protocolType))
                || (request.protocolName() != null && !request.protocolName().equals(group.protocolName))) {
            return syncError(Errors.INCONSISTENT_GROUP_PROTOCOL);
        }
        ClassicMember member = group.member(request.memberId());
        switch (group.state()) {
            case EMPTY:
                return syncError(Errors.UNKNOWN_MEMBER_ID);
            case PREPARING_REBALANCE:
                return syncError(Errors.REBALANCE_IN_PROGRESS);
            case STABLE: {
                group.pendingSyncMembers.remove(member.memberId);
                rebalancer.scheduleSession(shard, group, member);
                SyncGroupResponse response =
                        ClassicRebalancer.syncResponse(group, Errors.NONE, member.assignment, version);
                CompletableFuture<SyncGroupResponse> future = new CompletableFuture<>();
                shard.afterPendingWrites(() -> future.complete(response));
                return future;
            }
            case COMPLETING_REBALANCE:
                return syncWhileCompleting(shard, group, member, request, version);
            default:
                return syncError(Errors.COORDINATOR_NOT_AVAILABLE);
        }
    }

    private CompletableFuture<SyncGroupResponse> syncWhileCompleting(
            CoordinatorShard shard, ClassicGroup group, ClassicMember member, SyncGroupRequest request, short version) {
        CompletableFuture<SyncGroupResponse> future = new CompletableFuture<>();
        if (member.awaitingSync != null) {
            member.awaitingSync.complete(ClassicRebalancer.syncResponse(
                    group, Errors.REBALANCE_IN_PROGRESS, ClassicMember.EMPTY, member.syncVersion));
        }
        member.awaitingSync = future;
        member.syncVersion = version;
        group.pendingSyncMembers.remove(member.memberId);
        rebalancer.scheduleSession(shard, group, member);
        if (!group.isLeader(member.memberId)) {
            return future;
        }
        Map<String, byte[]> assignments = new HashMap<>();
        for (SyncGroupRequest.SyncGroupRequestAssignment a : request.assignments()) {
            assignments.put(a.memberId(), a.assignment() == null ? ClassicMember.EMPTY : a.assignment());
        }
        for (ClassicMember m : group.members.values()) {
            m.assignment = assignments.getOrDefault(m.memberId, ClassicMember.EMPTY);
        }
        int generation = group.generationId;
        shard.append(List.of(ClassicRebalancer.groupRecord(group)), error -> {
            if (group.generationId != generation || !group.is(ClassicGroup.State.COMPLETING_REBALANCE)) {
                return;
            }
            if (error != null) {
                rebalancer.resetAssignmentsWithError(group, error);
                rebalancer.prepareRebalance(shard, group, "failed to persist the assignment: " + error);
                return;
            }
            for (ClassicMember m : group.members.values()) {
                if (m.awaitingSync != null) {
                    m.awaitingSync.complete(
                            ClassicRebalancer.syncResponse(group, Errors.NONE, m.assignment, m.syncVersion));
                    m.awaitingSync = null;
                }
            }
            group.transitionTo(ClassicGroup.State.STABLE, ctx.nowMs());
        });
        return future;
    }

    CompletableFuture<HeartbeatResponse> heartbeat(CoordinatorShard shard, HeartbeatRequest request, short version) {
        if (!(shard.groups.get(request.groupId()) instanceof ClassicGroup group)) {
            return heartbeatResult(shard, Errors.UNKNOWN_MEMBER_ID);
        }
        if (group.is(ClassicGroup.State.DEAD)) {
            return heartbeatResult(shard, Errors.COORDINATOR_NOT_AVAILABLE);
        }
        Errors invalid = ClassicJoinHandler.validateMember(group, request.memberId(), request.groupInstanceId());
        if (invalid != Errors.NONE) {
            return heartbeatResult(shard, invalid);
        }
        if (request.generationId() != group.generationId) {
            return heartbeatResult(shard, Errors.ILLEGAL_GENERATION);
        }
        ClassicMember member = group.member(request.memberId());
        switch (group.state()) {
            case EMPTY:
                return heartbeatResult(shard, Errors.UNKNOWN_MEMBER_ID);
            case PREPARING_REBALANCE:
                rebalancer.scheduleSession(shard, group, member);
                return heartbeatResult(shard, Errors.REBALANCE_IN_PROGRESS);
            default:
                rebalancer.scheduleSession(shard, group, member);
                return heartbeatResult(shard, Errors.NONE);
        }
    }

    CompletableFuture<LeaveGroupResponse> leave(CoordinatorShard shard, LeaveGroupRequest request, short version) {
        List<LeaveGroupRequest.MemberIdentity> identities = version >= 3
                ? request.members()
                : List.of(new LeaveGroupRequest.MemberIdentity().setMemberId(request.memberId()));
        if (!(shard.groups.get(request.groupId()) instanceof ClassicGroup group)) {
            return CompletableFuture.completedFuture(
                    new LeaveGroupResponse().setErrorCode(Errors.UNKNOWN_MEMBER_ID.code()));
        }
        LeaveGroupResponse response = new LeaveGroupResponse();
        for (LeaveGroupRequest.MemberIdentity identity : identities) {
            Errors error = leaveOne(shard, group, identity);
            response.members()
                    .add(new LeaveGroupResponse.MemberResponse()
                            .setMemberId(identity.memberId())
                            .setGroupInstanceId(identity.groupInstanceId())
                            .setErrorCode(error.code()));
        }
        if (version < 3) {
            response.setErrorCode(response.members().get(0).errorCode());
            response.members().clear();
        }
        CompletableFuture<LeaveGroupResponse> future = new CompletableFuture<>();
        shard.afterPendingWrites(() -> future.complete(response));
        return future;
    }

    private Errors leaveOne(CoordinatorShard shard, ClassicGroup group, LeaveGroupRequest.MemberIdentity identity) {
        String memberId = identity.memberId() == null ? "" : identity.memberId();
        ClassicMember member;
        if (identity.groupInstanceId() != null) {
            String existing = group.staticMemberId(identity.groupInstanceId());
            if (existing == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            if (!memberId.isEmpty() && !memberId.equals(existing)) {
                return Errors.FENCED_INSTANCE_ID;
            }
            member = group.member(existing);
        } else {
            if (group.pendingMembers.remove(memberId)) {
                shard.timers.cancel(ClassicRebalancer.sessionTimerKey(group, memberId));
                rebalancer.maybeCompleteJoin(shard, group);
                return Errors.NONE;
            }
            member = group.member(memberId);
            if (member == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
        }
        rebalancer.removeMemberAndUpdateGroup(shard, group, member, "member " + member.memberId + " left the group");
        return Errors.NONE;
    }

    private static CompletableFuture<SyncGroupResponse> syncError(Errors error) {
        return CompletableFuture.completedFuture(
                new SyncGroupResponse().setErrorCode(error.code()).setAssignment(ClassicMember.EMPTY));
    }

    private static CompletableFuture<HeartbeatResponse> heartbeatResult(CoordinatorShard shard, Errors error) {
        CompletableFuture<HeartbeatResponse> future = new CompletableFuture<>();
        HeartbeatResponse response = new HeartbeatResponse().setErrorCode(error.code());
        shard.afterPendingWrites(() -> future.complete(response));
        return future;
    }
}
