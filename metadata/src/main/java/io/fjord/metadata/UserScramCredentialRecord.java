package io.fjord.metadata;

import java.util.Objects;

/**
 * User {@code name}'s credential for {@code mechanism} was set, replacing any earlier one for that mechanism (Kafka's
 * UserScramCredentialRecord, type 11). Immutable.
 */
public record UserScramCredentialRecord(String name, ScramAlgorithm mechanism, ScramCredential credential)
        implements MetadataRecord {
    public UserScramCredentialRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mechanism, "mechanism");
        Objects.requireNonNull(credential, "credential");
    }
}
