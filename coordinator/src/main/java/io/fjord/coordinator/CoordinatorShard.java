package io.fjord.coordinator;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.VerificationGuard;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The state of one {@code __consumer_offsets} partition: its groups, their committed offsets and their
 * timers. Everything here is guarded by {@link #lock}: request handlers, timer tasks and append completions
 * all take it, so a shard is single-threaded in effect while different shards proceed in parallel.
 *
 * <p>Lifecycle: {@code LOADING} (records are being replayed, each under the lock; requests get
 * COORDINATOR_LOAD_IN_PROGRESS) ->
 * {@code ACTIVE} -> {@code CLOSED} (unloaded; requests get NOT_COORDINATOR). Writes go through
 * {@link #append} and {@link #appendTransactional}, which hand the records to the {@link CoordinatorLog} in
 * order and run the continuation under the lock once they are committed. Each record written takes the next
 * {@link #nextPosition() position}, so the shard can tell which of two writes came later in the log.
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
    private long nextPosition;
    /** Transactions that ended while LOADING, applied in order once the replay is done. */
    private final List<TransactionEnd> endedWhileLoading = new ArrayList<>();

    /** A producer's transaction ended by a marker: committed or aborted. */
    record TransactionEnd(long producerId, boolean committed) {}

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
     * The position the next record written takes: past every record replayed (a replayed record's position is
     * its log offset), then one more per record appended. Positions grow in log order; they are not offsets.
     */
    long nextPosition() {
        return nextPosition;
    }

    /** Notes that the record or marker at {@code offset} was replayed. Called while LOADING. */
    void onReplayed(long offset) {
        nextPosition = Math.max(nextPosition, offset + 1);
    }

    /** Keeps a transaction that ended while LOADING for {@link #drainEndedWhileLoading}. */
    void deferTransactionEnd(TransactionEnd end) {
        assert lock.isHeldByCurrentThread() && state == State.LOADING;
        endedWhileLoading.add(end);
    }

    List<TransactionEnd> drainEndedWhileLoading() {
        List<TransactionEnd> ended = List.copyOf(endedWhileLoading);
        endedWhileLoading.clear();
        return ended;
    }

    /**
     * Appends {@code records} and, once they are committed (or failed), runs {@code onDone} under the lock
     * with null or the append's error. Empty records still wait for earlier writes, so a response never
     * overtakes the state it was computed from. Must be called with the lock held.
     */
    void append(List<CoordinatorRecord> records, Consumer<Errors> onDone) {
        write(records, () -> log.append(partition, List.copyOf(records)), onDone);
    }

    /**
     * {@link #append} as one transactional batch of {@code producerId} at {@code producerEpoch}, with the
     * verification {@code guard} of its transaction (null: none, see {@link CoordinatorLog#appendTransactional}).
     */
    void appendTransactional(
            long producerId,
            short producerEpoch,
            VerificationGuard guard,
            List<CoordinatorRecord> records,
            Consumer<Errors> onDone) {
        write(
                records,
                () -> log.appendTransactional(partition, producerId, producerEpoch, guard, List.copyOf(records)),
                onDone);
    }

    private void write(
            List<CoordinatorRecord> records, Supplier<CompletableFuture<Void>> appender, Consumer<Errors> onDone) {
        assert lock.isHeldByCurrentThread();
        CompletableFuture<Void> write;
        if (records.isEmpty()) {
            write = lastWrite.handle((v, e) -> null);
        } else {
            nextPosition += records.size();
            CompletableFuture<Void> appended;
            try {
                appended = appender.get();
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
