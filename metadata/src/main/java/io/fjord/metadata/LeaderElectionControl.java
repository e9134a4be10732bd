package io.fjord.metadata;

import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.common.Uuid;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides ElectLeaders (Kafka's per-partition outcomes) and finds the partitions the automatic
 * preferred-leader rebalance should elect. PREFERRED makes the first replica the leader when it is an
 * eligible ISR member; UNCLEAN elects a leaderless partition's leader from its eligible ISR members, else
 * from any eligible replica (ISR = just it). Pure.
 */
final class LeaderElectionControl {

    private LeaderElectionControl() {}

    /**
     * One result per requested partition, in request order; with {@code partitions} null every partition
     * is considered and those that need no election are left out of the results.
     */
    static ControllerResult<List<ElectLeadersResult>> electLeaders(
            MetadataImage image, ElectionType type, List<TopicPartition> partitions) {
        List<TopicPartition> wanted = partitions != null ? partitions : allPartitions(image);
        List<MetadataRecord> records = new ArrayList<>();
        List<ElectLeadersResult> results = new ArrayList<>(wanted.size());
        MetadataImage current = image;
        for (TopicPartition tp : wanted) {
            TopicImage topic = tp.topic() == null ? null : current.topics().topic(tp.topic());
            PartitionRegistration partition = topic == null ? null : topic.partition(tp.partition());
            if (partition == null) {
                results.add(new ElectLeadersResult(
                        tp.topic(),
                        tp.partition(),
                        Errors.UNKNOWN_TOPIC_OR_PARTITION,
                        "The partition " + tp + " does not exist."));
                continue;
            }
            int before = records.size();
            ElectLeadersResult result = type == ElectionType.PREFERRED
                    ? preferred(current.cluster(), tp, topic.id(), partition, records)
                    : unclean(current.cluster(), tp, topic.id(), partition, records);
            if (partitions != null || result.error() != Errors.ELECTION_NOT_NEEDED) {
                results.add(result);
            }
            current = PartitionChanges.replay(current, records.subList(before, records.size()));
        }
        return new ControllerResult<>(records, results);
    }

    private static ElectLeadersResult preferred(
            ClusterImage cluster,
            TopicPartition tp,
            Uuid topicId,
            PartitionRegistration partition,
            List<MetadataRecord> out) {
        int preferred = partition.replicas()[0];
        if (partition.leader() == preferred) {
            return result(tp, Errors.ELECTION_NOT_NEEDED, "Leader is already the preferred replica " + preferred + ".");
        }
        if (!PartitionChanges.contains(partition.isr(), preferred) || !cluster.isEligible(preferred)) {
            return result(
                    tp,
                    Errors.PREFERRED_LEADER_NOT_AVAILABLE,
                    "Failed to elect leader for partition " + tp + " under strategy PREFERRED: the preferred replica "
                            + preferred + " is not a live in-sync replica.");
        }
        out.add(PartitionChanges.change(topicId, tp.partition(), partition, partition.isr(), preferred));
        return result(tp, Errors.NONE, null);
    }

    private static ElectLeadersResult unclean(
            ClusterImage cluster,
            TopicPartition tp,
            Uuid topicId,
            PartitionRegistration partition,
            List<MetadataRecord> out) {
        if (partition.leader() != PartitionRecord.NO_LEADER && cluster.isEligible(partition.leader())) {
            return result(tp, Errors.ELECTION_NOT_NEEDED, "Partition " + tp + " already has a leader.");
        }
        PartitionChanges.Election election =
                PartitionChanges.elect(cluster, partition.replicas(), partition.isr(), true);
        if (election.leader() == PartitionRecord.NO_LEADER) {
            return result(
                    tp,
                    Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE,
                    "Failed to elect leader for partition " + tp + " under strategy UNCLEAN: no replica is live.");
        }
        out.add(PartitionChanges.change(topicId, tp.partition(), partition, election.isr(), election.leader()));
        return result(tp, Errors.NONE, null);
    }

    private static ElectLeadersResult result(TopicPartition tp, Errors error, String message) {
        return new ElectLeadersResult(tp.topic(), tp.partition(), error, message);
    }

    private static List<TopicPartition> allPartitions(MetadataImage image) {
        List<TopicPartition> all = new ArrayList<>();
        for (TopicImage topic : PartitionChanges.sortedTopics(image).values()) {
            for (int partitionId : topic.partitions().keySet()) {
                all.add(new TopicPartition(topic.name(), partitionId));
            }
        }
        return all;
    }

    /**
     * The partitions a preferred-leader rebalance should elect (Kafka's auto.leader.rebalance): for each
     * broker whose share of partitions it prefers but does not lead exceeds {@code percentage} percent,
     * those of its preferred partitions it could lead now (it is an eligible ISR member).
     */
    static List<TopicPartition> imbalancedPartitions(MetadataImage image, int percentage) {
        Map<Integer, List<TopicPartition>> movable = new HashMap<>();
        Map<Integer, int[]> counts = new HashMap<>(); // broker -> [preferred, not led]
        for (TopicImage topic : PartitionChanges.sortedTopics(image).values()) {
            for (Map.Entry<Integer, PartitionRegistration> e :
                    topic.partitions().entrySet()) {
                PartitionRegistration partition = e.getValue();
                if (partition.replicationFactor() == 0) {
                    continue;
                }
                int preferred = partition.replicas()[0];
                int[] count = counts.computeIfAbsent(preferred, b -> new int[2]);
                count[0]++;
                if (partition.leader() != preferred) {
                    count[1]++;
                    if (PartitionChanges.contains(partition.isr(), preferred)
                            && image.cluster().isEligible(preferred)) {
                        movable.computeIfAbsent(preferred, b -> new ArrayList<>())
                                .add(new TopicPartition(topic.name(), e.getKey()));
                    }
                }
            }
        }
        List<TopicPartition> result = new ArrayList<>();
        for (Map.Entry<Integer, int[]> e : new TreeMap<>(counts).entrySet()) {
            int[] count = e.getValue();
            if (count[1] * 100L > (long) percentage * count[0]) {
                result.addAll(movable.getOrDefault(e.getKey(), List.of()));
            }
        }
        return result;
    }
}
