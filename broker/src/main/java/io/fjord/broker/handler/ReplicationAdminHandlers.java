package io.fjord.broker.handler;

import io.fjord.broker.network.RequestContext;
import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.metadata.ControllerApi;
import io.fjord.metadata.ElectLeadersResult;
import io.fjord.metadata.ElectionType;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.ElectLeadersRequest;
import io.fjord.protocol.message.ElectLeadersResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * The admin APIs of replication, thin translations to {@link ControllerApi}: ElectLeaders,
 * AlterPartitionReassignments and ListPartitionReassignments (answered from this broker's image). A
 * controller failure (e.g. NOT_CONTROLLER) becomes the response's top-level error, never a closed
 * connection. Stateless; called on I/O threads.
 */
public final class ReplicationAdminHandlers {

    private final MetadataView metadata;
    private final ControllerApi controller;

    public ReplicationAdminHandlers(MetadataView metadata, ControllerApi controller) {
        this.metadata = metadata;
        this.controller = controller;
    }

    public CompletableFuture<ApiMessage> electLeaders(RequestContext context, ApiMessage message) {
        ElectLeadersRequest request = (ElectLeadersRequest) message;
        ElectionType type =
                context.apiVersion() == 0 ? ElectionType.PREFERRED : ElectionType.forValue(request.electionType());
        if (type == null) {
            return CompletableFuture.completedFuture(
                    new ElectLeadersResponse().setErrorCode(Errors.INVALID_REQUEST.code()));
        }
        List<TopicPartition> partitions = null;
        if (request.topicPartitions() != null) {
            partitions = new ArrayList<>();
            for (ElectLeadersRequest.TopicPartitions topic : request.topicPartitions()) {
                for (int partition : topic.partitions()) {
                    partitions.add(new TopicPartition(topic.topic(), partition));
                }
            }
        }
        return answer(
                controller.electLeaders(type, partitions),
                ReplicationAdminHandlers::electLeadersResponse,
                error -> new ElectLeadersResponse().setErrorCode(error.error().code()));
    }

    private static ElectLeadersResponse electLeadersResponse(List<ElectLeadersResult> results) {
        Map<String, ElectLeadersResponse.ReplicaElectionResult> byTopic = new LinkedHashMap<>();
        for (ElectLeadersResult r : results) {
            byTopic.computeIfAbsent(r.topic(), t -> new ElectLeadersResponse.ReplicaElectionResult().setTopic(t))
                    .partitionResult()
                    .add(new ElectLeadersResponse.PartitionResult()
                            .setPartitionId(r.partitionId())
                            .setErrorCode(r.error().code())
                            .setErrorMessage(r.error() == Errors.NONE ? null : r.message()));
        }
        return new ElectLeadersResponse().setReplicaElectionResults(new ArrayList<>(byTopic.values()));
    }

    /** The response built from the controller's answer, or from its {@link ApiException}. */
    static <T> CompletableFuture<ApiMessage> answer(
            CompletableFuture<T> future,
            Function<T, ApiMessage> onSuccess,
            Function<ApiException, ApiMessage> onError) {
        return future.handle((value, error) -> {
            if (error == null) {
                return onSuccess.apply(value);
            }
            Throwable cause =
                    error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof ApiException e) {
                return onError.apply(e);
            }
            throw new CompletionException(cause);
        });
    }
}
