package io.fjord.broker.handler;

import io.fjord.broker.network.RequestContext;
import io.fjord.broker.security.Authorizer;
import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.metadata.AclOperation;
import io.fjord.metadata.ControllerApi;
import io.fjord.metadata.ElectLeadersResult;
import io.fjord.metadata.ElectionType;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.PartitionReassignment;
import io.fjord.metadata.PartitionRegistration;
import io.fjord.metadata.ReassignmentResult;
import io.fjord.metadata.TopicImage;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.AlterPartitionReassignmentsRequest;
import io.fjord.protocol.message.AlterPartitionReassignmentsResponse;
import io.fjord.protocol.message.ElectLeadersRequest;
import io.fjord.protocol.message.ElectLeadersResponse;
import io.fjord.protocol.message.ListPartitionReassignmentsRequest;
import io.fjord.protocol.message.ListPartitionReassignmentsResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * The admin APIs of replication, thin translations to {@link ControllerApi}: ElectLeaders,
 * AlterPartitionReassignments, and ListPartitionReassignments (answered from this broker's image, where a
 * reassignment in progress shows as adding and removing replicas). A
 * controller failure (e.g. NOT_CONTROLLER) becomes the response's top-level error, never a closed
 * connection. Stateless; called on I/O threads.
 *
 * <p>Authorization as in Kafka's controller: ElectLeaders and AlterPartitionReassignments need ALTER on the cluster,
 * ListPartitionReassignments DESCRIBE; a denied request is answered as Kafka's {@code getErrorResponse} answers a
 * ClusterAuthorizationException: CLUSTER_AUTHORIZATION_FAILED at the top and on every partition the request named.
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
        if (!clusterAllows(context, AclOperation.ALTER)) {
            return CompletableFuture.completedFuture(
                    electLeadersDenied(request, context.apiVersion(), notAuthorized(context)));
        }
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

    /** Kafka's error response: the error at the top (v1+, where it has a place) and on every partition named. */
    private static ElectLeadersResponse electLeadersDenied(ElectLeadersRequest request, short version, String message) {
        ElectLeadersResponse response = new ElectLeadersResponse();
        if (version >= 1) {
            response.setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code());
        }
        if (request.topicPartitions() != null) {
            for (ElectLeadersRequest.TopicPartitions topic : request.topicPartitions()) {
                ElectLeadersResponse.ReplicaElectionResult result =
                        new ElectLeadersResponse.ReplicaElectionResult().setTopic(topic.topic());
                for (int partition : topic.partitions()) {
                    result.partitionResult()
                            .add(new ElectLeadersResponse.PartitionResult()
                                    .setPartitionId(partition)
                                    .setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code())
                                    .setErrorMessage(message));
                }
                response.replicaElectionResults().add(result);
            }
        }
        return response;
    }

    /** Whether the principal may do {@code operation} on the cluster. */
    private boolean clusterAllows(RequestContext context, AclOperation operation) {
        Authorizer authorizer = metadata.authorizer();
        return authorizer.authorizeCluster(context, operation);
    }

    /**
     * The message of the ClusterAuthorizationException Kafka's {@code authorizeClusterOperation} throws ("Request
     * $request is not authorized."), naming the API where Kafka prints its whole request.
     */
    static String notAuthorized(RequestContext context) {
        return "Request " + context.apiKey() + " is not authorized.";
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

    /**
     * Starts or cancels reassignments (v0 always allows a replication factor change; v1 says). Results per
     * partition grouped by topic in request order; a controller failure is the top-level error.
     */
    public CompletableFuture<ApiMessage> alterPartitionReassignments(RequestContext context, ApiMessage message) {
        AlterPartitionReassignmentsRequest request = (AlterPartitionReassignmentsRequest) message;
        if (!clusterAllows(context, AclOperation.ALTER)) {
            return CompletableFuture.completedFuture(alterReassignmentsDenied(request, notAuthorized(context)));
        }
        boolean allowReplicationFactorChange = context.apiVersion() == 0 || request.allowReplicationFactorChange();
        List<PartitionReassignment> reassignments = new ArrayList<>();
        for (AlterPartitionReassignmentsRequest.ReassignableTopic topic : request.topics()) {
            for (AlterPartitionReassignmentsRequest.ReassignablePartition partition : topic.partitions()) {
                List<Integer> replicas = partition.replicas();
                int[] target = replicas == null
                        ? null
                        : replicas.stream().mapToInt(Integer::intValue).toArray();
                reassignments.add(new PartitionReassignment(topic.name(), partition.partitionIndex(), target));
            }
        }
        return answer(
                controller.alterPartitionReassignments(reassignments, allowReplicationFactorChange),
                results -> alterPartitionReassignmentsResponse(results)
                        .setAllowReplicationFactorChange(allowReplicationFactorChange),
                error -> new AlterPartitionReassignmentsResponse()
                        .setAllowReplicationFactorChange(allowReplicationFactorChange)
                        .setErrorCode(error.error().code())
                        .setErrorMessage(error.getMessage()));
    }

    private static AlterPartitionReassignmentsResponse alterReassignmentsDenied(
            AlterPartitionReassignmentsRequest request, String message) {
        AlterPartitionReassignmentsResponse response = new AlterPartitionReassignmentsResponse()
                .setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code())
                .setErrorMessage(message);
        for (AlterPartitionReassignmentsRequest.ReassignableTopic topic : request.topics()) {
            AlterPartitionReassignmentsResponse.ReassignableTopicResponse out =
                    new AlterPartitionReassignmentsResponse.ReassignableTopicResponse().setName(topic.name());
            for (AlterPartitionReassignmentsRequest.ReassignablePartition partition : topic.partitions()) {
                out.partitions()
                        .add(new AlterPartitionReassignmentsResponse.ReassignablePartitionResponse()
                                .setPartitionIndex(partition.partitionIndex())
                                .setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code())
                                .setErrorMessage(message));
            }
            response.responses().add(out);
        }
        return response;
    }

    private static AlterPartitionReassignmentsResponse alterPartitionReassignmentsResponse(
            List<ReassignmentResult> results) {
        Map<String, AlterPartitionReassignmentsResponse.ReassignableTopicResponse> byTopic = new LinkedHashMap<>();
        for (ReassignmentResult r : results) {
            byTopic.computeIfAbsent(r.topic(), t -> new AlterPartitionReassignmentsResponse.ReassignableTopicResponse()
                            .setName(t))
                    .partitions()
                    .add(new AlterPartitionReassignmentsResponse.ReassignablePartitionResponse()
                            .setPartitionIndex(r.partitionId())
                            .setErrorCode(r.error().code())
                            .setErrorMessage(r.error() == Errors.NONE ? null : r.message()));
        }
        return new AlterPartitionReassignmentsResponse().setResponses(new ArrayList<>(byTopic.values()));
    }

    /**
     * The reassignments in progress in this broker's image: every one when the request names no topics,
     * else those of the named partitions (unknown ones are left out, as Kafka does).
     */
    public CompletableFuture<ApiMessage> listPartitionReassignments(RequestContext context, ApiMessage message) {
        ListPartitionReassignmentsRequest request = (ListPartitionReassignmentsRequest) message;
        if (!clusterAllows(context, AclOperation.DESCRIBE)) {
            return CompletableFuture.completedFuture(listReassignmentsDenied(request, notAuthorized(context)));
        }
        MetadataImage image = metadata.image();
        Map<String, ListPartitionReassignmentsResponse.OngoingTopicReassignment> byTopic = new LinkedHashMap<>();
        if (request.topics() == null) {
            for (TopicImage topic : new TreeMap<>(image.topics().topicsByName()).values()) {
                topic.partitions().forEach((partitionId, partition) -> addOngoing(byTopic, topic, partitionId));
            }
        } else {
            for (ListPartitionReassignmentsRequest.ListPartitionReassignmentsTopics wanted : request.topics()) {
                TopicImage topic = image.topics().topic(wanted.name());
                if (topic != null) {
                    wanted.partitionIndexes().forEach(partitionId -> addOngoing(byTopic, topic, partitionId));
                }
            }
        }
        return CompletableFuture.completedFuture(
                new ListPartitionReassignmentsResponse().setTopics(new ArrayList<>(byTopic.values())));
    }

    /** Kafka's error response: the error at the top, and the named partitions with nothing but their index. */
    private static ListPartitionReassignmentsResponse listReassignmentsDenied(
            ListPartitionReassignmentsRequest request, String message) {
        ListPartitionReassignmentsResponse response = new ListPartitionReassignmentsResponse()
                .setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code())
                .setErrorMessage(message);
        if (request.topics() != null) {
            for (ListPartitionReassignmentsRequest.ListPartitionReassignmentsTopics topic : request.topics()) {
                ListPartitionReassignmentsResponse.OngoingTopicReassignment out =
                        new ListPartitionReassignmentsResponse.OngoingTopicReassignment().setName(topic.name());
                for (int partition : topic.partitionIndexes()) {
                    out.partitions()
                            .add(new ListPartitionReassignmentsResponse.OngoingPartitionReassignment()
                                    .setPartitionIndex(partition));
                }
                response.topics().add(out);
            }
        }
        return response;
    }

    private static void addOngoing(
            Map<String, ListPartitionReassignmentsResponse.OngoingTopicReassignment> byTopic,
            TopicImage topic,
            int partitionId) {
        PartitionRegistration partition = topic.partition(partitionId);
        if (partition == null || !partition.isReassigning()) {
            return;
        }
        List<ListPartitionReassignmentsResponse.OngoingPartitionReassignment> partitions = byTopic.computeIfAbsent(
                        topic.name(),
                        name -> new ListPartitionReassignmentsResponse.OngoingTopicReassignment().setName(name))
                .partitions();
        partitions.removeIf(p -> p.partitionIndex() == partitionId); // a partition named twice
        partitions.add(new ListPartitionReassignmentsResponse.OngoingPartitionReassignment()
                .setPartitionIndex(partitionId)
                .setReplicas(boxed(partition.replicas()))
                .setAddingReplicas(boxed(partition.addingReplicas()))
                .setRemovingReplicas(boxed(partition.removingReplicas())));
    }

    private static List<Integer> boxed(int[] values) {
        return new ArrayList<>(Arrays.stream(values).boxed().toList());
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
