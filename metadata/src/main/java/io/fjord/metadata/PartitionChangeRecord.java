package io.fjord.metadata;

import io.fjord.common.Uuid;
import java.util.Arrays;
import java.util.Objects;

/**
 * A change to an existing partition: a new ISR and/or leader and/or replica list and/or the replicas a
 * reassignment removes and adds. A null array and a {@code leader} of {@link #NO_LEADER_CHANGE} mean
 * "unchanged"; {@link PartitionRecord#NO_LEADER} means "no leader"; an empty removing or adding array
 * means "none" (a reassignment that completed or was cancelled). Replaying it bumps the partition epoch,
 * and the leader epoch when the leader changes. Arrays are copied in and out; immutable.
 */
public record PartitionChangeRecord(
        Uuid topicId,
        int partitionId,
        int[] isr,
        int leader,
        int[] replicas,
        int[] removingReplicas,
        int[] addingReplicas)
        implements MetadataRecord {

    /** The leader value meaning "the leader stays as it is". */
    public static final int NO_LEADER_CHANGE = -2;

    public PartitionChangeRecord {
        Objects.requireNonNull(topicId, "topicId");
        if (partitionId < 0) {
            throw new IllegalArgumentException("partitionId must not be negative, got: " + partitionId);
        }
        isr = copy(isr);
        replicas = copy(replicas);
        removingReplicas = copy(removingReplicas);
        addingReplicas = copy(addingReplicas);
    }

    /** A change that leaves the reassignment state as it is. */
    public PartitionChangeRecord(Uuid topicId, int partitionId, int[] isr, int leader, int[] replicas) {
        this(topicId, partitionId, isr, leader, replicas, null, null);
    }

    /** The new ISR, or null when unchanged. */
    @Override
    public int[] isr() {
        return copy(isr);
    }

    /** The new replicas, or null when unchanged. */
    @Override
    public int[] replicas() {
        return copy(replicas);
    }

    /** The replicas being removed from now on, or null when unchanged. */
    @Override
    public int[] removingReplicas() {
        return copy(removingReplicas);
    }

    /** The replicas being added from now on, or null when unchanged. */
    @Override
    public int[] addingReplicas() {
        return copy(addingReplicas);
    }

    private static int[] copy(int[] values) {
        return values == null ? null : values.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartitionChangeRecord that
                && topicId.equals(that.topicId)
                && partitionId == that.partitionId
                && Arrays.equals(isr, that.isr)
                && leader == that.leader
                && Arrays.equals(replicas, that.replicas)
                && Arrays.equals(removingReplicas, that.removingReplicas)
                && Arrays.equals(addingReplicas, that.addingReplicas);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(topicId, partitionId, leader);
        h = 31 * (31 * h + Arrays.hashCode(isr)) + Arrays.hashCode(replicas);
        return 31 * (31 * h + Arrays.hashCode(removingReplicas)) + Arrays.hashCode(addingReplicas);
    }

    @Override
    public String toString() {
        return "PartitionChangeRecord[topicId=" + topicId + ", partitionId=" + partitionId + ", isr="
                + Arrays.toString(isr) + ", leader=" + leader + ", replicas=" + Arrays.toString(replicas)
                + ", removing=" + Arrays.toString(removingReplicas) + ", adding=" + Arrays.toString(addingReplicas)
                + "]";
    }
}
