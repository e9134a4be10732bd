package io.fjord.broker.partition;

import io.fjord.metadata.AlterPartitionItem;
import io.fjord.metadata.AlterPartitionResult;
import java.util.concurrent.CompletableFuture;

/**
 * How a partition leader asks the controller to change its ISR, and whether a broker may join an ISR
 * (registered and unfenced in the current image). Implemented by the {@link ReplicaManager} over
 * {@code ControllerApi.alterPartition}; tests use a fake. Thread-safe; never blocks.
 */
public interface AlterPartitionChannel {

    CompletableFuture<AlterPartitionResult> alterPartition(AlterPartitionItem item);

    boolean isEligibleForIsr(int brokerId);
}
