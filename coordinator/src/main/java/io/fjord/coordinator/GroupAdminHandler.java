package io.fjord.coordinator;

import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.coordinator.record.GroupRecords;
import io.fjord.protocol.message.DescribeGroupsResponse;
import io.fjord.protocol.message.ListGroupsResponse;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Group administration within one shard: ListGroups (state and type filters, case-insensitive as in Kafka),
 * DescribeGroups for classic groups, and DeleteGroups (only empty groups; their offsets go with them, as
 * tombstones). Runs with the shard's lock held.
 */
final class GroupAdminHandler {

    void list(
            CoordinatorShard shard,
            Set<String> statesLower,
            Set<String> typesLower,
            List<ListGroupsResponse.ListedGroup> out) {
        for (Group group : shard.groups.values()) {
            if (group instanceof ClassicGroup c && c.is(ClassicGroup.State.DEAD)) {
                continue;
            }
            if (!statesLower.isEmpty()
                    && !statesLower.contains(group.stateName().toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (!typesLower.isEmpty() && !typesLower.contains(group.type())) {
                continue;
            }
            out.add(new ListGroupsResponse.ListedGroup()
                    .setGroupId(group.groupId())
                    .setProtocolType(group.protocolType())
                    .setGroupState(group.stateName())
                    .setGroupType(group.type()));
        }
    }

    DescribeGroupsResponse.DescribedGroup describe(CoordinatorShard shard, String groupId, short version) {
        Group group = shard.groups.get(groupId);
        DescribeGroupsResponse.DescribedGroup described =
                new DescribeGroupsResponse.DescribedGroup().setGroupId(groupId);
        if (!(group instanceof ClassicGroup classic) || classic.is(ClassicGroup.State.DEAD)) {
            described.setGroupState("Dead").setProtocolType("").setProtocolData("");
            if (version >= 6) {
                described
                        .setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                        .setErrorMessage(
                                group == null
                                        ? "Group " + groupId + " not found."
                                        : "Group " + groupId + " is not a classic group.");
            }
            return described;
        }
        boolean stable = classic.is(ClassicGroup.State.STABLE);
        described
                .setGroupState(classic.stateName())
                .setProtocolType(classic.protocolType())
                .setProtocolData(stable && classic.protocolName != null ? classic.protocolName : "");
        for (ClassicMember m : classic.members.values()) {
            byte[] metadata = stable ? m.metadata(classic.protocolName) : null;
            described
                    .members()
                    .add(new DescribeGroupsResponse.DescribedGroupMember()
                            .setMemberId(m.memberId)
                            .setGroupInstanceId(m.groupInstanceId)
                            .setClientId(m.clientId)
                            .setClientHost(m.clientHost)
                            .setMemberMetadata(metadata == null ? ClassicMember.EMPTY : metadata)
                            .setMemberAssignment(stable ? m.assignment : ClassicMember.EMPTY));
        }
        return described;
    }

    /**
     * Deletes an empty group and its offsets, pending transactional ones included (as Kafka does: open
     * transactions do not keep a group from being deleted); the future yields the group's error code.
     */
    CompletableFuture<Errors> delete(CoordinatorShard shard, String groupId) {
        Group group = shard.groups.get(groupId);
        if (group == null || (group instanceof ClassicGroup c && c.is(ClassicGroup.State.DEAD))) {
            return CompletableFuture.completedFuture(Errors.GROUP_ID_NOT_FOUND);
        }
        if (!group.isEmpty()) {
            return CompletableFuture.completedFuture(Errors.NON_EMPTY_GROUP);
        }
        Set<TopicPartition> offsets =
                new LinkedHashSet<>(shard.offsets.offsets(groupId).keySet());
        offsets.addAll(shard.offsets.pendingTransactionalPartitions(groupId));
        List<CoordinatorRecord> records = new ArrayList<>(OffsetHandler.offsetTombstones(groupId, offsets));
        records.addAll(deleteGroupRecords(shard, group));
        shard.groups.remove(groupId);
        CompletableFuture<Errors> future = new CompletableFuture<>();
        long position = shard.nextPosition();
        shard.append(records, error -> {
            if (error == null) {
                shard.offsets.removeAll(groupId, offsets, position); // only once the tombstones are committed
            }
            future.complete(error == null ? Errors.NONE : error);
        });
        return future;
    }

    /** Tombstones for the group's own records (not its offsets), and marks a classic group Dead. */
    static List<CoordinatorRecord> deleteGroupRecords(CoordinatorShard shard, Group group) {
        List<CoordinatorRecord> records = new ArrayList<>();
        if (group instanceof ClassicGroup classic) {
            classic.transitionTo(ClassicGroup.State.DEAD, classic.stateTimestampMs);
            records.add(GroupRecords.classicGroupTombstone(group.groupId()));
        } else {
            ConsumerGroup consumer = (ConsumerGroup) group;
            for (String memberId : consumer.members.keySet()) {
                records.add(GroupRecords.consumerMemberTombstone(group.groupId(), memberId));
            }
            records.add(GroupRecords.consumerGroupTombstone(group.groupId()));
        }
        return records;
    }
}
