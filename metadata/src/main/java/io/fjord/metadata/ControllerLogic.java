package io.fjord.metadata;

import io.fjord.common.TopicPartition;
import io.fjord.common.Uuid;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The controller's decisions as pure functions of an image: what a CreateTopics, DeleteTopics,
 * CreatePartitions, IncrementalAlterConfigs, broker registration, fencing, controlled shutdown,
 * AlterPartition, ElectLeaders, reassignment, AllocateProducerIds, AlterUserScramCredentials, CreateAcls or DeleteAcls request writes and answers. Given the same image,
 * config, validator and random sequence, every call returns the same records, so a replicated state
 * machine may run it on every node (fjord-raft does, seeding {@code random} from the request). {@link
 * Controller} uses the same rules on a single node.
 *
 * <p>Not thread-safe (the random): one instance per decision or per thread.
 */
public final class ControllerLogic {

    private final ReplicationControl replication;
    private final ConfigurationControl configuration;
    private final BrokerLifecycleControl lifecycle;
    private final ReassignmentControl reassignment;
    private final RandomGenerator random;

    public ControllerLogic(ControllerConfig config, ConfigValidator validator, RandomGenerator random) {
        this.replication = new ReplicationControl(config, validator, random);
        this.configuration = new ConfigurationControl(validator, config.maxRecordsPerRequest());
        this.lifecycle = new BrokerLifecycleControl(config);
        this.reassignment = new ReassignmentControl(config);
        this.random = random;
    }

    public ControllerResult<List<CreateTopicResult>> createTopics(
            MetadataImage image, List<CreatableTopic> topics, boolean validateOnly) {
        return replication.createTopics(image, topics, validateOnly);
    }

    public ControllerResult<List<DeleteTopicResult>> deleteTopics(
            MetadataImage image, List<String> names, List<Uuid> topicIds) {
        return replication.deleteTopics(image, names, topicIds);
    }

    public ControllerResult<List<CreatePartitionsResult>> createPartitions(
            MetadataImage image, List<CreatePartitionsTopic> topics, boolean validateOnly) {
        return replication.createPartitions(image, topics, validateOnly);
    }

    /**
     * Alters configs; when that makes a topic's effective {@code unclean.leader.election.enable} true,
     * its leaderless partitions get an (unclean) leader in the same batch.
     */
    public ControllerResult<List<AlterConfigsResult>> incrementalAlterConfigs(
            MetadataImage image, List<AlterConfigsResource> resources, boolean validateOnly) {
        return withElections(image, configuration.incrementalAlterConfigs(image, resources, validateOnly));
    }

    /** See {@link ControllerApi#alterConfigs}: each resource's SET ops replace its explicit configs. */
    public ControllerResult<List<AlterConfigsResult>> alterConfigs(
            MetadataImage image, List<AlterConfigsResource> resources, boolean validateOnly) {
        return withElections(image, configuration.legacyAlterConfigs(image, resources, validateOnly));
    }

    /** A config change can make leaders electable (unclean.leader.election.enable): those elections follow it. */
    private ControllerResult<List<AlterConfigsResult>> withElections(
            MetadataImage image, ControllerResult<List<AlterConfigsResult>> result) {
        if (result.records().isEmpty()) {
            return result;
        }
        List<MetadataRecord> records = new ArrayList<>(result.records());
        records.addAll(lifecycle.electAfterConfigChange(image, PartitionChanges.replay(image, result.records())));
        return new ControllerResult<>(records, result.response());
    }

    /**
     * Registers the broker unfenced (fencing its previous incarnation first) and elects it where it can
     * lead. Throws an {@link io.fjord.common.ApiException} INVALID_REQUEST for a bad registration.
     */
    public ControllerResult<Void> registerBroker(
            MetadataImage image, int brokerId, Uuid incarnationId, List<Endpoint> endpoints, String rack) {
        return new ControllerResult<>(lifecycle.registerBroker(image, brokerId, incarnationId, endpoints, rack), null);
    }

    /** Fences or unfences a broker of this incarnation, with the elections that follow; else nothing. */
    public ControllerResult<Void> setBrokerFenced(
            MetadataImage image, int brokerId, Uuid incarnationId, boolean fenced) {
        return new ControllerResult<>(lifecycle.setBrokerFenced(image, brokerId, incarnationId, fenced), null);
    }

    /** See {@link ControllerApi#alterPartition}; results in request order. */
    public ControllerResult<List<AlterPartitionResult>> alterPartition(
            MetadataImage image, int brokerId, List<AlterPartitionItem> items) {
        return AlterPartitionControl.alterPartition(image, brokerId, items);
    }

    /** See {@link ControllerApi#electLeaders}. */
    public ControllerResult<List<ElectLeadersResult>> electLeaders(
            MetadataImage image, ElectionType type, List<TopicPartition> partitions) {
        return LeaderElectionControl.electLeaders(image, type, partitions);
    }

    /** See {@link ControllerApi#alterPartitionReassignments(List, boolean)}; results in request order. */
    public ControllerResult<List<ReassignmentResult>> alterPartitionReassignments(
            MetadataImage image, List<PartitionReassignment> reassignments, boolean allowReplicationFactorChange) {
        return reassignment.alterPartitionReassignments(image, reassignments, allowReplicationFactorChange);
    }

    /**
     * The partitions the automatic preferred-leader rebalance should elect now: those each broker prefers
     * and could lead, for brokers leading fewer than (100 - {@code percentage}) percent of them.
     */
    public static List<TopicPartition> imbalancedPartitions(MetadataImage image, int percentage) {
        return LeaderElectionControl.imbalancedPartitions(image, percentage);
    }

    /** See {@link ControllerApi#allocateProducerIds(int, long)}: the first id of the broker's new block. */
    public ControllerResult<Long> allocateProducerIds(MetadataImage image, int brokerId, long floor) {
        return ProducerIdControl.allocateProducerIds(image, brokerId, floor);
    }

    /** See {@link ControllerApi#alterUserScramCredentials}; one result per user. */
    public ControllerResult<List<ScramCredentialResult>> alterUserScramCredentials(
            MetadataImage image, List<ScramCredentialDeletion> deletions, List<ScramCredentialUpsertion> upsertions) {
        return ScramControl.alterUserScramCredentials(image, deletions, upsertions);
    }

    /** See {@link ControllerApi#createAcls}; the new ACLs' ids come from the random. */
    public ControllerResult<List<AclCreationResult>> createAcls(MetadataImage image, List<AclBinding> acls) {
        return AclControl.createAcls(image, acls, random);
    }

    /** See {@link ControllerApi#deleteAcls}. */
    public ControllerResult<List<AclDeletionResult>> deleteAcls(MetadataImage image, List<AclFilter> filters) {
        return AclControl.deleteAcls(image, filters);
    }

    /** See {@link ControllerApi#controlledShutdown}. */
    public ControllerResult<Boolean> controlledShutdown(MetadataImage image, int brokerId, Uuid incarnationId) {
        return lifecycle.controlledShutdown(image, brokerId, incarnationId);
    }
}
