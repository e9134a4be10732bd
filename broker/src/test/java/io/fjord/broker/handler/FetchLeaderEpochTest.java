package io.fjord.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.broker.network.RequestContext;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.metadata.PartitionRegistration;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.FetchRequest;
import io.fjord.protocol.message.FetchResponse;
import io.fjord.storage.LogConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetches that name a leader epoch, as Kafka answers them. A fetch parked at the log end of t-0 with epoch 0 is answered
 * as soon as this broker, still the leader, moves to epoch 1, with FENCED_LEADER_EPOCH (Kafka's DelayedFetch answers a
 * fenced fetch at once): the fetcher learns of the new epoch without sitting out its max wait. A replica fetch of t-1,
 * which this broker follows in epoch 3, gets the epoch errors before NOT_LEADER_OR_FOLLOWER (Kafka's
 * localLogWithEpochOrThrow).
 */
class FetchLeaderEpochTest {

    private static final int[] LEADER_ONLY = {LeaderTestContext.LEADER};

    @TempDir
    Path dir;

    private LeaderTestContext ctx;

    @BeforeEach
    void setUp() {
        ctx = new LeaderTestContext(dir);
        ctx.lead(0, LEADER_ONLY, LEADER_ONLY, 0);
        ctx.append(0, 5);
    }

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    private CompletableFuture<ApiMessage> fetchAtTheEnd(int leaderEpoch) {
        return fetch(-1, 0, 5, leaderEpoch);
    }

    private CompletableFuture<ApiMessage> fetch(int replicaId, int partition, long offset, int leaderEpoch) {
        FetchHandler handler = ctx.handler(new FetchSessionCache(10, 120_000, ctx.time, new Random(7)));
        FetchRequest.FetchTopic topic = new FetchRequest.FetchTopic().setTopicId(LeaderTestContext.TOPIC_ID);
        topic.partitions()
                .add(new FetchRequest.FetchPartition()
                        .setPartition(partition)
                        .setFetchOffset(offset)
                        .setCurrentLeaderEpoch(leaderEpoch)
                        .setPartitionMaxBytes(1 << 20));
        FetchRequest request = new FetchRequest()
                .setReplicaId(replicaId)
                .setReplicaState(new FetchRequest.ReplicaState().setReplicaId(replicaId))
                .setMaxWaitMs(60_000)
                .setMinBytes(1)
                .setMaxBytes(1 << 20)
                .setSessionEpoch(-1)
                .setTopics(new ArrayList<>(List.of(topic)));
        return handler.handle(new RequestContext(ApiKeys.FETCH, (short) 13, 1, "test", 1L, null), request);
    }

    private void leadInEpoch(int epoch) {
        ctx.replicas.applyPartition(
                new TopicPartition("t", 0),
                LeaderTestContext.TOPIC_ID,
                LogConfig.DEFAULT,
                new PartitionRegistration(LEADER_ONLY, LEADER_ONLY, LeaderTestContext.LEADER, epoch, epoch),
                1);
    }

    @Test
    void aFetchParkedAtTheOldEpochIsAnsweredFencedWhenTheEpochMoves() throws Exception {
        CompletableFuture<ApiMessage> answer = fetchAtTheEnd(0);
        assertThat(answer).as("parked: nothing past offset 5 yet").isNotDone();

        leadInEpoch(1);

        FetchResponse response = (FetchResponse) answer.get(10, TimeUnit.SECONDS);
        FetchResponse.PartitionData data =
                response.responses().get(0).partitions().get(0);
        assertThat(Errors.forCode(data.errorCode())).isEqualTo(Errors.FENCED_LEADER_EPOCH);
    }

    @Test
    void aFetchParkedWithoutAnEpochKeepsWaitingWhenTheEpochMoves() throws Exception {
        CompletableFuture<ApiMessage> answer = fetchAtTheEnd(-1);

        leadInEpoch(1);

        assertThat(answer).as("a fetch that named no epoch is not fenced").isNotDone();
        ctx.append(0, 1);
        FetchResponse response = (FetchResponse) answer.get(10, TimeUnit.SECONDS);
        FetchResponse.PartitionData data =
                response.responses().get(0).partitions().get(0);
        assertThat(Errors.forCode(data.errorCode())).isEqualTo(Errors.NONE);
        assertThat(data.records().sizeInBytes()).isPositive();
    }

    @Test
    void aReplicaFetchFromAFollowerAtAnotherEpochGetsTheEpochError() throws Exception {
        ctx.replicas.applyPartition(
                new TopicPartition("t", 1),
                LeaderTestContext.TOPIC_ID,
                LogConfig.DEFAULT,
                new PartitionRegistration(new int[] {2, LeaderTestContext.LEADER, 3}, new int[] {2}, 2, 3, 3),
                1);

        assertThat(errorOf(fetch(3, 1, 0, 2))).isEqualTo(Errors.FENCED_LEADER_EPOCH);
        assertThat(errorOf(fetch(3, 1, 0, 4))).isEqualTo(Errors.UNKNOWN_LEADER_EPOCH);
        assertThat(errorOf(fetch(3, 1, 0, 3))).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
    }

    private static Errors errorOf(CompletableFuture<ApiMessage> answer) throws Exception {
        FetchResponse response = (FetchResponse) answer.get(10, TimeUnit.SECONDS);
        return Errors.forCode(response.responses().get(0).partitions().get(0).errorCode());
    }
}
