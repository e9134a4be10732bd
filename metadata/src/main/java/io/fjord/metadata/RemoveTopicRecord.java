package io.fjord.metadata;

import io.fjord.common.Uuid;
import java.util.Objects;

/** A topic was deleted, with all its partitions and its topic-level configs. Immutable. */
public record RemoveTopicRecord(Uuid topicId) implements MetadataRecord {
    public RemoveTopicRecord {
        Objects.requireNonNull(topicId, "topicId");
    }
}
