package io.fjord.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.broker.network.RequestContext;
import io.fjord.broker.partition.Partition;
import io.fjord.broker.security.Authorizer;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.common.Uuid;
import io.fjord.metadata.AclsImage;
import io.fjord.metadata.BrokerRegistration;
import io.fjord.metadata.ClusterImage;
import io.fjord.metadata.ConfigurationsImage;
import io.fjord.metadata.Endpoint;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.ProducerIdsImage;
import io.fjord.metadata.ScramImage;
import io.fjord.metadata.TopicsImage;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.DeleteRecordsRequest;
import io.fjord.protocol.message.DeleteRecordsResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DeleteRecords on a leader with a follower (broker 2) answers once the follower has deleted too, as Kafka's
 * DelayedDeleteRecords: when the follower's fetch reports the new log start offset; REQUEST_TIMED_OUT with the low
 * watermark of the deletion if it does not within the request's timeout; NOT_LEADER_OR_FOLLOWER if this broker stops
 * leading meanwhile; at once when the follower's broker is fenced. Partition t-0 holds 10 records, all replicated.
 */
class DeleteRecordsHandlerTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final int FOLLOWER = 2;

    @TempDir
    Path dir;

    private LeaderTestContext ctx;
    private Partition partition;

    @BeforeEach
    void setUp() {
        ctx = new LeaderTestContext(dir);
        registerFollower(false);
        ctx.lead(0, new int[] {LeaderTestContext.LEADER, FOLLOWER}, new int[] {LeaderTestContext.LEADER, FOLLOWER}, 0);
        ctx.append(0, 10);
        partition = ctx.replicas.partition(TP);
        partition.updateFollowerFetchState(FOLLOWER, 10, 0);
        assertThat(partition.log().highWatermark()).isEqualTo(10);
    }

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    private void registerFollower(boolean fenced) {
        ctx.replicas.onMetadataImage(new MetadataImage(
                0L,
                TopicsImage.EMPTY,
                ConfigurationsImage.EMPTY,
                new ClusterImage(Map.of(
                        FOLLOWER,
                        new BrokerRegistration(
                                FOLLOWER,
                                new Uuid(7, 7),
                                List.of(new Endpoint("PLAINTEXT", "127.0.0.1", 1, "PLAINTEXT")),
                                null,
                                fenced))),
                ProducerIdsImage.EMPTY,
                ScramImage.EMPTY,
                AclsImage.EMPTY));
    }

    private CompletableFuture<ApiMessage> deleteBefore(long offset, int timeoutMs) {
        DeleteRecordsRequest request = new DeleteRecordsRequest()
                .setTimeoutMs(timeoutMs)
                .setTopics(new ArrayList<>(List.of(new DeleteRecordsRequest.DeleteRecordsTopic()
                        .setName("t")
                        .setPartitions(new ArrayList<>(List.of(new DeleteRecordsRequest.DeleteRecordsPartition()
                                .setPartitionIndex(0)
                                .setOffset(offset)))))));
        return new DeleteRecordsHandler(ctx.replicas, Authorizer.allowAll())
                .handle(new RequestContext(ApiKeys.DELETE_RECORDS, (short) 2, 1, "test", 1L, null), request);
    }

    private static DeleteRecordsResponse.DeleteRecordsPartitionResult result(CompletableFuture<ApiMessage> answer)
            throws Exception {
        DeleteRecordsResponse response = (DeleteRecordsResponse) answer.get(10, TimeUnit.SECONDS);
        return response.topics().get(0).partitions().get(0);
    }

    @Test
    void theAnswerWaitsUntilTheFollowerHasDeletedToo() throws Exception {
        CompletableFuture<ApiMessage> answer = deleteBefore(5, 30_000);
        assertThat(partition.log().logStartOffset())
                .as("the leader deletes at once")
                .isEqualTo(5);
        assertThat(answer).as("the follower still starts at 0").isNotDone();

        partition.updateFollowerFetchState(FOLLOWER, 10, 3);
        assertThat(answer).isNotDone();
        partition.updateFollowerFetchState(FOLLOWER, 10, 5);

        assertThat(Errors.forCode(result(answer).errorCode())).isEqualTo(Errors.NONE);
        assertThat(result(answer).lowWatermark()).isEqualTo(5);
    }

    @Test
    void aFollowerThatDoesNotDeleteInTimeGetsRequestTimedOut() throws Exception {
        CompletableFuture<ApiMessage> answer = deleteBefore(5, 50);

        assertThat(Errors.forCode(result(answer).errorCode())).isEqualTo(Errors.REQUEST_TIMED_OUT);
        assertThat(result(answer).lowWatermark())
                .as("the low watermark when the records were deleted")
                .isZero();
    }

    @Test
    void aLeaderThatStopsLeadingAnswersNotLeaderOrFollower() throws Exception {
        CompletableFuture<ApiMessage> answer = deleteBefore(5, 30_000);
        assertThat(answer).isNotDone();

        ctx.follow(0, FOLLOWER, new int[] {LeaderTestContext.LEADER, FOLLOWER});

        assertThat(Errors.forCode(result(answer).errorCode())).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(result(answer).lowWatermark()).isEqualTo(-1);
    }

    @Test
    void aFencedFollowerDoesNotHoldTheAnswer() throws Exception {
        registerFollower(true);

        CompletableFuture<ApiMessage> answer = deleteBefore(-1, 30_000);

        assertThat(answer).isDone();
        assertThat(Errors.forCode(result(answer).errorCode())).isEqualTo(Errors.NONE);
        assertThat(result(answer).lowWatermark())
                .as("-1: up to the high watermark")
                .isEqualTo(10);
    }

    @Test
    void anOffsetTheFollowerAlreadyPassedAnswersAtOnce() throws Exception {
        partition.log().deleteRecordsBefore(4);
        partition.updateFollowerFetchState(FOLLOWER, 10, 4);

        CompletableFuture<ApiMessage> answer = deleteBefore(2, 30_000);

        assertThat(answer).isDone();
        assertThat(result(answer).lowWatermark()).isEqualTo(4);
    }
}
