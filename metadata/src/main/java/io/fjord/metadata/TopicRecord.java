package io.fjord.metadata;

import io.fjord.common.Uuid;
import java.util.Objects;

/** A topic was created with this name and id; its partitions follow as {@link PartitionRecord}s. Immutable. */
public record TopicRecord(String name, Uuid topicId) implements MetadataRecord {
    public TopicRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(topicId, "topicId");
    }
}
