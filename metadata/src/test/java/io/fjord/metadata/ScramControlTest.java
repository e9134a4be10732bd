package io.fjord.metadata;

import static io.fjord.metadata.ControllerTestContext.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Errors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScramControlTest {

    static final byte SHA_256 = ScramAlgorithm.SCRAM_SHA_256.type();
    static final byte SHA_512 = ScramAlgorithm.SCRAM_SHA_512.type();
    static final byte[] SALT = "salt".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    static ScramCredentialUpsertion upsertion(String user, byte mechanism, int iterations, String password) {
        ScramAlgorithm algorithm = ScramAlgorithm.forType(mechanism);
        byte[] salted = algorithm == null
                ? new byte[32]
                : algorithm.saltedPassword(password.getBytes(StandardCharsets.UTF_8), SALT, 4096);
        return ScramCredentialUpsertion.fromSaltedPassword(user, mechanism, iterations, SALT, salted);
    }

    static List<ScramCredentialResult> alter(
            ControllerTestContext context,
            List<ScramCredentialDeletion> deletions,
            List<ScramCredentialUpsertion> upsertions)
            throws Exception {
        return get(context.controller.alterUserScramCredentials(deletions, upsertions));
    }

    @Test
    void anUpsertionStoresKeysDerivedFromTheSaltedPasswordAndNeverThePasswordItself() throws Exception {
        try (ControllerTestContext context = ControllerTestContext.open(dir, 1, ConfigValidator.ACCEPT_ALL)) {
            byte[] salted =
                    ScramAlgorithm.SCRAM_SHA_256.saltedPassword("pw".getBytes(StandardCharsets.UTF_8), SALT, 8192);
            List<ScramCredentialResult> results = alter(
                    context,
                    List.of(),
                    List.of(ScramCredentialUpsertion.fromSaltedPassword("alice", SHA_256, 8192, SALT, salted)));

            assertThat(results).containsExactly(new ScramCredentialResult("alice", Errors.NONE, null));
            ScramCredential stored = context.image().scram().credential(ScramAlgorithm.SCRAM_SHA_256, "alice");
            assertThat(stored.iterations()).isEqualTo(8192);
            assertThat(stored.salt()).isEqualTo(SALT);
            assertThat(stored.storedKey()).isEqualTo(ScramAlgorithm.SCRAM_SHA_256.storedKey(salted));
            assertThat(stored.serverKey()).isEqualTo(ScramAlgorithm.SCRAM_SHA_256.serverKey(salted));
            assertThat(stored.storedKey()).isNotEqualTo(salted);
        }
    }

    @Test
    void eachInvalidUserFailsAloneWithKafkasErrorWhileTheOthersAreApplied() throws Exception {
        try (ControllerTestContext context = ControllerTestContext.open(dir, 1, ConfigValidator.ACCEPT_ALL)) {
            List<ScramCredentialResult> results = alter(
                    context,
                    List.of(
                            new ScramCredentialDeletion("ghost", SHA_256),
                            new ScramCredentialDeletion("", SHA_256),
                            new ScramCredentialDeletion("odd", (byte) 3)),
                    List.of(
                            upsertion("ok", SHA_512, 4096, "pw"),
                            upsertion("few", SHA_256, 4095, "pw"),
                            upsertion("many", SHA_256, 16385, "pw"),
                            upsertion("max", SHA_256, 16384, "pw"),
                            upsertion("unknown", (byte) 0, 4096, "pw")));

            assertThat(results)
                    .containsExactly(
                            new ScramCredentialResult(
                                    "ghost",
                                    Errors.RESOURCE_NOT_FOUND,
                                    "Attempt to delete a user credential that does not exist"),
                            new ScramCredentialResult("", Errors.UNACCEPTABLE_CREDENTIAL, "Username must not be empty"),
                            new ScramCredentialResult(
                                    "odd", Errors.UNSUPPORTED_SASL_MECHANISM, "Unknown SCRAM mechanism"),
                            new ScramCredentialResult("ok", Errors.NONE, null),
                            new ScramCredentialResult("few", Errors.UNACCEPTABLE_CREDENTIAL, "Too few iterations"),
                            new ScramCredentialResult("many", Errors.UNACCEPTABLE_CREDENTIAL, "Too many iterations"),
                            new ScramCredentialResult("max", Errors.NONE, null),
                            new ScramCredentialResult(
                                    "unknown", Errors.UNSUPPORTED_SASL_MECHANISM, "Unknown SCRAM mechanism"));
            ScramImage scram = context.image().scram();
            assertThat(scram.credentials(ScramAlgorithm.SCRAM_SHA_512)).containsOnlyKeys("ok");
            assertThat(scram.credentials(ScramAlgorithm.SCRAM_SHA_256)).containsOnlyKeys("max");
        }
    }

    @Test
    void aUserAlteredTwiceInOneRequestFailsWithDuplicateResourceAndIsLeftAlone() throws Exception {
        try (ControllerTestContext context = ControllerTestContext.open(dir, 1, ConfigValidator.ACCEPT_ALL)) {
            alter(context, List.of(), List.of(upsertion("alice", SHA_256, 4096, "old")));
            ScramCredential before = context.image().scram().credential(ScramAlgorithm.SCRAM_SHA_256, "alice");

            List<ScramCredentialResult> results = alter(
                    context,
                    List.of(new ScramCredentialDeletion("alice", SHA_256)),
                    List.of(
                            upsertion("alice", SHA_512, 4096, "new"),
                            upsertion("bob", SHA_256, 4096, "b"),
                            upsertion("bob", SHA_512, 4096, "b")));

            String duplicate = "A user credential cannot be altered twice in the same request";
            assertThat(results)
                    .containsExactly(
                            new ScramCredentialResult("alice", Errors.DUPLICATE_RESOURCE, duplicate),
                            new ScramCredentialResult("bob", Errors.DUPLICATE_RESOURCE, duplicate));
            ScramImage scram = context.image().scram();
            assertThat(scram.credential(ScramAlgorithm.SCRAM_SHA_256, "alice")).isEqualTo(before);
            assertThat(scram.credential(ScramAlgorithm.SCRAM_SHA_512, "alice")).isNull();
            assertThat(scram.credentials(ScramAlgorithm.SCRAM_SHA_256)).doesNotContainKey("bob");
        }
    }

    @Test
    void aDeletionRemovesOnlyThatMechanismAndARestartedControllerKeepsTheRest() throws Exception {
        try (ControllerTestContext context = ControllerTestContext.open(dir, 1, ConfigValidator.ACCEPT_ALL)) {
            alter(context, List.of(), List.of(upsertion("alice", SHA_256, 4096, "a")));
            alter(context, List.of(), List.of(upsertion("alice", SHA_512, 8192, "a")));
            assertThat(alter(context, List.of(new ScramCredentialDeletion("alice", SHA_256)), List.of()))
                    .containsExactly(new ScramCredentialResult("alice", Errors.NONE, null));
            // Deleting it again: it is gone.
            assertThat(alter(context, List.of(new ScramCredentialDeletion("alice", SHA_256)), List.of()))
                    .extracting(ScramCredentialResult::error)
                    .containsExactly(Errors.RESOURCE_NOT_FOUND);
        }
        try (ControllerTestContext context = ControllerTestContext.open(dir, 1, ConfigValidator.ACCEPT_ALL)) {
            ScramImage scram = context.image().scram();
            assertThat(scram.credential(ScramAlgorithm.SCRAM_SHA_256, "alice")).isNull();
            assertThat(scram.credential(ScramAlgorithm.SCRAM_SHA_512, "alice").iterations())
                    .isEqualTo(8192);
        }
    }
}
