package io.fjord.coordinator;

import io.fjord.common.TopicPartition;
import io.fjord.coordinator.record.GroupRecords;
import io.fjord.coordinator.record.GroupRecords.ClassicGroupValue;
import io.fjord.coordinator.record.GroupRecords.ClassicMemberValue;
import io.fjord.coordinator.record.GroupRecords.ConsumerGroupValue;
import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilds a shard from the entries of its {@code __consumer_offsets} partition, in log order: the one replay
 * path for loading. Later records win, tombstones delete. Classic groups come back Empty or Stable (a
 * rebalance in progress is not persisted, as in Kafka: its members rejoin); consumer groups come back with
 * their epochs, members and assignments. Offsets of a transactional batch are pending for its producer until
 * that producer's marker commits them (where they were written after the committed offset) or aborts them;
 * a tombstone removes pending offsets too, as Kafka's replay does. Called by the loading thread while the
 * shard is LOADING, with the shard's lock held (an unload may close the shard between two records).
 */
final class GroupReplayer {

    private final CoordinatorContext ctx;

    GroupReplayer(CoordinatorContext ctx) {
        this.ctx = ctx;
    }

    void replay(CoordinatorShard shard, CoordinatorLogEntry entry) {
        shard.onReplayed(entry.offset());
        if (entry instanceof CoordinatorLogEntry.TransactionMarker marker) {
            shard.offsets.completeTransaction(marker.producerId(), marker.committed());
            return;
        }
        CoordinatorLogEntry.Data data = (CoordinatorLogEntry.Data) entry;
        CoordinatorRecord record = data.record();
        GroupRecords.Key key = GroupRecords.decodeKey(record.key());
        byte[] value = record.value();
        if (key instanceof GroupRecords.OffsetKey k) {
            TopicPartition tp = new TopicPartition(k.topic(), k.partition());
            if (value == null) {
                shard.offsets.remove(k.groupId(), tp, data.offset());
            } else if (data.isTransactional()) {
                shard.offsets.putPending(
                        data.producerId(), k.groupId(), tp, GroupRecords.decodeOffsetValue(value), data.offset());
            } else {
                shard.offsets.put(k.groupId(), tp, GroupRecords.decodeOffsetValue(value), data.offset());
            }
        } else if (key instanceof GroupRecords.ClassicGroupKey k) {
            if (value == null) {
                shard.groups.remove(k.groupId());
            } else {
                shard.groups.put(k.groupId(), classicGroup(k.groupId(), GroupRecords.decodeClassicGroupValue(value)));
            }
        } else if (key instanceof GroupRecords.ConsumerGroupKey k) {
            if (value == null) {
                if (shard.groups.get(k.groupId()) instanceof ConsumerGroup) {
                    shard.groups.remove(k.groupId());
                }
            } else {
                ConsumerGroupValue v = GroupRecords.decodeConsumerGroupValue(value);
                ConsumerGroup group = consumerGroup(shard, k.groupId());
                group.groupEpoch = v.groupEpoch();
                group.assignmentEpoch = v.assignmentEpoch();
                group.stateTimestampMs = v.stateTimestampMs();
                group.subscriptionMetadata = new java.util.TreeMap<>(v.subscribedTopics());
            }
        } else if (key instanceof GroupRecords.ConsumerMemberKey k) {
            if (value == null) {
                if (shard.groups.get(k.groupId()) instanceof ConsumerGroup group) {
                    group.remove(k.memberId());
                }
            } else {
                consumerGroup(shard, k.groupId())
                        .put(ConsumerMember.fromValue(k.memberId(), GroupRecords.decodeConsumerMemberValue(value)));
            }
        }
    }

    private ConsumerGroup consumerGroup(CoordinatorShard shard, String groupId) {
        if (shard.groups.get(groupId) instanceof ConsumerGroup group) {
            return group;
        }
        ConsumerGroup group = new ConsumerGroup(groupId, ctx.nowMs());
        shard.groups.put(groupId, group);
        return group;
    }

    private ClassicGroup classicGroup(String groupId, ClassicGroupValue v) {
        ClassicGroup group = new ClassicGroup(groupId, v.stateTimestampMs());
        group.protocolType = v.protocolType();
        group.generationId = v.generation();
        group.protocolName = v.protocolName();
        for (ClassicMemberValue m : v.members()) {
            List<ClassicMember.Protocol> protocols = new ArrayList<>();
            if (v.protocolName() != null) {
                protocols.add(new ClassicMember.Protocol(
                        v.protocolName(), m.subscription() == null ? ClassicMember.EMPTY : m.subscription()));
            }
            ClassicMember member = new ClassicMember(
                    m.memberId(),
                    m.groupInstanceId(),
                    m.clientId(),
                    m.clientHost(),
                    m.rebalanceTimeoutMs(),
                    m.sessionTimeoutMs(),
                    protocols);
            member.assignment = m.assignment() == null ? ClassicMember.EMPTY : m.assignment();
            group.add(member);
        }
        group.leaderId = v.leader();
        group.loadState(
                group.members.isEmpty() ? ClassicGroup.State.EMPTY : ClassicGroup.State.STABLE, v.stateTimestampMs());
        return group;
    }

    /**
     * After the last record: groups that only have offsets (committed or pending) become simple (Empty classic)
     * groups.
     */
    void finish(CoordinatorShard shard) {
        for (String groupId : shard.offsets.groupIds()) {
            shard.groups.computeIfAbsent(groupId, id -> new ClassicGroup(id, ctx.nowMs()));
        }
        for (String groupId : shard.offsets.transactionalGroupIds()) {
            shard.groups.computeIfAbsent(groupId, id -> new ClassicGroup(id, ctx.nowMs()));
        }
    }
}
