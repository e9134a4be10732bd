package io.fjord.metadata;

import static io.fjord.metadata.PartitionChanges.contains;

import io.fjord.common.Errors;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides AlterPartition (contract rule 1): a partition leader's ISR change is accepted when the sender
 * is the leader, the leader epoch and partition epoch it acted on are the current ones, the new ISR holds
 * the leader, names only replicas (each once), and every member it adds is {@link
 * BrokerRegistration#eligible}. Items are decided in order, each on top of the ones before it. Pure.
 */
final class AlterPartitionControl {

    static ControllerResult<List<AlterPartitionResult>> alterPartition(
            MetadataImage image, int brokerId, List<AlterPartitionItem> items) {
        List<MetadataRecord> records = new ArrayList<>();
        List<AlterPartitionResult> results = new ArrayList<>(items.size());
        MetadataImage current = image;
        for (AlterPartitionItem item : items) {
            TopicImage topic = current.topics().topic(item.topicId());
            PartitionRegistration partition = topic == null ? null : topic.partition(item.partitionId());
            Errors error = partition == null
                    ? Errors.UNKNOWN_TOPIC_OR_PARTITION
                    : validate(current.cluster(), brokerId, partition, item);
            if (error != Errors.NONE) {
                results.add(new AlterPartitionResult(item.topicId(), item.partitionId(), error, null));
                continue;
            }
            PartitionChangeRecord change = PartitionChanges.change(
                    topic.id(), item.partitionId(), partition, item.newIsr(), partition.leader());
            List<MetadataRecord> changes = change == null ? List.of() : List.of(change);
            current = PartitionChanges.replay(current, changes);
            records.addAll(changes);
            results.add(new AlterPartitionResult(
                    item.topicId(),
                    item.partitionId(),
                    Errors.NONE,
                    current.topics().topic(item.topicId()).partition(item.partitionId())));
        }
        return new ControllerResult<>(records, results);
    }

    private static Errors validate(
            ClusterImage cluster, int brokerId, PartitionRegistration partition, AlterPartitionItem item) {
        if (item.leaderEpoch() != partition.leaderEpoch()) {
            return Errors.FENCED_LEADER_EPOCH;
        }
        if (brokerId != partition.leader()) {
            return Errors.NOT_LEADER_OR_FOLLOWER;
        }
        if (item.partitionEpoch() != partition.partitionEpoch()) {
            return Errors.INVALID_UPDATE_VERSION;
        }
        int[] newIsr = item.newIsr();
        Set<Integer> seen = new HashSet<>();
        for (int member : newIsr) {
            if (!seen.add(member) || !partition.hasReplica(member)) {
                return Errors.INVALID_REQUEST;
            }
        }
        if (!seen.contains(partition.leader())) {
            return Errors.INVALID_REQUEST;
        }
        int[] isr = partition.isr();
        for (int member : newIsr) {
            if (!contains(isr, member) && !cluster.isEligible(member)) {
                return Errors.INELIGIBLE_REPLICA;
            }
        }
        return Errors.NONE;
    }
}
