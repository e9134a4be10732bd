package io.fjord.metadata;

import io.fjord.common.Uuid;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/** One topic in a {@link MetadataImage}: name, id and its partitions by partition id (sorted). Immutable. */
public record TopicImage(String name, Uuid id, SortedMap<Integer, PartitionRegistration> partitions) {

    public TopicImage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(id, "id");
        partitions = Collections.unmodifiableSortedMap(new TreeMap<>(partitions));
    }

    public TopicImage(String name, Uuid id, Map<Integer, PartitionRegistration> partitions) {
        this(name, id, new TreeMap<>(partitions));
    }

    /** The partition with this id, or null. */
    public PartitionRegistration partition(int partitionId) {
        return partitions.get(partitionId);
    }

    public int numPartitions() {
        return partitions.size();
    }

    /** The records that re-create this topic: its TopicRecord then one PartitionRecord per partition. */
    public void appendRecords(List<MetadataRecord> out) {
        out.add(new TopicRecord(name, id));
        for (Map.Entry<Integer, PartitionRegistration> e : partitions.entrySet()) {
            out.add(e.getValue().toRecord(id, e.getKey()));
        }
    }
}
