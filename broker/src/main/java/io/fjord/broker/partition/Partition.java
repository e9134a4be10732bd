package io.fjord.broker.partition;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.Time;
import io.fjord.common.TopicPartition;
import io.fjord.common.Uuid;
import io.fjord.common.VerificationGuard;
import io.fjord.metadata.AlterPartitionItem;
import io.fjord.metadata.AlterPartitionResult;
import io.fjord.metadata.PartitionRegistration;
import io.fjord.protocol.MemoryRecords;
import io.fjord.protocol.record.CorruptRecordException;
import io.fjord.protocol.record.RecordBatch;
import io.fjord.protocol.record.RecordBatchDescriptor;
import io.fjord.storage.AppendOrigin;
import io.fjord.storage.EpochEndOffset;
import io.fjord.storage.LogAppendInfo;
import io.fjord.storage.UnifiedLog;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition this broker holds a replica of: its log, its leadership and ISR as the metadata says
 * ({@link PartitionState}), and, while this broker leads it, what each follower has fetched
 * ({@link FollowerReplica}). The leader's high watermark is the smallest log end offset over the maximal
 * ISR and the caught-up followers that may join it, never moves back, and stays put while the ISR is below
 * min.insync.replicas (capped at the replica count); the leader grows the ISR when a follower reaches the
 * high watermark and the start of the current leader epoch, and shrinks it when a follower has not caught
 * up for {@code replica.lag.time.max.ms}, each through one AlterPartition at a time. A follower's log is
 * written only by its replica fetcher ({@link #appendAsFollower}, {@link #truncateTo}).
 *
 * <p>Thread-safe. Leadership changes ({@link #makeLeader}, {@link #makeFollower}, on the metadata thread)
 * hold the write lock, so no append or fetch update runs against a half-changed state; appends and
 * follower fetches hold the read lock. The state, the follower map and the high watermark computation
 * are guarded by {@code stateLock}. Waiting requests are woken through the {@link Listener}, never while
 * a lock is held.
 */
public final class Partition {

    private static final Logger logger = LoggerFactory.getLogger(Partition.class);

    /** Where the requests waiting on this partition are woken. */
    public interface Listener {
        /** The high watermark moved: acks=all produces and consumer fetches may complete. */
        void onHighWatermarkMoved(TopicPartition tp);

        /** The leader's log end moved without the high watermark: replica fetches may complete. */
        void onLogEndOffsetMoved(TopicPartition tp);

        /** A follower's log start offset moved, and with it maybe the low watermark: DeleteRecords may complete. */
        void onLowWatermarkMoved(TopicPartition tp);
    }

    /** The settings of ISR management: replica.lag.time.max.ms and the wait after a failed AlterPartition. */
    public record IsrSettings(long replicaLagTimeMaxMs, long alterPartitionRetryBackoffMs) {}

    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final UnifiedLog log;
    private final int localBrokerId;
    private final Time time;
    private final IsrSettings settings;
    private final Listener listener;
    private final AlterPartitionChannel channel;
    private final ReentrantReadWriteLock leaderIsrLock = new ReentrantReadWriteLock();
    private final Object stateLock = new Object();
    private final Map<Integer, FollowerReplica> followers = new HashMap<>();
    private volatile PartitionState state = PartitionState.NONE;
    private volatile int minInsyncReplicas = 1;
    private volatile long leaderEpochStartOffset = -1L;
    private long alterRetryNotBeforeMs;

    Partition(
            TopicPartition topicPartition,
            Uuid topicId,
            UnifiedLog log,
            int localBrokerId,
            Time time,
            IsrSettings settings,
            Listener listener,
            AlterPartitionChannel channel) {
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.log = log;
        this.localBrokerId = localBrokerId;
        this.time = time;
        this.settings = settings;
        this.listener = listener;
        this.channel = channel;
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public Uuid topicId() {
        return topicId;
    }

    public UnifiedLog log() {
        return log;
    }

    public int leaderEpoch() {
        return state.leaderEpoch();
    }

    /** The leader the metadata names (-1 when none); only the leader serves clients. */
    public int leaderId() {
        return state.leaderId();
    }

    public boolean isLeader() {
        return state.leaderId() == localBrokerId;
    }

    /** The committed ISR. */
    public int[] isr() {
        return state.isr().clone();
    }

    /** Whether {@code brokerId} is in the committed ISR (Kafka's inSyncReplicaIds). */
    public boolean isInSync(int brokerId) {
        return PartitionState.contains(state.isr(), brokerId);
    }

    public int[] replicas() {
        return state.replicas().clone();
    }

    public long highWatermark() {
        return log.highWatermark();
    }

    public long logEndOffset() {
        return log.logEndOffset();
    }

    /** The last stable offset: what read_committed consumers may read below (KIP-98). */
    public long lastStableOffset() {
        return log.lastStableOffset();
    }

    // Visible for testing
    PartitionState state() {
        return state;
    }

    /**
     * Makes this broker the leader as {@code registration} says. A new leadership or leader epoch records
     * the epoch's start at the log end offset. A new leadership forgets what followers fetched (their log end
     * offsets are unknown until they fetch again, so the high watermark waits for them); a leader that stays
     * in a new epoch keeps it, as Kafka does. The same epoch with a newer partition epoch adopts the ISR the
     * controller committed. Returns whether the epoch is new.
     */
    public boolean makeLeader(PartitionRegistration registration, int minIsr) {
        boolean newEpoch;
        leaderIsrLock.writeLock().lock();
        try {
            this.minInsyncReplicas = minIsr;
            synchronized (stateLock) {
                PartitionState current = state;
                newEpoch = current.leaderId() != localBrokerId || registration.leaderEpoch() != current.leaderEpoch();
                if (!newEpoch && registration.partitionEpoch() <= current.partitionEpoch()) {
                    return false; // nothing new, or older than the ISR an AlterPartition answer gave us
                }
                state = new PartitionState(
                        localBrokerId,
                        registration.leaderEpoch(),
                        registration.partitionEpoch(),
                        registration.replicas(),
                        registration.isr(),
                        null);
                if (newEpoch) {
                    long logEndOffset = log.logEndOffset();
                    log.assignEpochStartOffset(registration.leaderEpoch(), logEndOffset);
                    leaderEpochStartOffset = logEndOffset;
                    if (current.leaderId() != localBrokerId) {
                        // A new leader learns where its followers are from their fetches. One that stays leader in a
                        // new epoch keeps what they fetched from it, as Kafka's resetReplicaState does.
                        followers.clear();
                    }
                }
                long nowMs = time.milliseconds();
                followers.keySet().removeIf(id -> !PartitionState.contains(state.replicas(), id));
                for (int id : state.replicas()) {
                    if (id == localBrokerId) {
                        continue;
                    }
                    long caughtUpMs = PartitionState.contains(state.isr(), id) ? nowMs : 0L;
                    FollowerReplica follower = followers.get(id);
                    if (follower == null) {
                        followers.put(id, new FollowerReplica(id, caughtUpMs));
                    } else if (newEpoch) {
                        follower.resetLastCaughtUp(caughtUpMs);
                    }
                }
            }
            if (newEpoch) {
                logger.info(
                        "{}: leader in epoch {} from offset {}, ISR {}",
                        topicPartition,
                        registration.leaderEpoch(),
                        leaderEpochStartOffset,
                        Arrays.toString(registration.isr()));
            }
        } finally {
            leaderIsrLock.writeLock().unlock();
        }
        wake(maybeIncrementHighWatermark());
        return newEpoch;
    }

    /**
     * Makes this broker a follower of {@code registration.leader()} (-1: no leader). Returns whether the
     * leader or its epoch changed, i.e. whether the caller must (re)start fetching and fail what waits.
     */
    public boolean makeFollower(PartitionRegistration registration, int minIsr) {
        leaderIsrLock.writeLock().lock();
        try {
            this.minInsyncReplicas = minIsr;
            synchronized (stateLock) {
                PartitionState current = state;
                boolean changed = current.leaderId() != registration.leader()
                        || current.leaderEpoch() != registration.leaderEpoch();
                state = new PartitionState(
                        registration.leader(),
                        registration.leaderEpoch(),
                        registration.partitionEpoch(),
                        registration.replicas(),
                        registration.isr(),
                        null);
                followers.clear();
                leaderEpochStartOffset = -1L;
                return changed;
            }
        } finally {
            leaderIsrLock.writeLock().unlock();
        }
    }

    /**
     * Appends a producer's batches as leader. With acks=all the ISR must hold at least {@code
     * min.insync.replicas} replicas before anything is written (NOT_ENOUGH_REPLICAS).
     */
    public LogAppendInfo appendAsLeader(MemoryRecords records, short requiredAcks) {
        return appendAsLeader(records, requiredAcks, AppendOrigin.CLIENT);
    }

    /**
     * {@link #appendAsLeader(MemoryRecords, short)} for a batch from {@code origin} (see {@link AppendOrigin}: a
     * coordinator's batch may be a control batch and is not held to producer sequence numbers).
     */
    public LogAppendInfo appendAsLeader(MemoryRecords records, short requiredAcks, AppendOrigin origin) {
        return appendAsLeader(records, requiredAcks, origin, null);
    }

    /**
     * {@link #appendAsLeader(MemoryRecords, short, AppendOrigin)} with transaction verification when {@code guard}
     * is not null (see {@link UnifiedLog#appendAsLeader(java.nio.ByteBuffer, int, AppendOrigin, VerificationGuard)}).
     */
    public LogAppendInfo appendAsLeader(
            MemoryRecords records, short requiredAcks, AppendOrigin origin, VerificationGuard guard) {
        return appendLeading(
                requiredAcks == -1, leaderEpoch -> log.appendAsLeader(records.buffer(), leaderEpoch, origin, guard));
    }

    /**
     * Runs {@code append} (given the leader epoch) while leading, under the leader lock: with {@code checkMinIsr}
     * the ISR must hold at least {@code min.insync.replicas} replicas first (NOT_ENOUGH_REPLICAS). Then moves the
     * high watermark if it can and wakes the requests waiting on this partition.
     */
    private LogAppendInfo appendLeading(boolean checkMinIsr, IntFunction<LogAppendInfo> append) {
        LogAppendInfo info;
        boolean hwMoved;
        leaderIsrLock.readLock().lock();
        try {
            PartitionState current = state;
            requireLeader(current);
            int minIsr = effectiveMinIsr(current);
            if (checkMinIsr && current.isr().length < minIsr) {
                throw new ApiException(
                        Errors.NOT_ENOUGH_REPLICAS,
                        "the ISR of " + topicPartition + " has " + current.isr().length
                                + " replicas, min.insync.replicas is " + minIsr);
            }
            info = append.apply(current.leaderEpoch());
            hwMoved = maybeIncrementHighWatermark();
        } finally {
            leaderIsrLock.readLock().unlock();
        }
        if (hwMoved) {
            listener.onHighWatermarkMoved(topicPartition);
        } else {
            listener.onLogEndOffsetMoved(topicPartition);
        }
        return info;
    }

    /**
     * Starts, as leader, the verification of producer {@code producerId}'s transactional batch (see {@link
     * UnifiedLog#maybeStartTransactionVerification}); NOT_LEADER_OR_FOLLOWER when this replica does not lead.
     */
    public VerificationGuard maybeStartTransactionVerification(long producerId, int sequence, short epoch) {
        leaderIsrLock.readLock().lock();
        try {
            requireLeader(state);
            return log.maybeStartTransactionVerification(producerId, sequence, epoch);
        } finally {
            leaderIsrLock.readLock().unlock();
        }
    }

    /**
     * Appends an end-transaction marker as leader (WriteTxnMarkers), which the caller then waits on like
     * an acks=all write: the ISR must hold at least {@code min.insync.replicas} replicas first
     * (NOT_ENOUGH_REPLICAS). See {@link UnifiedLog#appendEndTxnMarkerAsLeader} for the producer checks.
     */
    public LogAppendInfo appendEndTxnMarker(
            long producerId, short producerEpoch, int coordinatorEpoch, boolean committed) {
        return appendLeading(
                true,
                leaderEpoch -> log.appendEndTxnMarkerAsLeader(
                        producerId, producerEpoch, coordinatorEpoch, committed, leaderEpoch));
    }

    /**
     * Whether an acks=all write ending before {@code requiredOffset} is done: null while the high
     * watermark is short of it; NONE once it passed; NOT_ENOUGH_REPLICAS_AFTER_APPEND if it passed while
     * the ISR is below min.insync.replicas; NOT_LEADER_OR_FOLLOWER when this broker no longer leads.
     */
    public Errors acksAllStatus(long requiredOffset) {
        PartitionState current = state;
        if (current.leaderId() != localBrokerId) {
            return Errors.NOT_LEADER_OR_FOLLOWER;
        }
        if (log.highWatermark() < requiredOffset) {
            return null;
        }
        return current.maximalIsr().length >= effectiveMinIsr(current)
                ? Errors.NONE
                : Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND;
    }

    /**
     * Kafka's effectiveMinIsr: min.insync.replicas, but never more than the replicas there are (a topic with
     * fewer replicas than min.insync.replicas still takes acks=all writes once its whole ISR has them).
     */
    private int effectiveMinIsr(PartitionState current) {
        return Math.min(minInsyncReplicas, current.replicas().length);
    }

    /**
     * The leader's side of a follower fetch at {@code fetchOffset}: records the follower's position, grows
     * the ISR if it caught up, and moves the high watermark. NOT_LEADER_OR_FOLLOWER when this broker does
     * not lead or {@code replicaId} is not a replica.
     */
    public void updateFollowerFetchState(int replicaId, long fetchOffset, long followerLogStartOffset) {
        AlterPartitionItem expand;
        boolean hwMoved;
        boolean startMoved;
        leaderIsrLock.readLock().lock();
        try {
            synchronized (stateLock) {
                PartitionState current = state;
                requireLeader(current);
                FollowerReplica follower = followers.get(replicaId);
                if (follower == null) {
                    throw new ApiException(
                            Errors.NOT_LEADER_OR_FOLLOWER,
                            "broker " + replicaId + " is not a replica of " + topicPartition + " (replicas "
                                    + Arrays.toString(current.replicas()) + ", leader epoch " + current.leaderEpoch()
                                    + ")");
                }
                long nowMs = time.milliseconds();
                startMoved = followerLogStartOffset > follower.logStartOffset();
                follower.onFetch(fetchOffset, followerLogStartOffset, nowMs, log.logEndOffset());
                expand = maybeExpandIsr(current, follower, nowMs);
            }
            hwMoved = maybeIncrementHighWatermark();
        } finally {
            leaderIsrLock.readLock().unlock();
        }
        send(expand);
        wake(hwMoved);
        if (startMoved) {
            listener.onLowWatermarkMoved(topicPartition);
        }
    }

    /**
     * The low watermark, as Kafka's lowWatermarkIfLeader: the least log start offset over this leader's log and
     * the followers whose brokers are alive (registered and unfenced, what {@link
     * AlterPartitionChannel#isEligibleForIsr} asks), a follower that has not fetched since this broker became leader
     * counting as -1. A DeleteRecords is done once it reaches the offset deleted before. NOT_LEADER_OR_FOLLOWER when this
     * broker does not lead.
     */
    public long lowWatermarkIfLeader() {
        synchronized (stateLock) {
            requireLeader(state);
            long low = log.logStartOffset();
            for (FollowerReplica follower : followers.values()) {
                if (follower.logStartOffset() < low && channel.isEligibleForIsr(follower.brokerId())) {
                    low = follower.logStartOffset();
                }
            }
            return low;
        }
    }

    /** Caller holds stateLock. The AlterPartition to send when {@code follower} may join the ISR, else null. */
    private AlterPartitionItem maybeExpandIsr(PartitionState current, FollowerReplica follower, long nowMs) {
        if (current.pendingIsr() != null
                || PartitionState.contains(current.isr(), follower.brokerId())
                || nowMs < alterRetryNotBeforeMs) {
            return null;
        }
        long offset = follower.logEndOffset();
        if (offset < log.highWatermark() || offset < leaderEpochStartOffset) {
            return null;
        }
        if (!channel.isEligibleForIsr(follower.brokerId())) {
            return null;
        }
        int[] newIsr = Arrays.copyOf(current.isr(), current.isr().length + 1);
        newIsr[newIsr.length - 1] = follower.brokerId();
        return markPending(current, newIsr);
    }

    /**
     * Asks the controller to drop the followers that have not caught up with the log end offset for
     * replica.lag.time.max.ms (a periodic task of the replica manager). No-op on a follower or while an
     * AlterPartition is in flight.
     */
    public void maybeShrinkIsr() {
        AlterPartitionItem shrink = null;
        leaderIsrLock.readLock().lock();
        try {
            synchronized (stateLock) {
                PartitionState current = state;
                long nowMs = time.milliseconds();
                if (current.leaderId() != localBrokerId
                        || current.pendingIsr() != null
                        || nowMs < alterRetryNotBeforeMs) {
                    return;
                }
                long logEndOffset = log.logEndOffset();
                int[] newIsr = new int[current.isr().length];
                int n = 0;
                for (int id : current.isr()) {
                    FollowerReplica follower = followers.get(id);
                    boolean inSync = id == localBrokerId
                            || (follower != null
                                    && follower.isCaughtUp(logEndOffset, nowMs, settings.replicaLagTimeMaxMs()));
                    if (inSync) {
                        newIsr[n++] = id;
                    }
                }
                if (n < current.isr().length) {
                    shrink = markPending(current, Arrays.copyOf(newIsr, n));
                }
            }
        } finally {
            leaderIsrLock.readLock().unlock();
        }
        send(shrink);
    }

    /** Caller holds stateLock. */
    private AlterPartitionItem markPending(PartitionState current, int[] newIsr) {
        state = current.withPending(newIsr);
        logger.info(
                "{}: asking the controller to change the ISR from {} to {} (leader epoch {}, partition epoch {})",
                topicPartition,
                Arrays.toString(current.isr()),
                Arrays.toString(newIsr),
                current.leaderEpoch(),
                current.partitionEpoch());
        return new AlterPartitionItem(
                topicId, topicPartition.partition(), current.leaderEpoch(), current.partitionEpoch(), newIsr);
    }

    private void send(AlterPartitionItem item) {
        if (item == null) {
            return;
        }
        channel.alterPartition(item).whenComplete((result, failure) -> onAlterPartitionResult(item, result, failure));
    }

    /**
     * Applies the controller's answer to an AlterPartition this partition sent. Accepted: the committed ISR
     * and partition epoch become the answer's. FENCED_LEADER_EPOCH or INVALID_UPDATE_VERSION: this broker
     * acted on stale state, so the change stays pending until the next metadata for the partition. Any
     * other failure drops the change and allows another after the retry backoff.
     */
    private void onAlterPartitionResult(AlterPartitionItem item, AlterPartitionResult result, Throwable failure) {
        synchronized (stateLock) {
            PartitionState current = state;
            if (current.pendingIsr() == null
                    || current.leaderEpoch() != item.leaderEpoch()
                    || current.partitionEpoch() != item.partitionEpoch()
                    || !Arrays.equals(current.pendingIsr(), item.newIsr())) {
                return; // the metadata moved on meanwhile
            }
            Errors error = failure != null ? errorOf(failure) : result.error();
            if (error == Errors.NONE && result.partition() != null) {
                PartitionRegistration committed = result.partition();
                if (committed.leaderEpoch() == current.leaderEpoch()
                        && committed.partitionEpoch() > current.partitionEpoch()) {
                    state = current.withCommitted(committed.isr(), committed.partitionEpoch());
                    logger.info(
                            "{}: ISR is now {} (partition epoch {})",
                            topicPartition,
                            Arrays.toString(committed.isr()),
                            committed.partitionEpoch());
                } else {
                    state = current.withCommitted(current.isr(), current.partitionEpoch());
                }
            } else if (error == Errors.FENCED_LEADER_EPOCH || error == Errors.INVALID_UPDATE_VERSION) {
                logger.info("{}: AlterPartition refused with {}; waiting for newer metadata", topicPartition, error);
            } else {
                logger.warn(
                        "{}: AlterPartition to {} failed with {}; retrying later",
                        topicPartition,
                        Arrays.toString(item.newIsr()),
                        failure != null ? failure.toString() : error);
                state = current.withCommitted(current.isr(), current.partitionEpoch());
                alterRetryNotBeforeMs = time.milliseconds() + settings.alterPartitionRetryBackoffMs();
            }
        }
        wake(maybeIncrementHighWatermark());
    }

    /**
     * Moves the leader's high watermark to the smallest log end offset over the maximal ISR, never back;
     * returns whether it moved. A follower whose position is unknown in this epoch holds it where it is.
     */
    private boolean maybeIncrementHighWatermark() {
        synchronized (stateLock) {
            PartitionState current = state;
            if (current.leaderId() != localBrokerId) {
                return false;
            }
            if (current.isr().length < effectiveMinIsr(current)) {
                return false; // Kafka's isUnderMinIsr: nothing is committed while the ISR is too small
            }
            long logEndOffset = log.logEndOffset();
            long newHighWatermark = logEndOffset;
            int[] maximalIsr = current.maximalIsr();
            for (int id : maximalIsr) {
                if (id != localBrokerId) {
                    FollowerReplica follower = followers.get(id);
                    newHighWatermark = Math.min(
                            newHighWatermark,
                            follower == null ? FollowerReplica.UNKNOWN_OFFSET : follower.logEndOffset());
                }
            }
            // Kafka's shouldWaitForReplicaToJoinIsr: a caught-up follower that may join the ISR holds the high
            // watermark too, or under steady writes it would never reach it and never join.
            long nowMs = time.milliseconds();
            for (FollowerReplica follower : followers.values()) {
                if (!PartitionState.contains(maximalIsr, follower.brokerId())
                        && follower.logEndOffset() < newHighWatermark
                        && follower.isCaughtUp(logEndOffset, nowMs, settings.replicaLagTimeMaxMs())
                        && channel.isEligibleForIsr(follower.brokerId())) {
                    newHighWatermark = follower.logEndOffset();
                }
            }
            if (newHighWatermark > log.highWatermark()) {
                log.updateHighWatermark(newHighWatermark);
                return true;
            }
            return false;
        }
    }

    /**
     * Kafka's check of a fetch's last fetched epoch against this leader's epoch history: the epoch and end
     * offset to truncate to when the fetcher's log diverged, null when it did not. OFFSET_OUT_OF_RANGE when
     * the epoch's end cannot be determined or the offset is below the log start.
     */
    public EpochEndOffset divergingEpoch(int lastFetchedEpoch, long fetchOffset) {
        if (lastFetchedEpoch < 0) {
            return null;
        }
        EpochEndOffset end = log.endOffsetForEpoch(lastFetchedEpoch);
        if (end.leaderEpoch() < 0 || end.endOffset() < 0) {
            throw new ApiException(
                    Errors.OFFSET_OUT_OF_RANGE,
                    "cannot determine the end offset of epoch " + lastFetchedEpoch + " in " + topicPartition);
        }
        if (fetchOffset < log.logStartOffset()) {
            throw new ApiException(
                    Errors.OFFSET_OUT_OF_RANGE,
                    "offset " + fetchOffset + " is below the log start offset " + log.logStartOffset() + " of "
                            + topicPartition);
        }
        if (end.leaderEpoch() < lastFetchedEpoch || end.endOffset() < fetchOffset) {
            return end;
        }
        return null;
    }

    /** A follower's append of what it fetched from the leader. NOT_LEADER_OR_FOLLOWER on the leader. */
    public LogAppendInfo appendAsFollower(MemoryRecords records) {
        return asFollower(() -> {
            ByteBuffer buffer = records.buffer();
            long logEndOffset = log.logEndOffset();
            if (logEndOffset == log.logStartOffset() && buffer.remaining() >= RecordBatchDescriptor.HEADER_SIZE) {
                long first = buffer.getLong(buffer.position() + RecordBatchDescriptor.BASE_OFFSET_OFFSET);
                long last = lastOffset(buffer);
                if (first < logEndOffset && last >= logEndOffset) {
                    // Kafka's appendRecordsToFollowerOrFutureReplica: the leader's log start offset lies inside
                    // the first batch (DeleteRecords), and this empty log starts there; start it at the batch.
                    logger.info(
                            "{}: the first batch fetched starts at {}, below this empty log's start {}; starting there",
                            topicPartition,
                            first,
                            logEndOffset);
                    log.truncateFullyAndStartAt(first);
                }
            }
            return log.appendAsFollower(buffer);
        });
    }

    /** The last offset of the last whole batch in {@code buffer} (position to limit), or -1. */
    private static long lastOffset(ByteBuffer buffer) {
        long last = -1L;
        int p = buffer.position();
        while (buffer.limit() - p >= RecordBatchDescriptor.HEADER_SIZE) {
            RecordBatch batch;
            try {
                batch = RecordBatch.at(buffer, p);
            } catch (CorruptRecordException e) {
                break; // a partial batch at the end; the append checks it
            }
            last = batch.lastOffset();
            p += batch.sizeInBytes();
        }
        return last;
    }

    /**
     * A follower's high watermark: the leader's, as far as its own log reaches. When it moves up, consumer
     * fetches reading from this follower (KIP-392) are woken.
     */
    public void updateFollowerHighWatermark(long leaderHighWatermark) {
        long before = log.highWatermark();
        long after = asFollower(() -> log.updateHighWatermark(leaderHighWatermark)); // bounded by the log end
        wake(after > before);
    }

    /**
     * KIP-392 (RackAwareReplicaSelector): the replica a consumer in {@code clientRack} should read from at
     * {@code fetchOffset}, or -1 for this leader. The leader itself when it is in the client's rack;
     * otherwise the in-sync follower of that rack, alive, whose log holds the offset, with the largest log
     * end offset; none when no replica shares the rack.
     */
    public int preferredReadReplica(
            String clientRack, long fetchOffset, IntFunction<String> rackOf, IntPredicate isAlive) {
        if (clientRack == null || clientRack.isEmpty() || clientRack.equals(rackOf.apply(localBrokerId))) {
            return -1;
        }
        synchronized (stateLock) {
            PartitionState current = state;
            if (current.leaderId() != localBrokerId) {
                return -1;
            }
            int best = -1;
            long bestLogEndOffset = -1;
            for (int id : current.isr()) {
                FollowerReplica follower = followers.get(id);
                if (follower == null
                        || !clientRack.equals(rackOf.apply(id))
                        || !isAlive.test(id)
                        || follower.logEndOffset() < fetchOffset
                        || follower.logStartOffset() > fetchOffset) {
                    continue;
                }
                if (follower.logEndOffset() > bestLogEndOffset) {
                    best = id;
                    bestLogEndOffset = follower.logEndOffset();
                }
            }
            return best;
        }
    }

    /**
     * The log end offset when this replica last became leader, or -1 when it is not the leader: until the high
     * watermark reaches it, the end of what consumers may read is not known yet.
     */
    public long leaderEpochStartOffset() {
        return leaderEpochStartOffset;
    }

    /** A follower removes what diverged from the leader at and after {@code offset}. */
    public void truncateTo(long offset) {
        asFollower(() -> log.truncateTo(offset));
    }

    /** A follower follows the leader's log start offset forward (DeleteRecords, retention) up to its high watermark. */
    public void maybeAdvanceLogStartOffset(long offset) {
        asFollower(() -> offset > log.logStartOffset() && offset <= log.highWatermark()
                ? log.deleteRecordsBefore(offset)
                : log.logStartOffset());
    }

    /** A follower whose whole log lies outside the leader's restarts empty at the leader's log start. */
    public void truncateFullyAndStartAt(long offset) {
        asFollower(() -> {
            log.truncateFullyAndStartAt(offset);
            return offset;
        });
    }

    /** Runs a follower's write to its log, never concurrently with this replica becoming leader. */
    private <T> T asFollower(java.util.function.Supplier<T> write) {
        leaderIsrLock.readLock().lock();
        try {
            if (state.leaderId() == localBrokerId) {
                throw new ApiException(
                        Errors.NOT_LEADER_OR_FOLLOWER, "broker " + localBrokerId + " leads " + topicPartition + " now");
            }
            return write.get();
        } finally {
            leaderIsrLock.readLock().unlock();
        }
    }

    private static Errors errorOf(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        return cause instanceof ApiException api ? api.error() : Errors.UNKNOWN_SERVER_ERROR;
    }

    private void requireLeader(PartitionState current) {
        if (current.leaderId() != localBrokerId) {
            throw new ApiException(
                    Errors.NOT_LEADER_OR_FOLLOWER,
                    "broker " + localBrokerId + " is not the leader of " + topicPartition + "; its leader is broker "
                            + current.leaderId());
        }
    }

    private void wake(boolean highWatermarkMoved) {
        if (highWatermarkMoved) {
            listener.onHighWatermarkMoved(topicPartition);
        }
    }

    @Override
    public String toString() {
        return "Partition[" + topicPartition + ", " + state + ", highWatermark=" + log.highWatermark()
                + ", logEndOffset=" + log.logEndOffset() + "]";
    }
}
