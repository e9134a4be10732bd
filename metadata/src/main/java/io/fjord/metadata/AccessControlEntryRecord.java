package io.fjord.metadata;

import io.fjord.common.Uuid;
import java.util.Objects;

/** The ACL {@code acl} was created with id {@code id} (Kafka's AccessControlEntryRecord, type 23). Immutable. */
public record AccessControlEntryRecord(Uuid id, AclBinding acl) implements MetadataRecord {
    public AccessControlEntryRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(acl, "acl");
    }
}
