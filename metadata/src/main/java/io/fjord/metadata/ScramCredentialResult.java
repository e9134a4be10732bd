package io.fjord.metadata;

import io.fjord.common.Errors;
import java.util.Objects;

/** One user's outcome of an AlterUserScramCredentials request; {@code message} is null on success. */
public record ScramCredentialResult(String user, Errors error, String message) {
    public ScramCredentialResult {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(error, "error");
    }
}
