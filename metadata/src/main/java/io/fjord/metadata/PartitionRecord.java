package io.fjord.metadata;

import io.fjord.common.Uuid;
import java.util.Arrays;
import java.util.Objects;

/**
 * A partition was created (or fully re-stated): its replicas in preference order, its in-sync replicas,
 * its leader ({@link #NO_LEADER} when none), the leader epoch and the partition epoch. The arrays are
 * copied in and out, so the record stays immutable.
 */
public record PartitionRecord(
        Uuid topicId, int partitionId, int[] replicas, int[] isr, int leader, int leaderEpoch, int partitionEpoch)
        implements MetadataRecord {

    /** The leader value when a partition has no leader. */
    public static final int NO_LEADER = -1;

    public PartitionRecord {
        Objects.requireNonNull(topicId, "topicId");
        if (partitionId < 0) {
            throw new IllegalArgumentException("partitionId must not be negative, got: " + partitionId);
        }
        replicas = replicas.clone();
        isr = isr.clone();
    }

    @Override
    public int[] replicas() {
        return replicas.clone();
    }

    @Override
    public int[] isr() {
        return isr.clone();
    }

    /** The partition's state as it appears in a {@link TopicImage}. */
    public PartitionRegistration toRegistration() {
        return new PartitionRegistration(replicas, isr, leader, leaderEpoch, partitionEpoch);
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
                && partitionEpoch == that.partitionEpoch;
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(topicId, partitionId, leader, leaderEpoch, partitionEpoch);
        return 31 * (31 * h + Arrays.hashCode(replicas)) + Arrays.hashCode(isr);
    }

    @Override
    public String toString() {
        return "PartitionRecord[topicId=" + topicId + ", partitionId=" + partitionId + ", replicas="
                + Arrays.toString(replicas) + ", isr=" + Arrays.toString(isr) + ", leader=" + leader
                + ", leaderEpoch=" + leaderEpoch + ", partitionEpoch=" + partitionEpoch + "]";
    }
}
