package io.fjord.broker.handler;

import io.fjord.broker.partition.Partition;
import io.fjord.broker.partition.ReplicaFetcherSettings;
import io.fjord.broker.partition.ReplicaManager;
import io.fjord.broker.quota.ReplicationThrottles;
import io.fjord.common.TopicPartition;
import io.fjord.common.Uuid;
import io.fjord.metadata.PartitionRegistration;
import io.fjord.protocol.MemoryRecords;
import io.fjord.protocol.message.FetchRequest;
import io.fjord.protocol.record.CompressionType;
import io.fjord.protocol.record.RecordBatchBuilder;
import io.fjord.storage.LogConfig;
import io.fjord.storage.LogManager;
import io.fjord.testkit.MockTime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Broker {@link #LEADER} leading (or following) partitions of topic {@code t} (id {@link #TOPIC_ID}) on real logs,
 * for the handlers' tests: its log manager, replica manager (AlterPartition requests stay unanswered),
 * replication throttles (11 windows of 1 s) and a fetch handler over them. Used on the test thread;
 * {@link #close} after each test.
 */
final class LeaderTestContext implements AutoCloseable {

    static final int LEADER = 1;
    static final Uuid TOPIC_ID = new Uuid(3, 4);

    /** Topic {@code t} is {@link #TOPIC_ID}; no other topic exists. */
    static final TopicResolver TOPIC_T = new TopicResolver() {
        @Override
        public String nameOf(Uuid topicId) {
            return TOPIC_ID.equals(topicId) ? "t" : null;
        }

        @Override
        public Uuid idOf(String name) {
            return "t".equals(name) ? TOPIC_ID : Uuid.ZERO;
        }
    };

    final MockTime time = new MockTime();
    final ReplicationThrottles throttles = new ReplicationThrottles(LEADER, time, 11, 1000);
    final LogManager logManager;
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    final ReplicaManager replicas;

    LeaderTestContext(Path dir) {
        logManager = new LogManager(List.of(dir), time, LogConfig.DEFAULT);
        logManager.startup();
        replicas = new ReplicaManager(
                logManager,
                timer,
                LEADER,
                time,
                new Partition.IsrSettings(30_000, 1_000),
                ReplicaFetcherSettings.defaults(),
                (id, items) -> new CompletableFuture<>(),
                throttles);
    }

    /** A fetch handler over this broker's partitions, without rack awareness. */
    FetchHandler handler(FetchSessionCache sessions) {
        return new FetchHandler(replicas, TOPIC_T, false, sessions, time);
    }

    /** Makes this broker the leader (epoch 0) of partition {@code partition} of t. */
    void lead(int partition, int[] replicaIds, int[] isr, int partitionEpoch) {
        replicas.applyPartition(
                new TopicPartition("t", partition),
                TOPIC_ID,
                LogConfig.DEFAULT,
                new PartitionRegistration(replicaIds, isr, LEADER, 0, partitionEpoch),
                1);
    }

    /**
     * Makes this broker a follower (epoch 0) of partition {@code partition} of t, led by {@code leaderId}. Its
     * fetcher finds no address for the leader in this context and fetches nothing: the test appends instead.
     */
    void follow(int partition, int leaderId, int[] replicaIds) {
        replicas.applyPartition(
                new TopicPartition("t", partition),
                TOPIC_ID,
                LogConfig.DEFAULT,
                new PartitionRegistration(replicaIds, replicaIds, leaderId, 0, 0),
                1);
    }

    /** Appends one batch of {@code records} records to partition {@code partition} of t. */
    void append(int partition, int records) {
        replicas.partition(new TopicPartition("t", partition)).appendAsLeader(batch(records), (short) 1);
    }

    /** {@code topic} asking for partitions 0 to {@code partitions} - 1 from offset 0, up to 1 MiB each. */
    static FetchRequest.FetchTopic fromOffsetZero(FetchRequest.FetchTopic topic, int partitions) {
        for (int p = 0; p < partitions; p++) {
            topic.partitions()
                    .add(new FetchRequest.FetchPartition()
                            .setPartition(p)
                            .setFetchOffset(0)
                            .setPartitionMaxBytes(1 << 20));
        }
        return topic;
    }

    static MemoryRecords batch(int records) {
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE);
        for (int i = 0; i < records; i++) {
            builder.append(1_700_000_000_000L, null, ("value-" + i).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.of(builder.build());
    }

    @Override
    public void close() {
        replicas.shutdown();
        logManager.shutdown();
        timer.shutdownNow();
    }
}
