package io.fjord.coordinator;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The state of one {@code __consumer_offsets} partition: its groups, their committed offsets and their
 * timers. Everything here is guarded by {@link #lock}: request handlers, timer tasks and append completions
 * all take it, so a shard is single-threaded in effect while different shards proceed in parallel.
 *
 * <p>Lifecycle: {@code LOADING} (records are being replayed, each under the lock; requests get
 * COORDINATOR_LOAD_IN_PROGRESS) ->
 * {@code ACTIVE} -> {@code CLOSED} (unloaded; requests get NOT_COORDINATOR). Writes go through
 * {@link #append}, which hands the records to the {@link CoordinatorLog} in order and runs the continuation
 * under the lock once they are committed.
 */
final class CoordinatorShard {

    enum State {
        LOADING,
        ACTIVE,
        CLOSED
    }

    final int partition;
    final ReentrantLock lock = new ReentrantLock();
    final Map<String, Group> groups = new HashMap<>();
    final OffsetStore offsets = new OffsetStore();
    final ShardTimers timers;

    private final CoordinatorLog log;
    private volatile State state = State.LOADING;
    private CompletableFuture<Void> lastWrite = CompletableFuture.completedFuture(null);

    CoordinatorShard(int partition, CoordinatorLog log, CoordinatorScheduler scheduler) {
        this.partition = partition;
        this.log = log;
        this.timers = new ShardTimers(this, scheduler);
    }

    State state() {
        return state;
    }

    void state(State next) {
        assert lock.isHeldByCurrentThread();
        this.state = next;
    }

    boolean isActive() {
        return state == State.ACTIVE;
    }

    boolean isClosed() {
        return state == State.CLOSED;
    }

    /**
     * Appends {@code records} and, once they are committed (or failed), runs {@code onDone} under the lock
     * with null or the append's error. Empty records still wait for earlier writes, so a response never
     * overtakes the state it was computed from. Must be called with the lock held.
     */
    void append(List<CoordinatorRecord> records, Consumer<Errors> onDone) {
        assert lock.isHeldByCurrentThread();
        CompletableFuture<Void> write;
        if (records.isEmpty()) {
            write = lastWrite.handle((v, e) -> null);
        } else {
            CompletableFuture<Void> appended;
            try {
                appended = log.append(partition, List.copyOf(records));
            } catch (RuntimeException e) {
                appended = CompletableFuture.failedFuture(e);
            }
            write = appended;
            lastWrite = appended;
        }
        write.whenComplete((v, e) -> {
            lock.lock();
            try {
                onDone.accept(e == null ? null : appendError(e));
            } finally {
                lock.unlock();
            }
        });
    }

    /** Runs {@code action} under the lock after all writes issued so far are done. */
    void afterPendingWrites(Runnable action) {
        append(List.of(), error -> action.run());
    }

    /**
     * Maps an append failure to the error a group API returns, as Kafka's coordinator does: replication
     * trouble becomes COORDINATOR_NOT_AVAILABLE (retry), a lost leadership NOT_COORDINATOR (find it again).
     */
    static Errors appendError(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (!(cause instanceof ApiException api)) {
            return Errors.UNKNOWN_SERVER_ERROR;
        }
        return switch (api.error()) {
            case UNKNOWN_TOPIC_OR_PARTITION,
                    NOT_ENOUGH_REPLICAS,
                    NOT_ENOUGH_REPLICAS_AFTER_APPEND,
                    REQUEST_TIMED_OUT,
                    COORDINATOR_LOAD_IN_PROGRESS -> Errors.COORDINATOR_NOT_AVAILABLE;
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR, NOT_COORDINATOR -> Errors.NOT_COORDINATOR;
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_FETCH_SIZE -> Errors.UNKNOWN_SERVER_ERROR;
            default -> api.error();
        };
    }
}
