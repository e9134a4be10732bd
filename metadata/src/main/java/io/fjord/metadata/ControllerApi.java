package io.fjord.metadata;

import io.fjord.common.ApiException;
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
     * Registers (or re-registers, e.g. after a restart with a new incarnation id) an unfenced broker.
     * Completes with the broker epoch: the offset of its registration record. Fails with an {@link
     * ApiException} INVALID_REQUEST for a negative id or no endpoints.
     */
    CompletableFuture<Long> registerBroker(int brokerId, Uuid incarnationId, List<Endpoint> endpoints, String rack);
}
