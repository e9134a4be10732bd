package io.fjord.broker.handler;

import io.fjord.broker.network.RequestContext;
import io.fjord.broker.network.RequestHandler;
import io.fjord.broker.partition.Partition;
import io.fjord.broker.partition.ReplicaManager;
import io.fjord.broker.security.Authorizer;
import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.metadata.AclOperation;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.DeleteRecordsRequest;
import io.fjord.protocol.message.DeleteRecordsResponse;
import io.fjord.storage.UnifiedLog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * DeleteRecords: moves a partition's log start offset forward (offset -1 means "up to the high
 * watermark"); segments wholly below it are deleted. Offsets are never reused. A partition whose
 * cleanup.policy has no delete refuses with POLICY_VIOLATION, as in Kafka. As in Kafka the answer waits, up to the
 * request's timeout, until the followers have deleted too: until each partition's low watermark reaches the offset
 * (see {@link DelayedDeleteRecords}). Runs on an I/O thread.
 */
public final class DeleteRecordsHandler implements RequestHandler {

    private final ReplicaManager replicaManager;
    private final Authorizer authorizer;

    /** With ACLs: each topic needs DELETE, else each of its partitions gets TOPIC_AUTHORIZATION_FAILED. */
    public DeleteRecordsHandler(ReplicaManager replicaManager, Authorizer authorizer) {
        this.replicaManager = replicaManager;
        this.authorizer = authorizer;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        DeleteRecordsRequest request = (DeleteRecordsRequest) message;
        DeleteRecordsResponse response = new DeleteRecordsResponse();
        List<DelayedDeleteRecords.Wait> waits = new ArrayList<>();
        for (DeleteRecordsRequest.DeleteRecordsTopic topic : request.topics()) {
            DeleteRecordsResponse.DeleteRecordsTopicResult topicResult =
                    new DeleteRecordsResponse.DeleteRecordsTopicResult().setName(topic.name());
            response.topics().add(topicResult);
            ApiException denied = authorizer.deniedOnTopic(context, AclOperation.DELETE, topic.name());
            for (DeleteRecordsRequest.DeleteRecordsPartition p : topic.partitions()) {
                DeleteRecordsResponse.DeleteRecordsPartitionResult result =
                        new DeleteRecordsResponse.DeleteRecordsPartitionResult().setPartitionIndex(p.partitionIndex());
                topicResult.partitions().add(result);
                try {
                    if (denied != null) {
                        throw denied;
                    }
                    TopicPartition tp = new TopicPartition(topic.name(), p.partitionIndex());
                    Partition partition = replicaManager.partitionOrThrow(tp);
                    UnifiedLog log = partition.log();
                    if (!log.config().delete()) { // as Kafka's Partition.deleteRecordsOnLeader
                        throw new ApiException(
                                Errors.POLICY_VIOLATION,
                                "Records of partition " + partition.topicPartition()
                                        + " can not be deleted due to the configured policy");
                    }
                    long highWatermark = log.highWatermark();
                    long offset = p.offset() == -1L ? highWatermark : p.offset();
                    if (offset < 0 || offset > highWatermark) {
                        throw new ApiException(
                                Errors.OFFSET_OUT_OF_RANGE,
                                "cannot delete records before " + offset + ": the high watermark is " + highWatermark);
                    }
                    log.deleteRecordsBefore(offset);
                    long low = partition.lowWatermarkIfLeader();
                    result.setLowWatermark(low);
                    if (low < offset) {
                        waits.add(new DelayedDeleteRecords.Wait(tp, offset, result));
                    }
                } catch (ApiException e) {
                    result.setErrorCode(e.error().code()).setLowWatermark(-1L);
                }
            }
        }
        if (waits.isEmpty()) {
            return CompletableFuture.completedFuture(response);
        }
        CompletableFuture<ApiMessage> answer = new CompletableFuture<>();
        DelayedDeleteRecords delayed =
                new DelayedDeleteRecords(request.timeoutMs(), replicaManager, waits, response, answer);
        List<TopicPartition> keys = new ArrayList<>(waits.size());
        for (DelayedDeleteRecords.Wait wait : waits) {
            keys.add(wait.topicPartition);
        }
        replicaManager.deleteRecordsPurgatory().tryCompleteElseWatch(delayed, keys);
        delayed.completeWhenCancelled(answer);
        return answer;
    }
}
