package io.fjord.metadata;

import java.util.Objects;

/**
 * An AlterUserScramCredentials deletion: user {@code name}'s credential for the mechanism of Kafka type byte {@code
 * mechanism} (kept raw, so an unknown one reaches the controller and gets UNSUPPORTED_SASL_MECHANISM). Immutable.
 */
public record ScramCredentialDeletion(String name, byte mechanism) {
    public ScramCredentialDeletion {
        Objects.requireNonNull(name, "name");
    }
}
