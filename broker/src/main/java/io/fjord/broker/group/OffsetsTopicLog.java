package io.fjord.broker.group;

import io.fjord.broker.partition.Partition;
import io.fjord.broker.partition.ReplicaManager;
import io.fjord.broker.purgatory.DelayedOperation;
import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.Time;
import io.fjord.common.TopicPartition;
import io.fjord.common.VerificationGuard;
import io.fjord.coordinator.CoordinatorLog;
import io.fjord.coordinator.CoordinatorRecord;
import io.fjord.protocol.MemoryRecords;
import io.fjord.protocol.record.CompressionType;
import io.fjord.protocol.record.RecordBatchBuilder;
import io.fjord.storage.AppendOrigin;
import io.fjord.storage.LogAppendInfo;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A coordinator's storage: each call appends its records as one uncompressed batch to a partition of
 * {@code __consumer_offsets} (the group coordinator's) or another compacted topic ({@code __transaction_state},
 * the transaction coordinator's) and completes once the high watermark passes the batch, i.e. once the in-sync
 * replicas have it.
 * A transactional append (the group coordinator's TxnOffsetCommit) writes the batch as Kafka's coordinator
 * does: attributes bit 4 set, the producer's id and epoch in the header, base sequence 0, appended as
 * {@link AppendOrigin#COORDINATOR} (sequence numbers are not checked, a stale producer epoch is).
 *
 * <p>Thread-safe: appends go through the partition's log lock.
 */
public final class OffsetsTopicLog implements CoordinatorLog {

    public static final String TOPIC = "__consumer_offsets";
    private static final long COMMIT_TIMEOUT_MS = 30_000;

    private final ReplicaManager replicaManager;
    private final Time time;
    private final String topic;

    public OffsetsTopicLog(ReplicaManager replicaManager, Time time) {
        this(replicaManager, time, TOPIC);
    }

    /** The storage of the coordinator whose topic is {@code topic}. */
    public OffsetsTopicLog(ReplicaManager replicaManager, Time time, String topic) {
        this.replicaManager = replicaManager;
        this.time = time;
        this.topic = topic;
    }

    @Override
    public CompletableFuture<Void> append(int partitionIndex, List<CoordinatorRecord> records) {
        return appendBatch(
                partitionIndex, new RecordBatchBuilder(CompressionType.NONE), AppendOrigin.CLIENT, null, records);
    }

    @Override
    public CompletableFuture<Void> appendTransactional(
            int partitionIndex,
            long producerId,
            short producerEpoch,
            VerificationGuard guard,
            List<CoordinatorRecord> records) {
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE)
                .producer(producerId, producerEpoch, 0)
                .transactional(true);
        return appendBatch(partitionIndex, builder, AppendOrigin.COORDINATOR, guard, records);
    }

    private CompletableFuture<Void> appendBatch(
            int partitionIndex,
            RecordBatchBuilder builder,
            AppendOrigin origin,
            VerificationGuard guard,
            List<CoordinatorRecord> records) {
        if (records.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            Partition partition = replicaManager.partitionOrThrow(new TopicPartition(topic, partitionIndex));
            long nowMs = time.milliseconds();
            for (CoordinatorRecord record : records) {
                builder.append(nowMs, record.key(), record.value());
            }
            ByteBuffer batch = builder.build();
            LogAppendInfo info = partition.appendAsLeader(MemoryRecords.of(batch), (short) -1, origin, guard);
            CompletableFuture<Void> committed = new CompletableFuture<>();
            long required = info.lastOffset() + 1;
            replicaManager
                    .producePurgatory()
                    .tryCompleteElseWatch(
                            new AwaitCommit(partition, required, committed), List.of(partition.topicPartition()));
            return committed;
        } catch (ApiException e) {
            return CompletableFuture.failedFuture(e);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new ApiException(Errors.UNKNOWN_SERVER_ERROR, e.toString(), e));
        }
    }

    /** Waits for the high watermark to reach {@code requiredOffset}. */
    private static final class AwaitCommit extends DelayedOperation {
        private final Partition partition;
        private final long requiredOffset;
        private final CompletableFuture<Void> committed;

        AwaitCommit(Partition partition, long requiredOffset, CompletableFuture<Void> committed) {
            super(COMMIT_TIMEOUT_MS);
            this.partition = partition;
            this.requiredOffset = requiredOffset;
            this.committed = committed;
        }

        @Override
        public boolean tryComplete() {
            return partition.highWatermark() >= requiredOffset && forceComplete();
        }

        @Override
        protected void onComplete() {
            if (partition.highWatermark() >= requiredOffset) {
                committed.complete(null);
            } else {
                committed.completeExceptionally(
                        new ApiException(Errors.REQUEST_TIMED_OUT, "the group record was not replicated in time"));
            }
        }
    }
}
