package io.fjord.metadata;

import java.util.Arrays;
import java.util.Objects;

/**
 * One partition of an AlterPartitionReassignments request: the replicas it should end up with, in
 * preference order, or null to cancel a reassignment in progress. Arrays are copied in and out.
 */
public record PartitionReassignment(String topic, int partitionId, int[] targetReplicas) {

    public PartitionReassignment {
        Objects.requireNonNull(topic, "topic");
        targetReplicas = targetReplicas == null ? null : targetReplicas.clone();
    }

    /** The target replicas, or null for a cancellation. */
    @Override
    public int[] targetReplicas() {
        return targetReplicas == null ? null : targetReplicas.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartitionReassignment that
                && topic.equals(that.topic)
                && partitionId == that.partitionId
                && Arrays.equals(targetReplicas, that.targetReplicas);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hash(topic, partitionId) + Arrays.hashCode(targetReplicas);
    }

    @Override
    public String toString() {
        return "PartitionReassignment[" + topic + "-" + partitionId + " -> " + Arrays.toString(targetReplicas) + "]";
    }
}
