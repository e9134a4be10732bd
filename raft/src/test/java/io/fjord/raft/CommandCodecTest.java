package io.fjord.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import io.fjord.metadata.AclBinding;
import io.fjord.metadata.AclCreationResult;
import io.fjord.metadata.AclDeletionResult;
import io.fjord.metadata.AclFilter;
import io.fjord.metadata.AclOperation;
import io.fjord.metadata.AclPatternType;
import io.fjord.metadata.AclPermission;
import io.fjord.metadata.AclResourceType;
import io.fjord.metadata.AlterConfigOp;
import io.fjord.metadata.AlterConfigsResource;
import io.fjord.metadata.AlterConfigsResult;
import io.fjord.metadata.AlterPartitionItem;
import io.fjord.metadata.AlterPartitionResult;
import io.fjord.metadata.ConfigRecord;
import io.fjord.metadata.ConfigResource;
import io.fjord.metadata.ConfigResourceType;
import io.fjord.metadata.ControllerConfig;
import io.fjord.metadata.CreatableTopic;
import io.fjord.metadata.CreatePartitionsResult;
import io.fjord.metadata.CreatePartitionsTopic;
import io.fjord.metadata.CreateTopicResult;
import io.fjord.metadata.DeleteTopicResult;
import io.fjord.metadata.Endpoint;
import io.fjord.metadata.NoOpRecord;
import io.fjord.metadata.PartitionRegistration;
import io.fjord.metadata.ProducerIdsRecord;
import io.fjord.metadata.ScramAlgorithm;
import io.fjord.metadata.ScramCredentialDeletion;
import io.fjord.metadata.ScramCredentialResult;
import io.fjord.metadata.ScramCredentialUpsertion;
import io.fjord.metadata.TopicRecord;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandCodecTest {

    private static final ControllerConfig CONFIG = new ControllerConfig(3, 2, 500);

    private static MetadataCommand roundTrip(MetadataCommand command) {
        return CommandCodec.decode(CommandCodec.encode(command));
    }

    @Test
    void recordsRegistrationsFencingAndBarriersSurviveARoundTrip() {
        List<MetadataCommand> commands = List.of(
                new MetadataCommand.AppendRecords(List.of(
                        new TopicRecord("a", new Uuid(1, 2)),
                        new ConfigRecord(ConfigResourceType.TOPIC, "a", "retention.ms", null),
                        new NoOpRecord())),
                new MetadataCommand.RegisterBroker(
                        4,
                        new Uuid(9, 9),
                        List.of(new Endpoint("PLAINTEXT", "h", 9092, "PLAINTEXT")),
                        "rack-1",
                        CONFIG),
                new MetadataCommand.RegisterBroker(
                        4,
                        new Uuid(9, 9),
                        List.of(new Endpoint("PLAINTEXT", "h", 9092, "PLAINTEXT")),
                        null,
                        CONFIG.withUncleanLeaderElection(true)),
                new MetadataCommand.SetBrokerFenced(4, new Uuid(9, 9), true, CONFIG),
                new MetadataCommand.SetBrokerFenced(4, new Uuid(9, 9), false, CONFIG, 12L),
                new MetadataCommand.ControlledShutdown(4, new Uuid(9, 9), CONFIG.withUncleanLeaderElection(true)),
                new MetadataCommand.Barrier(2),
                new MetadataCommand.AllocateProducerIds(4, 0L),
                new MetadataCommand.AllocateProducerIds(0, Long.MAX_VALUE),
                new MetadataCommand.AppendRecords(List.of(new ProducerIdsRecord(4, -1L, 3000L))),
                new MetadataCommand.ElectLeaders(io.fjord.metadata.ElectionType.UNCLEAN, null),
                new MetadataCommand.ElectLeaders(
                        io.fjord.metadata.ElectionType.PREFERRED,
                        List.of(
                                new io.fjord.common.TopicPartition("a", 3),
                                new io.fjord.common.TopicPartition("b", 0))),
                new MetadataCommand.AlterPartition(
                        3,
                        List.of(
                                new AlterPartitionItem(new Uuid(1, 2), 0, 4, 5, new int[] {3, 1}),
                                new AlterPartitionItem(new Uuid(1, 3), 2, 0, 0, new int[] {}))),
                new MetadataCommand.AlterPartitionReassignments(
                        CONFIG.withUncleanLeaderElection(true),
                        false,
                        List.of(
                                new io.fjord.metadata.PartitionReassignment("a", 0, new int[] {2, 3}),
                                new io.fjord.metadata.PartitionReassignment("b", 4, null))),
                new MetadataCommand.DeleteTopics(Arrays.asList("a", null), Arrays.asList(new Uuid(1, 2), null)),
                new MetadataCommand.AlterConfigs(
                        CONFIG,
                        true,
                        false,
                        List.of(new AlterConfigsResource(
                                ConfigResource.broker("1"),
                                List.of(
                                        new AlterConfigOp("log.retention.ms", AlterConfigOp.OpType.SET, "5"),
                                        new AlterConfigOp("x", AlterConfigOp.OpType.DELETE, null))))),
                new MetadataCommand.AlterConfigs(
                        CONFIG,
                        false,
                        true,
                        List.of(new AlterConfigsResource(
                                ConfigResource.topic("t"),
                                List.of(new AlterConfigOp("retention.ms", AlterConfigOp.OpType.SET, "7"))))));
        for (MetadataCommand command : commands) {
            assertThat(roundTrip(command)).isEqualTo(command);
        }
    }

    @Test
    void scramAlterationsCarryTheDerivedKeysAndNeverTheSaltedPassword() {
        byte[] salt = {1, 2, 3};
        byte[] salted = ScramAlgorithm.SCRAM_SHA_256.saltedPassword(new byte[] {'p', 'w'}, salt, 4096);
        MetadataCommand command = new MetadataCommand.AlterUserScramCredentials(
                List.of(new ScramCredentialDeletion("bob", (byte) 2), new ScramCredentialDeletion("", (byte) 9)),
                List.of(
                        ScramCredentialUpsertion.fromSaltedPassword("alice", (byte) 1, 8192, salt, salted),
                        ScramCredentialUpsertion.fromSaltedPassword("eve", (byte) 0, 1, new byte[0], salted)));
        byte[] entry = CommandCodec.encode(command);

        assertThat(CommandCodec.decode(entry)).isEqualTo(command);
        assertThat(Collections.indexOfSubList(Bytes.of(entry), Bytes.of(salted)))
                .as("the SaltedPassword is not in the log entry")
                .isEqualTo(-1);
        for (int length = 0; length < entry.length; length++) {
            byte[] truncated = Arrays.copyOf(entry, length);
            assertThatThrownBy(() -> CommandCodec.decode(truncated)).isInstanceOf(MalformedCommandException.class);
        }

        List<ScramCredentialResult> results = List.of(
                new ScramCredentialResult("alice", Errors.NONE, null),
                new ScramCredentialResult("", Errors.UNACCEPTABLE_CREDENTIAL, "Username must not be empty"));
        assertThat(CommandCodec.decodeScramCredentialsReply(CommandCodec.scramCredentialsReply(results)))
                .isEqualTo(results);
    }

    @Test
    void aclCommandsAndTheirRepliesSurviveARoundTrip() {
        AclBinding acl = new AclBinding(
                AclResourceType.TOPIC,
                "ord",
                AclPatternType.PREFIXED,
                "User:alice",
                "*",
                AclOperation.READ,
                AclPermission.ALLOW);
        AclBinding unknownCodes = new AclBinding(
                AclResourceType.UNKNOWN,
                "",
                AclPatternType.UNKNOWN,
                "",
                "",
                AclOperation.UNKNOWN,
                AclPermission.UNKNOWN);
        MetadataCommand create = new MetadataCommand.CreateAcls(42L, List.of(acl, unknownCodes));
        MetadataCommand delete = new MetadataCommand.DeleteAcls(List.of(
                AclFilter.ANY,
                new AclFilter(
                        AclResourceType.GROUP,
                        "g",
                        AclPatternType.MATCH,
                        "User:bob",
                        "10.0.0.1",
                        AclOperation.DESCRIBE,
                        AclPermission.DENY)));
        for (MetadataCommand command : List.of(create, delete)) {
            byte[] entry = CommandCodec.encode(command);
            assertThat(CommandCodec.decode(entry)).isEqualTo(command);
            for (int length = 0; length < entry.length; length++) {
                byte[] truncated = Arrays.copyOf(entry, length);
                assertThatThrownBy(() -> CommandCodec.decode(truncated)).isInstanceOf(MalformedCommandException.class);
            }
        }
        List<AclCreationResult> created = List.of(
                AclCreationResult.SUCCESS, new AclCreationResult(Errors.INVALID_REQUEST, "Invalid operation ANY"));
        assertThat(CommandCodec.decodeCreateAclsReply(CommandCodec.createAclsReply(created)))
                .isEqualTo(created);
        List<AclDeletionResult> deleted = List.of(
                new AclDeletionResult(Errors.NONE, null, List.of(acl, acl)),
                AclDeletionResult.failed(Errors.INVALID_REQUEST, "Invalid filter: unknown operation"));
        assertThat(CommandCodec.decodeDeleteAclsReply(CommandCodec.deleteAclsReply(deleted)))
                .isEqualTo(deleted);
    }

    /** Byte arrays as lists, for sub-sequence searches. */
    private static final class Bytes {
        static List<Byte> of(byte[] bytes) {
            List<Byte> list = new java.util.ArrayList<>(bytes.length);
            for (byte b : bytes) {
                list.add(b);
            }
            return list;
        }
    }

    @Test
    void alterPartitionResultsSurviveARoundTripWithTheirRegistrations() {
        List<AlterPartitionResult> results = List.of(
                new AlterPartitionResult(
                        new Uuid(1, 2),
                        0,
                        Errors.NONE,
                        new PartitionRegistration(new int[] {3, 1}, new int[] {3}, 3, 4, 6)),
                new AlterPartitionResult(
                        new Uuid(1, 4),
                        1,
                        Errors.NONE,
                        new PartitionRegistration(
                                new int[] {5, 3, 1}, new int[] {3, 1}, 3, 4, 6, new int[] {1}, new int[] {5})),
                new AlterPartitionResult(new Uuid(1, 3), 2, Errors.FENCED_LEADER_EPOCH, null));
        assertThat(CommandCodec.decodeAlterPartitionReply(CommandCodec.alterPartitionReply(results)))
                .isEqualTo(results);
    }

    @Test
    void reassignmentResultsSurviveARoundTrip() {
        List<io.fjord.metadata.ReassignmentResult> results = List.of(
                new io.fjord.metadata.ReassignmentResult("a", 0, Errors.NONE, null),
                new io.fjord.metadata.ReassignmentResult("b", 4, Errors.NO_REASSIGNMENT_IN_PROGRESS, "none"));
        assertThat(CommandCodec.decodeReassignmentsReply(CommandCodec.reassignmentsReply(results)))
                .isEqualTo(results);
    }

    @Test
    void entriesWrittenBeforeCommandsCarriedTheirConfigStillDecode() {
        byte[] oldFence = new WireWriter()
                .writeByte(CommandCodec.SET_BROKER_FENCED_KIND)
                .writeInt(4)
                .writeUuid(new Uuid(9, 9))
                .writeBoolean(true)
                .toByteArray();
        assertThat(CommandCodec.decode(oldFence))
                .isEqualTo(new MetadataCommand.SetBrokerFenced(4, new Uuid(9, 9), true, ControllerConfig.DEFAULT));
        byte[] oldDelete = new WireWriter()
                .writeByte(CommandCodec.ALTER_CONFIGS_KIND)
                .writeInt(3)
                .writeInt(2)
                .writeInt(500)
                .writeBoolean(false)
                .writeInt(0)
                .toByteArray();
        assertThat(CommandCodec.decode(oldDelete))
                .isEqualTo(new MetadataCommand.AlterConfigs(CONFIG, false, false, List.of()));
    }

    @Test
    void topicRequestsSurviveARoundTripWithTheirSeedSettingsAndAssignments() {
        Map<String, String> configs = new HashMap<>();
        configs.put("cleanup.policy", "compact");
        configs.put("bad", null);
        CreatableTopic manual =
                new CreatableTopic("m", -1, -1, Map.of(0, new int[] {1, 2}, 1, new int[] {2, 3}), configs);
        MetadataCommand.CreateTopics create = (MetadataCommand.CreateTopics) roundTrip(
                new MetadataCommand.CreateTopics(77L, CONFIG, false, List.of(CreatableTopic.of("t", 3, 2), manual)));
        assertThat(create.seed()).isEqualTo(77L);
        assertThat(create.config()).isEqualTo(CONFIG);
        assertThat(create.topics().get(0)).usingRecursiveComparison().isEqualTo(CreatableTopic.of("t", 3, 2));
        assertThat(create.topics().get(1).assignments()).containsOnlyKeys(0, 1);
        assertThat(create.topics().get(1).assignments().get(1)).containsExactly(2, 3);
        assertThat(create.topics().get(1).configs()).isEqualTo(configs);

        MetadataCommand.CreatePartitions partitions =
                (MetadataCommand.CreatePartitions) roundTrip(new MetadataCommand.CreatePartitions(
                        5L, CONFIG, true, List.of(new CreatePartitionsTopic("t", 5, List.of(new int[] {1}, new int[] {2
                        })))));
        assertThat(partitions.validateOnly()).isTrue();
        assertThat(partitions.topics().get(0).assignments()).hasSize(2);
        assertThat(partitions.topics().get(0).assignments().get(1)).containsExactly(2);
    }

    @Test
    void repliesCarryThePerTopicResultsAndTheErrors() {
        List<CreateTopicResult> created = List.of(
                new CreateTopicResult("t", Errors.NONE, null, new Uuid(3, 4), 3, 2, Map.of("a", "b")),
                new CreateTopicResult("u", Errors.TOPIC_ALREADY_EXISTS, "exists", Uuid.ZERO, -1, -1, Map.of()));
        assertThat(CommandCodec.decodeCreateTopicsReply(CommandCodec.createTopicsReply(created)))
                .isEqualTo(created);
        List<DeleteTopicResult> deleted = List.of(
                new DeleteTopicResult("t", new Uuid(3, 4), Errors.NONE, null),
                new DeleteTopicResult(null, null, Errors.UNKNOWN_TOPIC_ID, "unknown"));
        assertThat(CommandCodec.decodeDeleteTopicsReply(CommandCodec.deleteTopicsReply(deleted)))
                .isEqualTo(deleted);
        List<CreatePartitionsResult> partitions =
                List.of(new CreatePartitionsResult("t", Errors.INVALID_PARTITIONS, "no"));
        assertThat(CommandCodec.decodeCreatePartitionsReply(CommandCodec.createPartitionsReply(partitions)))
                .isEqualTo(partitions);
        List<AlterConfigsResult> altered =
                List.of(new AlterConfigsResult(ConfigResource.topic("t"), Errors.INVALID_CONFIG, "bad value"));
        assertThat(CommandCodec.decodeAlterConfigsReply(CommandCodec.alterConfigsReply(altered)))
                .isEqualTo(altered);
        assertThat(CommandCodec.decodeOffsetReply(CommandCodec.offsetReply(42))).isEqualTo(42);
        assertThat(CommandCodec.decodeHeartbeatReply(CommandCodec.heartbeatReply(true)))
                .isTrue();

        assertThatThrownBy(() -> CommandCodec.decodeOffsetReply(
                        CommandCodec.errorReply(Errors.STALE_BROKER_EPOCH, "old incarnation")))
                .isInstanceOf(ApiException.class)
                .hasMessage("old incarnation")
                .satisfies(e -> assertThat(((ApiException) e).error()).isEqualTo(Errors.STALE_BROKER_EPOCH));
    }

    @Test
    void rejectsEveryTruncationAndAForgedCountWithoutAllocatingIt() {
        byte[] bytes = CommandCodec.encode(
                new MetadataCommand.CreateTopics(1L, CONFIG, false, List.of(CreatableTopic.of("topic", 3, 2))));
        for (int length = 0; length < bytes.length; length++) {
            byte[] truncated = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> CommandCodec.decode(truncated)).isInstanceOf(MalformedCommandException.class);
        }
        byte[] forged = CommandCodec.encode(new MetadataCommand.AppendRecords(List.of(new NoOpRecord())));
        forged[1] = 0x7f; // record count 2^31 - ish
        assertThatThrownBy(() -> CommandCodec.decode(forged)).isInstanceOf(MalformedCommandException.class);
        assertThatThrownBy(() -> CommandCodec.decode(new byte[] {99})).isInstanceOf(MalformedCommandException.class);
        byte[] trailing = Arrays.copyOf(CommandCodec.encode(new MetadataCommand.Barrier(1)), 6);
        assertThatThrownBy(() -> CommandCodec.decode(trailing)).hasMessageContaining("trailing");
    }

    @Test
    void decodesTheHeartbeatQuery() {
        CommandCodec.Heartbeat heartbeat =
                CommandCodec.decodeHeartbeat(CommandCodec.encodeHeartbeat(3, new Uuid(5, 6)));
        assertThat(heartbeat).isEqualTo(new CommandCodec.Heartbeat(3, new Uuid(5, 6)));
    }
}
