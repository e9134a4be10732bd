package io.fjord.metadata;

import io.fjord.common.Uuid;
import java.util.Arrays;
import java.util.Objects;

/**
 * A partition's state in a {@link MetadataImage}: replicas in preference order, in-sync replicas, leader
 * ({@link PartitionRecord#NO_LEADER} when none), leader epoch, partition epoch and, while a reassignment
 * runs (KIP-455), the replicas being removed and being added. Both of those are also in {@code replicas}:
 * an adding replica is a follower like any other until the reassignment completes, and a removed replica
 * is one that leaves {@code replicas}. Arrays are copied in and out; immutable, safe from any thread.
 */
public record PartitionRegistration(
        int[] replicas,
        int[] isr,
        int leader,
        int leaderEpoch,
        int partitionEpoch,
        int[] removingReplicas,
        int[] addingReplicas) {

    private static final int[] NONE = new int[0];

    public PartitionRegistration {
        replicas = replicas.clone();
        isr = isr.clone();
        removingReplicas = removingReplicas == null ? NONE : removingReplicas.clone();
        addingReplicas = addingReplicas == null ? NONE : addingReplicas.clone();
    }

    /** A partition with no reassignment in progress. */
    public PartitionRegistration(int[] replicas, int[] isr, int leader, int leaderEpoch, int partitionEpoch) {
        this(replicas, isr, leader, leaderEpoch, partitionEpoch, NONE, NONE);
    }

    @Override
    public int[] replicas() {
        return replicas.clone();
    }

    @Override
    public int[] isr() {
        return isr.clone();
    }

    /** The replicas a reassignment in progress removes (empty when none). */
    @Override
    public int[] removingReplicas() {
        return removingReplicas.clone();
    }

    /** The replicas a reassignment in progress adds (empty when none). */
    @Override
    public int[] addingReplicas() {
        return addingReplicas.clone();
    }

    /** Whether a reassignment is in progress: some replicas are being added or removed. */
    public boolean isReassigning() {
        return removingReplicas.length > 0 || addingReplicas.length > 0;
    }

    /** The number of replicas, without copying them. */
    public int replicationFactor() {
        return replicas.length;
    }

    /** Whether {@code brokerId} is one of the replicas. */
    public boolean hasReplica(int brokerId) {
        for (int replica : replicas) {
            if (replica == brokerId) {
                return true;
            }
        }
        return false;
    }

    /** This partition after {@code change}: the partition epoch always moves, the leader epoch when the leader does. */
    public PartitionRegistration merge(PartitionChangeRecord change) {
        int[] newReplicas = change.replicas() == null ? replicas : change.replicas();
        int[] newIsr = change.isr() == null ? isr : change.isr();
        int[] newRemoving = change.removingReplicas() == null ? removingReplicas : change.removingReplicas();
        int[] newAdding = change.addingReplicas() == null ? addingReplicas : change.addingReplicas();
        int newLeader = leader;
        int newLeaderEpoch = leaderEpoch;
        if (change.leader() != PartitionChangeRecord.NO_LEADER_CHANGE && change.leader() != leader) {
            newLeader = change.leader();
            newLeaderEpoch = leaderEpoch + 1;
        }
        return new PartitionRegistration(
                newReplicas, newIsr, newLeader, newLeaderEpoch, partitionEpoch + 1, newRemoving, newAdding);
    }

    /** The record that re-creates this partition, for snapshots and for catching up a new publisher. */
    public PartitionRecord toRecord(Uuid topicId, int partitionId) {
        return new PartitionRecord(
                topicId,
                partitionId,
                replicas,
                isr,
                leader,
                leaderEpoch,
                partitionEpoch,
                removingReplicas,
                addingReplicas);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartitionRegistration that
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
        int h = Objects.hash(leader, leaderEpoch, partitionEpoch);
        h = 31 * (31 * h + Arrays.hashCode(replicas)) + Arrays.hashCode(isr);
        return 31 * (31 * h + Arrays.hashCode(removingReplicas)) + Arrays.hashCode(addingReplicas);
    }

    @Override
    public String toString() {
        return "PartitionRegistration[replicas=" + Arrays.toString(replicas) + ", isr=" + Arrays.toString(isr)
                + ", leader=" + leader + ", leaderEpoch=" + leaderEpoch + ", partitionEpoch=" + partitionEpoch
                + (isReassigning()
                        ? ", removing=" + Arrays.toString(removingReplicas) + ", adding="
                                + Arrays.toString(addingReplicas)
                        : "")
                + "]";
    }
}
