package io.fjord.coordinator;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Finds the shard of a group and runs an operation on it under the shard's lock, turning "not here",
 * "still loading" and operating errors ({@link ApiException}) into the API's error response. The map of
 * shards is concurrent; everything else happens under a shard's lock.
 */
final class ShardRouter {

    private final int numPartitions;
    private final ConcurrentMap<Integer, CoordinatorShard> shards = new ConcurrentHashMap<>();

    ShardRouter(int numPartitions) {
        this.numPartitions = numPartitions;
    }

    int partitionFor(String groupId) {
        return GroupCoordinator.partitionFor(groupId, numPartitions);
    }

    CoordinatorShard put(CoordinatorShard shard) {
        return shards.put(shard.partition, shard);
    }

    CoordinatorShard remove(int partition) {
        return shards.remove(partition);
    }

    /** Unregisters {@code shard} if it is still its partition's shard. */
    void remove(int partition, CoordinatorShard shard) {
        shards.remove(partition, shard);
    }

    CoordinatorShard shard(int partition) {
        return shards.get(partition);
    }

    Collection<CoordinatorShard> shards() {
        return shards.values();
    }

    /**
     * Runs {@code op} on the shard of {@code groupId}; {@code onError} builds the response for an error code
     * and message (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, INVALID_GROUP_ID, an ApiException's).
     */
    <R> CompletableFuture<R> run(
            String groupId,
            BiFunction<Errors, String, R> onError,
            Function<CoordinatorShard, CompletableFuture<R>> op) {
        if (groupId == null || groupId.isEmpty()) {
            return CompletableFuture.completedFuture(onError.apply(Errors.INVALID_GROUP_ID, "The group id is empty."));
        }
        CoordinatorShard shard = shards.get(partitionFor(groupId));
        if (shard == null) {
            return CompletableFuture.completedFuture(onError.apply(Errors.NOT_COORDINATOR, null));
        }
        shard.lock.lock();
        try {
            switch (shard.state()) {
                case LOADING:
                    return CompletableFuture.completedFuture(onError.apply(Errors.COORDINATOR_LOAD_IN_PROGRESS, null));
                case CLOSED:
                    return CompletableFuture.completedFuture(onError.apply(Errors.NOT_COORDINATOR, null));
                default:
                    return op.apply(shard).exceptionally(e -> onError.apply(errorOf(e), e.getMessage()));
            }
        } catch (ApiException e) {
            return CompletableFuture.completedFuture(onError.apply(e.error(), e.getMessage()));
        } catch (RuntimeException e) {
            System.err.println("group coordinator failed on group " + groupId + ": " + e);
            e.printStackTrace();
            return CompletableFuture.completedFuture(onError.apply(Errors.UNKNOWN_SERVER_ERROR, null));
        } finally {
            shard.lock.unlock();
        }
    }

    private static Errors errorOf(Throwable e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        return cause instanceof ApiException api ? api.error() : Errors.UNKNOWN_SERVER_ERROR;
    }
}
