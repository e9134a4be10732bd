package io.fjord.metadata;

import io.fjord.common.Uuid;
import java.util.Arrays;
import java.util.Objects;

/**
 * A change to an existing partition: a new ISR and/or leader and/or replica list. A null array and a
 * {@code leader} of {@link #NO_LEADER_CHANGE} mean "unchanged"; {@link PartitionRecord#NO_LEADER} means
 * "no leader". Replaying it bumps the partition epoch, and the leader epoch when the leader changes.
 * Arrays are copied in and out; immutable.
 */
public record PartitionChangeRecord(Uuid topicId, int partitionId, int[] isr, int leader, int[] replicas)
        implements MetadataRecord {

    /** The leader value meaning "the leader stays as it is". */
    public static final int NO_LEADER_CHANGE = -2;

    public PartitionChangeRecord {
        Objects.requireNonNull(topicId, "topicId");
        if (partitionId < 0) {
            throw new IllegalArgumentException("partitionId must not be negative, got: " + partitionId);
        }
        isr = isr == null ? null : isr.clone();
        replicas = replicas == null ? null : replicas.clone();
    }

    /** The new ISR, or null when unchanged. */
    @Override
    public int[] isr() {
        return isr == null ? null : isr.clone();
    }

    /** The new replicas, or null when unchanged. */
    @Override
    public int[] replicas() {
        return replicas == null ? null : replicas.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartitionChangeRecord that
                && topicId.equals(that.topicId)
                && partitionId == that.partitionId
                && Arrays.equals(isr, that.isr)
                && leader == that.leader
                && Arrays.equals(replicas, that.replicas);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(topicId, partitionId, leader);
        return 31 * (31 * h + Arrays.hashCode(isr)) + Arrays.hashCode(replicas);
    }

    @Override
    public String toString() {
        return "PartitionChangeRecord[topicId=" + topicId + ", partitionId=" + partitionId + ", isr="
                + Arrays.toString(isr) + ", leader=" + leader + ", replicas=" + Arrays.toString(replicas) + "]";
    }
}
