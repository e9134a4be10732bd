package io.fjord.metadata;

import static io.fjord.metadata.PartitionChanges.contains;
import static io.fjord.metadata.PartitionChanges.filter;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides partition reassignments (Kafka's KIP-455 flow). Starting one towards {@code target} from the
 * current replicas {@code current} writes replicas = target followed by the current replicas not in it,
 * adding = target - current, removing = current - target: the adding replicas become followers and catch
 * up. The reassignment completes as soon as every adding replica is in the ISR (checked when it starts and
 * on every AlterPartition, see {@link #maybeComplete}): replicas = target, ISR = ISR ∩ target, no adding or
 * removing, and a leader that is being removed hands over to the first eligible target ISR member. A
 * cancellation reverts to the replicas before it (current - adding). A new target over a running
 * reassignment replaces it, starting from the replicas as they stand. Pure.
 */
final class ReassignmentControl {

    private final ControllerConfig config;

    ReassignmentControl(ControllerConfig config) {
        this.config = config;
    }

    /**
     * One result per item, in request order, each decided on top of the ones before it. With {@code
     * allowReplicationFactorChange} false a target whose size differs from the replica count the partition
     * is headed for fails with INVALID_REPLICATION_FACTOR.
     */
    ControllerResult<List<ReassignmentResult>> alterPartitionReassignments(
            MetadataImage image, List<PartitionReassignment> reassignments, boolean allowReplicationFactorChange) {
        List<MetadataRecord> records = new ArrayList<>();
        List<ReassignmentResult> results = new ArrayList<>(reassignments.size());
        MetadataImage current = image;
        for (PartitionReassignment item : reassignments) {
            TopicImage topic = current.topics().topic(item.topic());
            PartitionRegistration partition = topic == null ? null : topic.partition(item.partitionId());
            try {
                if (partition == null) {
                    throw new ApiException(
                            Errors.UNKNOWN_TOPIC_OR_PARTITION,
                            "Unable to find partition " + item.topic() + ":" + item.partitionId() + ".");
                }
                PartitionRegistration wanted = item.targetReplicas() == null
                        ? cancel(current, topic.name(), item, partition)
                        : start(current.cluster(), item, partition, allowReplicationFactorChange);
                PartitionChangeRecord change =
                        PartitionChanges.change(topic.id(), item.partitionId(), partition, wanted);
                if (change != null) {
                    records.add(change);
                    current = PartitionChanges.replay(current, List.of(change));
                }
                results.add(new ReassignmentResult(item.topic(), item.partitionId(), Errors.NONE, null));
            } catch (ApiException e) {
                results.add(new ReassignmentResult(item.topic(), item.partitionId(), e.error(), e.getMessage()));
            }
        }
        return new ControllerResult<>(records, results);
    }

    private static PartitionRegistration start(
            ClusterImage cluster,
            PartitionReassignment item,
            PartitionRegistration partition,
            boolean allowReplicationFactorChange) {
        int[] target = item.targetReplicas();
        validateTarget(cluster, item, target);
        if (!allowReplicationFactorChange) {
            int headedFor = partition.replicationFactor() - partition.removingReplicas().length;
            if (target.length != headedFor) {
                throw new ApiException(
                        Errors.INVALID_REPLICATION_FACTOR,
                        "The replication factor is changed from " + headedFor + " to " + target.length);
            }
        }
        int[] current = partition.replicas();
        int[] removing = filter(current, target, false);
        int[] adding = filter(target, current, false);
        int[] replicas = concat(target, removing);
        PartitionRegistration reassigning = new PartitionRegistration(
                replicas,
                partition.isr(),
                partition.leader(),
                partition.leaderEpoch(),
                partition.partitionEpoch(),
                removing,
                adding);
        PartitionRegistration completed = maybeComplete(cluster, reassigning);
        return completed != null ? completed : reassigning;
    }

    /** Kafka's checks: a non-empty target naming each registered broker (fenced or not) once. */
    private static void validateTarget(ClusterImage cluster, PartitionReassignment item, int[] target) {
        String partition = item.topic() + ":" + item.partitionId();
        if (target.length == 0) {
            throw new ApiException(
                    Errors.INVALID_REPLICA_ASSIGNMENT, "The target replicas of " + partition + " are empty.");
        }
        Set<Integer> seen = new HashSet<>();
        for (int brokerId : target) {
            if (!seen.add(brokerId)) {
                throw new ApiException(
                        Errors.INVALID_REPLICA_ASSIGNMENT,
                        "The target replicas " + Arrays.toString(target) + " of " + partition + " name broker "
                                + brokerId + " more than once.");
            }
            if (cluster.broker(brokerId) == null) {
                throw new ApiException(
                        Errors.INVALID_REPLICA_ASSIGNMENT,
                        "The target replicas " + Arrays.toString(target) + " of " + partition + " name broker "
                                + brokerId + ", which is not registered.");
            }
        }
    }

    /**
     * The partition back on its replicas before the reassignment (current - adding), with the ISR cut to
     * them and the leader re-elected if it was an adding replica. Reverting onto no in-sync replica needs an
     * unclean election, allowed only when the topic allows one (else INVALID_REPLICA_ASSIGNMENT, as Kafka).
     */
    private PartitionRegistration cancel(
            MetadataImage image, String topic, PartitionReassignment item, PartitionRegistration partition) {
        if (!partition.isReassigning()) {
            throw new ApiException(
                    Errors.NO_REASSIGNMENT_IN_PROGRESS,
                    "No ongoing reassignment for partition " + item.topic() + ":" + item.partitionId() + ".");
        }
        int[] original = filter(partition.replicas(), partition.addingReplicas(), false);
        int[] isr = filter(partition.isr(), original, true);
        int leader = partition.leader();
        if (!contains(original, leader) || !contains(isr, leader)) {
            boolean unclean = isr.length == 0 && PartitionChanges.uncleanEnabled(image, topic, config);
            if (isr.length == 0 && !unclean) {
                throw new ApiException(
                        Errors.INVALID_REPLICA_ASSIGNMENT,
                        "Unable to revert partition assignment for " + item.topic() + ":" + item.partitionId()
                                + " because it would require an unclean leader election.");
            }
            PartitionChanges.Election election = PartitionChanges.elect(image.cluster(), original, isr, unclean);
            if (election.isr().length == 0) {
                throw new ApiException(
                        Errors.INVALID_REPLICA_ASSIGNMENT,
                        "Unable to revert partition assignment for " + item.topic() + ":" + item.partitionId()
                                + " because none of its original replicas " + Arrays.toString(original)
                                + " is live.");
            }
            leader = election.leader();
            isr = election.isr();
        }
        return new PartitionRegistration(
                original, isr, leader, partition.leaderEpoch(), partition.partitionEpoch(), null, null);
    }

    /**
     * {@code partition} with its reassignment completed, or null when there is none or it cannot complete
     * yet: an adding replica is not in the ISR, no target replica is, or no target ISR member is eligible
     * to lead when the leader is being removed (Kafka would leave the partition leaderless then; waiting
     * keeps it available).
     */
    static PartitionRegistration maybeComplete(ClusterImage cluster, PartitionRegistration partition) {
        if (!partition.isReassigning()) {
            return null;
        }
        int[] isr = partition.isr();
        for (int adding : partition.addingReplicas()) {
            if (!contains(isr, adding)) {
                return null;
            }
        }
        int[] target = filter(partition.replicas(), partition.removingReplicas(), false);
        int[] targetIsr = filter(isr, target, true);
        if (targetIsr.length == 0) {
            return null;
        }
        int leader = partition.leader();
        if (!contains(targetIsr, leader)) {
            leader = PartitionChanges.elect(cluster, target, targetIsr, false).leader();
            if (leader == PartitionRecord.NO_LEADER) {
                return null;
            }
        }
        return new PartitionRegistration(
                target, targetIsr, leader, partition.leaderEpoch(), partition.partitionEpoch(), null, null);
    }

    private static int[] concat(int[] first, int[] second) {
        int[] all = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }
}
