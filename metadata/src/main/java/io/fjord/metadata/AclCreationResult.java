package io.fjord.metadata;

import io.fjord.common.Errors;
import java.util.Objects;

/** The outcome of one ACL of a CreateAcls request: NONE, or the error and its message. Immutable. */
public record AclCreationResult(Errors error, String message) {

    public static final AclCreationResult SUCCESS = new AclCreationResult(Errors.NONE, null);

    public AclCreationResult {
        Objects.requireNonNull(error, "error");
    }
}
