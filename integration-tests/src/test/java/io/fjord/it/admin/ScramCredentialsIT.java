package io.fjord.it.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.common.errors.DuplicateResourceException;
import org.apache.kafka.common.errors.ResourceNotFoundException;
import org.apache.kafka.common.errors.UnacceptableCredentialException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * AlterUserScramCredentials and DescribeUserScramCredentials (KIP-554) through the Java Admin client: a credential
 * set is described with its mechanism and iterations, survives a restart of the broker (it lives in the metadata
 * log), and is gone once deleted; the client sees Kafka's per-user exceptions.
 */
class ScramCredentialsIT extends AdminITBase {

    @BeforeAll
    static void start() {
        startBroker(Map.of());
    }

    static Map<String, UserScramCredentialsDescription> describeAll() throws Exception {
        return admin.describeUserScramCredentials().all().get(15, TimeUnit.SECONDS);
    }

    @Test
    void aCredentialIsDescribedSurvivesARestartAndIsGoneOnceDeleted() throws Exception {
        admin.alterUserScramCredentials(List.of(
                        new UserScramCredentialUpsertion(
                                "alice", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 8192), "alice-secret"),
                        new UserScramCredentialUpsertion(
                                "bob", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "bob-secret")))
                .all()
                .get(15, TimeUnit.SECONDS);

        UserScramCredentialsDescription alice = admin.describeUserScramCredentials(List.of("alice"))
                .description("alice")
                .get(15, TimeUnit.SECONDS);
        assertThat(alice.credentialInfos())
                .containsExactly(new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 8192));

        restartBroker();

        Map<String, UserScramCredentialsDescription> afterRestart = describeAll();
        assertThat(afterRestart).containsOnlyKeys("alice", "bob");
        assertThat(afterRestart.get("alice").credentialInfos())
                .containsExactly(new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 8192));
        assertThat(afterRestart.get("bob").credentialInfos())
                .containsExactly(new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096));

        admin.alterUserScramCredentials(List.of(
                        new UserScramCredentialDeletion("alice", ScramMechanism.SCRAM_SHA_256),
                        new UserScramCredentialDeletion("bob", ScramMechanism.SCRAM_SHA_512)))
                .all()
                .get(15, TimeUnit.SECONDS);

        assertThat(describeAll()).isEmpty();
        assertThat(failureOf(
                        admin.describeUserScramCredentials(List.of("alice")).description("alice")))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void eachUserGetsKafkasErrorAndTheOthersAreStillApplied() throws Exception {
        var result = admin.alterUserScramCredentials(List.of(
                new UserScramCredentialUpsertion(
                        "carol", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), "carol-secret"),
                new UserScramCredentialUpsertion(
                        "weak", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 16385), "weak-secret"),
                new UserScramCredentialUpsertion(
                        "twice", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), "one"),
                new UserScramCredentialUpsertion(
                        "twice", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "two"),
                new UserScramCredentialDeletion("nobody", ScramMechanism.SCRAM_SHA_256)));

        result.values().get("carol").get(15, TimeUnit.SECONDS);
        assertThat(failureOf(result.values().get("weak"))).isInstanceOf(UnacceptableCredentialException.class);
        assertThat(failureOf(result.values().get("twice"))).isInstanceOf(DuplicateResourceException.class);
        assertThat(failureOf(result.values().get("nobody"))).isInstanceOf(ResourceNotFoundException.class);

        assertThat(admin.describeUserScramCredentials(List.of("carol"))
                        .description("carol")
                        .get(15, TimeUnit.SECONDS)
                        .credentialInfos())
                .containsExactly(new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096));
        for (String rejected : List.of("weak", "twice")) {
            assertThat(failureOf(admin.describeUserScramCredentials(List.of(rejected))
                            .description(rejected)))
                    .as(rejected)
                    .isInstanceOf(ResourceNotFoundException.class);
        }
        admin.alterUserScramCredentials(List.of(new UserScramCredentialDeletion("carol", ScramMechanism.SCRAM_SHA_256)))
                .all()
                .get(15, TimeUnit.SECONDS);
    }
}
