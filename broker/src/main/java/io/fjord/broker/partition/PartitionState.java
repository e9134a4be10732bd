package io.fjord.broker.partition;

import java.util.Arrays;

/**
 * A partition's leadership and ISR as this broker last learned them: the leader, its epoch, the partition
 * epoch, the replicas, the committed ISR, and the ISR of an AlterPartition in flight ({@code pendingIsr},
 * null when none). Immutable; arrays are never handed out to be changed.
 *
 * <p>The high watermark waits for the <em>maximal</em> ISR, committed plus pending, so that a replica the
 * controller is about to add already holds every record below the high watermark (Kafka's rule).
 */
record PartitionState(int leaderId, int leaderEpoch, int partitionEpoch, int[] replicas, int[] isr, int[] pendingIsr) {

    /** Before the first metadata: no leader this broker knows of (-2 differs from NO_LEADER's -1). */
    static final PartitionState NONE = new PartitionState(-2, -1, -1, new int[0], new int[0], null);

    PartitionState withPending(int[] newIsr) {
        return new PartitionState(leaderId, leaderEpoch, partitionEpoch, replicas, isr, newIsr);
    }

    PartitionState withCommitted(int[] newIsr, int newPartitionEpoch) {
        return new PartitionState(leaderId, leaderEpoch, newPartitionEpoch, replicas, newIsr, null);
    }

    /** The committed ISR plus any broker the pending change adds. */
    int[] maximalIsr() {
        if (pendingIsr == null) {
            return isr;
        }
        int[] out = Arrays.copyOf(isr, isr.length + pendingIsr.length);
        int n = isr.length;
        for (int id : pendingIsr) {
            if (!contains(isr, id)) {
                out[n++] = id;
            }
        }
        return Arrays.copyOf(out, n);
    }

    static boolean contains(int[] ids, int id) {
        for (int x : ids) {
            if (x == id) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "PartitionState[leader=" + leaderId + ", leaderEpoch=" + leaderEpoch + ", partitionEpoch="
                + partitionEpoch + ", replicas=" + Arrays.toString(replicas) + ", isr=" + Arrays.toString(isr)
                + ", pendingIsr=" + Arrays.toString(pendingIsr) + "]";
    }
}
