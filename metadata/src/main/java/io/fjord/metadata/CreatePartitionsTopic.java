package io.fjord.metadata;

import java.util.ArrayList;
import java.util.List;

/**
 * One topic of a CreatePartitions request: the new total partition count and, optionally, the replicas
 * of each new partition (null or empty for automatic placement). Immutable (arrays are copied).
 */
public record CreatePartitionsTopic(String name, int newTotalCount, List<int[]> assignments) {
    public CreatePartitionsTopic {
        List<int[]> copy = new ArrayList<>();
        if (assignments != null) {
            for (int[] replicas : assignments) {
                copy.add(replicas == null ? null : replicas.clone());
            }
        }
        assignments = copy;
    }
}
