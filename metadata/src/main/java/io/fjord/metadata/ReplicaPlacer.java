package io.fjord.metadata;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Places the replicas of new partitions over the unfenced brokers, round-robin like Kafka's rack-unaware
 * assignment: the first replica of partition p goes to broker {@code (start + p) % n}, the others follow
 * at a shift that changes every n partitions, so leaders and followers both spread. {@code start} and
 * the shift are drawn from the seeded random. Rack awareness comes later. Not thread-safe (the random).
 */
final class ReplicaPlacer {

    private final RandomGenerator random;

    ReplicaPlacer(RandomGenerator random) {
        this.random = random;
    }

    /**
     * Replicas for partitions {@code firstPartitionId .. firstPartitionId + count - 1}.
     *
     * @param brokers unfenced broker ids, ascending
     * @throws ApiException INVALID_REPLICATION_FACTOR when there are fewer brokers than replicas
     */
    List<int[]> place(List<Integer> brokers, int firstPartitionId, int count, int replicationFactor) {
        int n = brokers.size();
        if (replicationFactor > n) {
            throw new ApiException(
                    Errors.INVALID_REPLICATION_FACTOR,
                    "Unable to replicate the partition " + replicationFactor
                            + " time(s): The target replication factor of " + replicationFactor
                            + " cannot be reached because only " + n + " broker(s) are registered.");
        }
        int start = random.nextInt(n);
        int shift = random.nextInt(n);
        List<int[]> result = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int partitionId = firstPartitionId + i;
            if (partitionId > 0 && partitionId % n == 0) {
                shift++;
            }
            int first = (partitionId + start) % n;
            int[] replicas = new int[replicationFactor];
            replicas[0] = brokers.get(first);
            for (int j = 0; j < replicationFactor - 1; j++) {
                replicas[j + 1] = brokers.get(replicaIndex(first, shift, j, n));
            }
            result.add(replicas);
        }
        return result;
    }

    private static int replicaIndex(int firstReplicaIndex, int shift, int replicaIndex, int n) {
        int offset = 1 + (shift + replicaIndex) % (n - 1);
        return (firstReplicaIndex + offset) % n;
    }
}
