package io.fjord.coordinator.txn;

import io.fjord.common.TopicPartition;
import java.util.Set;

/**
 * What {@code __transaction_state} keeps of one transactional id: its producer id and epoch, its timeout and
 * the state of its current transaction with the partitions in it. Immutable; a transition writes a new one.
 *
 * @param producerId the producer id the transactional id has now
 * @param producerEpoch its epoch (-1 before the first InitProducerId completes)
 * @param timeoutMs the transaction timeout the producer asked for
 * @param state where the current transaction stands
 * @param partitions the partitions of the current transaction (empty when idle)
 * @param startMs when the current transaction started (-1 when none is open)
 * @param lastUpdateMs when this record was made
 */
public record TxnRecord(
        long producerId,
        short producerEpoch,
        int timeoutMs,
        TransactionState state,
        Set<TopicPartition> partitions,
        long startMs,
        long lastUpdateMs) {

    public TxnRecord {
        partitions = Set.copyOf(partitions);
    }

    TxnRecord with(TransactionState newState, Set<TopicPartition> newPartitions, long newStartMs, long nowMs) {
        return new TxnRecord(producerId, producerEpoch, timeoutMs, newState, newPartitions, newStartMs, nowMs);
    }

    TxnRecord withProducer(long newProducerId, short newEpoch, int newTimeoutMs, long nowMs) {
        return new TxnRecord(newProducerId, newEpoch, newTimeoutMs, TransactionState.EMPTY, Set.of(), -1, nowMs);
    }
}
