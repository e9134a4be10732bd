package io.fjord.metadata;

import io.fjord.common.Uuid;
import java.util.Arrays;
import java.util.Objects;

/**
 * A partition was created (or fully re-stated): its replicas in preference order, its in-sync replicas,
 * its leader ({@link #NO_LEADER} when none), the leader epoch, the partition epoch, and the replicas a
 * reassignment in progress removes and adds (empty when none; both are also in {@code replicas}). The
 * arrays are copied in and out, so the record stays immutable.
 */
public record PartitionRecord(
        Uuid topicId,
        int partitionId,
        int[] replicas,
        int[] isr,
        int leader,
        int leaderEpoch,
        int partitionEpoch,
        int[] removingReplicas,
        int[] addingReplicas)
        implements MetadataRecord {

    /** The leader value when a partition has no leader. */
    public static final int NO_LEADER = -1;

    private static final int[] NONE = new int[0];

    public PartitionRecord {
        Objects.requireNonNull(topicId, "topicId");
        if (partitionId < 0) {
            throw new IllegalArgumentException("partitionId must not be negative, got: " + partitionId);
        }
        replicas = replicas.clone();
        isr = isr.clone();
        removingReplicas = removingReplicas == null ? NONE : removingReplicas.clone();
        addingReplicas = addingReplicas == null ? NONE : addingReplicas.clone();
    }

    /** A partition with no reassignment in progress. */
    public PartitionRecord(
            Uuid topicId, int partitionId, int[] replicas, int[] isr, int leader, int leaderEpoch, int partitionEpoch) {
        this(topicId, partitionId, replicas, isr, leader, leaderEpoch, partitionEpoch, NONE, NONE);
    }

    @Override
    public int[] replicas() {
        return replicas.clone();
    }

    @Override
    public int[] isr() {
        return isr.clone();
    }

    @Override
    public int[] removingReplicas() {
        return removingReplicas.clone();
    }

    @Override
    public int[] addingReplicas() {
        return addingReplicas.clone();
    }

    /** The partition's state as it appears in a {@link TopicImage}. */
    public PartitionRegistration toRegistration() {
        return new PartitionRegistration(
                replicas, isr, leader, leaderEpoch, partitionEpoch, removingReplicas, addingReplicas);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartitionRecord that
                && topicId.equals(that.topicId)
                && partitionId == that.partitionId
                && Arrays.equals(replicas, that.replicas)
                && Arrays.equals(isr, that.isr)
                && leader == that.leader
                && leaderEpoch == that.leaderEpoch
                && partitionEpoch == that.partitionEpoch
                && Arrays.equals(removingReplicas, that.removingReplicas)
                && Arrays.equals(addingReplicas, that.addingReplicas);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(topicId, partitionId, leader, leaderEpoch, partitionEpoch);
        h = 31 * (31 * h + Arrays.hashCode(replicas)) + Arrays.hashCode(isr);
        return 31 * (31 * h + Arrays.hashCode(removingReplicas)) + Arrays.hashCode(addingReplicas);
    }

    @Override
    public String toString() {
        return "PartitionRecord[topicId=" + topicId + ", partitionId=" + partitionId + ", replicas="
                + Arrays.toString(replicas) + ", isr=" + Arrays.toString(isr) + ", leader=" + leader
                + ", leaderEpoch=" + leaderEpoch + ", partitionEpoch=" + partitionEpoch + ", removing="
                + Arrays.toString(removingReplicas) + ", adding=" + Arrays.toString(addingReplicas) + "]";
    }
}
