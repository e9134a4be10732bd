package io.fjord.broker.handler;

import io.fjord.broker.network.RequestContext;
import io.fjord.broker.network.RequestHandler;
import io.fjord.broker.partition.Partition;
import io.fjord.broker.partition.ReplicaManager;
import io.fjord.broker.security.Authorizer;
import io.fjord.common.ApiException;
import io.fjord.common.TopicPartition;
import io.fjord.metadata.AclOperation;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.OffsetForLeaderEpochRequest;
import io.fjord.protocol.message.OffsetForLeaderEpochResponse;
import io.fjord.storage.EpochEndOffset;
import java.util.concurrent.CompletableFuture;

/**
 * OffsetForLeaderEpoch: for each partition, the largest epoch not above the one asked for and the offset
 * where it ended, from the leader-epoch cache. Consumers use it to detect truncation after a leader
 * change; followers to truncate before fetching. Runs on an I/O thread.
 */
public final class OffsetForLeaderEpochHandler implements RequestHandler {

    private final ReplicaManager replicaManager;
    private final Authorizer authorizer;

    /** With ACLs: CLUSTER_ACTION on the cluster (a follower) allows every topic; else each topic needs DESCRIBE, as in Kafka. */
    public OffsetForLeaderEpochHandler(ReplicaManager replicaManager, Authorizer authorizer) {
        this.replicaManager = replicaManager;
        this.authorizer = authorizer;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        OffsetForLeaderEpochRequest request = (OffsetForLeaderEpochRequest) message;
        OffsetForLeaderEpochResponse response = new OffsetForLeaderEpochResponse();
        boolean follower = authorizer.authorizeCluster(context, AclOperation.CLUSTER_ACTION, false);
        for (OffsetForLeaderEpochRequest.OffsetForLeaderTopic topic : request.topics()) {
            OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult topicResult =
                    new OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult().setTopic(topic.topic());
            response.topics().add(topicResult);
            ApiException denied =
                    follower ? null : authorizer.deniedOnTopic(context, AclOperation.DESCRIBE, topic.topic());
            for (OffsetForLeaderEpochRequest.OffsetForLeaderPartition p : topic.partitions()) {
                OffsetForLeaderEpochResponse.EpochEndOffset result =
                        new OffsetForLeaderEpochResponse.EpochEndOffset().setPartition(p.partition());
                topicResult.partitions().add(result);
                try {
                    if (denied != null) {
                        throw denied;
                    }
                    Partition partition =
                            replicaManager.partitionOrThrow(new TopicPartition(topic.topic(), p.partition()));
                    FetchHandler.checkLeaderEpoch(p.currentLeaderEpoch(), partition.leaderEpoch());
                    EpochEndOffset end = partition.log().endOffsetForEpoch(p.leaderEpoch());
                    result.setLeaderEpoch(end.leaderEpoch()).setEndOffset(end.endOffset());
                } catch (ApiException e) {
                    result.setErrorCode(e.error().code()).setLeaderEpoch(-1).setEndOffset(-1L);
                }
            }
        }
        return CompletableFuture.completedFuture(response);
    }
}
