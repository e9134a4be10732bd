package io.fjord.broker.handler;

import io.fjord.broker.metadata.LogConfigs;
import io.fjord.broker.network.RequestContext;
import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import io.fjord.common.config.ConfigEntry;
import io.fjord.metadata.ControllerApi;
import io.fjord.metadata.CreatableTopic;
import io.fjord.metadata.CreatePartitionsResult;
import io.fjord.metadata.CreatePartitionsTopic;
import io.fjord.metadata.CreateTopicResult;
import io.fjord.metadata.DeleteTopicResult;
import io.fjord.metadata.MetadataImage;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.CreatePartitionsRequest;
import io.fjord.protocol.message.CreatePartitionsResponse;
import io.fjord.protocol.message.CreateTopicsRequest;
import io.fjord.protocol.message.CreateTopicsResponse;
import io.fjord.protocol.message.DeleteTopicsRequest;
import io.fjord.protocol.message.DeleteTopicsResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * CreateTopics, DeleteTopics and CreatePartitions: each request becomes one controller call, whose
 * per-topic results map one-to-one to the response. The controller validates; these only translate.
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
        List<CreatableTopic> topics = new ArrayList<>();
        for (CreateTopicsRequest.CreatableTopic t : request.topics()) {
            Map<Integer, int[]> assignments = new TreeMap<>();
            for (CreateTopicsRequest.CreatableReplicaAssignment a : t.assignments()) {
                assignments.put(a.partitionIndex(), toArray(a.brokerIds()));
            }
            Map<String, String> configs = new HashMap<>();
            for (CreateTopicsRequest.CreatableTopicConfig c : t.configs()) {
                configs.put(c.name(), c.value());
            }
            topics.add(new CreatableTopic(t.name(), t.numPartitions(), t.replicationFactor(), assignments, configs));
        }
        return controller.createTopics(topics, request.validateOnly()).thenApply(results -> {
            CreateTopicsResponse response = new CreateTopicsResponse();
            for (CreateTopicResult r : results) {
                CreateTopicsResponse.CreatableTopicResult out = new CreateTopicsResponse.CreatableTopicResult()
                        .setName(r.name())
                        .setErrorCode(r.error().code())
                        .setErrorMessage(r.error() == Errors.NONE ? null : r.message());
                if (r.error() == Errors.NONE) {
                    out.setTopicId(r.topicId())
                            .setNumPartitions(r.numPartitions())
                            .setReplicationFactor((short) r.replicationFactor())
                            .setConfigs(describeCreated(r.configs()));
                } else {
                    out.setTopicId(Uuid.ZERO).setConfigs(null);
                }
                response.topics().add(out);
            }
            return response;
        });
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
        return controller.deleteTopics(names, ids).thenApply(results -> {
            DeleteTopicsResponse response = new DeleteTopicsResponse();
            for (DeleteTopicResult r : results) {
                response.responses().add(deleted(r.name(), r.topicId(), r.error(), r.message()));
            }
            return response;
        });
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
        List<CreatePartitionsTopic> topics = new ArrayList<>();
        for (CreatePartitionsRequest.CreatePartitionsTopic t : request.topics()) {
            List<int[]> assignments = null;
            if (t.assignments() != null) {
                assignments = new ArrayList<>();
                for (CreatePartitionsRequest.CreatePartitionsAssignment a : t.assignments()) {
                    assignments.add(toArray(a.brokerIds()));
                }
            }
            topics.add(new CreatePartitionsTopic(t.name(), t.count(), assignments));
        }
        return controller.createPartitions(topics, request.validateOnly()).thenApply(results -> {
            CreatePartitionsResponse response = new CreatePartitionsResponse();
            for (CreatePartitionsResult r : results) {
                response.results()
                        .add(new CreatePartitionsResponse.CreatePartitionsTopicResult()
                                .setName(r.name())
                                .setErrorCode(r.error().code())
                                .setErrorMessage(r.error() == Errors.NONE ? null : r.message()));
            }
            return response;
        });
    }

    static int[] toArray(List<Integer> values) {
        int[] out = new int[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
