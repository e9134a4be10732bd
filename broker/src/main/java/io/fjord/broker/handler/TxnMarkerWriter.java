package io.fjord.broker.handler;

import io.fjord.broker.group.OffsetsTopicLog;
import io.fjord.broker.partition.ReplicaManager;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Writes one producer's end-transaction markers to partitions this broker leads and waits for them to be
 * committed ({@link ReplicaManager#appendTxnMarkers}); each marker committed to {@code __consumer_offsets}
 * is then reported to the {@link TxnMarkerListener} before the future completes. The listener runs on
 * {@code listenerExecutor}, never inline: the commit wait may complete on a thread that holds a group
 * coordinator shard's lock (its own append moved the high watermark), and the listener takes shard locks. The
 * WriteTxnMarkers handler uses it, and so can a transaction coordinator writing to partitions led by its own
 * broker.
 *
 * <p>Thread-safe.
 */
public final class TxnMarkerWriter {

    private final ReplicaManager replicaManager;
    private final TxnMarkerListener listener;
    private final Executor listenerExecutor;

    public TxnMarkerWriter(ReplicaManager replicaManager, TxnMarkerListener listener, Executor listenerExecutor) {
        this.replicaManager = replicaManager;
        this.listener = listener;
        this.listenerExecutor = listenerExecutor;
    }

    /**
     * Appends the marker to every partition and completes with each partition's error once all are
     * committed or failed (see {@link ReplicaManager#appendTxnMarkers}). Never completes exceptionally.
     */
    public CompletableFuture<Map<TopicPartition, Errors>> writeMarkers(
            long producerId,
            short producerEpoch,
            int coordinatorEpoch,
            boolean committed,
            Collection<TopicPartition> partitions) {
        return replicaManager
                .appendTxnMarkers(producerId, producerEpoch, coordinatorEpoch, committed, partitions)
                .thenApplyAsync(
                        results -> {
                            for (Map.Entry<TopicPartition, Errors> result : results.entrySet()) {
                                TopicPartition tp = result.getKey();
                                if (result.getValue() == Errors.NONE
                                        && tp.topic().equals(OffsetsTopicLog.TOPIC)) {
                                    listener.onMarkerCommitted(tp, producerId, committed);
                                }
                            }
                            return results;
                        },
                        listenerExecutor);
    }
}
