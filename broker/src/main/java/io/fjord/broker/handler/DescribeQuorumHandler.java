package io.fjord.broker.handler;

import io.fjord.broker.network.RequestContext;
import io.fjord.broker.security.Authorizer;
import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import io.fjord.common.config.QuorumVoter;
import io.fjord.metadata.AclOperation;
import io.fjord.metadata.QuorumDescription;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.DescribeQuorumRequest;
import io.fjord.protocol.message.DescribeQuorumResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * DescribeQuorum (KIP-595, v0-2; {@code kafka-metadata-quorum.sh describe --status / --replication} and the
 * Admin client's {@code describeMetadataQuorum}): the one partition {@code __cluster_metadata-0} with its
 * leader, epoch, high watermark and each voter's and observer's progress, as the quorum's leader reports
 * it ({@link QuorumDescription}); v2 adds the voters' controller endpoints. Any broker answers, as in Kafka,
 * where a broker forwards the request to the active controller. A request naming anything else gets
 * UNKNOWN_TOPIC_OR_PARTITION for each partition it names; a quorum without a leader, the leader's error.
 * It needs DESCRIBE on the cluster, checked first as Kafka's controller does: a denied request gets
 * CLUSTER_AUTHORIZATION_FAILED at the top, with the error's message and no topics.
 */
public final class DescribeQuorumHandler {

    static final String METADATA_TOPIC = "__cluster_metadata";

    private final Supplier<CompletableFuture<QuorumDescription>> quorum;
    private final List<QuorumVoter> voters;
    private final String controllerListener;
    private final Authorizer authorizer;

    /**
     * {@code voters} and {@code controllerListener} name the voters' endpoints for v2's Nodes (none for a
     * single node on its own log, which has no controller listener); {@code authorizer} decides who may ask.
     */
    public DescribeQuorumHandler(
            Supplier<CompletableFuture<QuorumDescription>> quorum,
            List<QuorumVoter> voters,
            String controllerListener,
            Authorizer authorizer) {
        this.quorum = quorum;
        this.authorizer = authorizer;
        this.voters = List.copyOf(voters);
        this.controllerListener = controllerListener;
    }

    public CompletableFuture<ApiMessage> describeQuorum(RequestContext context, ApiMessage message) {
        DescribeQuorumRequest request = (DescribeQuorumRequest) message;
        if (!authorizer.authorizeCluster(context, AclOperation.DESCRIBE)) {
            // DescribeQuorumRequest.getErrorResponse: the top-level error with Errors.message().
            return CompletableFuture.completedFuture(new DescribeQuorumResponse()
                    .setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code())
                    .setErrorMessage(Errors.CLUSTER_AUTHORIZATION_FAILED.message()));
        }
        if (!namesTheMetadataPartition(request)) {
            DescribeQuorumResponse response = new DescribeQuorumResponse();
            for (DescribeQuorumRequest.TopicData topic : request.topics()) {
                DescribeQuorumResponse.TopicData out =
                        new DescribeQuorumResponse.TopicData().setTopicName(topic.topicName());
                for (DescribeQuorumRequest.PartitionData p : topic.partitions()) {
                    out.partitions()
                            .add(new DescribeQuorumResponse.PartitionData()
                                    .setPartitionIndex(p.partitionIndex())
                                    .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                                    .setErrorMessage(Errors.UNKNOWN_TOPIC_OR_PARTITION.message()));
                }
                response.topics().add(out);
            }
            return CompletableFuture.completedFuture(response);
        }
        return quorum.get().handle((description, error) -> {
            DescribeQuorumResponse.PartitionData partition =
                    new DescribeQuorumResponse.PartitionData().setPartitionIndex(0);
            if (error != null) {
                Throwable cause =
                        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                Errors code = cause instanceof ApiException api ? api.error() : Errors.UNKNOWN_SERVER_ERROR;
                partition.setErrorCode(code.code()).setErrorMessage(cause.getMessage());
            } else {
                partition
                        .setLeaderId(description.leaderId())
                        .setLeaderEpoch((int) description.leaderEpoch())
                        .setHighWatermark(description.highWatermark())
                        .setCurrentVoters(replicas(description.voters()))
                        .setObservers(replicas(description.observers()));
            }
            DescribeQuorumResponse response = new DescribeQuorumResponse();
            response.topics()
                    .add(new DescribeQuorumResponse.TopicData()
                            .setTopicName(METADATA_TOPIC)
                            .setPartitions(new ArrayList<>(List.of(partition))));
            for (QuorumVoter voter : voters) {
                response.nodes()
                        .add(new DescribeQuorumResponse.Node()
                                .setNodeId(voter.nodeId())
                                .setListeners(new ArrayList<>(List.of(new DescribeQuorumResponse.Listener()
                                        .setName(controllerListener)
                                        .setHost(voter.host())
                                        .setPort(voter.port())))));
            }
            return response;
        });
    }

    /** Kafka's check: exactly one topic, the metadata topic, with exactly its partition 0. */
    private static boolean namesTheMetadataPartition(DescribeQuorumRequest request) {
        return request.topics().size() == 1
                && METADATA_TOPIC.equals(request.topics().get(0).topicName())
                && request.topics().get(0).partitions().size() == 1
                && request.topics().get(0).partitions().get(0).partitionIndex() == 0;
    }

    private static List<DescribeQuorumResponse.ReplicaState> replicas(List<QuorumDescription.Replica> replicas) {
        List<DescribeQuorumResponse.ReplicaState> out = new ArrayList<>(replicas.size());
        for (QuorumDescription.Replica r : replicas) {
            out.add(new DescribeQuorumResponse.ReplicaState()
                    .setReplicaId(r.replicaId())
                    .setReplicaDirectoryId(Uuid.ZERO)
                    .setLogEndOffset(r.logEndOffset())
                    .setLastFetchTimestamp(r.lastFetchTimestampMs())
                    .setLastCaughtUpTimestamp(r.lastCaughtUpTimestampMs()));
        }
        return out;
    }
}
