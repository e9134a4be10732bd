package io.fjord.metadata;

import io.fjord.common.ApiException;
import io.fjord.common.TopicPartition;
import io.fjord.common.Uuid;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The cluster changes a broker asks of the active controller. {@link Controller} answers them on a single
 * node; a quorum implementation (fjord-raft) forwards them to the Raft leader, so any broker may call
 * this whether or not it is the active controller. Operating errors fail the returned future with an
 * {@link ApiException} (NOT_CONTROLLER when no controller can be reached); per-topic and per-resource
 * errors are in the results.
 *
 * <p>Thread-safe: any thread may call, and no method blocks.
 */
public interface ControllerApi {

    CompletableFuture<List<CreateTopicResult>> createTopics(List<CreatableTopic> topics, boolean validateOnly);

    /** Deletes topics by name and by id; the results hold the name results first, then the id results. */
    CompletableFuture<List<DeleteTopicResult>> deleteTopics(List<String> names, List<Uuid> topicIds);

    CompletableFuture<List<CreatePartitionsResult>> createPartitions(
            List<CreatePartitionsTopic> topics, boolean validateOnly);

    CompletableFuture<List<AlterConfigsResult>> incrementalAlterConfigs(
            List<AlterConfigsResource> resources, boolean validateOnly);

    /**
     * The legacy AlterConfigs: each resource's ops are all SET, and they become the resource's whole set
     * of explicit configs; a key set before and not named is deleted.
     */
    CompletableFuture<List<AlterConfigsResult>> alterConfigs(
            List<AlterConfigsResource> resources, boolean validateOnly);

    /**
     * Registers (or re-registers, e.g. after a restart with a new incarnation id) an unfenced broker.
     * Completes with the broker epoch: the offset of its registration record. Fails with an {@link
     * ApiException} INVALID_REQUEST for a negative id or no endpoints.
     */
    CompletableFuture<Long> registerBroker(int brokerId, Uuid incarnationId, List<Endpoint> endpoints, String rack);

    /**
     * A partition leader asks to change the ISR of partitions it leads (Kafka's AlterPartition). Each item
     * is decided on its own against the committed state; the results are in request order. The new ISR
     * must hold the leader, be replicas, and (when it grows) name only unfenced brokers.
     */
    default CompletableFuture<List<AlterPartitionResult>> alterPartition(int brokerId, List<AlterPartitionItem> items) {
        return unsupported("AlterPartition");
    }

    /**
     * Elects leaders for the partitions given by topic name and partition ({@code null}: every partition,
     * for PREFERRED only the ones not led by their preferred replica). Results per partition.
     */
    default CompletableFuture<List<ElectLeadersResult>> electLeaders(
            ElectionType type, List<TopicPartition> partitions) {
        return unsupported("ElectLeaders");
    }

    /** Starts or cancels partition reassignments, replication factor changes allowed; results in request order. */
    default CompletableFuture<List<ReassignmentResult>> alterPartitionReassignments(
            List<PartitionReassignment> reassignments) {
        return alterPartitionReassignments(reassignments, true);
    }

    /**
     * Starts, replaces or cancels partition reassignments (KIP-455); results in request order. A target must
     * name registered brokers (fenced ones too), each once (else INVALID_REPLICA_ASSIGNMENT); with {@code
     * allowReplicationFactorChange} false it must keep the replica count (else INVALID_REPLICATION_FACTOR).
     * A cancellation (null target) of a partition with no reassignment gets NO_REASSIGNMENT_IN_PROGRESS. The
     * image shows a running reassignment as {@link PartitionRegistration#addingReplicas()} and {@link
     * PartitionRegistration#removingReplicas()}, both part of the replicas until it completes.
     */
    default CompletableFuture<List<ReassignmentResult>> alterPartitionReassignments(
            List<PartitionReassignment> reassignments, boolean allowReplicationFactorChange) {
        return unsupported("AlterPartitionReassignments");
    }

    /**
     * A broker that is stopping asks the controller to move every leadership it holds to another in-sync
     * replica and to take it out of the ISRs (Kafka's controlled shutdown). Completes with true once the
     * broker leads no partition that another live in-sync replica could lead (it may then stop without
     * making any partition unavailable), false while it still does; the broker asks again until true or
     * its own deadline. The broker's heartbeats carry on meanwhile; it is fenced when they stop.
     */
    default CompletableFuture<Boolean> controlledShutdown(int brokerId, Uuid incarnationId) {
        return unsupported("controlled shutdown");
    }

    /** Ids in one block of {@link #allocateProducerIds}. */
    int PRODUCER_ID_BLOCK_SIZE = ProducerIdControl.BLOCK_SIZE;

    /**
     * A broker asks for a block of {@link #PRODUCER_ID_BLOCK_SIZE} producer ids no other broker ever gets
     * (Kafka's AllocateProducerIds, KIP-730). Completes with the block's first id. Fails with
     * BROKER_ID_NOT_REGISTERED for a broker that is not registered.
     */
    default CompletableFuture<Long> allocateProducerIds(int brokerId) {
        return allocateProducerIds(brokerId, 0L);
    }

    /**
     * As {@link #allocateProducerIds(int)}, with the block starting at {@code floor} or above: a broker
     * upgraded from its own local producer id file passes the file's end, so ids it handed out before are
     * never handed out again.
     */
    default CompletableFuture<Long> allocateProducerIds(int brokerId, long floor) {
        return unsupported("AllocateProducerIds");
    }

    /**
     * Sets and deletes users' SCRAM credentials (Kafka's AlterUserScramCredentials, KIP-554), decided as one batch:
     * one result per user (see {@link ScramControl} for the errors). Upsertions carry keys already derived from the
     * client's SaltedPassword ({@link ScramCredentialUpsertion#fromSaltedPassword}).
     */
    default CompletableFuture<List<ScramCredentialResult>> alterUserScramCredentials(
            List<ScramCredentialDeletion> deletions, List<ScramCredentialUpsertion> upsertions) {
        return unsupported("AlterUserScramCredentials");
    }

    /**
     * Creates ACLs (Kafka's CreateAcls), decided as one batch: one result per ACL, in request order (see {@link
     * AclControl} for the errors).
     */
    default CompletableFuture<List<AclCreationResult>> createAcls(List<AclBinding> acls) {
        return unsupported("CreateAcls");
    }

    /**
     * Deletes the ACLs each filter matches (Kafka's DeleteAcls), decided as one batch: one result per filter, in
     * request order, each with the ACLs it deleted.
     */
    default CompletableFuture<List<AclDeletionResult>> deleteAcls(List<AclFilter> filters) {
        return unsupported("DeleteAcls");
    }

    private static <T> CompletableFuture<T> unsupported(String what) {
        return CompletableFuture.failedFuture(
                new ApiException(io.fjord.common.Errors.UNSUPPORTED_VERSION, what + " is not implemented yet"));
    }
}
