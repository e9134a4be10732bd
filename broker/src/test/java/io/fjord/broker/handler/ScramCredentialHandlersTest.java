package io.fjord.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fjord.broker.network.RequestContext;
import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import io.fjord.common.config.BrokerConfig;
import io.fjord.metadata.AlterConfigsResource;
import io.fjord.metadata.AlterConfigsResult;
import io.fjord.metadata.ConfigValidator;
import io.fjord.metadata.ControllerApi;
import io.fjord.metadata.ControllerConfig;
import io.fjord.metadata.ControllerLogic;
import io.fjord.metadata.ControllerResult;
import io.fjord.metadata.CreatableTopic;
import io.fjord.metadata.CreatePartitionsResult;
import io.fjord.metadata.CreatePartitionsTopic;
import io.fjord.metadata.CreateTopicResult;
import io.fjord.metadata.DeleteTopicResult;
import io.fjord.metadata.Endpoint;
import io.fjord.metadata.MetadataBatch;
import io.fjord.metadata.MetadataLoader;
import io.fjord.metadata.ScramAlgorithm;
import io.fjord.metadata.ScramCredential;
import io.fjord.metadata.ScramCredentialDeletion;
import io.fjord.metadata.ScramCredentialResult;
import io.fjord.metadata.ScramCredentialUpsertion;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.AlterUserScramCredentialsRequest;
import io.fjord.protocol.message.AlterUserScramCredentialsResponse;
import io.fjord.protocol.message.AlterUserScramCredentialsResponse.AlterUserScramCredentialsResult;
import io.fjord.protocol.message.DescribeUserScramCredentialsRequest;
import io.fjord.protocol.message.DescribeUserScramCredentialsResponse;
import io.fjord.protocol.message.DescribeUserScramCredentialsResponse.DescribeUserScramCredentialsResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ScramCredentialHandlersTest {

    static final byte SHA_256 = ScramAlgorithm.SCRAM_SHA_256.type();
    static final byte SHA_512 = ScramAlgorithm.SCRAM_SHA_512.type();
    static final byte[] SALT = "c2FsdA".getBytes(StandardCharsets.US_ASCII);

    private final MetadataLoader loader = new MetadataLoader();
    private final LoopbackController controller = new LoopbackController(loader);
    private ScramCredentialHandlers handlers;

    @BeforeEach
    void setUp() {
        loader.onReplayComplete(-1);
        BrokerConfig config = BrokerConfig.parse(Map.of("listeners", "PLAINTEXT://127.0.0.1:9092"));
        handlers = new ScramCredentialHandlers(new MetadataView(loader, config, "cluster", () -> 1), controller);
    }

    /**
     * The controller's side in process: decides with the real {@link ControllerLogic} against the loader's image and
     * commits the records to the loader, as the metadata log would. Remembers what it was asked.
     */
    static final class LoopbackController implements ControllerApi {
        final MetadataLoader loader;
        final List<ScramCredentialUpsertion> upsertionsSeen = new ArrayList<>();
        ApiException failWith;
        long nextOffset;

        LoopbackController(MetadataLoader loader) {
            this.loader = loader;
        }

        @Override
        public CompletableFuture<List<ScramCredentialResult>> alterUserScramCredentials(
                List<ScramCredentialDeletion> deletions, List<ScramCredentialUpsertion> upsertions) {
            if (failWith != null) {
                return CompletableFuture.failedFuture(failWith);
            }
            upsertionsSeen.addAll(upsertions);
            ControllerResult<List<ScramCredentialResult>> result = new ControllerLogic(
                            ControllerConfig.DEFAULT, ConfigValidator.ACCEPT_ALL, new Random(1))
                    .alterUserScramCredentials(loader.image(), deletions, upsertions);
            if (!result.records().isEmpty()) {
                loader.onCommit(new MetadataBatch(nextOffset, result.records()));
                nextOffset += result.records().size();
            }
            return CompletableFuture.completedFuture(result.response());
        }

        @Override
        public CompletableFuture<List<CreateTopicResult>> createTopics(List<CreatableTopic> t, boolean v) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<List<DeleteTopicResult>> deleteTopics(List<String> names, List<Uuid> ids) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<List<CreatePartitionsResult>> createPartitions(
                List<CreatePartitionsTopic> t, boolean v) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<List<AlterConfigsResult>> incrementalAlterConfigs(
                List<AlterConfigsResource> r, boolean v) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<List<AlterConfigsResult>> alterConfigs(List<AlterConfigsResource> r, boolean v) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Long> registerBroker(int id, Uuid incarnation, List<Endpoint> endpoints, String rack) {
            throw new UnsupportedOperationException();
        }
    }

    static byte[] salted(ScramAlgorithm algorithm, String password, int iterations) {
        return algorithm.saltedPassword(password.getBytes(StandardCharsets.UTF_8), SALT, iterations);
    }

    static AlterUserScramCredentialsRequest.ScramCredentialUpsertion upsert(
            String user, byte mechanism, int iterations) {
        ScramAlgorithm algorithm = ScramAlgorithm.forType(mechanism);
        return new AlterUserScramCredentialsRequest.ScramCredentialUpsertion()
                .setName(user)
                .setMechanism(mechanism)
                .setIterations(iterations)
                .setSalt(SALT)
                .setSaltedPassword(algorithm == null ? new byte[32] : salted(algorithm, user + "-secret", 4096));
    }

    static AlterUserScramCredentialsRequest.ScramCredentialDeletion delete(String user, byte mechanism) {
        return new AlterUserScramCredentialsRequest.ScramCredentialDeletion()
                .setName(user)
                .setMechanism(mechanism);
    }

    AlterUserScramCredentialsResponse alter(
            List<AlterUserScramCredentialsRequest.ScramCredentialDeletion> deletions,
            List<AlterUserScramCredentialsRequest.ScramCredentialUpsertion> upsertions)
            throws Exception {
        AlterUserScramCredentialsRequest request =
                new AlterUserScramCredentialsRequest().setDeletions(deletions).setUpsertions(upsertions);
        return (AlterUserScramCredentialsResponse) handlers.alterUserScramCredentials(
                        new RequestContext(ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, (short) 0, 1, "t", 1, null), request)
                .get(10, TimeUnit.SECONDS);
    }

    DescribeUserScramCredentialsResponse describe(String... users) throws Exception {
        DescribeUserScramCredentialsRequest request = new DescribeUserScramCredentialsRequest();
        if (users == null) {
            request.setUsers(null);
        } else {
            List<DescribeUserScramCredentialsRequest.UserName> names = new ArrayList<>();
            for (String user : users) {
                names.add(new DescribeUserScramCredentialsRequest.UserName().setName(user));
            }
            request.setUsers(names);
        }
        return (DescribeUserScramCredentialsResponse) handlers.describeUserScramCredentials(
                        new RequestContext(ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS, (short) 0, 1, "t", 1, null),
                        request)
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void anUpsertedCredentialIsDescribedWithItsMechanismAndIterations() throws Exception {
        AlterUserScramCredentialsResponse altered =
                alter(List.of(), List.of(upsert("alice", SHA_256, 8192), upsert("alice-too", SHA_512, 4096)));
        assertThat(altered.results())
                .extracting(AlterUserScramCredentialsResult::user, AlterUserScramCredentialsResult::errorCode)
                .containsExactly(tuple("alice", Errors.NONE.code()), tuple("alice-too", Errors.NONE.code()));

        for (String[] users : Arrays.asList(new String[0], (String[]) null)) {
            assertThat(describe(users).results())
                    .as("no user named: every user")
                    .extracting(DescribeUserScramCredentialsResult::user, DescribeUserScramCredentialsResult::errorCode)
                    .containsExactlyInAnyOrder(tuple("alice", (short) 0), tuple("alice-too", (short) 0));
        }
        DescribeUserScramCredentialsResult alice = describe("alice").results().get(0);
        assertThat(alice.credentialInfos())
                .extracting(
                        DescribeUserScramCredentialsResponse.CredentialInfo::mechanism,
                        DescribeUserScramCredentialsResponse.CredentialInfo::iterations)
                .containsExactly(tuple(SHA_256, 8192));
    }

    @Test
    void theSaltedPasswordStopsAtTheHandlerAndTheControllerGetsItsKeys() throws Exception {
        alter(List.of(), List.of(upsert("alice", SHA_256, 8192)));

        byte[] salted = salted(ScramAlgorithm.SCRAM_SHA_256, "alice-secret", 4096);
        ScramCredentialUpsertion seen = controller.upsertionsSeen.get(0);
        assertThat(Arrays.asList(seen.salt(), seen.storedKey(), seen.serverKey()))
                .noneMatch(b -> Arrays.equals(b, salted));
        ScramCredential stored = loader.image().scram().credential(ScramAlgorithm.SCRAM_SHA_256, "alice");
        assertThat(stored.storedKey()).isEqualTo(ScramAlgorithm.SCRAM_SHA_256.storedKey(salted));
        assertThat(stored.serverKey()).isEqualTo(ScramAlgorithm.SCRAM_SHA_256.serverKey(salted));
        assertThat(stored.salt()).isEqualTo(SALT);
    }

    @Test
    void answersEachBadAlterationWithKafkasErrorAndAppliesTheRest() throws Exception {
        alter(List.of(), List.of(upsert("carol", SHA_256, 4096)));

        AlterUserScramCredentialsResponse response = alter(
                List.of(delete("nobody", SHA_256), delete("carol", SHA_256), delete("dave", (byte) 7)),
                List.of(
                        upsert("", SHA_256, 4096),
                        upsert("few", SHA_256, 4095),
                        upsert("many", SHA_512, 16385),
                        upsert("carol", SHA_512, 4096),
                        upsert("erin", SHA_512, 16384)));

        assertThat(response.results())
                .extracting(
                        AlterUserScramCredentialsResult::user,
                        AlterUserScramCredentialsResult::errorCode,
                        AlterUserScramCredentialsResult::errorMessage)
                .containsExactly(
                        tuple(
                                "nobody",
                                Errors.RESOURCE_NOT_FOUND.code(),
                                "Attempt to delete a user credential that does not exist"),
                        tuple(
                                "carol",
                                Errors.DUPLICATE_RESOURCE.code(),
                                "A user credential cannot be altered twice in the same request"),
                        tuple("dave", Errors.UNSUPPORTED_SASL_MECHANISM.code(), "Unknown SCRAM mechanism"),
                        tuple("", Errors.UNACCEPTABLE_CREDENTIAL.code(), "Username must not be empty"),
                        tuple("few", Errors.UNACCEPTABLE_CREDENTIAL.code(), "Too few iterations"),
                        tuple("many", Errors.UNACCEPTABLE_CREDENTIAL.code(), "Too many iterations"),
                        tuple("erin", Errors.NONE.code(), null));
        assertThat(describe().results())
                .extracting(DescribeUserScramCredentialsResult::user)
                .containsExactlyInAnyOrder("carol", "erin");
    }

    @Test
    void describesUnknownAndRepeatedUsersWithKafkasErrors() throws Exception {
        alter(List.of(), List.of(upsert("alice", SHA_256, 4096)));

        assertThat(describe("alice", "bob", "alice").results())
                .extracting(
                        DescribeUserScramCredentialsResult::user,
                        DescribeUserScramCredentialsResult::errorCode,
                        DescribeUserScramCredentialsResult::errorMessage)
                .containsExactly(
                        tuple(
                                "alice",
                                Errors.DUPLICATE_RESOURCE.code(),
                                "Cannot describe SCRAM credentials for the same user twice in a single request: alice"),
                        tuple(
                                "bob",
                                Errors.RESOURCE_NOT_FOUND.code(),
                                "Attempt to describe a user credential that does not exist: bob"));
    }

    @Test
    void aDeletedCredentialIsNoLongerDescribed() throws Exception {
        alter(List.of(), List.of(upsert("alice", SHA_256, 4096)));
        alter(List.of(), List.of(upsert("alice", SHA_512, 4096)));

        assertThat(alter(List.of(delete("alice", SHA_256)), List.of())
                        .results()
                        .get(0)
                        .errorCode())
                .isEqualTo(Errors.NONE.code());
        assertThat(describe("alice").results().get(0).credentialInfos())
                .extracting(DescribeUserScramCredentialsResponse.CredentialInfo::mechanism)
                .containsExactly(SHA_512);
        alter(List.of(delete("alice", SHA_512)), List.of());
        assertThat(describe("alice").results().get(0).errorCode()).isEqualTo(Errors.RESOURCE_NOT_FOUND.code());
        assertThat(describe().results()).isEmpty();
    }

    @Test
    void aControllerThatCannotBeReachedFailsEveryUserOfTheRequest() throws Exception {
        controller.failWith = new ApiException(Errors.NOT_CONTROLLER, "no quorum");

        AlterUserScramCredentialsResponse response = alter(
                List.of(delete("alice", SHA_256)),
                List.of(upsert("bob", SHA_256, 4096), upsert("alice", SHA_512, 4096)));

        assertThat(response.results())
                .extracting(AlterUserScramCredentialsResult::user, AlterUserScramCredentialsResult::errorCode)
                .containsExactly(
                        tuple("alice", Errors.NOT_CONTROLLER.code()), tuple("bob", Errors.NOT_CONTROLLER.code()));
        assertThat(alter(List.of(), List.of()).results()).isEmpty();
    }
}
