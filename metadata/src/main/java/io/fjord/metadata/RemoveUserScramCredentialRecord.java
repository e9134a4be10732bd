package io.fjord.metadata;

import java.util.Objects;

/** User {@code name}'s credential for {@code mechanism} was deleted (Kafka's RemoveUserScramCredentialRecord, type 22). */
public record RemoveUserScramCredentialRecord(String name, ScramAlgorithm mechanism) implements MetadataRecord {
    public RemoveUserScramCredentialRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mechanism, "mechanism");
    }
}
