package io.fjord.coordinator.txn;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.Time;
import io.fjord.common.TopicPartition;
import io.fjord.coordinator.CoordinatorLoad;
import io.fjord.coordinator.CoordinatorLog;
import io.fjord.coordinator.CoordinatorLogEntry;
import io.fjord.coordinator.CoordinatorRecord;
import io.fjord.coordinator.LoadableCoordinator;
import io.fjord.coordinator.record.CorruptRecordException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's transaction coordinator (KIP-98, transaction protocol version 1): for each transactional id, in the
 * {@code __transaction_state} partition its hash picks, the producer id and epoch it owns and the state of its
 * current transaction. InitProducerId fences older instances by bumping the epoch (and first aborts a transaction
 * a previous instance left open); AddPartitionsToTxn and AddOffsetsToTxn record the partitions a transaction
 * writes to; EndTxn makes PREPARE_COMMIT or PREPARE_ABORT durable, answers, then has the end-transaction markers
 * written to every partition of the transaction (retrying until each is written or its topic is gone) and
 * records COMPLETE_COMMIT or COMPLETE_ABORT. A transaction open longer than its timeout is aborted with a bumped
 * epoch, so the producer that let it expire is fenced; an idle transactional id is forgotten after
 * {@code transactional.id.expiration.ms}.
 *
 * <p>A newly led partition is loaded by replaying its records ({@link #scheduleLoad}); transactions found in a
 * PREPARE state then get their markers written again, as the previous coordinator may have stopped half way.
 *
 * <p>Thread-safe: each partition's state is guarded by its shard's monitor; log and marker completions run on
 * {@code executor}, never inside the caller's locks.
 */
public final class TransactionCoordinator implements LoadableCoordinator {

    private static final Logger log = LoggerFactory.getLogger(TransactionCoordinator.class);

    /**
     * The coordinator's settings, with Kafka's names: {@code transaction.state.log.num.partitions},
     * {@code transaction.max.timeout.ms}, {@code transactional.id.expiration.ms}.
     */
    public record Config(int stateTopicPartitions, int maxTimeoutMs, long idExpirationMs, long markerRetryBackoffMs) {}

    /** Fresh producer ids (the broker's blocks from the controller). */
    public interface ProducerIds {
        /** A never used producer id; throws an ApiException (e.g. COORDINATOR_LOAD_IN_PROGRESS) if none is at hand. */
        long nextProducerId();
    }

    /** Writes end-transaction markers to the leaders of partitions, this broker's or others'. */
    public interface MarkerWriter {
        /**
         * Writes a COMMIT ({@code commit}) or ABORT marker of {@code producerId} at {@code producerEpoch} to each
         * partition; completes with each partition's error once its marker is committed or failed (NONE when
         * written).
         */
        CompletableFuture<Map<TopicPartition, Errors>> write(
                long producerId,
                short producerEpoch,
                int coordinatorEpoch,
                boolean commit,
                Set<TopicPartition> partitions);
    }

    /** InitProducerId's outcome: an error, or the producer id and epoch the transactional id now has. */
    public record InitResult(Errors error, long producerId, short producerEpoch) {
        static InitResult failed(Errors error) {
            return new InitResult(error, -1L, (short) -1);
        }
    }

    /** One transactional id as the admin APIs show it. */
    public record TxnView(String transactionalId, TxnRecord record) {}

    /** The partitions of one {@code __transaction_state} partition: loaded (or loading) here. */
    private static final class Shard {
        final int partition;
        final int coordinatorEpoch;
        /** Guarded by this. */
        final Map<String, Txn> txns = new HashMap<>();

        volatile boolean active;
        volatile boolean closed;

        Shard(int partition, int coordinatorEpoch) {
            this.partition = partition;
            this.coordinatorEpoch = coordinatorEpoch;
        }
    }

    /** One transactional id: its durable record and the write in flight, if any. Guarded by its shard. */
    private static final class Txn {
        final String id;
        TxnRecord current;
        /** The record being written; while set, other transitions get CONCURRENT_TRANSACTIONS. */
        TxnRecord pending;
        /**
         * The producer id and epoch before the last bump, so a retried InitProducerId (KIP-360) gets the same
         * answer; the id differs from the current one when the bump ran out of epochs and took a new id.
         */
        long previousProducerId = -1;

        short previousEpoch = -1;

        Txn(String id, TxnRecord current) {
            this.id = id;
            this.current = current;
        }
    }

    private final Config config;
    private final CoordinatorLog stateLog;
    private final ProducerIds producerIds;
    private final MarkerWriter markers;
    private final String offsetsTopic;
    private final java.util.function.ToIntFunction<String> offsetsPartitionOfGroup;
    private final Time time;
    private final ScheduledExecutorService executor;
    private final Map<Integer, Shard> shards = new ConcurrentHashMap<>();

    /**
     * @param stateLog appends to {@code __transaction_state}
     * @param offsetsTopic the group coordinator's topic ({@code __consumer_offsets})
     * @param offsetsPartitionOfGroup the partition of {@code offsetsTopic} holding a group's offsets
     * @param executor runs completions, marker retries and the expiry timer
     */
    public TransactionCoordinator(
            Config config,
            CoordinatorLog stateLog,
            ProducerIds producerIds,
            MarkerWriter markers,
            String offsetsTopic,
            java.util.function.ToIntFunction<String> offsetsPartitionOfGroup,
            Time time,
            ScheduledExecutorService executor) {
        this.config = config;
        this.stateLog = stateLog;
        this.producerIds = producerIds;
        this.markers = markers;
        this.offsetsTopic = offsetsTopic;
        this.offsetsPartitionOfGroup = offsetsPartitionOfGroup;
        this.time = time;
        this.executor = executor;
    }

    /** Kafka's choice: {@code abs(transactionalId.hashCode()) % partitions}. */
    public int partitionFor(String transactionalId) {
        int hash = transactionalId.hashCode();
        return (hash == Integer.MIN_VALUE ? 0 : Math.abs(hash)) % config.stateTopicPartitions();
    }

    /** Aborts expired transactions and forgets idle transactional ids every {@code intervalMs}. */
    public void startTimers(long intervalMs) {
        executor.scheduleWithFixedDelay(
                () -> {
                    try {
                        abortTimedOutTransactions();
                        expireTransactionalIds();
                    } catch (RuntimeException e) {
                        log.error("transaction expiry failed", e);
                    }
                },
                intervalMs,
                intervalMs,
                TimeUnit.MILLISECONDS);
    }

    // ---- the client APIs ----

    /**
     * InitProducerId with a transactional id: a new producer id at epoch 0 for a new id, else the next epoch
     * (a new producer id when the epoch is spent), fencing the previous instance. An open transaction is aborted
     * first and CONCURRENT_TRANSACTIONS answered meanwhile; the client retries. With {@code expectedProducerId}
     * (KIP-360, not -1) the caller must be the current instance.
     */
    public CompletableFuture<InitResult> initProducerId(
            String transactionalId, int timeoutMs, long expectedProducerId, short expectedEpoch) {
        if (transactionalId.isEmpty()) {
            return CompletableFuture.completedFuture(InitResult.failed(Errors.INVALID_REQUEST));
        }
        if (timeoutMs <= 0 || timeoutMs > config.maxTimeoutMs()) {
            return CompletableFuture.completedFuture(InitResult.failed(Errors.INVALID_TRANSACTION_TIMEOUT));
        }
        Shard shard = shards.get(partitionFor(transactionalId));
        Errors status = status(shard);
        if (status != Errors.NONE) {
            return CompletableFuture.completedFuture(InitResult.failed(status));
        }
        synchronized (shard) {
            long nowMs = time.milliseconds();
            Txn txn = shard.txns.get(transactionalId);
            if (txn == null) {
                long producerId;
                try {
                    producerId = producerIds.nextProducerId();
                } catch (ApiException e) {
                    return CompletableFuture.completedFuture(InitResult.failed(e.error()));
                }
                txn = new Txn(
                        transactionalId,
                        new TxnRecord(producerId, (short) -1, timeoutMs, TransactionState.EMPTY, Set.of(), -1, nowMs));
                shard.txns.put(transactionalId, txn);
            }
            if (txn.pending != null) {
                return CompletableFuture.completedFuture(InitResult.failed(Errors.CONCURRENT_TRANSACTIONS));
            }
            TxnRecord current = txn.current;
            // KIP-360: an id whose metadata was just created (epoch -1, e.g. after transactional.id expiry) takes
            // any expected producer; Kafka's isValidProducerId case 1. A retry names the producer id and epoch
            // of before the bump it retries, which is the previous producer id when that bump ran out of epochs.
            if (expectedProducerId != -1 && current.producerEpoch() >= 0) {
                boolean isCurrent =
                        expectedProducerId == current.producerId() && expectedEpoch == current.producerEpoch();
                boolean isRetry = expectedProducerId == txn.previousProducerId && expectedEpoch == txn.previousEpoch;
                if (isRetry && current.state().isIdle()) {
                    return CompletableFuture.completedFuture(
                            new InitResult(Errors.NONE, current.producerId(), current.producerEpoch()));
                }
                if (!isCurrent) {
                    return CompletableFuture.completedFuture(InitResult.failed(Errors.PRODUCER_FENCED));
                }
            }
            if (current.state().isPrepare()) {
                return CompletableFuture.completedFuture(InitResult.failed(Errors.CONCURRENT_TRANSACTIONS));
            }
            if (current.state() == TransactionState.ONGOING) {
                abortWithFence(shard, txn);
                return CompletableFuture.completedFuture(InitResult.failed(Errors.CONCURRENT_TRANSACTIONS));
            }
            long producerId = current.producerId();
            short epoch = (short) (current.producerEpoch() + 1);
            if (current.producerEpoch() >= Short.MAX_VALUE - 1) {
                try {
                    producerId = producerIds.nextProducerId();
                } catch (ApiException e) {
                    return CompletableFuture.completedFuture(InitResult.failed(e.error()));
                }
                epoch = 0;
            }
            TxnRecord next = current.withProducer(producerId, epoch, timeoutMs, nowMs);
            Txn bumped = txn;
            // Kafka's lastProducerEpoch: only an epoch bump the current instance asked for may be retried; a new
            // instance (no expected epoch) clears it, so the instance it fenced cannot take the new epoch.
            short before = expectedProducerId != -1 ? current.producerEpoch() : (short) -1;
            long beforeId = current.producerId();
            return write(shard, txn, next).thenApply(error -> {
                if (error != Errors.NONE) {
                    return InitResult.failed(error);
                }
                synchronized (shard) {
                    bumped.previousProducerId = beforeId;
                    bumped.previousEpoch = before;
                }
                return new InitResult(Errors.NONE, next.producerId(), next.producerEpoch());
            });
        }
    }

    /** AddPartitionsToTxn: the partitions join the transaction, which is ONGOING from now on. */
    public CompletableFuture<Errors> addPartitions(
            String transactionalId, long producerId, short producerEpoch, Set<TopicPartition> partitions) {
        return forCurrentProducer(transactionalId, producerId, producerEpoch, (shard, txn) -> {
            TxnRecord current = txn.current;
            if (current.state().isPrepare()) {
                return CompletableFuture.completedFuture(Errors.CONCURRENT_TRANSACTIONS);
            }
            boolean ongoing = current.state() == TransactionState.ONGOING;
            if (ongoing && current.partitions().containsAll(partitions)) {
                return CompletableFuture.completedFuture(Errors.NONE);
            }
            Set<TopicPartition> all = new HashSet<>(ongoing ? current.partitions() : Set.of());
            all.addAll(partitions);
            long nowMs = time.milliseconds();
            return write(
                    shard,
                    txn,
                    current.with(TransactionState.ONGOING, all, ongoing ? current.startMs() : nowMs, nowMs));
        });
    }

    /**
     * AddPartitionsToTxn with VerifyOnly (KIP-890 part 1, a partition leader asking before it appends the first
     * transactional batch of a producer): whether each partition is in the ongoing transaction of {@code
     * producerId} at {@code producerEpoch}. Changes nothing. Each partition's answer: NONE when it is in the
     * transaction, TRANSACTION_ABORTABLE when it is not (no transaction open, or one without it); for all of them
     * NOT_COORDINATOR or COORDINATOR_LOAD_IN_PROGRESS, INVALID_REQUEST for an empty transactional id,
     * INVALID_PRODUCER_ID_MAPPING for another producer id, PRODUCER_FENCED for another epoch, and
     * CONCURRENT_TRANSACTIONS while the transaction's outcome is being written (Kafka's
     * handleVerifyPartitionsInTransaction; a write in flight is not waited for, as the partitions are recorded
     * once AddPartitionsToTxn's write is durable and dropped once the markers are).
     */
    public Map<TopicPartition, Errors> verifyPartitions(
            String transactionalId, long producerId, short producerEpoch, Set<TopicPartition> partitions) {
        Errors error;
        TxnRecord current = null;
        if (transactionalId == null || transactionalId.isEmpty()) {
            error = Errors.INVALID_REQUEST;
        } else {
            Shard shard = shards.get(partitionFor(transactionalId));
            error = status(shard);
            if (error == Errors.NONE) {
                synchronized (shard) {
                    Txn txn = shard.txns.get(transactionalId);
                    if (txn == null || txn.current.producerId() != producerId) {
                        error = Errors.INVALID_PRODUCER_ID_MAPPING;
                    } else if (txn.current.producerEpoch() != producerEpoch) {
                        error = Errors.PRODUCER_FENCED;
                    } else if (txn.current.state().isPrepare()) {
                        error = Errors.CONCURRENT_TRANSACTIONS;
                    } else {
                        current = txn.current;
                    }
                }
            }
        }
        Map<TopicPartition, Errors> errors = new HashMap<>();
        for (TopicPartition tp : partitions) {
            boolean inTransaction = current != null
                    && current.state() == TransactionState.ONGOING
                    && current.partitions().contains(tp);
            errors.put(tp, current == null ? error : inTransaction ? Errors.NONE : Errors.TRANSACTION_ABORTABLE);
        }
        return errors;
    }

    /** AddOffsetsToTxn: the group's {@code __consumer_offsets} partition joins the transaction. */
    public CompletableFuture<Errors> addOffsets(
            String transactionalId, long producerId, short producerEpoch, String groupId) {
        TopicPartition offsets = new TopicPartition(offsetsTopic, offsetsPartitionOfGroup.applyAsInt(groupId));
        return addPartitions(transactionalId, producerId, producerEpoch, Set.of(offsets));
    }

    /**
     * EndTxn: makes the outcome durable (PREPARE_COMMIT or PREPARE_ABORT) and answers; the markers follow. A
     * retry of an outcome already reached answers NONE; the other outcome, or ending with no transaction open,
     * is INVALID_TXN_STATE.
     */
    public CompletableFuture<Errors> endTxn(
            String transactionalId, long producerId, short producerEpoch, boolean commit) {
        return forCurrentProducer(transactionalId, producerId, producerEpoch, (shard, txn) -> {
            TxnRecord current = txn.current;
            switch (current.state()) {
                case ONGOING -> {
                    TxnRecord prepared = current.with(
                            commit ? TransactionState.PREPARE_COMMIT : TransactionState.PREPARE_ABORT,
                            current.partitions(),
                            current.startMs(),
                            time.milliseconds());
                    return write(shard, txn, prepared).thenApply(written -> {
                        if (written == Errors.NONE) {
                            writeMarkers(shard, txn, prepared, prepared.partitions());
                        }
                        return written;
                    });
                }
                case PREPARE_COMMIT, PREPARE_ABORT -> {
                    boolean same = commit == (current.state() == TransactionState.PREPARE_COMMIT);
                    return CompletableFuture.completedFuture(
                            same ? Errors.CONCURRENT_TRANSACTIONS : Errors.INVALID_TXN_STATE);
                }
                case COMPLETE_COMMIT, COMPLETE_ABORT -> {
                    boolean same = commit == (current.state() == TransactionState.COMPLETE_COMMIT);
                    return CompletableFuture.completedFuture(same ? Errors.NONE : Errors.INVALID_TXN_STATE);
                }
                default -> {
                    return CompletableFuture.completedFuture(Errors.INVALID_TXN_STATE);
                }
            }
        });
    }

    /**
     * Runs {@code action} under the shard's monitor once the transactional id is served here and the caller is its
     * current producer; otherwise answers why not (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS,
     * INVALID_PRODUCER_ID_MAPPING, PRODUCER_FENCED, CONCURRENT_TRANSACTIONS).
     */
    private CompletableFuture<Errors> forCurrentProducer(
            String transactionalId,
            long producerId,
            short producerEpoch,
            BiFunction<Shard, Txn, CompletableFuture<Errors>> action) {
        Shard shard = shards.get(partitionFor(transactionalId));
        Errors status = status(shard);
        if (status != Errors.NONE) {
            return CompletableFuture.completedFuture(status);
        }
        synchronized (shard) {
            Txn txn = shard.txns.get(transactionalId);
            Errors error = checkProducer(txn, producerId, producerEpoch);
            return error != Errors.NONE ? CompletableFuture.completedFuture(error) : action.apply(shard, txn);
        }
    }

    // ---- admin views ----

    /**
     * The transactional ids of the partitions loaded here (ListTransactions), or null while a partition of this
     * coordinator is still loading (the caller answers COORDINATOR_LOAD_IN_PROGRESS).
     */
    public List<TxnView> transactions() {
        List<TxnView> out = new ArrayList<>();
        for (Shard shard : shards.values()) {
            if (shard.closed) {
                continue;
            }
            if (!shard.active) {
                return null;
            }
            synchronized (shard) {
                for (Txn txn : shard.txns.values()) {
                    if (txn.current.producerEpoch() >= 0) {
                        out.add(new TxnView(txn.id, txn.current));
                    }
                }
            }
        }
        return out;
    }

    /** DescribeTransactions: NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, TRANSACTIONAL_ID_NOT_FOUND or NONE. */
    public Errors describe(String transactionalId, List<TxnView> out) {
        Shard shard = shards.get(partitionFor(transactionalId));
        Errors status = status(shard);
        if (status != Errors.NONE) {
            return status;
        }
        synchronized (shard) {
            Txn txn = shard.txns.get(transactionalId);
            if (txn == null || txn.current.producerEpoch() < 0) {
                return Errors.TRANSACTIONAL_ID_NOT_FOUND;
            }
            out.add(new TxnView(transactionalId, txn.current));
            return Errors.NONE;
        }
    }

    // ---- loading ----

    @Override
    public CoordinatorLoad scheduleLoad(int partition, int leaderEpoch) {
        Shard shard = new Shard(partition, leaderEpoch);
        Shard previous = shards.put(partition, shard);
        if (previous != null) {
            previous.closed = true;
        }
        return new CoordinatorLoad() {
            @Override
            public int partition() {
                return partition;
            }

            @Override
            public boolean isCancelled() {
                return shard.closed;
            }

            @Override
            public boolean run(Iterator<CoordinatorLogEntry> entries) {
                return replayAndActivate(shard, entries);
            }

            @Override
            public void cancel() {
                shards.remove(partition, shard);
                shard.closed = true;
            }
        };
    }

    /** The leader epoch is this coordinator's epoch, which markers carry: a new one means loading again. */
    @Override
    public boolean reloadsOnNewLeaderEpoch() {
        return true;
    }

    @Override
    public void unloadPartition(int partition) {
        Shard shard = shards.remove(partition);
        if (shard != null) {
            shard.closed = true;
        }
    }

    /** Unloads every partition; completions and retries still in flight find their shard closed. */
    public void shutdown() {
        for (Integer partition : new ArrayList<>(shards.keySet())) {
            unloadPartition(partition);
        }
    }

    private boolean replayAndActivate(Shard shard, Iterator<CoordinatorLogEntry> entries) {
        Map<String, TxnRecord> latest = new HashMap<>();
        int skipped = 0;
        while (!shard.closed && entries.hasNext()) {
            if (!(entries.next() instanceof CoordinatorLogEntry.Data data)) {
                continue; // __transaction_state has no transactional batches
            }
            CoordinatorRecord record = data.record();
            try {
                String id = TransactionLogRecords.readKey(record.key());
                TxnRecord value = TransactionLogRecords.readValue(record.value());
                if (value == null) {
                    latest.remove(id);
                } else {
                    latest.put(id, value);
                }
            } catch (CorruptRecordException | IllegalArgumentException e) {
                skipped++;
            }
        }
        if (skipped > 0) {
            log.warn("__transaction_state-{}: {} corrupt records skipped", shard.partition, skipped);
        }
        List<Txn> toComplete = new ArrayList<>();
        synchronized (shard) {
            if (shard.closed) {
                return false;
            }
            for (Map.Entry<String, TxnRecord> e : latest.entrySet()) {
                Txn txn = new Txn(e.getKey(), e.getValue());
                shard.txns.put(e.getKey(), txn);
                if (e.getValue().state().isPrepare()) {
                    toComplete.add(txn);
                }
            }
            shard.active = true;
        }
        for (Txn txn : toComplete) {
            writeMarkers(shard, txn, txn.current, txn.current.partitions());
        }
        return true;
    }

    // ---- expiry ----

    /** Aborts, with a bumped epoch that fences its producer, every transaction open longer than its timeout. */
    void abortTimedOutTransactions() {
        long nowMs = time.milliseconds();
        for (Shard shard : shards.values()) {
            if (!shard.active || shard.closed) {
                continue;
            }
            synchronized (shard) {
                for (Txn txn : shard.txns.values()) {
                    TxnRecord current = txn.current;
                    if (txn.pending == null
                            && current.state() == TransactionState.ONGOING
                            && nowMs > current.startMs() + current.timeoutMs()) {
                        log.info(
                                "aborting transaction of {} (producer {}, epoch {}): open longer than {} ms",
                                txn.id,
                                current.producerId(),
                                current.producerEpoch(),
                                current.timeoutMs());
                        abortWithFence(shard, txn);
                    }
                }
            }
        }
    }

    /** Forgets transactional ids idle for longer than {@code transactional.id.expiration.ms} (a tombstone). */
    void expireTransactionalIds() {
        long nowMs = time.milliseconds();
        for (Shard shard : shards.values()) {
            if (!shard.active || shard.closed) {
                continue;
            }
            synchronized (shard) {
                for (Txn txn : new ArrayList<>(shard.txns.values())) {
                    if (txn.pending == null
                            && txn.current.state().isIdle()
                            && nowMs - txn.current.lastUpdateMs() > config.idExpirationMs()) {
                        write(shard, txn, null);
                    }
                }
            }
        }
    }

    // ---- transitions ----

    /** Aborts the open transaction with the next epoch, so requests of the producer that opened it are fenced. */
    private void abortWithFence(Shard shard, Txn txn) {
        TxnRecord current = txn.current;
        TxnRecord fenced = new TxnRecord(
                current.producerId(),
                (short) (current.producerEpoch() + 1),
                current.timeoutMs(),
                TransactionState.PREPARE_ABORT,
                current.partitions(),
                current.startMs(),
                time.milliseconds());
        write(shard, txn, fenced).thenAccept(error -> {
            if (error == Errors.NONE) {
                writeMarkers(shard, txn, fenced, fenced.partitions());
            }
        });
    }

    /**
     * Writes {@code next} (null: a tombstone) for {@code txn}; on success it becomes the current record (a
     * tombstone removes the id). Call with the shard's monitor held and no write pending. Completes on the
     * executor with NONE or the error the client gets.
     */
    private CompletableFuture<Errors> write(Shard shard, Txn txn, TxnRecord next) {
        TxnRecord target = next == null ? txn.current : next;
        txn.pending = target;
        CompletableFuture<Void> appended;
        try {
            appended = stateLog.append(shard.partition, List.of(TransactionLogRecords.record(txn.id, next)));
        } catch (RuntimeException e) {
            appended = CompletableFuture.failedFuture(e);
        }
        return appended.handleAsync(
                (ok, failure) -> {
                    synchronized (shard) {
                        if (txn.pending == target) {
                            txn.pending = null;
                        }
                        if (shard.closed || shard.txns.get(txn.id) != txn) {
                            return Errors.NOT_COORDINATOR;
                        }
                        if (failure != null) {
                            return appendError(failure);
                        }
                        if (next == null) {
                            shard.txns.remove(txn.id);
                        } else {
                            txn.current = next;
                        }
                        return Errors.NONE;
                    }
                },
                executor());
    }

    /**
     * Has the markers of {@code prepared} written to {@code partitions}, retrying the retriable failures after a
     * backoff, then records the outcome complete. Stops when the shard is unloaded or the record moved on.
     */
    private void writeMarkers(Shard shard, Txn txn, TxnRecord prepared, Set<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            complete(shard, txn, prepared);
            return;
        }
        boolean commit = prepared.state() == TransactionState.PREPARE_COMMIT;
        CompletableFuture<Map<TopicPartition, Errors>> written;
        try {
            written = markers.write(
                    prepared.producerId(), prepared.producerEpoch(), shard.coordinatorEpoch, commit, partitions);
        } catch (RuntimeException e) {
            written = CompletableFuture.failedFuture(e);
        }
        written.whenCompleteAsync(
                (errors, failure) -> {
                    Set<TopicPartition> retry = new HashSet<>();
                    if (failure != null) {
                        log.warn("writing markers of {} failed; retrying", txn.id, failure);
                        retry.addAll(partitions);
                    } else {
                        for (TopicPartition tp : partitions) {
                            Errors error = errors.getOrDefault(tp, Errors.UNKNOWN_SERVER_ERROR);
                            if (isRetriableMarkerError(error)) {
                                retry.add(tp);
                            } else if (error != Errors.NONE) {
                                log.warn("marker of {} for {} not written ({}); not retried", txn.id, tp, error);
                            }
                        }
                    }
                    synchronized (shard) {
                        if (shard.closed || txn.current != prepared) {
                            return;
                        }
                    }
                    if (retry.isEmpty()) {
                        complete(shard, txn, prepared);
                    } else {
                        schedule(() -> writeMarkers(shard, txn, prepared, retry));
                    }
                },
                executor());
    }

    /** Records the transaction of {@code prepared} complete (its markers are all written). */
    private void complete(Shard shard, Txn txn, TxnRecord prepared) {
        synchronized (shard) {
            if (shard.closed || txn.current != prepared) {
                return;
            }
            if (txn.pending != null) {
                schedule(() -> complete(shard, txn, prepared));
                return;
            }
            TransactionState done = prepared.state() == TransactionState.PREPARE_COMMIT
                    ? TransactionState.COMPLETE_COMMIT
                    : TransactionState.COMPLETE_ABORT;
            write(shard, txn, prepared.with(done, Set.of(), prepared.startMs(), time.milliseconds()))
                    .thenAccept(error -> {
                        if (error != Errors.NONE && error != Errors.NOT_COORDINATOR) {
                            schedule(() -> complete(shard, txn, prepared));
                        }
                    });
        }
    }

    private void schedule(Runnable task) {
        try {
            executor.schedule(task, config.markerRetryBackoffMs(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("not retrying: the coordinator is stopping");
        }
    }

    private Executor executor() {
        return task -> {
            try {
                executor.execute(task);
            } catch (RejectedExecutionException e) {
                task.run(); // stopping: finish on the completing thread rather than lose the answer
            }
        };
    }

    // ---- checks ----

    private static Errors status(Shard shard) {
        if (shard == null || shard.closed) {
            return Errors.NOT_COORDINATOR;
        }
        return shard.active ? Errors.NONE : Errors.COORDINATOR_LOAD_IN_PROGRESS;
    }

    /** The producer must be the transactional id's current one: its id, and its epoch; no write may be pending. */
    private static Errors checkProducer(Txn txn, long producerId, short producerEpoch) {
        if (txn == null || txn.current.producerId() != producerId) {
            return Errors.INVALID_PRODUCER_ID_MAPPING;
        }
        if (txn.current.producerEpoch() != producerEpoch) {
            return Errors.PRODUCER_FENCED;
        }
        return txn.pending != null ? Errors.CONCURRENT_TRANSACTIONS : Errors.NONE;
    }

    /** Kafka's mapping of a failed append to {@code __transaction_state} to what the client is told. */
    private static Errors appendError(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        Errors error = cause instanceof ApiException api ? api.error() : Errors.UNKNOWN_SERVER_ERROR;
        return switch (error) {
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
            case UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND, REQUEST_TIMED_OUT ->
                Errors.COORDINATOR_NOT_AVAILABLE;
            default -> Errors.UNKNOWN_SERVER_ERROR;
        };
    }

    private static boolean isRetriableMarkerError(Errors error) {
        return switch (error) {
            case NONE,
                    UNKNOWN_TOPIC_OR_PARTITION,
                    INVALID_PRODUCER_EPOCH,
                    TRANSACTION_COORDINATOR_FENCED,
                    UNSUPPORTED_VERSION -> false;
            default -> true;
        };
    }
}
