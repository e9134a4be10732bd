package io.fjord.coordinator;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import io.fjord.coordinator.record.GroupRecords;
import io.fjord.coordinator.record.GroupRecords.ConsumerGroupValue;
import io.fjord.protocol.message.ConsumerGroupHeartbeatRequest;
import io.fjord.protocol.message.ConsumerGroupHeartbeatResponse;
import io.fjord.protocol.message.LeaveGroupRequest;
import io.fjord.protocol.message.LeaveGroupResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * ConsumerGroupHeartbeat (KIP-848): joins, leaves and heartbeats of consumer-protocol members. A change of
 * membership, subscription or subscribed topic metadata bumps the group epoch; the next heartbeat computes
 * the target assignment with the server-side assignor; each member then reconciles towards its target
 * ({@link ConsumerReconciler}). Runs with the shard's lock held.
 */
final class ConsumerGroupHandler {

    static final int LEAVE_EPOCH = -1;
    static final int STATIC_LEAVE_EPOCH = -2;

    private final CoordinatorContext ctx;

    ConsumerGroupHandler(CoordinatorContext ctx) {
        this.ctx = ctx;
    }

    static String sessionTimerKey(ConsumerGroup group, String memberId) {
        return "cs:" + group.groupId() + ":" + memberId;
    }

    static String revocationTimerKey(ConsumerGroup group, String memberId) {
        return "cr:" + group.groupId() + ":" + memberId;
    }

    CompletableFuture<ConsumerGroupHeartbeatResponse> heartbeat(
            CoordinatorShard shard,
            ConsumerGroupHeartbeatRequest request,
            short version,
            String clientId,
            String clientHost,
            Predicate<String> describableTopics) {
        validate(request, version);
        String memberId = request.memberId();
        int epoch = request.memberEpoch();
        List<CoordinatorRecord> records = new ArrayList<>();
        ConsumerGroup group = consumerGroupFor(shard, request.groupId(), epoch == 0, records);
        if (epoch == LEAVE_EPOCH || epoch == STATIC_LEAVE_EPOCH) {
            return leave(shard, group, request, records);
        }
        if (memberId.isEmpty()) {
            memberId = Uuid.random(ctx.random()).toString();
        }
        ConsumerMember member = memberFor(shard, group, memberId, request, records);
        boolean replaced = group.member(member.memberId) != member;
        boolean changed = updateSubscription(member, request, clientId, clientHost);
        member.describableTopics = describableTopics;
        group.put(member);
        Map<String, Integer> metadata = subscriptionMetadata(group, ctx.metadata());
        if (changed || !metadata.equals(group.subscriptionMetadata) || targetsADeletedTopic(member)) {
            group.groupEpoch++;
            group.subscriptionMetadata = metadata;
            records.add(groupRecord(group));
        }
        Map<Uuid, Set<Integer>> targetBefore = member.target;
        if (group.groupEpoch > group.assignmentEpoch) {
            computeTargetAssignment(group, records, member.memberId);
        }
        Map<Uuid, Set<Integer>> assignedBefore = copy(member.assigned);
        ConsumerMember.State stateBefore = member.state;
        int epochBefore = member.memberEpoch;
        ConsumerReconciler.reconcile(group, member, owned(request.topicPartitions()));
        boolean assignmentChanged = !assignedBefore.equals(member.assigned);
        if (changed
                || replaced
                || assignmentChanged
                || stateBefore != member.state
                || epochBefore != member.memberEpoch
                || !targetBefore.equals(member.target)) {
            records.add(GroupRecords.consumerMemberRecord(group.groupId(), member.memberId, member.toValue()));
        }
        scheduleTimers(shard, group, member);
        ConsumerGroupHeartbeatResponse response = new ConsumerGroupHeartbeatResponse()
                .setMemberId(member.memberId)
                .setMemberEpoch(member.memberEpoch)
                .setHeartbeatIntervalMs(ctx.config().consumerHeartbeatIntervalMs());
        Map<Uuid, Set<Integer>> owned = owned(request.topicPartitions());
        if (epoch == 0 || assignmentChanged || (owned != null && !owned.equals(member.assigned))) {
            response.setAssignment(assignment(member.assigned));
        }
        CompletableFuture<ConsumerGroupHeartbeatResponse> future = new CompletableFuture<>();
        shard.append(records, error -> future.complete(error == null ? response : errorResponse(error, null)));
        return future;
    }

    private void validate(ConsumerGroupHeartbeatRequest request, short version) {
        int epoch = request.memberEpoch();
        String memberId = request.memberId() == null ? "" : request.memberId();
        if (epoch < STATIC_LEAVE_EPOCH) {
            throw new ApiException(Errors.INVALID_REQUEST, "MemberEpoch is invalid: " + epoch);
        }
        if (epoch == 0) {
            if (memberId.isEmpty() && version >= 1) {
                throw new ApiException(Errors.INVALID_REQUEST, "MemberId can't be empty.");
            }
            if (request.rebalanceTimeoutMs() == -1) {
                throw new ApiException(Errors.INVALID_REQUEST, "RebalanceTimeoutMs must be provided in first request.");
            }
            if (request.topicPartitions() == null || !request.topicPartitions().isEmpty()) {
                throw new ApiException(Errors.INVALID_REQUEST, "TopicPartitions must be empty when (re-)joining.");
            }
            if (request.subscribedTopicNames() == null && request.subscribedTopicRegex() == null) {
                throw new ApiException(
                        Errors.INVALID_REQUEST,
                        "SubscribedTopicNames or SubscribedTopicRegex must be set in first request.");
            }
        } else if (memberId.isEmpty()) {
            throw new ApiException(Errors.INVALID_REQUEST, "MemberId can't be empty.");
        }
        if (epoch == STATIC_LEAVE_EPOCH && request.instanceId() == null) {
            throw new ApiException(Errors.INVALID_REQUEST, "InstanceId can't be null when leaving with epoch -2.");
        }
        if (request.serverAssignor() != null
                && !ctx.config().consumerAssignors().contains(request.serverAssignor())) {
            throw new ApiException(
                    Errors.UNSUPPORTED_ASSIGNOR, "ServerAssignor " + request.serverAssignor() + " is not supported.");
        }
        if (request.subscribedTopicRegex() != null) {
            try {
                Pattern.compile(request.subscribedTopicRegex());
            } catch (PatternSyntaxException e) {
                throw new ApiException(
                        Errors.INVALID_REGULAR_EXPRESSION,
                        "SubscribedTopicRegex " + request.subscribedTopicRegex() + " is invalid: "
                                + e.getDescription());
            }
        }
    }

    private ConsumerGroup consumerGroupFor(
            CoordinatorShard shard, String groupId, boolean create, List<CoordinatorRecord> records) {
        Group existing = shard.groups.get(groupId);
        if (existing instanceof ConsumerGroup consumer) {
            return consumer;
        }
        if (existing instanceof ClassicGroup classic && !classic.isEmpty()) {
            throw new ApiException(Errors.GROUP_ID_NOT_FOUND, "Group " + groupId + " is not a consumer group.");
        }
        if (!create) {
            throw new ApiException(Errors.UNKNOWN_MEMBER_ID, "Consumer group " + groupId + " not found.");
        }
        if (existing != null) {
            records.add(GroupRecords.classicGroupTombstone(groupId));
        }
        ConsumerGroup group = new ConsumerGroup(groupId, ctx.nowMs());
        shard.groups.put(groupId, group);
        return group;
    }

    private ConsumerMember memberFor(
            CoordinatorShard shard,
            ConsumerGroup group,
            String memberId,
            ConsumerGroupHeartbeatRequest request,
            List<CoordinatorRecord> records) {
        int epoch = request.memberEpoch();
        ConsumerMember member = group.member(memberId);
        if (epoch == 0) {
            String staticId = group.staticMemberId(request.instanceId());
            if (staticId != null && !staticId.equals(memberId)) {
                return replaceStaticMember(shard, group, group.member(staticId), memberId, records);
            }
            if (member == null) {
                if (group.members.size() >= ctx.config().consumerMaxSize()) {
                    throw new ApiException(
                            Errors.GROUP_MAX_SIZE_REACHED,
                            "The consumer group has reached its maximum capacity of "
                                    + ctx.config().consumerMaxSize() + " members.");
                }
                member = new ConsumerMember(memberId);
                member.instanceId = request.instanceId();
            } else {
                // The member lost its partitions (it was fenced or restarted): it owns nothing now.
                member.assign(new TreeMap<>());
                member.pendingRevocation = new TreeMap<>();
                member.state = ConsumerMember.State.STABLE;
                member.memberEpoch = 0;
            }
            return member;
        }
        if (member == null) {
            throw new ApiException(
                    Errors.UNKNOWN_MEMBER_ID, "Member " + memberId + " is not a member of " + group.groupId());
        }
        if (epoch > member.memberEpoch) {
            throw new ApiException(
                    Errors.FENCED_MEMBER_EPOCH,
                    "The consumer group member has a greater member epoch (" + epoch
                            + ") than the one known by the group coordinator (" + member.memberEpoch + ").");
        }
        if (epoch < member.memberEpoch) {
            Map<Uuid, Set<Integer>> owned = owned(request.topicPartitions());
            if (epoch != member.previousMemberEpoch || owned == null || !isSubset(owned, member.assigned)) {
                throw new ApiException(
                        Errors.FENCED_MEMBER_EPOCH,
                        "The consumer group member has a smaller member epoch (" + epoch
                                + ") than the one known by the group coordinator (" + member.memberEpoch + ").");
            }
        }
        return member;
    }

    private ConsumerMember replaceStaticMember(
            CoordinatorShard shard,
            ConsumerGroup group,
            ConsumerMember old,
            String newMemberId,
            List<CoordinatorRecord> records) {
        if (old.memberEpoch != STATIC_LEAVE_EPOCH) {
            throw new ApiException(
                    Errors.UNRELEASED_INSTANCE_ID,
                    "Static member " + old.instanceId + " is still in use by member " + old.memberId + ".");
        }
        ConsumerMember member = new ConsumerMember(newMemberId);
        member.instanceId = old.instanceId;
        member.subscribedTopicNames = old.subscribedTopicNames;
        member.subscribedTopicRegex = old.subscribedTopicRegex;
        member.serverAssignor = old.serverAssignor;
        member.rebalanceTimeoutMs = old.rebalanceTimeoutMs;
        member.assigned = old.assigned;
        member.assignmentEpochs = old.assignmentEpochs;
        member.pendingRevocation = old.pendingRevocation;
        member.target = old.target;
        member.state = old.state;
        member.memberEpoch = old.previousMemberEpoch;
        member.previousMemberEpoch = old.previousMemberEpoch;
        group.remove(old.memberId);
        shard.timers.cancel(sessionTimerKey(group, old.memberId));
        shard.timers.cancel(revocationTimerKey(group, old.memberId));
        records.add(GroupRecords.consumerMemberTombstone(group.groupId(), old.memberId));
        return member;
    }

    /** Applies the request's subscription fields; true if the subscription (or the member) is new. */
    private static boolean updateSubscription(
            ConsumerMember member, ConsumerGroupHeartbeatRequest request, String clientId, String clientHost) {
        boolean changed = request.memberEpoch() == 0
                && member.memberEpoch == 0
                && member.assigned.isEmpty()
                && member.target.isEmpty();
        if (request.subscribedTopicNames() != null) {
            List<String> topics = new ArrayList<>(new TreeSet<>(request.subscribedTopicNames()));
            if (!topics.equals(member.subscribedTopicNames)) {
                member.subscribedTopicNames = List.copyOf(topics);
                changed = true;
            }
        }
        if (request.subscribedTopicRegex() != null) {
            String regex = request.subscribedTopicRegex().isEmpty() ? null : request.subscribedTopicRegex();
            if (!Objects.equals(regex, member.subscribedTopicRegex)) {
                member.subscribedTopicRegex = regex;
                changed = true;
            }
        }
        if (request.serverAssignor() != null && !request.serverAssignor().equals(member.serverAssignor)) {
            member.serverAssignor = request.serverAssignor();
            changed = true;
        }
        if (request.rebalanceTimeoutMs() != -1) {
            member.rebalanceTimeoutMs = request.rebalanceTimeoutMs();
        }
        if (request.rackId() != null) {
            member.rackId = request.rackId();
        }
        member.clientId = clientId;
        member.clientHost = clientHost;
        return changed;
    }

    private CompletableFuture<ConsumerGroupHeartbeatResponse> leave(
            CoordinatorShard shard,
            ConsumerGroup group,
            ConsumerGroupHeartbeatRequest request,
            List<CoordinatorRecord> records) {
        String memberId = request.memberId();
        ConsumerMember member = group.member(memberId);
        if (member == null && request.instanceId() != null) {
            String staticId = group.staticMemberId(request.instanceId());
            member = staticId == null ? null : group.member(staticId);
        }
        if (member == null) {
            throw new ApiException(
                    Errors.UNKNOWN_MEMBER_ID, "Member " + memberId + " is not a member of " + group.groupId());
        }
        int epoch = request.memberEpoch();
        if (epoch == STATIC_LEAVE_EPOCH && member.instanceId != null) {
            member.previousMemberEpoch = member.memberEpoch;
            member.memberEpoch = STATIC_LEAVE_EPOCH;
            member.pendingRevocation = new TreeMap<>(); // as Kafka: the leaving instance releases them
            records.add(GroupRecords.consumerMemberRecord(group.groupId(), member.memberId, member.toValue()));
        } else {
            records.addAll(removeMember(shard, group, member));
        }
        ConsumerGroupHeartbeatResponse response =
                new ConsumerGroupHeartbeatResponse().setMemberId(memberId).setMemberEpoch(epoch);
        CompletableFuture<ConsumerGroupHeartbeatResponse> future = new CompletableFuture<>();
        shard.append(records, error -> future.complete(error == null ? response : errorResponse(error, null)));
        return future;
    }

    /**
     * LeaveGroup (v3+, what the Admin client's removeMembersFromConsumerGroup sends) on a consumer group: each
     * member, named by instance id or member id, is removed as if it had left.
     */
    CompletableFuture<LeaveGroupResponse> leaveMembers(
            CoordinatorShard shard,
            ConsumerGroup group,
            List<LeaveGroupRequest.MemberIdentity> identities,
            short version) {
        LeaveGroupResponse response = new LeaveGroupResponse();
        List<CoordinatorRecord> records = new ArrayList<>();
        for (LeaveGroupRequest.MemberIdentity identity : identities) {
            String memberId = identity.memberId() == null ? "" : identity.memberId();
            ConsumerMember member;
            Errors error = Errors.NONE;
            if (identity.groupInstanceId() != null) {
                String staticId = group.staticMemberId(identity.groupInstanceId());
                member = staticId == null ? null : group.member(staticId);
                if (member == null) {
                    error = Errors.UNKNOWN_MEMBER_ID;
                } else if (!memberId.isEmpty() && !memberId.equals(staticId)) {
                    error = Errors.FENCED_INSTANCE_ID;
                }
            } else {
                member = group.member(memberId);
                if (member == null) {
                    error = Errors.UNKNOWN_MEMBER_ID;
                }
            }
            if (error == Errors.NONE) {
                records.addAll(removeMember(shard, group, member));
            }
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
        shard.append(
                records,
                error -> future.complete(
                        error == null ? response : new LeaveGroupResponse().setErrorCode(error.code())));
        return future;
    }

    /** Removes a member (left, expired or fenced) and bumps the group epoch; returns the records. */
    List<CoordinatorRecord> removeMember(CoordinatorShard shard, ConsumerGroup group, ConsumerMember member) {
        group.remove(member.memberId);
        shard.timers.cancel(sessionTimerKey(group, member.memberId));
        shard.timers.cancel(revocationTimerKey(group, member.memberId));
        group.groupEpoch++;
        group.subscriptionMetadata = subscriptionMetadata(group, ctx.metadata());
        if (group.members.isEmpty()) {
            group.stateTimestampMs = ctx.nowMs();
        }
        return List.of(GroupRecords.consumerMemberTombstone(group.groupId(), member.memberId), groupRecord(group));
    }

    private void fence(CoordinatorShard shard, ConsumerGroup group, String memberId) {
        ConsumerMember member = group.member(memberId);
        if (member != null) {
            shard.append(removeMember(shard, group, member), error -> {});
        }
    }

    private void scheduleTimers(CoordinatorShard shard, ConsumerGroup group, ConsumerMember member) {
        String memberId = member.memberId;
        shard.timers.schedule(
                sessionTimerKey(group, memberId),
                ctx.config().consumerSessionTimeoutMs(),
                () -> fence(shard, group, memberId));
        String revocationKey = revocationTimerKey(group, memberId);
        if (member.state == ConsumerMember.State.UNREVOKED_PARTITIONS) {
            if (!shard.timers.isScheduled(revocationKey)) {
                scheduleRevocationTimer(shard, group, member);
            }
        } else {
            shard.timers.cancel(revocationKey);
        }
    }

    private void scheduleRevocationTimer(CoordinatorShard shard, ConsumerGroup group, ConsumerMember member) {
        String memberId = member.memberId;
        int epoch = member.memberEpoch;
        shard.timers.schedule(revocationTimerKey(group, memberId), Math.max(0, member.rebalanceTimeoutMs), () -> {
            ConsumerMember current = group.member(memberId);
            if (current != null
                    && current.memberEpoch == epoch
                    && current.state == ConsumerMember.State.UNREVOKED_PARTITIONS) {
                fence(shard, group, memberId);
            }
        });
    }

    /**
     * Whether {@code member}'s target names a topic id the metadata no longer has. The group's subscription metadata
     * is partition counts by name, so a topic deleted and created again with as many partitions (while the
     * coordinator was away, or between two heartbeats) changes nothing there; Kafka's includes the topic id.
     */
    private boolean targetsADeletedTopic(ConsumerMember member) {
        for (Uuid id : member.target.keySet()) {
            if (ctx.metadata().topicName(id) == null) {
                return true;
            }
        }
        return false;
    }

    /** Schedules session timers for members loaded from the log. */
    void onLoaded(CoordinatorShard shard, ConsumerGroup group) {
        for (ConsumerMember m : group.members.values()) {
            String memberId = m.memberId;
            shard.timers.schedule(
                    sessionTimerKey(group, memberId),
                    ctx.config().consumerSessionTimeoutMs(),
                    () -> fence(shard, group, memberId));
            if (m.state == ConsumerMember.State.UNREVOKED_PARTITIONS) {
                scheduleRevocationTimer(shard, group, m); // as Kafka's onLoaded
            }
        }
    }

    private void computeTargetAssignment(ConsumerGroup group, List<CoordinatorRecord> records, String skipRecordFor) {
        Map<String, ServerAssignors.TopicSpec> topics = new TreeMap<>();
        group.subscriptionMetadata.forEach((name, partitions) -> {
            Uuid id = ctx.metadata().topicId(name);
            if (id != null) {
                topics.put(name, new ServerAssignors.TopicSpec(name, id, partitions));
            }
        });
        List<ServerAssignors.MemberSpec> specs = new ArrayList<>();
        for (ConsumerMember m : group.members.values()) {
            specs.add(new ServerAssignors.MemberSpec(m.memberId, subscribedTopics(m, ctx.metadata()), m.target));
        }
        Map<String, Map<Uuid, Set<Integer>>> targets = ServerAssignors.assign(assignorOf(group), specs, topics);
        for (ConsumerMember m : group.members.values()) {
            Map<Uuid, Set<Integer>> target = targets.getOrDefault(m.memberId, Map.of());
            if (!target.equals(m.target)) {
                m.target = target;
                if (!m.memberId.equals(skipRecordFor)) {
                    records.add(GroupRecords.consumerMemberRecord(group.groupId(), m.memberId, m.toValue()));
                }
            }
        }
        group.assignmentEpoch = group.groupEpoch;
        records.add(groupRecord(group));
    }

    /** The assignor most members ask for; the first configured one if none asks. */
    String assignorOf(ConsumerGroup group) {
        Map<String, Integer> votes = new HashMap<>();
        for (ConsumerMember m : group.members.values()) {
            if (m.serverAssignor != null) {
                votes.merge(m.serverAssignor, 1, Integer::sum);
            }
        }
        String best = ctx.config().consumerAssignors().get(0);
        int bestVotes = votes.getOrDefault(best, 0);
        for (String name : ctx.config().consumerAssignors()) {
            if (votes.getOrDefault(name, 0) > bestVotes) {
                best = name;
                bestVotes = votes.get(name);
            }
        }
        return best;
    }

    static CoordinatorRecord groupRecord(ConsumerGroup group) {
        return GroupRecords.consumerGroupRecord(
                group.groupId(),
                new ConsumerGroupValue(
                        group.groupEpoch, group.assignmentEpoch, group.stateTimestampMs, group.subscriptionMetadata));
    }

    /** The topics a member subscribes to that exist now: its names plus the regular expression's matches. */
    static Set<String> subscribedTopics(ConsumerMember member, TopicMetadataView metadata) {
        Set<String> topics = new TreeSet<>();
        for (String name : member.subscribedTopicNames) {
            if (metadata.partitionCount(name) >= 0) {
                topics.add(name);
            }
        }
        if (member.subscribedTopicRegex != null) {
            Pattern pattern = Pattern.compile(member.subscribedTopicRegex);
            // Kafka's regex resolution leaves out, without a word, the topics the member's principal may not describe.
            Predicate<String> describable = member.describableTopics != null
                    ? member.describableTopics
                    : name -> member.holds(metadata.topicId(name));
            for (String name : metadata.topicNames()) {
                if (!name.startsWith("__") && pattern.matcher(name).matches() && describable.test(name)) {
                    topics.add(name);
                }
            }
        }
        return topics;
    }

    static Set<String> subscribedTopicNames(ConsumerGroup group, TopicMetadataView metadata) {
        Set<String> topics = new TreeSet<>();
        for (ConsumerMember m : group.members.values()) {
            topics.addAll(subscribedTopics(m, metadata));
        }
        return topics;
    }

    static Map<String, Integer> subscriptionMetadata(ConsumerGroup group, TopicMetadataView metadata) {
        Map<String, Integer> result = new TreeMap<>();
        for (String topic : subscribedTopicNames(group, metadata)) {
            result.put(topic, metadata.partitionCount(topic));
        }
        return result;
    }

    static Map<Uuid, Set<Integer>> owned(List<ConsumerGroupHeartbeatRequest.TopicPartitions> topicPartitions) {
        if (topicPartitions == null) {
            return null;
        }
        Map<Uuid, Set<Integer>> owned = new TreeMap<>();
        for (ConsumerGroupHeartbeatRequest.TopicPartitions tp : topicPartitions) {
            if (!tp.partitions().isEmpty()) {
                owned.computeIfAbsent(tp.topicId(), t -> new TreeSet<>()).addAll(tp.partitions());
            }
        }
        return owned;
    }

    static boolean isSubset(Map<Uuid, Set<Integer>> small, Map<Uuid, Set<Integer>> big) {
        for (Map.Entry<Uuid, Set<Integer>> e : small.entrySet()) {
            Set<Integer> other = big.get(e.getKey());
            if (!e.getValue().isEmpty() && (other == null || !other.containsAll(e.getValue()))) {
                return false;
            }
        }
        return true;
    }

    static Map<Uuid, Set<Integer>> copy(Map<Uuid, Set<Integer>> assignment) {
        Map<Uuid, Set<Integer>> copy = new TreeMap<>();
        assignment.forEach((id, ps) -> copy.put(id, new TreeSet<>(ps)));
        return copy;
    }

    private static ConsumerGroupHeartbeatResponse.Assignment assignment(Map<Uuid, Set<Integer>> assigned) {
        ConsumerGroupHeartbeatResponse.Assignment assignment = new ConsumerGroupHeartbeatResponse.Assignment();
        assigned.forEach((id, partitions) -> assignment
                .topicPartitions()
                .add(new ConsumerGroupHeartbeatResponse.TopicPartitions()
                        .setTopicId(id)
                        .setPartitions(new ArrayList<>(partitions))));
        return assignment;
    }

    static ConsumerGroupHeartbeatResponse errorResponse(Errors error, String message) {
        return new ConsumerGroupHeartbeatResponse().setErrorCode(error.code()).setErrorMessage(message);
    }
}
