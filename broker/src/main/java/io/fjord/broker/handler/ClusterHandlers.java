package io.fjord.broker.handler;

import io.fjord.broker.network.RequestContext;
import io.fjord.broker.security.Authorizer;
import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import io.fjord.metadata.AclOperation;
import io.fjord.metadata.AclResourceType;
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
 *
 * <p>Authorization as in Kafka: DescribeCluster itself needs nothing; the cluster's authorized operations, when
 * asked for, are those of the principal if it may DESCRIBE the cluster, else 0. DescribeTopicPartitions needs
 * DESCRIBE on each topic: one that is denied is left out of a listing of all topics and answered
 * TOPIC_AUTHORIZATION_FAILED (after the others) when named, whether or not it exists; every topic answered carries
 * the principal's operations on it.
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
        if (request.includeClusterAuthorizedOperations()) {
            Authorizer authorizer = metadata.authorizer();
            response.setClusterAuthorizedOperations(
                    authorizer.authorizeCluster(context, AclOperation.DESCRIBE)
                            ? authorizer.clusterOperations(context)
                            : 0);
        }
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
        boolean all = request.topics().isEmpty();
        TreeSet<String> names = new TreeSet<>();
        if (all) {
            names.addAll(image.topics().topicsByName().keySet());
        } else {
            for (DescribeTopicPartitionsRequest.TopicRequest t : request.topics()) {
                names.add(t.name());
            }
        }
        DescribeTopicPartitionsRequest.Cursor cursor = request.cursor();
        int budget = Math.min(Math.max(request.responsePartitionLimit(), 1), MAX_PARTITION_LIMIT);
        DescribeTopicPartitionsResponse response = new DescribeTopicPartitionsResponse();
        List<DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponseTopic> denied = new ArrayList<>();
        for (String name : cursor == null ? names : names.tailSet(cursor.topicName(), true)) {
            if (!authorized(context, name, all, denied)) {
                continue;
            }
            TopicImage topic = image.topics().topic(name);
            if (topic == null) {
                response.topics()
                        .add(new DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponseTopic()
                                .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                                .setName(name)
                                .setTopicId(Uuid.ZERO)
                                .setTopicAuthorizedOperations(topicOperations(context, name)));
                continue;
            }
            int first = cursor != null && cursor.topicName().equals(name) ? cursor.partitionIndex() : 0;
            DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponseTopic out =
                    new DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponseTopic()
                            .setName(name)
                            .setTopicId(topic.id())
                            .setIsInternal(name.startsWith("__"))
                            .setTopicAuthorizedOperations(topicOperations(context, name));
            response.topics().add(out);
            for (Map.Entry<Integer, PartitionRegistration> e :
                    topic.partitions().tailMap(first).entrySet()) {
                if (budget == 0) {
                    response.setNextCursor(new DescribeTopicPartitionsResponse.Cursor()
                            .setTopicName(name)
                            .setPartitionIndex(e.getKey()));
                    response.topics().addAll(denied);
                    return CompletableFuture.completedFuture(response);
                }
                out.partitions().add(partition(e.getKey(), e.getValue()));
                budget--;
            }
        }
        response.topics().addAll(denied);
        return CompletableFuture.completedFuture(response);
    }

    /**
     * Whether the principal may describe topic {@code name}; when not, and the topic was named ({@code all} false),
     * its TOPIC_AUTHORIZATION_FAILED row joins {@code denied}. As in Kafka, only the topics up to where a page ends
     * are looked at, so a denied topic past the cursor is reported with the page that reaches it.
     */
    private boolean authorized(
            RequestContext context,
            String name,
            boolean all,
            List<DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponseTopic> denied) {
        if (metadata.authorizer().authorize(context, AclOperation.DESCRIBE, AclResourceType.TOPIC, name)) {
            return true;
        }
        if (!all) {
            denied.add(new DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponseTopic()
                    .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                    .setName(name)
                    .setTopicId(Uuid.ZERO)
                    .setIsInternal(false));
        }
        return false;
    }

    private int topicOperations(RequestContext context, String name) {
        return metadata.authorizer().authorizedOperations(context, AclResourceType.TOPIC, name);
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
