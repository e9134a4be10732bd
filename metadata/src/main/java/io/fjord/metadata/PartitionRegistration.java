package io.fjord.metadata;

import io.fjord.common.Uuid;
import java.util.Arrays;
import java.util.Objects;

/**
 * A partition's state in a {@link MetadataImage}: replicas in preference order, in-sync replicas, leader
 * ({@link PartitionRecord#NO_LEADER} when none), leader epoch and partition epoch. Arrays are copied in
 * and out; immutable, safe from any thread.
 */
public record PartitionRegistration(int[] replicas, int[] isr, int leader, int leaderEpoch, int partitionEpoch) {

    public PartitionRegistration {
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
        int newLeader = leader;
        int newLeaderEpoch = leaderEpoch;
        if (change.leader() != PartitionChangeRecord.NO_LEADER_CHANGE && change.leader() != leader) {
            newLeader = change.leader();
            newLeaderEpoch = leaderEpoch + 1;
        }
        return new PartitionRegistration(newReplicas, newIsr, newLeader, newLeaderEpoch, partitionEpoch + 1);
    }

    /** The record that re-creates this partition, for snapshots and for catching up a new publisher. */
    public PartitionRecord toRecord(Uuid topicId, int partitionId) {
        return new PartitionRecord(topicId, partitionId, replicas, isr, leader, leaderEpoch, partitionEpoch);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartitionRegistration that
                && Arrays.equals(replicas, that.replicas)
                && Arrays.equals(isr, that.isr)
                && leader == that.leader
                && leaderEpoch == that.leaderEpoch
                && partitionEpoch == that.partitionEpoch;
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(leader, leaderEpoch, partitionEpoch);
        return 31 * (31 * h + Arrays.hashCode(replicas)) + Arrays.hashCode(isr);
    }

    @Override
    public String toString() {
        return "PartitionRegistration[replicas=" + Arrays.toString(replicas) + ", isr=" + Arrays.toString(isr)
                + ", leader=" + leader + ", leaderEpoch=" + leaderEpoch + ", partitionEpoch=" + partitionEpoch + "]";
    }
}
