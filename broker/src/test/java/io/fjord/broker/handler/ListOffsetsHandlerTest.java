package io.fjord.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.broker.network.RequestContext;
import io.fjord.broker.security.Authorizer;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.metadata.PartitionRegistration;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.ListOffsetsRequest;
import io.fjord.protocol.message.ListOffsetsResponse;
import io.fjord.storage.LogConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ListOffsets on a leader whose high watermark has not yet caught up with the start of its epoch. */
class ListOffsetsHandlerTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final int[] REPLICAS = {LeaderTestContext.LEADER, 2};

    @TempDir
    Path dir;

    @Test
    void aNewLeaderWhoseHighWatermarkIsBehindItsEpochStartAnswersOffsetNotAvailableToConsumers() throws Exception {
        try (LeaderTestContext context = new LeaderTestContext(dir)) {
            context.lead(0, REPLICAS, REPLICAS, 0);
            context.append(0, 4); // follower 2 has not fetched: the high watermark stays at 0
            // Elected again in epoch 1: the epoch starts at 4, above the high watermark.
            context.replicas.applyPartition(
                    TP,
                    LeaderTestContext.TOPIC_ID,
                    LogConfig.DEFAULT,
                    new PartitionRegistration(REPLICAS, REPLICAS, LeaderTestContext.LEADER, 1, 1),
                    1);

            // Kafka's fetchOffsetForTimestamp: a consumer cannot be told the end yet, and retries.
            assertThat(listOffsets(context, -1, -1L, 9)).isEqualTo(error(Errors.OFFSET_NOT_AVAILABLE));
            assertThat(listOffsets(context, -1, -1L, 4))
                    .as("before v5, LEADER_NOT_AVAILABLE")
                    .isEqualTo(error(Errors.LEADER_NOT_AVAILABLE));
            assertThat(listOffsets(context, -1, 1_700_000_000_000L, 9))
                    .as("a timestamp whose offset is past what consumers may read")
                    .isEqualTo(error(Errors.OFFSET_NOT_AVAILABLE));
            assertThat(listOffsets(context, -1, -2L, 9))
                    .as("the earliest is known")
                    .isEqualTo(offset(0));
            assertThat(listOffsets(context, -2, -1L, 9))
                    .as("the debugging replica id reads the log end, as in Kafka")
                    .isEqualTo(offset(4));

            context.replicas.partition(TP).updateFollowerFetchState(2, 4, 0);
            assertThat(listOffsets(context, -1, -1L, 9)).isEqualTo(offset(4));
        }
    }

    private static String error(Errors error) {
        return error + " -1";
    }

    private static String offset(long offset) {
        return Errors.NONE + " " + offset;
    }

    /** The error and offset of partition 0's answer, as "ERROR offset". */
    private static String listOffsets(LeaderTestContext context, int replicaId, long timestamp, int version)
            throws Exception {
        ListOffsetsRequest request = new ListOffsetsRequest()
                .setReplicaId(replicaId)
                .setTopics(List.of(new ListOffsetsRequest.ListOffsetsTopic()
                        .setName("t")
                        .setPartitions(List.of(new ListOffsetsRequest.ListOffsetsPartition()
                                .setPartitionIndex(0)
                                .setTimestamp(timestamp)))));
        RequestContext requestContext = new RequestContext(ApiKeys.LIST_OFFSETS, (short) version, 1, "test", 1, null);
        ListOffsetsResponse response =
                (ListOffsetsResponse) new ListOffsetsHandler(context.replicas, Authorizer.allowAll())
                        .handle(requestContext, request)
                        .get();
        ListOffsetsResponse.ListOffsetsPartitionResponse partition =
                response.topics().get(0).partitions().get(0);
        return Errors.forCode(partition.errorCode()) + " " + partition.offset();
    }
}
