package io.fjord.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fjord.common.Errors;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** CreateAcls and DeleteAcls decided as Kafka's AclControlManager and AclApis decide them. */
class AclControlTest {

    private static final AclBinding READ =
            AclsImageTest.allowTopic("orders", AclPatternType.LITERAL, "User:alice", AclOperation.READ);

    private static MetadataImage replay(MetadataImage image, List<MetadataRecord> records) {
        MetadataDelta delta = new MetadataDelta(image);
        records.forEach(delta::replay);
        return delta.apply(image.offset() + Math.max(1, records.size()));
    }

    @Test
    void createsEachAclOnceAndRefusesWhatKafkaRefuses() {
        AclBinding clusterNamedWrong = new AclBinding(
                AclResourceType.CLUSTER,
                "my-cluster",
                AclPatternType.LITERAL,
                "User:a",
                "*",
                AclOperation.ALTER,
                AclPermission.ALLOW);
        AclBinding noColon = new AclBinding(
                AclResourceType.TOPIC,
                "t",
                AclPatternType.LITERAL,
                "alice",
                "*",
                AclOperation.READ,
                AclPermission.ALLOW);
        AclBinding emptyName = new AclBinding(
                AclResourceType.TOPIC,
                "",
                AclPatternType.LITERAL,
                "User:a",
                "*",
                AclOperation.READ,
                AclPermission.ALLOW);
        AclBinding matchPattern = new AclBinding(
                AclResourceType.TOPIC,
                "t",
                AclPatternType.MATCH,
                "User:a",
                "*",
                AclOperation.READ,
                AclPermission.ALLOW);
        AclBinding anyOperation = new AclBinding(
                AclResourceType.TOPIC,
                "t",
                AclPatternType.LITERAL,
                "User:a",
                "*",
                AclOperation.ANY,
                AclPermission.ALLOW);

        ControllerResult<List<AclCreationResult>> result = AclControl.createAcls(
                MetadataImage.EMPTY,
                List.of(READ, clusterNamedWrong, READ, noColon, emptyName, matchPattern, anyOperation),
                new Random(1));

        assertThat(result.response())
                .extracting(AclCreationResult::error, AclCreationResult::message)
                .containsExactly(
                        tuple(Errors.NONE, null),
                        tuple(Errors.INVALID_REQUEST, "The only valid name for the CLUSTER resource is kafka-cluster"),
                        tuple(Errors.NONE, null),
                        tuple(
                                Errors.INVALID_REQUEST,
                                "Could not parse principal from `alice` (no colon is present separating the principal"
                                        + " type from the principal name)"),
                        tuple(Errors.INVALID_REQUEST, "Invalid empty resource name"),
                        tuple(Errors.INVALID_REQUEST, "Invalid patternType MATCH"),
                        tuple(Errors.INVALID_REQUEST, "Invalid operation ANY"));
        assertThat(result.records()).singleElement().isInstanceOf(AccessControlEntryRecord.class);

        MetadataImage image = replay(MetadataImage.EMPTY, result.records());
        assertThat(image.acls().all().values()).containsExactly(READ);
        ControllerResult<List<AclCreationResult>> again = AclControl.createAcls(image, List.of(READ), new Random(1));
        assertThat(again.records())
                .as("an ACL that exists is not written twice")
                .isEmpty();
        assertThat(again.response()).containsExactly(AclCreationResult.SUCCESS);
    }

    @Test
    void deletesWhatEachFilterMatchesOnceAndReportsItUnderEach() {
        AclBinding write = AclsImageTest.allowTopic("orders", AclPatternType.LITERAL, "User:bob", AclOperation.WRITE);
        MetadataImage image = replay(
                MetadataImage.EMPTY,
                AclControl.createAcls(MetadataImage.EMPTY, List.of(READ, write), new Random(2))
                        .records());
        AclFilter orders = new AclFilter(
                AclResourceType.TOPIC,
                "orders",
                AclPatternType.LITERAL,
                null,
                null,
                AclOperation.ANY,
                AclPermission.ANY);
        AclFilter alice = new AclFilter(
                AclResourceType.ANY, null, AclPatternType.ANY, "User:alice", null, AclOperation.ANY, AclPermission.ANY);
        AclFilter nothing = new AclFilter(
                AclResourceType.GROUP, null, AclPatternType.ANY, null, null, AclOperation.ANY, AclPermission.ANY);
        AclFilter unknown = new AclFilter(
                AclResourceType.TOPIC, null, AclPatternType.ANY, null, null, AclOperation.UNKNOWN, AclPermission.ANY);

        ControllerResult<List<AclDeletionResult>> result =
                AclControl.deleteAcls(image, List.of(orders, alice, nothing, unknown));

        assertThat(result.response())
                .extracting(AclDeletionResult::error, AclDeletionResult::deleted)
                .containsExactly(
                        tuple(Errors.NONE, List.of(READ, write)),
                        tuple(Errors.NONE, List.of(READ)),
                        tuple(Errors.NONE, List.of()),
                        tuple(Errors.INVALID_REQUEST, List.of()));
        assertThat(result.records()).hasSize(2).allMatch(r -> r instanceof RemoveAccessControlEntryRecord);
        assertThat(replay(image, result.records()).acls().isEmpty()).isTrue();
    }

    @Test
    void moreThanTenThousandAclsInOneRequestChangeNothing() {
        List<AclBinding> many = new ArrayList<>();
        for (int i = 0; i <= AclControl.MAX_ACLS_PER_REQUEST; i++) {
            many.add(AclsImageTest.allowTopic("t" + i, AclPatternType.LITERAL, "User:a", AclOperation.READ));
        }
        ControllerResult<List<AclCreationResult>> result =
                AclControl.createAcls(MetadataImage.EMPTY, many, new Random(3));
        assertThat(result.records()).isEmpty();
        assertThat(result.response()).hasSize(many.size()).allMatch(r -> r.error() == Errors.INVALID_REQUEST);
    }
}
