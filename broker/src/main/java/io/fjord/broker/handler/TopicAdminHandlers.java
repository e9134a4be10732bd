package io.fjord.broker.handler;

import io.fjord.broker.metadata.LogConfigs;
import io.fjord.broker.network.RequestContext;
import io.fjord.broker.security.Authorizer;
import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import io.fjord.common.config.ConfigEntry;
import io.fjord.metadata.AclOperation;
import io.fjord.metadata.AclResourceType;
import io.fjord.metadata.ControllerApi;
import io.fjord.metadata.CreatableTopic;
import io.fjord.metadata.CreatePartitionsResult;
import io.fjord.metadata.CreatePartitionsTopic;
import io.fjord.metadata.CreateTopicResult;
import io.fjord.metadata.DeleteTopicResult;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.TopicImage;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.CreatePartitionsRequest;
import io.fjord.protocol.message.CreatePartitionsResponse;
import io.fjord.protocol.message.CreateTopicsRequest;
import io.fjord.protocol.message.CreateTopicsResponse;
import io.fjord.protocol.message.DeleteTopicsRequest;
import io.fjord.protocol.message.DeleteTopicsResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * CreateTopics, DeleteTopics and CreatePartitions: each request becomes one controller call, whose
 * per-topic results map one-to-one to the response. The controller validates; these translate and, with an
 * authorizer, decide first who may do what, as Kafka's controller does (its {@code ControllerApis}):
 *
 * <ul>
 *   <li>CreateTopics: CREATE on the cluster, else CREATE on each topic ("Authorization failed."); a created topic
 *       the caller may not DESCRIBE_CONFIGS is answered without its configs, partition count and replication
 *       factor, and with {@code topicConfigErrorCode} TOPIC_AUTHORIZATION_FAILED.
 *   <li>DeleteTopics: DELETE on the cluster, else DESCRIBE and DELETE on each topic. A topic named that the caller
 *       may not describe is TOPIC_AUTHORIZATION_FAILED whether or not it exists; one named by id is resolved first
 *       (an unknown id is UNKNOWN_TOPIC_ID) and its name is only answered when the caller may describe it.
 *   <li>CreatePartitions: ALTER on each topic.
 * </ul>
 *
 * A topic named twice is left to the controller, which answers INVALID_REQUEST without authorizing it, as Kafka
 * does; denied topics never reach the controller. Results keep the request's order.
 */
public final class TopicAdminHandlers {

    private final MetadataView metadata;
    private final ControllerApi controller;

    public TopicAdminHandlers(MetadataView metadata, ControllerApi controller) {
        this.metadata = metadata;
        this.controller = controller;
    }

    public CompletableFuture<ApiMessage> createTopics(RequestContext context, ApiMessage message) {
        CreateTopicsRequest request = (CreateTopicsRequest) message;
        Authorizer authorizer = metadata.authorizer();
        boolean clusterCreate = authorizer.authorizeCluster(context, AclOperation.CREATE, false);
        Set<String> repeated = repeated(request.topics(), CreateTopicsRequest.CreatableTopic::name);
        CreateTopicsResponse.CreatableTopicResult[] denied =
                new CreateTopicsResponse.CreatableTopicResult[request.topics().size()];
        List<CreatableTopic> topics = new ArrayList<>();
        for (int i = 0; i < denied.length; i++) {
            CreateTopicsRequest.CreatableTopic t = request.topics().get(i);
            if (!clusterCreate
                    && !repeated.contains(t.name())
                    && !authorizer.authorize(context, AclOperation.CREATE, AclResourceType.TOPIC, t.name())) {
                // Before any existence check, so TOPIC_ALREADY_EXISTS tells only those who may create it.
                denied[i] = new CreateTopicsResponse.CreatableTopicResult()
                        .setName(t.name())
                        .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                        .setErrorMessage("Authorization failed.")
                        .setTopicId(Uuid.ZERO)
                        .setConfigs(null);
                continue;
            }
            topics.add(creatable(t));
        }
        if (topics.isEmpty() && denied.length > 0) {
            return CompletableFuture.completedFuture(
                    new CreateTopicsResponse().setTopics(merge(denied, List.<CreateTopicResult>of(), r -> null)));
        }
        return controller.createTopics(topics, request.validateOnly()).thenApply(results -> new CreateTopicsResponse()
                .setTopics(merge(denied, results, r -> created(context, r))));
    }

    private static CreatableTopic creatable(CreateTopicsRequest.CreatableTopic t) {
        Map<Integer, int[]> assignments = new TreeMap<>();
        for (CreateTopicsRequest.CreatableReplicaAssignment a : t.assignments()) {
            assignments.put(a.partitionIndex(), toArray(a.brokerIds()));
        }
        Map<String, String> configs = new HashMap<>();
        for (CreateTopicsRequest.CreatableTopicConfig c : t.configs()) {
            configs.put(c.name(), c.value());
        }
        return new CreatableTopic(t.name(), t.numPartitions(), t.replicationFactor(), assignments, configs);
    }

    private CreateTopicsResponse.CreatableTopicResult created(RequestContext context, CreateTopicResult r) {
        CreateTopicsResponse.CreatableTopicResult out = new CreateTopicsResponse.CreatableTopicResult()
                .setName(r.name())
                .setErrorCode(r.error().code())
                .setErrorMessage(r.error() == Errors.NONE ? null : r.message());
        if (r.error() != Errors.NONE) {
            return out.setTopicId(Uuid.ZERO).setConfigs(null);
        }
        out.setTopicId(r.topicId());
        // Kafka's controller describes a new topic only to whoever may describe its configs (ALTER_CONFIGS implies it).
        if (!metadata.authorizer()
                .authorize(context, AclOperation.DESCRIBE_CONFIGS, AclResourceType.TOPIC, r.name(), false)) {
            return out.setTopicConfigErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                    .setConfigs(new ArrayList<>());
        }
        return out.setNumPartitions(r.numPartitions())
                .setReplicationFactor((short) r.replicationFactor())
                .setConfigs(describeCreated(r.configs()));
    }

    private List<CreateTopicsResponse.CreatableTopicConfigs> describeCreated(Map<String, String> topicConfigs) {
        MetadataImage image = metadata.image();
        List<CreateTopicsResponse.CreatableTopicConfigs> out = new ArrayList<>();
        for (ConfigEntry e : LogConfigs.describe(metadata.config(), image, topicConfigs)) {
            out.add(new CreateTopicsResponse.CreatableTopicConfigs()
                    .setName(e.name())
                    .setValue(e.isSensitive() ? null : e.value())
                    .setReadOnly(e.readOnly())
                    .setConfigSource(e.source().id())
                    .setIsSensitive(e.isSensitive()));
        }
        return out;
    }

    public CompletableFuture<ApiMessage> deleteTopics(RequestContext context, ApiMessage message) {
        DeleteTopicsRequest request = (DeleteTopicsRequest) message;
        List<String> names = new ArrayList<>();
        List<Uuid> ids = new ArrayList<>();
        if (context.apiVersion() >= 6) {
            for (DeleteTopicsRequest.DeleteTopicState t : request.topics()) {
                if (t.name() != null) {
                    names.add(t.name());
                } else {
                    ids.add(t.topicId());
                }
            }
        } else {
            names.addAll(request.topicNames());
        }
        if (!metadata.config().deleteTopicEnable()) {
            DeleteTopicsResponse response = new DeleteTopicsResponse();
            for (String name : names) {
                response.responses().add(deleted(name, Uuid.ZERO, Errors.TOPIC_DELETION_DISABLED, null));
            }
            for (Uuid id : ids) {
                response.responses().add(deleted(null, id, Errors.TOPIC_DELETION_DISABLED, null));
            }
            return CompletableFuture.completedFuture(response);
        }
        // Rows of the response in the controller's order, names then ids; a denied one is answered here.
        DeleteTopicsResponse.DeletableTopicResult[] denied =
                new DeleteTopicsResponse.DeletableTopicResult[names.size() + ids.size()];
        List<String> forwardedNames = names;
        List<Uuid> forwardedIds = ids;
        if (!metadata.authorizer().authorizeCluster(context, AclOperation.DELETE, false)) {
            MetadataImage image = metadata.image();
            Set<String> repeatedNames = repeated(names, name -> name);
            Set<Uuid> repeatedIds = repeated(ids, id -> id == null ? Uuid.ZERO : id);
            forwardedNames = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                denied[i] = repeatedNames.contains(name) ? null : deniedByName(context, image, name);
                if (denied[i] == null) {
                    forwardedNames.add(name);
                }
            }
            forwardedIds = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                Uuid id = ids.get(i);
                DeleteTopicsResponse.DeletableTopicResult row =
                        repeatedIds.contains(id == null ? Uuid.ZERO : id) ? null : deniedById(context, image, id);
                denied[names.size() + i] = row;
                if (row == null) {
                    forwardedIds.add(id);
                }
            }
        }
        if (forwardedNames.isEmpty() && forwardedIds.isEmpty() && denied.length > 0) {
            return CompletableFuture.completedFuture(
                    new DeleteTopicsResponse().setResponses(merge(denied, List.<DeleteTopicResult>of(), r -> null)));
        }
        return controller.deleteTopics(forwardedNames, forwardedIds).thenApply(results -> new DeleteTopicsResponse()
                .setResponses(merge(denied, results, r -> deleted(r.name(), r.topicId(), r.error(), r.message()))));
    }

    /**
     * Kafka's answer to deleting topic {@code name} without DELETE on the cluster, or null to go ahead: not
     * describable is TOPIC_AUTHORIZATION_FAILED before existence; describable but absent is unknown; present but not
     * deletable is TOPIC_AUTHORIZATION_FAILED. This broker's image decides existence only for those who may not
     * delete, so a topic the image has not seen yet can never be deleted by someone without DELETE.
     */
    private DeleteTopicsResponse.DeletableTopicResult deniedByName(
            RequestContext context, MetadataImage image, String name) {
        Authorizer authorizer = metadata.authorizer();
        if (!authorizer.authorize(context, AclOperation.DESCRIBE, AclResourceType.TOPIC, name)) {
            return deleted(name, Uuid.ZERO, Errors.TOPIC_AUTHORIZATION_FAILED, null);
        }
        if (authorizer.authorize(context, AclOperation.DELETE, AclResourceType.TOPIC, name)) {
            return null;
        }
        return image.topics().topic(name) == null
                ? deleted(
                        name, Uuid.ZERO, Errors.UNKNOWN_TOPIC_OR_PARTITION, Errors.UNKNOWN_TOPIC_OR_PARTITION.message())
                : deleted(name, Uuid.ZERO, Errors.TOPIC_AUTHORIZATION_FAILED, null);
    }

    /**
     * As {@link #deniedByName} for a topic named by id: an id this broker cannot resolve is UNKNOWN_TOPIC_ID (before
     * authorization, as in Kafka); a topic that may not be deleted is TOPIC_AUTHORIZATION_FAILED, with its name only
     * when the caller may describe it.
     */
    private DeleteTopicsResponse.DeletableTopicResult deniedById(RequestContext context, MetadataImage image, Uuid id) {
        TopicImage topic = id == null ? null : image.topics().topic(id);
        if (topic == null) {
            return deleted(null, id, Errors.UNKNOWN_TOPIC_ID, Errors.UNKNOWN_TOPIC_ID.message());
        }
        Authorizer authorizer = metadata.authorizer();
        if (authorizer.authorize(context, AclOperation.DELETE, AclResourceType.TOPIC, topic.name())) {
            return null;
        }
        boolean describable = authorizer.authorize(context, AclOperation.DESCRIBE, AclResourceType.TOPIC, topic.name());
        return deleted(describable ? topic.name() : null, id, Errors.TOPIC_AUTHORIZATION_FAILED, null);
    }

    private static DeleteTopicsResponse.DeletableTopicResult deleted(String name, Uuid id, Errors error, String msg) {
        return new DeleteTopicsResponse.DeletableTopicResult()
                .setName(name)
                .setTopicId(id == null ? Uuid.ZERO : id)
                .setErrorCode(error.code())
                .setErrorMessage(error == Errors.NONE ? null : msg);
    }

    public CompletableFuture<ApiMessage> createPartitions(RequestContext context, ApiMessage message) {
        CreatePartitionsRequest request = (CreatePartitionsRequest) message;
        Authorizer authorizer = metadata.authorizer();
        Set<String> repeated = repeated(request.topics(), CreatePartitionsRequest.CreatePartitionsTopic::name);
        CreatePartitionsResponse.CreatePartitionsTopicResult[] denied =
                new CreatePartitionsResponse.CreatePartitionsTopicResult
                        [request.topics().size()];
        List<CreatePartitionsTopic> topics = new ArrayList<>();
        for (int i = 0; i < denied.length; i++) {
            CreatePartitionsRequest.CreatePartitionsTopic t = request.topics().get(i);
            if (!repeated.contains(t.name())
                    && !authorizer.authorize(context, AclOperation.ALTER, AclResourceType.TOPIC, t.name())) {
                denied[i] = new CreatePartitionsResponse.CreatePartitionsTopicResult()
                        .setName(t.name())
                        .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                        .setErrorMessage(null);
                continue;
            }
            List<int[]> assignments = null;
            if (t.assignments() != null) {
                assignments = new ArrayList<>();
                for (CreatePartitionsRequest.CreatePartitionsAssignment a : t.assignments()) {
                    assignments.add(toArray(a.brokerIds()));
                }
            }
            topics.add(new CreatePartitionsTopic(t.name(), t.count(), assignments));
        }
        if (topics.isEmpty() && denied.length > 0) {
            return CompletableFuture.completedFuture(new CreatePartitionsResponse()
                    .setResults(merge(denied, List.<CreatePartitionsResult>of(), r -> null)));
        }
        return controller
                .createPartitions(topics, request.validateOnly())
                .thenApply(results -> new CreatePartitionsResponse()
                        .setResults(
                                merge(denied, results, r -> new CreatePartitionsResponse.CreatePartitionsTopicResult()
                                        .setName(r.name())
                                        .setErrorCode(r.error().code())
                                        .setErrorMessage(r.error() == Errors.NONE ? null : r.message()))));
    }

    /**
     * The response rows in request order: each slot of {@code denied} that holds a row answered here, every other
     * slot the next of the controller's {@code decided} (which answers the forwarded topics in their order).
     */
    static <R, T> List<T> merge(T[] denied, List<R> decided, Function<R, T> row) {
        List<T> out = new ArrayList<>(denied.length);
        int next = 0;
        for (T d : denied) {
            if (d != null) {
                out.add(d);
            } else if (next < decided.size()) {
                out.add(row.apply(decided.get(next++)));
            }
        }
        while (next < decided.size()) {
            out.add(row.apply(decided.get(next++)));
        }
        return out;
    }

    /** The keys that more than one of {@code items} has: topics named twice, which go to the controller unjudged. */
    static <T, K> Set<K> repeated(List<T> items, Function<T, K> key) {
        Set<K> seen = new HashSet<>();
        Set<K> repeated = new HashSet<>();
        for (T item : items) {
            K k = key.apply(item);
            if (!seen.add(k)) {
                repeated.add(k);
            }
        }
        return repeated;
    }

    static int[] toArray(List<Integer> values) {
        int[] out = new int[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
