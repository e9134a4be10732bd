package io.fjord.raft;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
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
import io.fjord.metadata.ConfigResource;
import io.fjord.metadata.ConfigResourceType;
import io.fjord.metadata.ControllerConfig;
import io.fjord.metadata.CreatableTopic;
import io.fjord.metadata.CreatePartitionsResult;
import io.fjord.metadata.CreatePartitionsTopic;
import io.fjord.metadata.CreateTopicResult;
import io.fjord.metadata.DeleteTopicResult;
import io.fjord.metadata.ElectLeadersResult;
import io.fjord.metadata.ElectionType;
import io.fjord.metadata.Endpoint;
import io.fjord.metadata.MalformedMetadataRecordException;
import io.fjord.metadata.MetadataRecord;
import io.fjord.metadata.MetadataRecordSerde;
import io.fjord.metadata.PartitionReassignment;
import io.fjord.metadata.PartitionRegistration;
import io.fjord.metadata.QuorumDescription;
import io.fjord.metadata.ReassignmentResult;
import io.fjord.metadata.ScramCredentialDeletion;
import io.fjord.metadata.ScramCredentialResult;
import io.fjord.metadata.ScramCredentialUpsertion;
import io.fjord.raft.MetadataCommand.AllocateProducerIds;
import io.fjord.raft.MetadataCommand.AlterConfigs;
import io.fjord.raft.MetadataCommand.AlterPartition;
import io.fjord.raft.MetadataCommand.AlterPartitionReassignments;
import io.fjord.raft.MetadataCommand.AlterUserScramCredentials;
import io.fjord.raft.MetadataCommand.AppendRecords;
import io.fjord.raft.MetadataCommand.Barrier;
import io.fjord.raft.MetadataCommand.ControlledShutdown;
import io.fjord.raft.MetadataCommand.CreateAcls;
import io.fjord.raft.MetadataCommand.CreatePartitions;
import io.fjord.raft.MetadataCommand.CreateTopics;
import io.fjord.raft.MetadataCommand.DeleteAcls;
import io.fjord.raft.MetadataCommand.DeleteTopics;
import io.fjord.raft.MetadataCommand.ElectLeaders;
import io.fjord.raft.MetadataCommand.RegisterBroker;
import io.fjord.raft.MetadataCommand.SetBrokerFenced;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * The binary form of {@link MetadataCommand}s (Raft log entries), of the heartbeat query, and of the
 * replies the state machine sends back. Stateless; safe from any thread. Primitives are {@link
 * WireWriter}'s (big-endian ints, int32-length strings with -1 for null).
 *
 * <table>
 *   <caption>entry layout</caption>
 *   <tr><th>offset</th><th>size</th><th>field</th></tr>
 *   <tr><td>0</td><td>1</td><td>kind: one of the {@code *_KIND} constants</td></tr>
 *   <tr><td>1</td><td>..</td><td>the command's fields in record-component order; a {@link ControllerConfig}
 *       as three int32s; records as an int32 count and, each, the {@link MetadataRecordSerde} bytes with an
 *       int32 length</td></tr>
 * </table>
 *
 * <table>
 *   <caption>reply layout</caption>
 *   <tr><th>offset</th><th>size</th><th>field</th></tr>
 *   <tr><td>0</td><td>2</td><td>error code ({@link Errors#code()}, 0 when the command was applied)</td></tr>
 *   <tr><td>2</td><td>..</td><td>on error: the message string; else the kind's results (per-topic or
 *       per-resource results, or an int64 offset)</td></tr>
 * </table>
 *
 * <p>Decoding checks every length against the bytes present and raises {@link MalformedCommandException}
 * for anything it does not understand.
 */
final class CommandCodec {

    static final byte APPEND_RECORDS_KIND = 0;
    static final byte CREATE_TOPICS_KIND = 1;
    static final byte DELETE_TOPICS_KIND = 2;
    static final byte CREATE_PARTITIONS_KIND = 3;
    static final byte ALTER_CONFIGS_KIND = 4;
    static final byte REGISTER_BROKER_KIND = 5;
    static final byte SET_BROKER_FENCED_KIND = 6;
    static final byte BARRIER_KIND = 7;
    static final byte CONTROLLED_SHUTDOWN_KIND = 8;
    static final byte ALTER_PARTITION_KIND = 9;
    static final byte ELECT_LEADERS_KIND = 10;
    static final byte ALTER_PARTITION_REASSIGNMENTS_KIND = 11;
    static final byte ALLOCATE_PRODUCER_IDS_KIND = 12;
    /**
     * Deletions as an int32 count and, each, name string and mechanism byte; upsertions as an int32 count and, each,
     * name string, mechanism byte, iterations int32, salt, StoredKey and ServerKey as int32-length byte arrays.
     */
    static final byte ALTER_USER_SCRAM_CREDENTIALS_KIND = 13;
    /** The legacy AlterConfigs: coded as ALTER_CONFIGS_KIND, with replace semantics. */
    static final byte LEGACY_ALTER_CONFIGS_KIND = 14;
    /**
     * A seed int64, then the ACLs as an int32 count and, each, resource type byte, resource name string, pattern type
     * byte, principal and host strings, operation and permission bytes (Kafka's codes).
     */
    static final byte CREATE_ACLS_KIND = 15;
    /** The filters as an int32 count and, each, coded as an ACL of CREATE_ACLS_KIND whose strings may be null. */
    static final byte DELETE_ACLS_KIND = 16;
    /** The only read-only query: a broker heartbeat, answered by the leader without a log entry. */
    static final byte HEARTBEAT_QUERY_KIND = 100;
    /** The leader's view of the quorum (Kafka's DescribeQuorum), a read-only query with no payload. */
    static final byte DESCRIBE_QUORUM_QUERY_KIND = 101;

    private CommandCodec() {}

    static byte[] encode(MetadataCommand command) {
        WireWriter out = new WireWriter();
        if (command instanceof AppendRecords c) {
            out.writeByte(APPEND_RECORDS_KIND).writeInt(c.records().size());
            for (MetadataRecord record : c.records()) {
                out.writeBytes(MetadataRecordSerde.write(record));
            }
        } else if (command instanceof CreateTopics c) {
            out.writeByte(CREATE_TOPICS_KIND).writeLong(c.seed());
            writeConfig(out, c.config())
                    .writeBoolean(c.validateOnly())
                    .writeInt(c.topics().size());
            for (CreatableTopic topic : c.topics()) {
                out.writeString(topic.name()).writeInt(topic.numPartitions()).writeInt(topic.replicationFactor());
                out.writeInt(topic.assignments().size());
                topic.assignments().forEach((partition, replicas) -> out.writeInt(partition)
                        .writeIntArray(replicas));
                out.writeStringMap(new TreeMap<>(topic.configs()));
            }
        } else if (command instanceof DeleteTopics c) {
            out.writeByte(DELETE_TOPICS_KIND).writeInt(c.names().size());
            c.names().forEach(out::writeString);
            out.writeInt(c.topicIds().size());
            for (Uuid id : c.topicIds()) {
                out.writeBoolean(id != null).writeUuid(id == null ? Uuid.ZERO : id);
            }
        } else if (command instanceof CreatePartitions c) {
            out.writeByte(CREATE_PARTITIONS_KIND).writeLong(c.seed());
            writeConfig(out, c.config())
                    .writeBoolean(c.validateOnly())
                    .writeInt(c.topics().size());
            for (CreatePartitionsTopic topic : c.topics()) {
                out.writeString(topic.name())
                        .writeInt(topic.newTotalCount())
                        .writeInt(topic.assignments().size());
                topic.assignments().forEach(out::writeIntArray);
            }
        } else if (command instanceof AlterConfigs c) {
            out.writeByte(c.replace() ? LEGACY_ALTER_CONFIGS_KIND : ALTER_CONFIGS_KIND);
            writeConfig(out, c.config())
                    .writeBoolean(c.validateOnly())
                    .writeInt(c.resources().size());
            for (AlterConfigsResource resource : c.resources()) {
                out.writeByte(resource.resource().type().id())
                        .writeString(resource.resource().name());
                out.writeInt(resource.ops().size());
                for (AlterConfigOp op : resource.ops()) {
                    out.writeString(op.name()).writeByte(op.op().id()).writeString(op.value());
                }
            }
        } else if (command instanceof RegisterBroker c) {
            out.writeByte(REGISTER_BROKER_KIND).writeInt(c.brokerId()).writeUuid(c.incarnationId());
            out.writeInt(c.endpoints().size());
            for (Endpoint e : c.endpoints()) {
                out.writeString(e.name())
                        .writeString(e.host())
                        .writeInt(e.port())
                        .writeString(e.securityProtocol());
            }
            out.writeString(c.rack());
            writeConfig(out, c.config());
        } else if (command instanceof SetBrokerFenced c) {
            out.writeByte(SET_BROKER_FENCED_KIND).writeInt(c.brokerId()).writeUuid(c.incarnationId());
            out.writeBoolean(c.fenced());
            writeConfig(out, c.config());
            out.writeLong(c.proposerTerm());
        } else if (command instanceof AlterPartition c) {
            out.writeByte(ALTER_PARTITION_KIND)
                    .writeInt(c.brokerId())
                    .writeInt(c.items().size());
            for (AlterPartitionItem item : c.items()) {
                out.writeUuid(item.topicId())
                        .writeInt(item.partitionId())
                        .writeInt(item.leaderEpoch())
                        .writeInt(item.partitionEpoch())
                        .writeIntArray(item.newIsr());
            }
        } else if (command instanceof ElectLeaders c) {
            out.writeByte(ELECT_LEADERS_KIND).writeByte(c.type().value()).writeBoolean(c.partitions() != null);
            if (c.partitions() != null) {
                out.writeInt(c.partitions().size());
                for (TopicPartition tp : c.partitions()) {
                    out.writeString(tp.topic()).writeInt(tp.partition());
                }
            }
        } else if (command instanceof AlterPartitionReassignments c) {
            out.writeByte(ALTER_PARTITION_REASSIGNMENTS_KIND);
            writeConfig(out, c.config())
                    .writeBoolean(c.allowReplicationFactorChange())
                    .writeInt(c.reassignments().size());
            for (PartitionReassignment r : c.reassignments()) {
                out.writeString(r.topic()).writeInt(r.partitionId()).writeIntArray(r.targetReplicas());
            }
        } else if (command instanceof ControlledShutdown c) {
            out.writeByte(CONTROLLED_SHUTDOWN_KIND).writeInt(c.brokerId()).writeUuid(c.incarnationId());
            writeConfig(out, c.config());
        } else if (command instanceof AllocateProducerIds c) {
            out.writeByte(ALLOCATE_PRODUCER_IDS_KIND).writeInt(c.brokerId()).writeLong(c.floor());
        } else if (command instanceof AlterUserScramCredentials c) {
            out.writeByte(ALTER_USER_SCRAM_CREDENTIALS_KIND)
                    .writeInt(c.deletions().size());
            for (ScramCredentialDeletion d : c.deletions()) {
                out.writeString(d.name()).writeByte(d.mechanism());
            }
            out.writeInt(c.upsertions().size());
            for (ScramCredentialUpsertion u : c.upsertions()) {
                out.writeString(u.name()).writeByte(u.mechanism()).writeInt(u.iterations());
                out.writeBytes(u.salt()).writeBytes(u.storedKey()).writeBytes(u.serverKey());
            }
        } else if (command instanceof CreateAcls c) {
            out.writeByte(CREATE_ACLS_KIND)
                    .writeLong(c.seed())
                    .writeInt(c.acls().size());
            for (AclBinding acl : c.acls()) {
                writeAcl(out, acl);
            }
        } else if (command instanceof DeleteAcls c) {
            out.writeByte(DELETE_ACLS_KIND).writeInt(c.filters().size());
            for (AclFilter f : c.filters()) {
                out.writeByte(f.resourceType().code())
                        .writeString(f.resourceName())
                        .writeByte(f.patternType().code());
                out.writeString(f.principal()).writeString(f.host());
                out.writeByte(f.operation().code()).writeByte(f.permission().code());
            }
        } else if (command instanceof Barrier c) {
            out.writeByte(BARRIER_KIND).writeInt(c.nodeId());
        } else {
            throw new IllegalStateException("no codec for " + command);
        }
        return out.toByteArray();
    }

    /**
     * A {@link ControllerConfig}, form 1: int32 -1 (the form, negated), then num.partitions,
     * default.replication.factor and the record limit as int32s and unclean.leader.election.enable as a
     * boolean. Form 0 (older entries) is the three int32s alone; num.partitions is positive, so the first
     * int tells them apart. The rebalance settings only steer the active controller and are not carried.
     */
    private static WireWriter writeConfig(WireWriter out, ControllerConfig config) {
        return out.writeInt(-1)
                .writeInt(config.defaultNumPartitions())
                .writeInt(config.defaultReplicationFactor())
                .writeInt(config.maxRecordsPerRequest())
                .writeBoolean(config.uncleanLeaderElectionEnable());
    }

    static MetadataCommand decode(byte[] bytes) {
        WireReader in = new WireReader(bytes);
        try {
            MetadataCommand command = decode(in);
            in.expectEnd();
            return command;
        } catch (IllegalArgumentException | NullPointerException | MalformedMetadataRecordException e) {
            throw new MalformedCommandException("invalid metadata command: " + e.getMessage(), e);
        }
    }

    private static MetadataCommand decode(WireReader in) {
        byte kind = in.readByte();
        switch (kind) {
            case APPEND_RECORDS_KIND: {
                int count = in.readCount(4);
                List<MetadataRecord> records = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    records.add(MetadataRecordSerde.read(in.readBytes()));
                }
                return new AppendRecords(records);
            }
            case CREATE_TOPICS_KIND:
                return decodeCreateTopics(in);
            case DELETE_TOPICS_KIND: {
                int nameCount = in.readCount(4);
                List<String> names = new ArrayList<>(nameCount);
                for (int i = 0; i < nameCount; i++) {
                    names.add(in.readString());
                }
                int idCount = in.readCount(17);
                List<Uuid> ids = new ArrayList<>(idCount);
                for (int i = 0; i < idCount; i++) {
                    boolean present = in.readBoolean();
                    Uuid id = in.readUuid();
                    ids.add(present ? id : null);
                }
                return new DeleteTopics(names, ids);
            }
            case CREATE_PARTITIONS_KIND:
                return decodeCreatePartitions(in);
            case ALTER_CONFIGS_KIND:
                return decodeAlterConfigs(in, false);
            case LEGACY_ALTER_CONFIGS_KIND:
                return decodeAlterConfigs(in, true);
            case REGISTER_BROKER_KIND:
                return decodeRegisterBroker(in);
            case SET_BROKER_FENCED_KIND:
                return decodeSetBrokerFenced(in);
            case ALTER_PARTITION_KIND:
                return decodeAlterPartition(in);
            case ELECT_LEADERS_KIND:
                return decodeElectLeaders(in);
            case ALTER_PARTITION_REASSIGNMENTS_KIND:
                return decodeAlterPartitionReassignments(in);
            case CONTROLLED_SHUTDOWN_KIND:
                return new ControlledShutdown(in.readInt(), in.readUuid(), readConfig(in));
            case ALLOCATE_PRODUCER_IDS_KIND:
                return new AllocateProducerIds(in.readInt(), in.readLong());
            case ALTER_USER_SCRAM_CREDENTIALS_KIND:
                return decodeAlterUserScramCredentials(in);
            case CREATE_ACLS_KIND:
                return decodeCreateAcls(in);
            case DELETE_ACLS_KIND:
                return decodeDeleteAcls(in);
            case BARRIER_KIND:
                return new Barrier(in.readInt());
            default:
                throw new MalformedCommandException("unknown metadata command kind " + kind);
        }
    }

    private static AlterUserScramCredentials decodeAlterUserScramCredentials(WireReader in) {
        int deletionCount = in.readCount(5);
        List<ScramCredentialDeletion> deletions = new ArrayList<>(deletionCount);
        for (int i = 0; i < deletionCount; i++) {
            deletions.add(new ScramCredentialDeletion(in.readString(), in.readByte()));
        }
        int upsertionCount = in.readCount(21);
        List<ScramCredentialUpsertion> upsertions = new ArrayList<>(upsertionCount);
        for (int i = 0; i < upsertionCount; i++) {
            upsertions.add(new ScramCredentialUpsertion(
                    in.readString(), in.readByte(), in.readInt(), in.readBytes(), in.readBytes(), in.readBytes()));
        }
        return new AlterUserScramCredentials(deletions, upsertions);
    }

    private static WireWriter writeAcl(WireWriter out, AclBinding acl) {
        out.writeByte(acl.resourceType().code())
                .writeString(acl.resourceName())
                .writeByte(acl.patternType().code());
        out.writeString(acl.principal()).writeString(acl.host());
        return out.writeByte(acl.operation().code()).writeByte(acl.permission().code());
    }

    /** An ACL or filter takes at least 16 bytes: four bytes and three string lengths. */
    private static final int MIN_ACL_BYTES = 16;

    private static AclBinding readAcl(WireReader in) {
        AclResourceType resourceType = AclResourceType.forCode(in.readByte());
        String name = in.readString();
        AclPatternType patternType = AclPatternType.forCode(in.readByte());
        String principal = in.readString();
        String host = in.readString();
        return new AclBinding(
                resourceType,
                name,
                patternType,
                principal,
                host,
                AclOperation.forCode(in.readByte()),
                AclPermission.forCode(in.readByte()));
    }

    private static CreateAcls decodeCreateAcls(WireReader in) {
        long seed = in.readLong();
        int count = in.readCount(MIN_ACL_BYTES);
        List<AclBinding> acls = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            acls.add(readAcl(in));
        }
        return new CreateAcls(seed, acls);
    }

    private static DeleteAcls decodeDeleteAcls(WireReader in) {
        int count = in.readCount(MIN_ACL_BYTES);
        List<AclFilter> filters = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            AclResourceType resourceType = AclResourceType.forCode(in.readByte());
            String name = in.readString();
            AclPatternType patternType = AclPatternType.forCode(in.readByte());
            String principal = in.readString();
            String host = in.readString();
            filters.add(new AclFilter(
                    resourceType,
                    name,
                    patternType,
                    principal,
                    host,
                    AclOperation.forCode(in.readByte()),
                    AclPermission.forCode(in.readByte())));
        }
        return new DeleteAcls(filters);
    }

    /** Per-ACL results, each as int16 error code and message string. */
    static byte[] createAclsReply(List<AclCreationResult> results) {
        WireWriter out = okReply().writeInt(results.size());
        for (AclCreationResult r : results) {
            out.writeShort(r.error().code()).writeString(r.message());
        }
        return out.toByteArray();
    }

    static List<AclCreationResult> decodeCreateAclsReply(byte[] reply) {
        return decodeListReply(reply, 6, in -> new AclCreationResult(Errors.forCode(in.readShort()), in.readString()));
    }

    /** Per-filter results, each as int16 error code, message string and the deleted ACLs (int32 count, then each). */
    static byte[] deleteAclsReply(List<AclDeletionResult> results) {
        WireWriter out = okReply().writeInt(results.size());
        for (AclDeletionResult r : results) {
            out.writeShort(r.error().code())
                    .writeString(r.message())
                    .writeInt(r.deleted().size());
            for (AclBinding acl : r.deleted()) {
                writeAcl(out, acl);
            }
        }
        return out.toByteArray();
    }

    static List<AclDeletionResult> decodeDeleteAclsReply(byte[] reply) {
        return decodeListReply(reply, 10, in -> {
            Errors error = Errors.forCode(in.readShort());
            String message = in.readString();
            int count = in.readCount(MIN_ACL_BYTES);
            List<AclBinding> deleted = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                deleted.add(readAcl(in));
            }
            return new AclDeletionResult(error, message, deleted);
        });
    }

    /** Per-user results, each as user string, int16 error code and message string. */
    static byte[] scramCredentialsReply(List<ScramCredentialResult> results) {
        WireWriter out = okReply().writeInt(results.size());
        for (ScramCredentialResult r : results) {
            out.writeString(r.user()).writeShort(r.error().code()).writeString(r.message());
        }
        return out.toByteArray();
    }

    static List<ScramCredentialResult> decodeScramCredentialsReply(byte[] reply) {
        return decodeListReply(
                reply,
                10,
                in -> new ScramCredentialResult(in.readString(), Errors.forCode(in.readShort()), in.readString()));
    }

    private static ControllerConfig readConfig(WireReader in) {
        int first = in.readInt();
        if (first > 0) {
            return new ControllerConfig(first, in.readInt(), in.readInt());
        }
        if (first != -1) {
            throw new MalformedCommandException("unknown controller config form " + (-first));
        }
        return new ControllerConfig(in.readInt(), in.readInt(), in.readInt())
                .withUncleanLeaderElection(in.readBoolean());
    }

    /** Older entries end after the fenced flag (no config) or after the config (no proposer term). */
    private static SetBrokerFenced decodeSetBrokerFenced(WireReader in) {
        int brokerId = in.readInt();
        Uuid incarnationId = in.readUuid();
        boolean fenced = in.readBoolean();
        ControllerConfig config = readOptionalConfig(in);
        long proposerTerm = in.remaining() == 0 ? SetBrokerFenced.ANY_TERM : in.readLong();
        return new SetBrokerFenced(brokerId, incarnationId, fenced, config, proposerTerm);
    }

    /** Entries written before a command carried its config end early: those decide with the defaults. */
    private static ControllerConfig readOptionalConfig(WireReader in) {
        return in.remaining() == 0 ? ControllerConfig.DEFAULT : readConfig(in);
    }

    private static CreateTopics decodeCreateTopics(WireReader in) {
        long seed = in.readLong();
        ControllerConfig config = readConfig(in);
        boolean validateOnly = in.readBoolean();
        int count = in.readCount(20);
        List<CreatableTopic> topics = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = in.readString();
            int numPartitions = in.readInt();
            int replicationFactor = in.readInt();
            int assignmentCount = in.readCount(8);
            Map<Integer, int[]> assignments = new LinkedHashMap<>();
            for (int a = 0; a < assignmentCount; a++) {
                assignments.put(in.readInt(), in.readIntArray());
            }
            Map<String, String> configs = in.readStringMap();
            topics.add(new CreatableTopic(name, numPartitions, replicationFactor, assignments, configs));
        }
        return new CreateTopics(seed, config, validateOnly, topics);
    }

    private static CreatePartitions decodeCreatePartitions(WireReader in) {
        long seed = in.readLong();
        ControllerConfig config = readConfig(in);
        boolean validateOnly = in.readBoolean();
        int count = in.readCount(12);
        List<CreatePartitionsTopic> topics = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = in.readString();
            int newTotalCount = in.readInt();
            int assignmentCount = in.readCount(4);
            List<int[]> assignments = new ArrayList<>(assignmentCount);
            for (int a = 0; a < assignmentCount; a++) {
                assignments.add(in.readIntArray());
            }
            topics.add(new CreatePartitionsTopic(name, newTotalCount, assignments));
        }
        return new CreatePartitions(seed, config, validateOnly, topics);
    }

    private static AlterConfigs decodeAlterConfigs(WireReader in, boolean replace) {
        ControllerConfig config = readConfig(in);
        boolean validateOnly = in.readBoolean();
        int count = in.readCount(9);
        List<AlterConfigsResource> resources = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ConfigResource resource = new ConfigResource(resourceType(in.readByte()), in.readString());
            int opCount = in.readCount(9);
            List<AlterConfigOp> ops = new ArrayList<>(opCount);
            for (int o = 0; o < opCount; o++) {
                String name = in.readString();
                byte opId = in.readByte();
                AlterConfigOp.OpType type = AlterConfigOp.OpType.forId(opId);
                if (type == null) {
                    throw new MalformedCommandException("unknown config op " + opId);
                }
                ops.add(new AlterConfigOp(name, type, in.readString()));
            }
            resources.add(new AlterConfigsResource(resource, ops));
        }
        return new AlterConfigs(config, validateOnly, replace, resources);
    }

    private static AlterPartition decodeAlterPartition(WireReader in) {
        int brokerId = in.readInt();
        int count = in.readCount(32);
        List<AlterPartitionItem> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            items.add(new AlterPartitionItem(
                    in.readUuid(), in.readInt(), in.readInt(), in.readInt(), nonNull(in.readIntArray(), "new ISR")));
        }
        return new AlterPartition(brokerId, items);
    }

    private static ElectLeaders decodeElectLeaders(WireReader in) {
        byte typeValue = in.readByte();
        ElectionType type = ElectionType.forValue(typeValue);
        if (type == null) {
            throw new MalformedCommandException("unknown election type " + typeValue);
        }
        if (!in.readBoolean()) {
            return new ElectLeaders(type, null);
        }
        int count = in.readCount(8);
        List<TopicPartition> partitions = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            partitions.add(new TopicPartition(in.readString(), in.readInt()));
        }
        return new ElectLeaders(type, partitions);
    }

    private static AlterPartitionReassignments decodeAlterPartitionReassignments(WireReader in) {
        ControllerConfig config = readConfig(in);
        boolean allowReplicationFactorChange = in.readBoolean();
        int count = in.readCount(12);
        List<PartitionReassignment> reassignments = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            reassignments.add(new PartitionReassignment(in.readString(), in.readInt(), in.readIntArray()));
        }
        return new AlterPartitionReassignments(config, allowReplicationFactorChange, reassignments);
    }

    private static int[] nonNull(int[] values, String what) {
        if (values == null) {
            throw new MalformedCommandException(what + " must not be null");
        }
        return values;
    }

    private static RegisterBroker decodeRegisterBroker(WireReader in) {
        int brokerId = in.readInt();
        Uuid incarnationId = in.readUuid();
        int count = in.readCount(16);
        List<Endpoint> endpoints = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            endpoints.add(new Endpoint(in.readString(), in.readString(), in.readInt(), in.readString()));
        }
        return new RegisterBroker(brokerId, incarnationId, endpoints, in.readString(), readOptionalConfig(in));
    }

    private static ConfigResourceType resourceType(byte id) {
        for (ConfigResourceType type : ConfigResourceType.values()) {
            if (type.id() == id) {
                return type;
            }
        }
        throw new MalformedCommandException("unknown config resource type " + id);
    }

    // ---- heartbeat query ----

    static byte[] encodeHeartbeat(int brokerId, Uuid incarnationId) {
        return new WireWriter()
                .writeByte(HEARTBEAT_QUERY_KIND)
                .writeInt(brokerId)
                .writeUuid(incarnationId)
                .toByteArray();
    }

    /** The heartbeat in {@code bytes}: [broker id, incarnation id]; fails on anything else. */
    static Heartbeat decodeHeartbeat(byte[] bytes) {
        WireReader in = new WireReader(bytes);
        byte kind = in.readByte();
        if (kind != HEARTBEAT_QUERY_KIND) {
            throw new MalformedCommandException("unknown query kind " + kind);
        }
        Heartbeat heartbeat = new Heartbeat(in.readInt(), in.readUuid());
        in.expectEnd();
        return heartbeat;
    }

    record Heartbeat(int brokerId, Uuid incarnationId) {}

    // ---- describe-quorum query ----

    static byte[] encodeDescribeQuorum() {
        return new WireWriter().writeByte(DESCRIBE_QUORUM_QUERY_KIND).toByteArray();
    }

    /** Whether the query in {@code bytes} asks for the quorum's description. */
    static boolean isDescribeQuorum(byte[] bytes) {
        return bytes.length == 1 && bytes[0] == DESCRIBE_QUORUM_QUERY_KIND;
    }

    /**
     * The reply: leader id, epoch, high watermark, then the voters and the observers, each an int32 count
     * of [replica id int32, log end offset, last fetch, last caught up (int64 each)].
     */
    static byte[] describeQuorumReply(QuorumDescription quorum) {
        WireWriter out = okReply()
                .writeInt(quorum.leaderId())
                .writeLong(quorum.leaderEpoch())
                .writeLong(quorum.highWatermark());
        for (List<QuorumDescription.Replica> replicas : List.of(quorum.voters(), quorum.observers())) {
            out.writeInt(replicas.size());
            for (QuorumDescription.Replica r : replicas) {
                out.writeInt(r.replicaId())
                        .writeLong(r.logEndOffset())
                        .writeLong(r.lastFetchTimestampMs())
                        .writeLong(r.lastCaughtUpTimestampMs());
            }
        }
        return out.toByteArray();
    }

    static QuorumDescription decodeDescribeQuorumReply(byte[] reply) {
        WireReader in = openReply(reply);
        int leaderId = in.readInt();
        long epoch = in.readLong();
        long highWatermark = in.readLong();
        List<List<QuorumDescription.Replica>> groups = new ArrayList<>(2);
        for (int g = 0; g < 2; g++) {
            int count = in.readCount(28);
            List<QuorumDescription.Replica> replicas = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                replicas.add(new QuorumDescription.Replica(in.readInt(), in.readLong(), in.readLong(), in.readLong()));
            }
            groups.add(replicas);
        }
        in.expectEnd();
        return new QuorumDescription(leaderId, epoch, highWatermark, groups.get(0), groups.get(1));
    }

    // ---- replies ----

    static WireWriter okReply() {
        return new WireWriter().writeShort(Errors.NONE.code());
    }

    static byte[] errorReply(Errors error, String message) {
        return new WireWriter().writeShort(error.code()).writeString(message).toByteArray();
    }

    /** A reader positioned at the reply's payload; throws the reply's error as an {@link ApiException}. */
    static WireReader openReply(byte[] reply) {
        WireReader in = new WireReader(reply);
        Errors error = Errors.forCode(in.readShort());
        if (error != Errors.NONE) {
            throw new ApiException(error, in.readString());
        }
        return in;
    }

    /**
     * A successful reply's int32 count of results, each at least {@code minElementBytes} long and read by
     * {@code element}, and nothing after them.
     */
    private static <T> List<T> decodeListReply(byte[] reply, int minElementBytes, Function<WireReader, T> element) {
        WireReader in = openReply(reply);
        int count = in.readCount(minElementBytes);
        List<T> results = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            results.add(element.apply(in));
        }
        in.expectEnd();
        return results;
    }

    static byte[] offsetReply(long offset) {
        return okReply().writeLong(offset).toByteArray();
    }

    static long decodeOffsetReply(byte[] reply) {
        WireReader in = openReply(reply);
        long offset = in.readLong();
        in.expectEnd();
        return offset;
    }

    static byte[] createTopicsReply(List<CreateTopicResult> results) {
        WireWriter out = okReply().writeInt(results.size());
        for (CreateTopicResult r : results) {
            out.writeString(r.name()).writeShort(r.error().code()).writeString(r.message());
            out.writeUuid(r.topicId()).writeInt(r.numPartitions()).writeInt(r.replicationFactor());
            out.writeStringMap(new TreeMap<>(r.configs()));
        }
        return out.toByteArray();
    }

    static List<CreateTopicResult> decodeCreateTopicsReply(byte[] reply) {
        return decodeListReply(
                reply,
                38,
                in -> new CreateTopicResult(
                        in.readString(),
                        Errors.forCode(in.readShort()),
                        in.readString(),
                        in.readUuid(),
                        in.readInt(),
                        in.readInt(),
                        in.readStringMap()));
    }

    static byte[] deleteTopicsReply(List<DeleteTopicResult> results) {
        WireWriter out = okReply().writeInt(results.size());
        for (DeleteTopicResult r : results) {
            out.writeString(r.name()).writeBoolean(r.topicId() != null);
            out.writeUuid(r.topicId() == null ? Uuid.ZERO : r.topicId());
            out.writeShort(r.error().code()).writeString(r.message());
        }
        return out.toByteArray();
    }

    static List<DeleteTopicResult> decodeDeleteTopicsReply(byte[] reply) {
        return decodeListReply(reply, 27, in -> {
            String name = in.readString();
            boolean hasId = in.readBoolean();
            Uuid id = in.readUuid();
            return new DeleteTopicResult(name, hasId ? id : null, Errors.forCode(in.readShort()), in.readString());
        });
    }

    static byte[] createPartitionsReply(List<CreatePartitionsResult> results) {
        WireWriter out = okReply().writeInt(results.size());
        for (CreatePartitionsResult r : results) {
            out.writeString(r.name()).writeShort(r.error().code()).writeString(r.message());
        }
        return out.toByteArray();
    }

    static List<CreatePartitionsResult> decodeCreatePartitionsReply(byte[] reply) {
        return decodeListReply(
                reply,
                10,
                in -> new CreatePartitionsResult(in.readString(), Errors.forCode(in.readShort()), in.readString()));
    }

    static byte[] alterConfigsReply(List<AlterConfigsResult> results) {
        WireWriter out = okReply().writeInt(results.size());
        for (AlterConfigsResult r : results) {
            out.writeByte(r.resource().type().id()).writeString(r.resource().name());
            out.writeShort(r.error().code()).writeString(r.message());
        }
        return out.toByteArray();
    }

    static List<AlterConfigsResult> decodeAlterConfigsReply(byte[] reply) {
        return decodeListReply(reply, 11, in -> {
            ConfigResource resource = new ConfigResource(resourceType(in.readByte()), in.readString());
            return new AlterConfigsResult(resource, Errors.forCode(in.readShort()), in.readString());
        });
    }

    static byte[] alterPartitionReply(List<AlterPartitionResult> results) {
        WireWriter out = okReply().writeInt(results.size());
        for (AlterPartitionResult r : results) {
            out.writeUuid(r.topicId())
                    .writeInt(r.partitionId())
                    .writeShort(r.error().code());
            out.writeBoolean(r.partition() != null);
            if (r.partition() != null) {
                writeRegistration(out, r.partition());
            }
        }
        return out.toByteArray();
    }

    static List<AlterPartitionResult> decodeAlterPartitionReply(byte[] reply) {
        return decodeListReply(reply, 23, in -> {
            Uuid topicId = in.readUuid();
            int partitionId = in.readInt();
            Errors error = Errors.forCode(in.readShort());
            return new AlterPartitionResult(
                    topicId, partitionId, error, in.readBoolean() ? readRegistration(in) : null);
        });
    }

    private static void writeRegistration(WireWriter out, PartitionRegistration p) {
        out.writeIntArray(p.replicas()).writeIntArray(p.isr());
        out.writeInt(p.leader()).writeInt(p.leaderEpoch()).writeInt(p.partitionEpoch());
        out.writeIntArray(p.removingReplicas()).writeIntArray(p.addingReplicas());
    }

    private static PartitionRegistration readRegistration(WireReader in) {
        return new PartitionRegistration(
                nonNull(in.readIntArray(), "replicas"),
                nonNull(in.readIntArray(), "isr"),
                in.readInt(),
                in.readInt(),
                in.readInt(),
                nonNull(in.readIntArray(), "removing replicas"),
                nonNull(in.readIntArray(), "adding replicas"));
    }

    static byte[] electLeadersReply(List<ElectLeadersResult> results) {
        return partitionResultsReply(
                results,
                ElectLeadersResult::topic,
                ElectLeadersResult::partitionId,
                ElectLeadersResult::error,
                ElectLeadersResult::message);
    }

    static List<ElectLeadersResult> decodeElectLeadersReply(byte[] reply) {
        return decodePartitionResultsReply(reply, ElectLeadersResult::new);
    }

    static byte[] reassignmentsReply(List<ReassignmentResult> results) {
        return partitionResultsReply(
                results,
                ReassignmentResult::topic,
                ReassignmentResult::partitionId,
                ReassignmentResult::error,
                ReassignmentResult::message);
    }

    static List<ReassignmentResult> decodeReassignmentsReply(byte[] reply) {
        return decodePartitionResultsReply(reply, ReassignmentResult::new);
    }

    /** A per-partition outcome: topic name, partition, error and message. */
    private interface PartitionResultFactory<T> {
        T create(String topic, int partitionId, Errors error, String message);
    }

    /** Per-partition outcomes, each as topic string, int32 partition, int16 error code, message string. */
    private static <T> byte[] partitionResultsReply(
            List<T> results,
            Function<T, String> topic,
            ToIntFunction<T> partitionId,
            Function<T, Errors> error,
            Function<T, String> message) {
        WireWriter out = okReply().writeInt(results.size());
        for (T r : results) {
            out.writeString(topic.apply(r))
                    .writeInt(partitionId.applyAsInt(r))
                    .writeShort(error.apply(r).code())
                    .writeString(message.apply(r));
        }
        return out.toByteArray();
    }

    private static <T> List<T> decodePartitionResultsReply(byte[] reply, PartitionResultFactory<T> factory) {
        return decodeListReply(
                reply,
                14,
                in -> factory.create(in.readString(), in.readInt(), Errors.forCode(in.readShort()), in.readString()));
    }

    static byte[] booleanReply(boolean value) {
        return okReply().writeBoolean(value).toByteArray();
    }

    static boolean decodeBooleanReply(byte[] reply) {
        WireReader in = openReply(reply);
        boolean value = in.readBoolean();
        in.expectEnd();
        return value;
    }

    /** The heartbeat reply: whether the broker is fenced in the leader's image. */
    static byte[] heartbeatReply(boolean fenced) {
        return booleanReply(fenced);
    }

    static boolean decodeHeartbeatReply(byte[] reply) {
        return decodeBooleanReply(reply);
    }
}
