package io.fjord.coordinator;

import io.fjord.common.VerificationGuard;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The coordinator's durable log, implemented by the broker over the partitions of {@code __consumer_offsets}
 * (a compacted topic).
 *
 * <p>{@link #append} writes {@code records} as one batch (key and value bytes as given, a null value as a
 * tombstone) to partition {@code partition} and returns a future completed when the batch is committed (the
 * high watermark has passed its last offset). It fails with an {@link io.fjord.common.ApiException} carrying
 * the append's error (e.g. NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS, REQUEST_TIMED_OUT); the coordinator
 * maps it to a group error the way Kafka does. {@link #appendTransactional} does the same with a transactional
 * batch of a producer (KIP-98). Appends to one partition are called in order, by one thread at a time (the
 * shard's lock is held), and must be written in that order. The future may be completed on any thread, also
 * inside the append itself; completing it takes the shard's lock, so it must not be completed while holding a
 * lock that an append itself may wait for (that would deadlock).
 */
public interface CoordinatorLog {

    CompletableFuture<Void> append(int partition, List<CoordinatorRecord> records);

    /**
     * Appends {@code records} as one transactional batch of producer {@code producerId} at {@code
     * producerEpoch} (attributes bit 4 set, the producer's id and epoch in the batch header, base sequence 0,
     * as Kafka's coordinator writes a TxnOffsetCommit). The records stay pending until the producer's
     * end-transaction marker follows them in the partition. A producer epoch older than the one the partition
     * has seen fails the future with INVALID_PRODUCER_EPOCH. With a {@code guard} (not null: the partition's
     * leader verified the transaction with its coordinator, KIP-890) a batch that would start the producer's
     * transaction in the partition is written only if the guard is still the one the leader placed
     * (INVALID_TXN_STATE otherwise).
     */
    CompletableFuture<Void> appendTransactional(
            int partition,
            long producerId,
            short producerEpoch,
            VerificationGuard guard,
            List<CoordinatorRecord> records);
}
