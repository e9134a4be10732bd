package io.fjord.broker.handler;

import io.fjord.broker.network.RequestContext;
import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import io.fjord.metadata.BrokerRegistration;
import io.fjord.metadata.Endpoint;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.PartitionRegistration;
import io.fjord.metadata.TopicImage;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.DescribeClusterRequest;
import io.fjord.protocol.message.DescribeClusterResponse;
import io.fjord.protocol.message.DescribeTopicPartitionsRequest;
import io.fjord.protocol.message.DescribeTopicPartitionsResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeCluster (brokers, controller, cluster id) and DescribeTopicPartitions (topics with their
 * partitions, sorted by name, paged by a cursor and a partition limit as KIP-966 specifies; the Admin
 * client's describeTopics uses it).
 */
public final class ClusterHandlers {

    private static final byte ENDPOINT_TYPE_BROKER = 1;
    private static final int MAX_PARTITION_LIMIT = 2000;

    private final MetadataView metadata;

    public ClusterHandlers(MetadataView metadata) {
        this.metadata = metadata;
    }

    public CompletableFuture<ApiMessage> describeCluster(RequestContext context, ApiMessage message) {
        DescribeClusterRequest request = (DescribeClusterRequest) message;
        DescribeClusterResponse response = new DescribeClusterResponse()
                .setClusterId(metadata.clusterId())
                .setControllerId(metadata.controllerId())
                .setEndpointType(ENDPOINT_TYPE_BROKER);
        if (context.apiVersion() >= 1 && request.endpointType() != ENDPOINT_TYPE_BROKER) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
                    .setErrorMessage("this listener serves broker endpoints only"));
        }
        for (BrokerRegistration broker : metadata.image().cluster().brokers().values()) {
            Endpoint endpoint = MetadataView.clientEndpoint(broker, context.listenerName());
            if (endpoint == null || (broker.fenced() && !request.includeFencedBrokers())) {
                continue;
            }
            response.brokers()
                    .add(new DescribeClusterResponse.DescribeClusterBroker()
                            .setBrokerId(broker.id())
                            .setHost(endpoint.host())
                            .setPort(endpoint.port())
                            .setRack(broker.rack())
                            .setIsFenced(broker.fenced()));
        }
        return CompletableFuture.completedFuture(response);
    }

    public CompletableFuture<ApiMessage> describeTopicPartitions(RequestContext context, ApiMessage message) {
        DescribeTopicPartitionsRequest request = (DescribeTopicPartitionsRequest) message;
        MetadataImage image = metadata.image();
        TreeSet<String> names = new TreeSet<>();
        if (request.topics().isEmpty()) {
            names.addAll(image.topics().topicsByName().keySet());
        } else {
            for (DescribeTopicPartitionsRequest.TopicRequest t : request.topics()) {
                names.add(t.name());
            }
        }
        DescribeTopicPartitionsRequest.Cursor cursor = request.cursor();
        int budget = Math.min(Math.max(request.responsePartitionLimit(), 1), MAX_PARTITION_LIMIT);
        DescribeTopicPartitionsResponse response = new DescribeTopicPartitionsResponse();
        for (String name : cursor == null ? names : names.tailSet(cursor.topicName(), true)) {
            TopicImage topic = image.topics().topic(name);
            if (topic == null) {
                response.topics()
                        .add(new DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponseTopic()
                                .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                                .setName(name)
                                .setTopicId(Uuid.ZERO));
                continue;
            }
            int first = cursor != null && cursor.topicName().equals(name) ? cursor.partitionIndex() : 0;
            DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponseTopic out =
                    new DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponseTopic()
                            .setName(name)
                            .setTopicId(topic.id())
                            .setIsInternal(name.startsWith("__"));
            response.topics().add(out);
            for (Map.Entry<Integer, PartitionRegistration> e :
                    topic.partitions().tailMap(first).entrySet()) {
                if (budget == 0) {
                    response.setNextCursor(new DescribeTopicPartitionsResponse.Cursor()
                            .setTopicName(name)
                            .setPartitionIndex(e.getKey()));
                    return CompletableFuture.completedFuture(response);
                }
                out.partitions().add(partition(e.getKey(), e.getValue()));
                budget--;
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    private static DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponsePartition partition(
            int index, PartitionRegistration p) {
        return new DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponsePartition()
                .setErrorCode(p.leader() < 0 ? Errors.LEADER_NOT_AVAILABLE.code() : Errors.NONE.code())
                .setPartitionIndex(index)
                .setLeaderId(p.leader())
                .setLeaderEpoch(p.leaderEpoch())
                .setReplicaNodes(MetadataHandler.toList(p.replicas()))
                .setIsrNodes(MetadataHandler.toList(p.isr()))
                .setEligibleLeaderReplicas(new ArrayList<>())
                .setLastKnownElr(new ArrayList<>())
                .setOfflineReplicas(List.of());
    }
}
