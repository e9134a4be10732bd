package io.fjord.metadata;

import io.fjord.common.Uuid;
import java.util.Objects;

/** The ACL with id {@code id} was deleted (Kafka's RemoveAccessControlEntryRecord, type 24). Immutable. */
public record RemoveAccessControlEntryRecord(Uuid id) implements MetadataRecord {
    public RemoveAccessControlEntryRecord {
        Objects.requireNonNull(id, "id");
    }
}
