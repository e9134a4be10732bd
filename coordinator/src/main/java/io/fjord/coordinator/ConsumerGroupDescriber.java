package io.fjord.coordinator;

import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import io.fjord.protocol.message.ConsumerGroupDescribeResponse;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;

/**
 * ConsumerGroupDescribe for one group of a shard: epochs, assignor, members with their current and target
 * assignments (topic names from the metadata). Runs with the shard's lock held.
 */
final class ConsumerGroupDescriber {

    private final CoordinatorContext ctx;
    private final ConsumerGroupHandler handler;

    ConsumerGroupDescriber(CoordinatorContext ctx, ConsumerGroupHandler handler) {
        this.ctx = ctx;
        this.handler = handler;
    }

    ConsumerGroupDescribeResponse.DescribedGroup describe(CoordinatorShard shard, String groupId, short version) {
        ConsumerGroupDescribeResponse.DescribedGroup described =
                new ConsumerGroupDescribeResponse.DescribedGroup().setGroupId(groupId);
        Group group = shard.groups.get(groupId);
        if (!(group instanceof ConsumerGroup consumer)) {
            return described
                    .setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                    .setErrorMessage(
                            group == null
                                    ? "Group " + groupId + " not found."
                                    : "Group " + groupId + " is not a consumer group.");
        }
        described
                .setGroupState(consumer.stateName())
                .setGroupEpoch(consumer.groupEpoch)
                .setAssignmentEpoch(consumer.assignmentEpoch)
                .setAssignorName(handler.assignorOf(consumer));
        for (ConsumerMember m : consumer.members.values()) {
            ConsumerGroupDescribeResponse.Member member = new ConsumerGroupDescribeResponse.Member()
                    .setMemberId(m.memberId)
                    .setInstanceId(m.instanceId)
                    .setRackId(m.rackId)
                    .setMemberEpoch(m.memberEpoch)
                    .setClientId(m.clientId == null ? "" : m.clientId)
                    .setClientHost(m.clientHost == null ? "" : m.clientHost)
                    .setSubscribedTopicNames(new ArrayList<>(m.subscribedTopicNames))
                    .setSubscribedTopicRegex(m.subscribedTopicRegex)
                    .setAssignment(assignment(m.assigned))
                    .setTargetAssignment(assignment(m.target));
            if (version >= 1) {
                member.setMemberType((byte) 1);
            }
            described.members().add(member);
        }
        return described;
    }

    private ConsumerGroupDescribeResponse.Assignment assignment(Map<Uuid, Set<Integer>> partitions) {
        ConsumerGroupDescribeResponse.Assignment assignment = new ConsumerGroupDescribeResponse.Assignment();
        partitions.forEach((id, ps) -> {
            String name = ctx.metadata().topicName(id);
            assignment
                    .topicPartitions()
                    .add(new ConsumerGroupDescribeResponse.TopicPartitions()
                            .setTopicId(id)
                            .setTopicName(name == null ? "" : name)
                            .setPartitions(new ArrayList<>(ps)));
        });
        return assignment;
    }
}
