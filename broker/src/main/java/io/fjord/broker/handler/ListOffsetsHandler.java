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
import io.fjord.protocol.message.ListOffsetsRequest;
import io.fjord.protocol.message.ListOffsetsResponse;
import io.fjord.storage.TimestampAndOffset;
import io.fjord.storage.UnifiedLog;
import java.util.concurrent.CompletableFuture;

/**
 * ListOffsets: the earliest (-2), latest (-1), max-timestamp (-3), earliest-local (-4) offset, or the
 * first offset whose timestamp is at least the one asked for. Consumers see offsets up to the high
 * watermark only, as in Kafka, and read_committed ones (isolation level 1, v2+) up to the last stable
 * offset. Runs on an I/O thread.
 */
public final class ListOffsetsHandler implements RequestHandler {

    static final long LATEST = -1L;
    static final long EARLIEST = -2L;
    static final long MAX_TIMESTAMP = -3L;
    static final long EARLIEST_LOCAL = -4L;
    static final long LATEST_TIERED = -5L;
    static final long EARLIEST_PENDING_UPLOAD = -6L;
    private static final byte READ_COMMITTED = 1;
    private static final int CONSUMER_REPLICA_ID = -1;

    private final ReplicaManager replicaManager;
    private final Authorizer authorizer;

    /** With ACLs: each topic needs DESCRIBE, else each of its partitions gets TOPIC_AUTHORIZATION_FAILED. */
    public ListOffsetsHandler(ReplicaManager replicaManager, Authorizer authorizer) {
        this.replicaManager = replicaManager;
        this.authorizer = authorizer;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        ListOffsetsRequest request = (ListOffsetsRequest) message;
        ListOffsetsResponse response = new ListOffsetsResponse();
        for (ListOffsetsRequest.ListOffsetsTopic topic : request.topics()) {
            ListOffsetsResponse.ListOffsetsTopicResponse topicResponse =
                    new ListOffsetsResponse.ListOffsetsTopicResponse().setName(topic.name());
            response.topics().add(topicResponse);
            ApiException denied = authorizer.deniedOnTopic(context, AclOperation.DESCRIBE, topic.name());
            for (ListOffsetsRequest.ListOffsetsPartition p : topic.partitions()) {
                ListOffsetsResponse.ListOffsetsPartitionResponse partitionResponse =
                        new ListOffsetsResponse.ListOffsetsPartitionResponse().setPartitionIndex(p.partitionIndex());
                topicResponse.partitions().add(partitionResponse);
                try {
                    if (denied != null) {
                        throw denied;
                    }
                    lookUp(
                            new TopicPartition(topic.name(), p.partitionIndex()),
                            p,
                            request.replicaId(),
                            request.isolationLevel() == READ_COMMITTED,
                            partitionResponse);
                } catch (ApiException e) {
                    // As Kafka: only v5 and later know OFFSET_NOT_AVAILABLE.
                    Errors error = e.error() == Errors.OFFSET_NOT_AVAILABLE && context.apiVersion() < 5
                            ? Errors.LEADER_NOT_AVAILABLE
                            : e.error();
                    partitionResponse.setErrorCode(error.code()).setOffset(-1L).setTimestamp(-1L);
                }
                if (context.apiVersion() < 4) {
                    partitionResponse.setLeaderEpoch(-1); // the field exists from v4 on
                }
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    private void lookUp(
            TopicPartition tp,
            ListOffsetsRequest.ListOffsetsPartition p,
            int replicaId,
            boolean readCommitted,
            ListOffsetsResponse.ListOffsetsPartitionResponse out) {
        Partition partition = replicaManager.partitionOrThrow(tp);
        FetchHandler.checkLeaderEpoch(p.currentLeaderEpoch(), partition.leaderEpoch());
        UnifiedLog log = partition.log();
        long timestamp = p.timestamp();
        // Kafka's client request: a consumer's (replica id -1) sees up to the high watermark or the last stable
        // offset; a follower's or the debugging replica's (-2), the log end.
        boolean consumer = replicaId == CONSUMER_REPLICA_ID;
        long visibleEnd = !consumer ? log.logEndOffset() : readCommitted ? log.lastStableOffset() : log.highWatermark();
        // A new leader's high watermark can lag behind the start of its epoch until its followers fetch: until
        // then, the end a consumer may read is not known (Kafka's fetchOffsetForTimestamp).
        long epochStart = partition.leaderEpochStartOffset();
        long highWatermark = log.highWatermark();
        ApiException endNotKnown = consumer && epochStart > highWatermark
                ? new ApiException(
                        Errors.OFFSET_NOT_AVAILABLE,
                        "the high watermark of " + tp + " (" + highWatermark
                                + ") is behind the start offset of this leader's epoch (" + epochStart + ")")
                : null;
        out.setLeaderEpoch(partition.leaderEpoch());
        if (timestamp == LATEST) {
            if (endNotKnown != null) {
                throw endNotKnown;
            }
            out.setOffset(visibleEnd).setTimestamp(-1L);
        } else if (timestamp == LATEST_TIERED || timestamp == EARLIEST_PENDING_UPLOAD) {
            // Nothing is tiered, nor waits to be: Kafka without remote storage answers -1 to both.
            out.setOffset(-1L).setTimestamp(-1L).setLeaderEpoch(-1);
        } else if (timestamp == EARLIEST || timestamp == EARLIEST_LOCAL) {
            out.setOffset(log.logStartOffset()).setTimestamp(-1L);
        } else if (timestamp == MAX_TIMESTAMP || timestamp >= 0) {
            TimestampAndOffset found = log.fetchOffsetByTimestamp(timestamp).orElse(null);
            if (found == null || found.offset() >= visibleEnd) {
                if (endNotKnown != null) {
                    throw endNotKnown;
                }
                out.setOffset(-1L).setTimestamp(-1L);
            } else {
                out.setOffset(found.offset()).setTimestamp(found.timestampMs()).setLeaderEpoch(found.leaderEpoch());
            }
        } else {
            throw new ApiException(Errors.INVALID_REQUEST, "unknown ListOffsets timestamp " + timestamp);
        }
    }
}
