package io.fjord.metadata;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * Places the replicas of new partitions over the eligible brokers, round-robin like Kafka's assignment:
 * the first replica of partition p goes to broker {@code (start + p) % n}, the others follow at a shift
 * that changes every n partitions, so leaders and followers both spread. {@code start} and the shift are
 * drawn from the seeded random. When every broker has a rack, Kafka's rack-aware variant runs: the broker
 * list alternates racks (rack a's first broker, rack b's first, ..., rack a's second, ...) and each further
 * replica skips brokers on racks that already hold one until every rack does, so a partition spans as
 * many racks as it can. Not thread-safe (the random).
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
        return place(brokers, Map.of(), firstPartitionId, count, replicationFactor);
    }

    /** As {@link #place(List, int, int, int)}, rack-aware when {@code racks} names a rack for every broker. */
    List<int[]> place(
            List<Integer> brokers, Map<Integer, String> racks, int firstPartitionId, int count, int replicationFactor) {
        int n = brokers.size();
        if (replicationFactor > n) {
            throw new ApiException(
                    Errors.INVALID_REPLICATION_FACTOR,
                    "Unable to replicate the partition " + replicationFactor
                            + " time(s): The target replication factor of " + replicationFactor
                            + " cannot be reached because only " + n + " broker(s) are registered.");
        }
        if (n > 0 && brokers.stream().allMatch(racks::containsKey)) {
            return placeRackAware(rackAlternated(brokers, racks), racks, firstPartitionId, count, replicationFactor);
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

    private List<int[]> placeRackAware(
            List<Integer> arranged,
            Map<Integer, String> racks,
            int firstPartitionId,
            int count,
            int replicationFactor) {
        int n = arranged.size();
        int numRacks = new HashSet<>(racks.values()).size();
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
            replicas[0] = arranged.get(first);
            Set<String> racksUsed = new HashSet<>(List.of(racks.get(replicas[0])));
            Set<Integer> brokersUsed = new HashSet<>(List.of(replicas[0]));
            int k = 0;
            for (int j = 1; j < replicationFactor; j++) {
                while (true) {
                    if (k > 2 * n * replicationFactor) {
                        throw new IllegalStateException("rack-aware placement found no broker for " + arranged);
                    }
                    int broker = arranged.get(replicaIndex(first, shift * numRacks, k++, n));
                    String rack = racks.get(broker);
                    // Kafka's rule: a new rack first; once every rack holds one, any broker not yet used.
                    if ((!racksUsed.contains(rack) || racksUsed.size() == numRacks)
                            && (!brokersUsed.contains(broker) || brokersUsed.size() == numRacks)) {
                        replicas[j] = broker;
                        racksUsed.add(rack);
                        brokersUsed.add(broker);
                        break;
                    }
                }
            }
            result.add(replicas);
        }
        return result;
    }

    /** Brokers ordered rack by rack in turn (racks sorted, brokers ascending within a rack). */
    static List<Integer> rackAlternated(List<Integer> brokers, Map<Integer, String> racks) {
        Map<String, List<Integer>> byRack = new TreeMap<>();
        for (int broker : new TreeSet<>(brokers)) {
            byRack.computeIfAbsent(racks.get(broker), r -> new ArrayList<>()).add(broker);
        }
        List<Integer> arranged = new ArrayList<>(brokers.size());
        for (int round = 0; arranged.size() < brokers.size(); round++) {
            for (List<Integer> rackBrokers : byRack.values()) {
                if (round < rackBrokers.size()) {
                    arranged.add(rackBrokers.get(round));
                }
            }
        }
        return arranged;
    }

    private static int replicaIndex(int firstReplicaIndex, int shift, int replicaIndex, int n) {
        int offset = 1 + (shift + replicaIndex) % (n - 1);
        return (firstReplicaIndex + offset) % n;
    }
}
