package io.fjord.metadata;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One topic of a CreateTopics request. {@code numPartitions} and {@code replicationFactor} are -1 to
 * use the controller's defaults, and must be -1 when {@code assignments} (partition id -> replica broker
 * ids) is not empty. {@code configs} are topic config overrides. Immutable (maps and arrays are copied).
 */
public record CreatableTopic(
        String name,
        int numPartitions,
        int replicationFactor,
        Map<Integer, int[]> assignments,
        Map<String, String> configs) {

    public CreatableTopic {
        TreeMap<Integer, int[]> copy = new TreeMap<>();
        if (assignments != null) {
            assignments.forEach(
                    (partition, replicas) -> copy.put(partition, replicas == null ? null : replicas.clone()));
        }
        assignments = copy;
        // HashMap, not Map.copyOf: a client may send a config with a null value, which we must report.
        configs = configs == null ? Map.of() : new HashMap<>(configs);
    }

    /** A topic with defaults for everything but the name. */
    public static CreatableTopic withDefaults(String name) {
        return new CreatableTopic(name, -1, -1, Map.of(), Map.of());
    }

    /** A topic with the given partition count and replication factor and no configs. */
    public static CreatableTopic of(String name, int numPartitions, int replicationFactor) {
        return new CreatableTopic(name, numPartitions, replicationFactor, Map.of(), Map.of());
    }
}
