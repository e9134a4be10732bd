package io.fjord.coordinator;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.coordinator.record.GroupRecords;
import io.fjord.protocol.message.JoinGroupRequest;
import io.fjord.protocol.message.JoinGroupResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * JoinGroup for classic groups, with Kafka's rules: member ids handed out through MEMBER_ID_REQUIRED (v4+),
 * static members replaced by instance id, group.max.size, protocol type and protocol agreement, and the
 * per-state behaviour of a known member's rejoin. Runs with the shard's lock held.
 */
final class ClassicJoinHandler {

    private final CoordinatorContext ctx;
    private final ClassicRebalancer rebalancer;

    ClassicJoinHandler(CoordinatorContext ctx, ClassicRebalancer rebalancer) {
        this.ctx = ctx;
        this.rebalancer = rebalancer;
    }

    CompletableFuture<JoinGroupResponse> join(
            CoordinatorShard shard, JoinGroupRequest request, short version, String clientId, String clientHost) {
        String memberId = request.memberId() == null ? "" : request.memberId();
        int sessionTimeoutMs = request.sessionTimeoutMs();
        if (sessionTimeoutMs < ctx.config().minSessionTimeoutMs()
                || sessionTimeoutMs > ctx.config().maxSessionTimeoutMs()) {
            return error(memberId, Errors.INVALID_SESSION_TIMEOUT, version);
        }
        boolean unknownMember = memberId.isEmpty();
        ClassicGroup group = classicGroupFor(shard, request.groupId(), unknownMember);
        if (group == null) {
            return error(memberId, Errors.UNKNOWN_MEMBER_ID, version);
        }
        if (!acceptJoiningMember(group, memberId)) {
            return error(memberId, Errors.GROUP_MAX_SIZE_REACHED, version);
        }
        List<ClassicMember.Protocol> protocols = new ArrayList<>();
        for (JoinGroupRequest.JoinGroupRequestProtocol p : request.protocols()) {
            protocols.add(
                    new ClassicMember.Protocol(p.name(), p.metadata() == null ? ClassicMember.EMPTY : p.metadata()));
        }
        if (!group.supportsProtocols(request.protocolType(), protocols)) {
            return error(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL, version);
        }
        int rebalanceTimeoutMs =
                version == 0 || request.rebalanceTimeoutMs() < 0 ? sessionTimeoutMs : request.rebalanceTimeoutMs();
        ClassicMember candidate = new ClassicMember(
                memberId,
                request.groupInstanceId(),
                clientId,
                clientHost,
                rebalanceTimeoutMs,
                sessionTimeoutMs,
                protocols);
        if (group.members.isEmpty()) {
            group.protocolType = request.protocolType();
        }
        CompletableFuture<JoinGroupResponse> future = new CompletableFuture<>();
        if (unknownMember) {
            joinNewMember(shard, group, candidate, version, future);
        } else {
            joinExistingMember(shard, group, candidate, version, future);
        }
        return future;
    }

    /** The classic group to join, created if absent and the member is new; an empty consumer group is replaced. */
    private ClassicGroup classicGroupFor(CoordinatorShard shard, String groupId, boolean createIfAbsent) {
        Group existing = shard.groups.get(groupId);
        if (existing instanceof ClassicGroup classic) {
            return classic;
        }
        if (existing instanceof ConsumerGroup consumer) {
            if (!consumer.isEmpty()) {
                throw new ApiException(Errors.INCONSISTENT_GROUP_PROTOCOL, "group " + groupId + " is a consumer group");
            }
            if (!createIfAbsent) {
                return null;
            }
            shard.append(List.of(GroupRecords.consumerGroupTombstone(groupId)), error -> {});
        } else if (!createIfAbsent) {
            return null;
        }
        ClassicGroup group = new ClassicGroup(groupId, ctx.nowMs());
        shard.groups.put(groupId, group);
        return group;
    }

    private boolean acceptJoiningMember(ClassicGroup group, String memberId) {
        int maxSize = ctx.config().groupMaxSize();
        ClassicMember member = group.member(memberId);
        return switch (group.state()) {
            case EMPTY, DEAD -> true;
            case PREPARING_REBALANCE ->
                (member != null && member.isAwaitingJoin()) || group.numAwaitingJoin() < maxSize;
            case COMPLETING_REBALANCE, STABLE -> member != null || group.members.size() < maxSize;
        };
    }

    private void joinNewMember(
            CoordinatorShard shard,
            ClassicGroup group,
            ClassicMember candidate,
            short version,
            CompletableFuture<JoinGroupResponse> future) {
        if (candidate.isStatic()) {
            String newMemberId = ctx.newMemberId(candidate.groupInstanceId);
            String existingId = group.staticMemberId(candidate.groupInstanceId);
            candidate.memberId = newMemberId;
            if (existingId != null) {
                replaceStaticMember(shard, group, group.member(existingId), candidate, version, future);
            } else {
                addMemberAndRebalance(shard, group, candidate, version, future);
            }
            return;
        }
        String newMemberId = ctx.newMemberId(candidate.clientId);
        if (version >= 4) {
            group.pendingMembers.add(newMemberId);
            rebalancer.schedulePendingMember(shard, group, newMemberId, candidate.sessionTimeoutMs);
            future.complete(ClassicRebalancer.joinError(newMemberId, Errors.MEMBER_ID_REQUIRED, version));
            return;
        }
        candidate.memberId = newMemberId;
        addMemberAndRebalance(shard, group, candidate, version, future);
    }

    private void addMemberAndRebalance(
            CoordinatorShard shard,
            ClassicGroup group,
            ClassicMember member,
            short version,
            CompletableFuture<JoinGroupResponse> future) {
        group.add(member);
        member.awaitingJoin = future;
        member.joinVersion = version;
        group.newMemberAdded = true;
        rebalancer.scheduleSession(shard, group, member, Math.max(member.rebalanceTimeoutMs, member.sessionTimeoutMs));
        if (group.is(ClassicGroup.State.PREPARING_REBALANCE)) {
            rebalancer.maybeCompleteJoin(shard, group);
        } else {
            rebalancer.prepareRebalance(shard, group, "member " + member.memberId + " joined");
        }
    }

    private void joinExistingMember(
            CoordinatorShard shard,
            ClassicGroup group,
            ClassicMember candidate,
            short version,
            CompletableFuture<JoinGroupResponse> future) {
        String memberId = candidate.memberId;
        if (group.pendingMembers.contains(memberId)) {
            addMemberAndRebalance(shard, group, candidate, version, future);
            return;
        }
        Errors invalid = validateMember(group, memberId, candidate.groupInstanceId);
        if (invalid != Errors.NONE) {
            future.complete(ClassicRebalancer.joinError(memberId, invalid, version));
            return;
        }
        ClassicMember member = group.member(memberId);
        switch (group.state()) {
            case PREPARING_REBALANCE -> {
                updateMemberAndAwait(shard, group, member, candidate, version, future);
                rebalancer.maybeCompleteJoin(shard, group);
            }
            case COMPLETING_REBALANCE -> {
                if (member.sameProtocols(candidate.protocols)) {
                    // The member missed its JoinGroup response: send it again.
                    JoinGroupResponse response = ClassicRebalancer.joinResponse(group, member, version, false);
                    shard.afterPendingWrites(() -> future.complete(response));
                } else {
                    updateMemberAndAwait(shard, group, member, candidate, version, future);
                    rebalancer.prepareRebalance(shard, group, "member " + memberId + " changed its protocols");
                }
            }
            case STABLE -> {
                if (group.isLeader(memberId) || !member.sameProtocols(candidate.protocols)) {
                    updateMemberAndAwait(shard, group, member, candidate, version, future);
                    rebalancer.prepareRebalance(shard, group, "leader or changed member " + memberId + " rejoined");
                } else {
                    JoinGroupResponse response = ClassicRebalancer.joinResponse(group, member, version, false);
                    rebalancer.scheduleSession(shard, group, member);
                    shard.afterPendingWrites(() -> future.complete(response));
                }
            }
            default -> future.complete(ClassicRebalancer.joinError(memberId, Errors.UNKNOWN_MEMBER_ID, version));
        }
    }

    /** Kafka's validateMember: a static member must present its current member id. */
    static Errors validateMember(ClassicGroup group, String memberId, String groupInstanceId) {
        if (groupInstanceId != null) {
            String existing = group.staticMemberId(groupInstanceId);
            if (existing == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            if (!existing.equals(memberId)) {
                return Errors.FENCED_INSTANCE_ID;
            }
            return Errors.NONE;
        }
        return group.member(memberId) == null ? Errors.UNKNOWN_MEMBER_ID : Errors.NONE;
    }

    private void updateMemberAndAwait(
            CoordinatorShard shard,
            ClassicGroup group,
            ClassicMember member,
            ClassicMember update,
            short version,
            CompletableFuture<JoinGroupResponse> future) {
        if (member.awaitingJoin != null && member.awaitingJoin != future) {
            member.awaitingJoin.complete(
                    ClassicRebalancer.joinError(member.memberId, Errors.REBALANCE_IN_PROGRESS, member.joinVersion));
        }
        member.protocols = update.protocols;
        member.rebalanceTimeoutMs = update.rebalanceTimeoutMs;
        member.sessionTimeoutMs = update.sessionTimeoutMs;
        member.clientId = update.clientId;
        member.clientHost = update.clientHost;
        member.awaitingJoin = future;
        member.joinVersion = version;
        rebalancer.scheduleSession(shard, group, member, Math.max(member.rebalanceTimeoutMs, member.sessionTimeoutMs));
    }

    /**
     * A static member came back with a new member id: the old id is fenced (its pending responses get
     * FENCED_INSTANCE_ID) and the new one takes its place. A stable group keeps its assignment unless the
     * next generation's protocol would change (or it is the leader on a version without SkipAssignment);
     * then the group rebalances.
     */
    private void replaceStaticMember(
            CoordinatorShard shard,
            ClassicGroup group,
            ClassicMember old,
            ClassicMember candidate,
            short version,
            CompletableFuture<JoinGroupResponse> future) {
        String oldMemberId = old.memberId;
        if (old.awaitingJoin != null) {
            old.awaitingJoin.complete(
                    ClassicRebalancer.joinError(oldMemberId, Errors.FENCED_INSTANCE_ID, old.joinVersion));
            old.awaitingJoin = null;
        }
        if (old.awaitingSync != null) {
            old.awaitingSync.complete(ClassicRebalancer.syncResponse(
                    group, Errors.FENCED_INSTANCE_ID, ClassicMember.EMPTY, old.syncVersion));
            old.awaitingSync = null;
        }
        shard.timers.cancel(ClassicRebalancer.sessionTimerKey(group, oldMemberId));
        List<ClassicMember.Protocol> oldProtocols = old.protocols;
        group.replaceStaticMember(old, candidate.memberId);
        ClassicMember member = old;
        if (group.is(ClassicGroup.State.STABLE)) {
            // As Kafka: only a change of the next generation's protocol rebalances. The metadata bytes are not
            // compared: the Java client's subscription carries its owned partitions and generation, so a
            // restarted static member always sends different bytes, and comparing them would defeat KIP-345.
            member.protocols = candidate.protocols;
            if (protocolWouldChange(group) || (group.isLeader(member.memberId) && version < 9)) {
                updateMemberAndAwait(shard, group, member, candidate, version, future);
                rebalancer.prepareRebalance(shard, group, "static member " + member.groupInstanceId + " rejoined");
                return;
            }
            member.clientId = candidate.clientId;
            member.clientHost = candidate.clientHost;
            member.sessionTimeoutMs = candidate.sessionTimeoutMs;
            member.rebalanceTimeoutMs = candidate.rebalanceTimeoutMs;
            rebalancer.scheduleSession(shard, group, member);
            boolean leader = group.isLeader(member.memberId);
            shard.append(List.of(ClassicRebalancer.groupRecord(group)), error -> {
                if (error == null) {
                    future.complete(ClassicRebalancer.joinResponse(group, member, version, leader));
                } else {
                    if (group.member(member.memberId) == member) {
                        shard.timers.cancel(ClassicRebalancer.sessionTimerKey(group, member.memberId));
                        group.replaceStaticMember(member, oldMemberId);
                        member.protocols = oldProtocols;
                        rebalancer.scheduleSession(shard, group, member);
                    }
                    future.complete(ClassicRebalancer.joinError(candidate.memberId, error, version));
                }
            });
            return;
        }
        updateMemberAndAwait(shard, group, member, candidate, version, future);
        if (group.is(ClassicGroup.State.COMPLETING_REBALANCE)) {
            rebalancer.prepareRebalance(shard, group, "static member " + member.groupInstanceId + " rejoined");
        } else {
            rebalancer.maybeCompleteJoin(shard, group);
        }
    }

    private static boolean protocolWouldChange(ClassicGroup group) {
        try {
            return !group.selectProtocol().equals(group.protocolName);
        } catch (IllegalStateException noCommonProtocol) {
            return true;
        }
    }

    private static CompletableFuture<JoinGroupResponse> error(String memberId, Errors error, short version) {
        return CompletableFuture.completedFuture(ClassicRebalancer.joinError(memberId, error, version));
    }
}
