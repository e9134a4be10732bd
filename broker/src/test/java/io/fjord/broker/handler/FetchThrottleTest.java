package io.fjord.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.broker.network.RequestContext;
import io.fjord.broker.partition.Partition;
import io.fjord.broker.partition.ReplicaFetcherSettings;
import io.fjord.broker.partition.ReplicaManager;
import io.fjord.broker.quota.ReplicationThrottles;
import io.fjord.common.TopicPartition;
import io.fjord.common.Uuid;
import io.fjord.metadata.PartitionRegistration;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.MemoryRecords;
import io.fjord.protocol.message.FetchRequest;
import io.fjord.protocol.message.FetchResponse;
import io.fjord.protocol.record.CompressionType;
import io.fjord.protocol.record.RecordBatchBuilder;
import io.fjord.storage.LogConfig;
import io.fjord.storage.LogManager;
import io.fjord.testkit.MockTime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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

    private static final int LEADER = 1;
    private static final int FOLLOWER = 2;
    private static final Uuid TOPIC_ID = new Uuid(3, 4);
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    @TempDir
    Path dir;

    private final MockTime time = new MockTime();
    private LogManager logManager;
    private ScheduledExecutorService timer;
    private ReplicaManager replicas;
    private ReplicationThrottles throttles;
    private FetchHandler handler;

    @BeforeEach
    void setUp() {
        logManager = new LogManager(List.of(dir), time, LogConfig.DEFAULT);
        logManager.startup();
        timer = Executors.newSingleThreadScheduledExecutor();
        throttles = new ReplicationThrottles(LEADER, time, 11, 1000);
        replicas = new ReplicaManager(
                logManager,
                timer,
                LEADER,
                time,
                new Partition.IsrSettings(30_000, 1_000),
                ReplicaFetcherSettings.defaults(),
                (id, items) -> new CompletableFuture<>(),
                throttles);
        handler = new FetchHandler(
                replicas,
                new TopicResolver() {
                    @Override
                    public String nameOf(Uuid topicId) {
                        return TOPIC_ID.equals(topicId) ? "t" : null;
                    }

                    @Override
                    public Uuid idOf(String name) {
                        return "t".equals(name) ? TOPIC_ID : Uuid.ZERO;
                    }
                },
                false,
                new FetchSessionCache(1000, 120_000, time, new java.util.Random(1)),
                time);
        for (TopicPartition tp : List.of(P0, P1)) {
            lead(tp, new int[] {LEADER}, 0);
            replicas.partition(tp).appendAsLeader(batch(10), (short) 1);
        }
        throttles.leader().markThrottled("t", Set.of(0));
        throttles.leader().updateQuota(1000);
    }

    @AfterEach
    void tearDown() {
        replicas.shutdown();
        logManager.shutdown();
        timer.shutdownNow();
    }

    private void lead(TopicPartition tp, int[] isr, int partitionEpoch) {
        PartitionRegistration registration =
                new PartitionRegistration(new int[] {LEADER, FOLLOWER}, isr, LEADER, 0, partitionEpoch);
        replicas.applyPartition(tp, TOPIC_ID, LogConfig.DEFAULT, registration, 1);
    }

    private static MemoryRecords batch(int records) {
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE);
        for (int i = 0; i < records; i++) {
            builder.append(1_700_000_000_000L, null, ("value-" + i).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.of(builder.build());
    }

    /** Record bytes per partition of a fetch from offset 0 of both partitions by {@code replicaId}. */
    private int[] fetchBytes(int replicaId) throws Exception {
        FetchRequest.FetchTopic topic = new FetchRequest.FetchTopic().setTopic("t");
        for (int p = 0; p < 2; p++) {
            topic.partitions()
                    .add(new FetchRequest.FetchPartition()
                            .setPartition(p)
                            .setFetchOffset(0)
                            .setPartitionMaxBytes(1 << 20));
        }
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
        lead(P0, new int[] {LEADER, FOLLOWER}, 1);
        throttles.leader().record(10_000);

        assertThat(replicas.partition(P0).isInSync(FOLLOWER)).isTrue();
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

        time.advanceMs(11_000);

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
        replicas.partition(P0).appendAsLeader(batch(1), (short) 1);

        assertThat(answer).as("an append of withheld data does not complete it").isNotDone();
        answer.cancel(false);
    }
}
