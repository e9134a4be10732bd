package io.fjord.metadata;

import io.fjord.common.Errors;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of one filter of a DeleteAcls request: NONE and the ACLs it deleted (an ACL two filters of one request
 * match is deleted once and reported under both), or the error and its message. Immutable.
 */
public record AclDeletionResult(Errors error, String message, List<AclBinding> deleted) {
    public AclDeletionResult {
        Objects.requireNonNull(error, "error");
        deleted = List.copyOf(deleted);
    }

    public static AclDeletionResult failed(Errors error, String message) {
        return new AclDeletionResult(error, message, List.of());
    }
}
