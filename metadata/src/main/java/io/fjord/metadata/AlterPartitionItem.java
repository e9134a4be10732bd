package io.fjord.metadata;

import io.fjord.common.Uuid;
import java.util.Arrays;
import java.util.Objects;

/**
 * A partition leader's request to change the ISR (Kafka's AlterPartition): the leader states the leader
 * epoch and partition epoch it acts on, so the controller refuses a request made on stale state. The ISR
 * array is copied in and out; immutable.
 */
public record AlterPartitionItem(Uuid topicId, int partitionId, int leaderEpoch, int partitionEpoch, int[] newIsr) {

    public AlterPartitionItem {
        Objects.requireNonNull(topicId, "topicId");
        newIsr = newIsr.clone();
    }

    @Override
    public int[] newIsr() {
        return newIsr.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AlterPartitionItem that
                && topicId.equals(that.topicId)
                && partitionId == that.partitionId
                && leaderEpoch == that.leaderEpoch
                && partitionEpoch == that.partitionEpoch
                && Arrays.equals(newIsr, that.newIsr);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hash(topicId, partitionId, leaderEpoch, partitionEpoch) + Arrays.hashCode(newIsr);
    }

    @Override
    public String toString() {
        return "AlterPartitionItem[" + topicId + "-" + partitionId + ", leaderEpoch=" + leaderEpoch
                + ", partitionEpoch=" + partitionEpoch + ", newIsr=" + Arrays.toString(newIsr) + "]";
    }
}
