package io.fjord.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.broker.network.RequestContext;
import io.fjord.broker.quota.ReplicationThrottles;
import io.fjord.common.TopicPartition;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.FetchRequest;
import io.fjord.protocol.message.FetchResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which partitions a leader withholds from a follower's fetch under the leader replication throttle: a
 * leader (broker 1) of partitions 0 and 1 of topic t, with partition 0 on its leader throttle list and
 * follower 2 fetching both.
 */
class FetchThrottleTest {

    private static final int LEADER = LeaderTestContext.LEADER;
    private static final int FOLLOWER = 2;
    private static final TopicPartition P0 = new TopicPartition("t", 0);

    @TempDir
    Path dir;

    private LeaderTestContext ctx;
    private ReplicationThrottles throttles;
    private FetchHandler handler;

    @BeforeEach
    void setUp() {
        ctx = new LeaderTestContext(dir);
        throttles = ctx.throttles;
        handler = ctx.handler(new FetchSessionCache(1000, 120_000, ctx.time, new Random(1)));
        for (int p = 0; p < 2; p++) {
            lead(p, new int[] {LEADER}, 0);
            ctx.append(p, 10);
        }
        throttles.leader().markThrottled("t", Set.of(0));
        throttles.leader().updateQuota(1000);
    }

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    private void lead(int partition, int[] isr, int partitionEpoch) {
        ctx.lead(partition, new int[] {LEADER, FOLLOWER}, isr, partitionEpoch);
    }

    /** Record bytes per partition of a fetch from offset 0 of both partitions by {@code replicaId}. */
    private int[] fetchBytes(int replicaId) throws Exception {
        FetchRequest.FetchTopic topic =
                LeaderTestContext.fromOffsetZero(new FetchRequest.FetchTopic().setTopic("t"), 2);
        FetchRequest request = new FetchRequest()
                .setReplicaId(replicaId)
                .setMaxWaitMs(0)
                .setMinBytes(1)
                .setMaxBytes(1 << 20)
                .setTopics(List.of(topic));
        RequestContext context = new RequestContext(ApiKeys.FETCH, (short) 12, 1, "test", 1L, null);
        FetchResponse response =
                (FetchResponse) handler.handle(context, request).get(10, TimeUnit.SECONDS);
        int[] bytes = new int[2];
        for (FetchResponse.PartitionData data : response.responses().get(0).partitions()) {
            bytes[data.partitionIndex()] = data.records().sizeInBytes();
        }
        return bytes;
    }

    @Test
    void anOutOfSyncFollowerGetsThrottledPartitionsWhileTheQuotaHasRoom() throws Exception {
        int[] bytes = fetchBytes(FOLLOWER);

        assertThat(bytes[0]).isPositive();
        assertThat(bytes[1]).isPositive();
        assertThat(throttles.leader().measuredBytesPerSecond())
                .as("only the throttled partition's bytes count, over one window")
                .isEqualTo(bytes[0]);
    }

    @Test
    void anExceededQuotaWithholdsOnlyTheThrottledPartition() throws Exception {
        throttles.leader().record(10_000);

        int[] bytes = fetchBytes(FOLLOWER);

        assertThat(bytes[0]).as("throttled partition withheld").isZero();
        assertThat(bytes[1]).as("the other partition proceeds").isPositive();
    }

    @Test
    void aFollowerInTheIsrIsNeverThrottled() throws Exception {
        lead(0, new int[] {LEADER, FOLLOWER}, 1);
        throttles.leader().record(10_000);

        assertThat(ctx.replicas.partition(P0).isInSync(FOLLOWER)).isTrue();
        assertThat(fetchBytes(FOLLOWER)[0]).isPositive();
    }

    @Test
    void consumersAreNeverThrottled() throws Exception {
        throttles.leader().record(10_000);

        assertThat(fetchBytes(-1)[0]).isPositive();
    }

    @Test
    void theWithheldPartitionFlowsAgainOnceTheRateFalls() throws Exception {
        throttles.leader().record(10_000);
        assertThat(fetchBytes(FOLLOWER)[0]).isZero();

        ctx.time.advanceMs(11_000);

        assertThat(fetchBytes(FOLLOWER)[0]).isPositive();
    }

    @Test
    void aFollowerFetchOfOnlyWithheldDataWaitsInsteadOfSpinning() throws Exception {
        throttles.leader().record(10_000);
        throttles.leader().markAllThrottled("t");
        FetchRequest.FetchTopic topic = new FetchRequest.FetchTopic().setTopic("t");
        topic.partitions()
                .add(new FetchRequest.FetchPartition()
                        .setPartition(0)
                        .setFetchOffset(0)
                        .setPartitionMaxBytes(1 << 20));
        FetchRequest request = new FetchRequest()
                .setReplicaId(FOLLOWER)
                .setMaxWaitMs(60_000)
                .setMinBytes(1)
                .setMaxBytes(1 << 20)
                .setTopics(List.of(topic));

        CompletableFuture<?> answer =
                handler.handle(new RequestContext(ApiKeys.FETCH, (short) 12, 1, "test", 1L, null), request);
        ctx.append(0, 1);

        assertThat(answer).as("an append of withheld data does not complete it").isNotDone();
        answer.cancel(false);
    }
}
