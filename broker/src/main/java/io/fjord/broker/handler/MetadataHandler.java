package io.fjord.broker.handler;

import io.fjord.broker.network.RequestContext;
import io.fjord.broker.network.RequestHandler;
import io.fjord.broker.security.Authorizer;
import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import io.fjord.metadata.AclOperation;
import io.fjord.metadata.AclResourceType;
import io.fjord.metadata.BrokerRegistration;
import io.fjord.metadata.ControllerApi;
import io.fjord.metadata.CreatableTopic;
import io.fjord.metadata.CreateTopicResult;
import io.fjord.metadata.Endpoint;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.PartitionRegistration;
import io.fjord.metadata.TopicImage;
import io.fjord.metadata.TopicNames;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.MetadataRequest;
import io.fjord.protocol.message.MetadataResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Metadata: the brokers, the controller and the requested topics (all when the list is null, or empty
 * before v1) with their partitions' leaders, replicas and ISR. A topic that does not exist is created
 * with the broker defaults when {@code auto.create.topics.enable} and the request allow it; the answer
 * then waits for the creation to commit, so the client sees the topic at once (or LEADER_NOT_AVAILABLE, retriable,
 * while another request's creation of it is still on its way to this broker's image).
 *
 * <p>With ACLs, as Kafka: a topic needs DESCRIBE (an all-topics answer leaves out the others, a named one gets
 * TOPIC_AUTHORIZATION_FAILED, with its name when asked by name and its id when asked by id), and auto-creation CREATE
 * on the cluster or on the topic (else TOPIC_AUTHORIZATION_FAILED). Authorized operations are filled in when asked.
 */
public final class MetadataHandler implements RequestHandler {

    private final MetadataView metadata;
    private final ControllerApi controller;

    public MetadataHandler(MetadataView metadata, ControllerApi controller) {
        this.metadata = metadata;
        this.controller = controller;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        MetadataRequest request = (MetadataRequest) message;
        short version = context.apiVersion();
        MetadataImage image = metadata.image();
        Authorizer authorizer = metadata.authorizer();
        boolean allTopics =
                request.topics() == null || (version == 0 && request.topics().isEmpty());
        if (allTopics) {
            MetadataResponse response = build(image, null, version, context);
            return CompletableFuture.completedFuture(withOperations(response, request, context, Set.of()));
        }
        Set<String> names = new LinkedHashSet<>();
        // Answers that need no lookup: unknown ids, and topics the principal may not describe.
        List<MetadataResponse.MetadataResponseTopic> refused = new ArrayList<>();
        for (MetadataRequest.MetadataRequestTopic t : request.topics()) {
            // The Java client asks by id with the name left at its default (""), so the id decides.
            if (t.topicId() != null && !t.topicId().isZero()) {
                TopicImage topic = image.topics().topic(t.topicId());
                if (topic == null) {
                    refused.add(new MetadataResponse.MetadataResponseTopic()
                            .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code())
                            .setTopicId(t.topicId())
                            .setName(null));
                } else if (!authorizer.authorize(context, AclOperation.DESCRIBE, AclResourceType.TOPIC, topic.name())) {
                    // Kafka: topic ids are not sensitive, names are.
                    refused.add(denied(null, t.topicId()));
                } else {
                    names.add(topic.name());
                }
            } else if (t.name() != null) {
                if (authorizer.authorize(context, AclOperation.DESCRIBE, AclResourceType.TOPIC, t.name())) {
                    names.add(t.name());
                } else {
                    refused.add(denied(t.name(), Uuid.ZERO));
                }
            }
        }
        boolean autoCreate =
                metadata.config().autoCreateTopicsEnable() && (version < 4 || request.allowAutoTopicCreation());
        List<CreatableTopic> toCreate = new ArrayList<>();
        if (autoCreate) {
            boolean createAny = authorizer.authorizeCluster(context, AclOperation.CREATE, false);
            for (Iterator<String> it = names.iterator(); it.hasNext(); ) {
                String name = it.next();
                if (image.topics().topic(name) != null || !isCreatable(name)) {
                    continue;
                }
                if (createAny || authorizer.authorize(context, AclOperation.CREATE, AclResourceType.TOPIC, name)) {
                    toCreate.add(new CreatableTopic(name, -1, -1, Map.of(), Map.of()));
                } else {
                    it.remove();
                    refused.add(0, denied(name, Uuid.ZERO));
                }
            }
        }
        if (toCreate.isEmpty()) {
            MetadataResponse response = build(image, names, version, context);
            return CompletableFuture.completedFuture(withRefused(response, request, context, names, refused));
        }
        // Answer from the image as it is once the creations are done. A creation this broker's image does not
        // show yet (another request's, still being written; or committed by the quorum and not yet applied here)
        // is LEADER_NOT_AVAILABLE, Kafka's answer for a topic being auto-created, never "unknown".
        return controller.createTopics(toCreate, false).handle((results, error) -> {
            MetadataResponse response = build(metadata.image(), names, version, context);
            markBeingCreated(response, beingCreated(toCreate, results, error));
            return withRefused(response, request, context, names, refused);
        });
    }

    private static MetadataResponse.MetadataResponseTopic denied(String name, Uuid topicId) {
        return new MetadataResponse.MetadataResponseTopic()
                .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                .setName(name)
                .setTopicId(topicId)
                .setIsInternal(false);
    }

    /** Adds the authorized operations the request asks for to the topics it describes, then the refused topics. */
    private MetadataResponse withRefused(
            MetadataResponse response,
            MetadataRequest request,
            RequestContext context,
            Set<String> described,
            List<MetadataResponse.MetadataResponseTopic> refused) {
        withOperations(response, request, context, described);
        response.topics().addAll(refused);
        return response;
    }

    /**
     * The authorized operations the request asks for (v8+): on each topic of the answer (all of them for an
     * all-topics request, when {@code described} is empty), and on the cluster (v8-10: 0 without DESCRIBE on it).
     */
    private MetadataResponse withOperations(
            MetadataResponse response, MetadataRequest request, RequestContext context, Set<String> described) {
        Authorizer authorizer = metadata.authorizer();
        if (request.includeTopicAuthorizedOperations()) {
            for (MetadataResponse.MetadataResponseTopic topic : response.topics()) {
                if (topic.name() != null && (described.isEmpty() || described.contains(topic.name()))) {
                    topic.setTopicAuthorizedOperations(
                            authorizer.authorizedOperations(context, AclResourceType.TOPIC, topic.name()));
                }
            }
        }
        if (request.includeClusterAuthorizedOperations()) {
            boolean describe = authorizer.authorizeCluster(context, AclOperation.DESCRIBE);
            response.setClusterAuthorizedOperations(describe ? authorizer.clusterOperations(context) : 0);
        }
        return response;
    }

    /**
     * The names whose creation succeeded or was already under way ({@code TOPIC_ALREADY_EXISTS}); all of them when
     * the controller did not answer, since the creation may still happen. A definite refusal (an invalid setting,
     * too few brokers) leaves the topic unknown.
     */
    private static Set<String> beingCreated(
            List<CreatableTopic> toCreate, List<CreateTopicResult> results, Throwable error) {
        Set<String> names = new HashSet<>();
        if (error != null || results == null) {
            for (CreatableTopic topic : toCreate) {
                names.add(topic.name());
            }
            return names;
        }
        for (CreateTopicResult result : results) {
            if (result.error() == Errors.NONE || result.error() == Errors.TOPIC_ALREADY_EXISTS) {
                names.add(result.name());
            }
        }
        return names;
    }

    private static void markBeingCreated(MetadataResponse response, Set<String> beingCreated) {
        for (MetadataResponse.MetadataResponseTopic topic : response.topics()) {
            if (topic.errorCode() == Errors.UNKNOWN_TOPIC_OR_PARTITION.code() && beingCreated.contains(topic.name())) {
                topic.setErrorCode(Errors.LEADER_NOT_AVAILABLE.code());
            }
        }
    }

    private static boolean isCreatable(String name) {
        try {
            TopicNames.validate(name);
            return !name.startsWith("__");
        } catch (ApiException e) {
            return false;
        }
    }

    /**
     * The answer for a client on {@code listener}: brokers without an endpoint on that listener are left out, as
     * Kafka does, and a partition led by one gets LISTENER_NOT_FOUND (v6+; LEADER_NOT_AVAILABLE before) and leader -1.
     */
    private MetadataResponse build(MetadataImage image, Set<String> names, short version, RequestContext context) {
        String listener = context.listenerName();
        Authorizer authorizer = metadata.authorizer();
        MetadataResponse response =
                new MetadataResponse().setClusterId(metadata.clusterId()).setControllerId(metadata.controllerId());
        Set<Integer> reachable = new HashSet<>();
        for (BrokerRegistration broker : image.cluster().brokers().values()) {
            Endpoint endpoint = MetadataView.clientEndpoint(broker, listener);
            if (broker.fenced() || endpoint == null) {
                continue;
            }
            reachable.add(broker.id());
            response.brokers()
                    .add(new MetadataResponse.MetadataResponseBroker()
                            .setNodeId(broker.id())
                            .setHost(endpoint.host())
                            .setPort(endpoint.port())
                            .setRack(broker.rack()));
        }
        if (names == null) {
            // Kafka leaves out the topics the principal may not describe, without logging each.
            for (TopicImage topic : image.topics().topicsByName().values()) {
                if (authorizer.authorize(context, AclOperation.DESCRIBE, AclResourceType.TOPIC, topic.name(), false)) {
                    response.topics().add(topicResponse(topic, image, reachable, version));
                }
            }
            return response;
        }
        for (String name : names) {
            TopicImage topic = image.topics().topic(name);
            if (topic != null) {
                response.topics().add(topicResponse(topic, image, reachable, version));
                continue;
            }
            Errors error = Errors.UNKNOWN_TOPIC_OR_PARTITION;
            try {
                TopicNames.validate(name);
            } catch (ApiException e) {
                error = Errors.INVALID_TOPIC_EXCEPTION;
            }
            response.topics()
                    .add(new MetadataResponse.MetadataResponseTopic()
                            .setErrorCode(error.code())
                            .setName(name)
                            .setTopicId(Uuid.ZERO));
        }
        return response;
    }

    private static MetadataResponse.MetadataResponseTopic topicResponse(
            TopicImage topic, MetadataImage image, Set<Integer> reachable, short version) {
        MetadataResponse.MetadataResponseTopic out = topicResponse(topic);
        for (MetadataResponse.MetadataResponsePartition p : out.partitions()) {
            BrokerRegistration leader =
                    p.leaderId() < 0 ? null : image.cluster().broker(p.leaderId());
            if (leader != null && !leader.fenced() && !reachable.contains(leader.id())) {
                // As Kafka: no leader id that points at a broker the answer leaves out.
                p.setErrorCode(version >= 6 ? Errors.LISTENER_NOT_FOUND.code() : Errors.LEADER_NOT_AVAILABLE.code())
                        .setLeaderId(-1);
            }
        }
        return out;
    }

    static MetadataResponse.MetadataResponseTopic topicResponse(TopicImage topic) {
        MetadataResponse.MetadataResponseTopic out = new MetadataResponse.MetadataResponseTopic()
                .setName(topic.name())
                .setTopicId(topic.id())
                .setIsInternal(topic.name().startsWith("__"));
        for (Map.Entry<Integer, PartitionRegistration> e : topic.partitions().entrySet()) {
            PartitionRegistration p = e.getValue();
            out.partitions()
                    .add(new MetadataResponse.MetadataResponsePartition()
                            .setErrorCode(p.leader() < 0 ? Errors.LEADER_NOT_AVAILABLE.code() : Errors.NONE.code())
                            .setPartitionIndex(e.getKey())
                            .setLeaderId(p.leader())
                            .setLeaderEpoch(p.leaderEpoch())
                            .setReplicaNodes(toList(p.replicas()))
                            .setIsrNodes(toList(p.isr()))
                            .setOfflineReplicas(new ArrayList<>()));
        }
        return out;
    }

    static List<Integer> toList(int[] values) {
        List<Integer> list = new ArrayList<>(values.length);
        for (int v : values) {
            list.add(v);
        }
        return list;
    }
}
