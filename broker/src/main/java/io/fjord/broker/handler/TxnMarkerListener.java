package io.fjord.broker.handler;

import io.fjord.common.TopicPartition;

/**
 * Told of each end-transaction marker committed to a partition of {@code __consumer_offsets}: the group
 * coordinator makes the producer's pending transactional offset commits on that partition visible
 * ({@code committed}) or drops them. Called on the thread that completed the marker's wait (an appending
 * or replica-fetch thread, or the purgatory timer), before the marker's write is answered; implementations
 * must be thread-safe and must not block.
 */
@FunctionalInterface
public interface TxnMarkerListener {

    /** A listener that does nothing (no group coordinator cares yet). */
    TxnMarkerListener NONE = (tp, producerId, committed) -> {};

    void onMarkerCommitted(TopicPartition tp, long producerId, boolean committed);
}
