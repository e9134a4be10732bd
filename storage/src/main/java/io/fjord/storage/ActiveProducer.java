package io.fjord.storage;

/**
 * What a partition's log knows of one producer (DescribeProducers, {@code kafka-transactions.sh
 * describe-producers}): its epoch, the last sequence and timestamp it wrote, the epoch of the transaction
 * coordinator that wrote its last marker (-1 before any) and the first offset of its ongoing transaction (-1
 * when none). Immutable.
 */
public record ActiveProducer(
        long producerId,
        short producerEpoch,
        int lastSequence,
        long lastTimestampMs,
        int coordinatorEpoch,
        long currentTxnStartOffset) {}
