package io.fjord.storage;

import static io.fjord.protocol.record.RecordBatchDescriptor.BASE_OFFSET_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.PARTITION_LEADER_EPOCH_OFFSET;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.Time;
import io.fjord.common.TopicPartition;
import io.fjord.common.VerificationGuard;
import io.fjord.protocol.record.RecordBatchDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The log of one partition: a directory {@code <topic>-<partition>} of {@link LogSegment}s, with the
 * producer state ({@link ProducerStateManager}), the leader-epoch cache ({@link LeaderEpochFileCache}),
 * the log start offset, the high watermark, the last stable offset and the recovery point (the offset
 * below which everything is fsynced).
 *
 * <p>Transactions (KIP-98): the last stable offset is the high watermark or, if lower, the first offset
 * of the oldest transaction that is still ongoing or whose end-transaction marker is not yet below the
 * high watermark (Kafka's first unstable offset); read_committed consumers read below it. Each ABORT
 * marker adds an entry to the transaction index of the segment it lands in; replaying the producer state
 * over recovered or truncated segments adds back the entries they lack.
 *
 * <pre>
 * | file in the directory            | owner                                        |
 * |----------------------------------|----------------------------------------------|
 * | NNNNNNNNNNNNNNNNNNNN.log/.index/.timeindex/.txnindex | {@link LogSegment}, one set per segment |
 * | NNNNNNNNNNNNNNNNNNNN.snapshot    | {@link ProducerStateManager}, state at offset N |
 * | leader-epoch-checkpoint          | {@link LeaderEpochFileCache}                 |
 * | partition.metadata               | {@link LogManager}: the topic id             |
 * </pre>
 *
 * <p>Threading: appends, rolls, truncation, retention and close are serialized by one lock. Reads
 * ({@link #read}, {@link #fetchOffsetByTimestamp}, the offsets) run concurrently: the segment map is a
 * concurrent map, and the log end offset (with its segment and file position) is published through a
 * volatile field after the bytes are written, so a reader never sees an offset whose bytes are missing.
 * fsync happens only on {@link #flush()} (called by the append thread when {@code flush.messages} is
 * reached, otherwise by the log manager's scheduler) and on close. Deleted segments stay readable for
 * {@code file.delete.delay.ms} when a scheduler is given. The first unstable offset is published (volatile)
 * before the log end offset that exposes the batch which changed it, so no reader, and no high watermark,
 * gets past an open transaction's first batch; the transactions whose markers wait for the high watermark
 * are guarded by their own monitor, since the high watermark moves without the log's lock.
 */
public final class UnifiedLog implements AutoCloseable {

    /** ListOffsets special timestamps. */
    public static final long LATEST_TIMESTAMP = -1L;

    public static final long EARLIEST_TIMESTAMP = -2L;
    public static final long MAX_TIMESTAMP = -3L;
    public static final long EARLIEST_LOCAL_TIMESTAMP = -4L;

    private final Path dir;
    private final TopicPartition topicPartition;
    private final Time time;
    private final ScheduledExecutorService scheduler;
    private final ReentrantLock lock = new ReentrantLock();
    private final Object flushLock = new Object();
    private final ConcurrentSkipListMap<Long, LogSegment> segments;
    private final ProducerStateManager producerState;
    private final LeaderEpochFileCache epochCache;
    private final AtomicLong unflushedMessages = new AtomicLong();
    private volatile LogConfig config;
    private volatile LogEnd end;
    private volatile long logStartOffset;
    private volatile long highWatermark;
    private volatile long recoveryPoint;
    private volatile long lastFlushMs;
    private volatile boolean closed;
    /** Bumped whenever segments are removed or truncated other than by the cleaner's own swap. */
    private volatile long segmentsGeneration;
    /** The lowest offset the log was truncated to since the cleaner last took it; Long.MAX_VALUE for none. */
    private final AtomicLong truncatedTo = new AtomicLong(Long.MAX_VALUE);
    /** Guards {@link #unreplicatedTxns} and the recomputation of {@link #firstUnstableOffset}. */
    private final Object stabilityLock = new Object();
    /** Completed transactions whose marker is not yet below the high watermark: first offset to marker offset. */
    private final TreeMap<Long, Long> unreplicatedTxns = new TreeMap<>();
    /** The producer state's oldest ongoing transaction (-1 none), copied out under the lock. */
    private volatile long firstOngoingTxnOffset = -1L;
    /** The first offset of the oldest unstable transaction, -1 when every transaction is decided. */
    private volatile long firstUnstableOffset = -1L;
    /** Where appends report the bytes they put in the page cache; set once, right after the log is opened. */
    private volatile PageCacheBudget pageCache = PageCacheBudget.OFF;

    private UnifiedLog(
            Path dir,
            LogConfig config,
            Time time,
            ScheduledExecutorService scheduler,
            LogCheckpoints start,
            boolean hadCleanShutdown) {
        this.dir = dir;
        this.topicPartition = parseTopicPartition(dir.getFileName().toString());
        this.config = config;
        this.time = time;
        this.scheduler = scheduler;
        this.lastFlushMs = time.milliseconds();
        this.producerState = new ProducerStateManager(dir);
        this.epochCache = new LeaderEpochFileCache(dir);
        LogLoader.LoadedSegments loaded = LogLoader.load(
                dir,
                config,
                time.milliseconds(),
                hadCleanShutdown,
                start.recoveryPoint(),
                start.logStartOffset(),
                batch -> {
                    epochCache.assign(batch.partitionLeaderEpoch(), batch.baseOffset());
                });
        this.segments = loaded.segments();
        if (loaded.startedOver()) {
            producerState.deleteAllSnapshots();
            epochCache.clear();
        }
        if (epochCache.rebuildNeeded()) {
            for (LogSegment segment : segments.values()) {
                segment.forEachBatch(
                        segment.baseOffset(),
                        batch -> epochCache.assign(batch.partitionLeaderEpoch(), batch.baseOffset()));
            }
        }
        LogSegment active = segments.lastEntry().getValue();
        this.end = new LogEnd(loaded.logEndOffset(), active, active.sizeInBytes());
        long leo = loaded.logEndOffset();
        this.logStartOffset = Math.min(Math.max(start.logStartOffset(), segments.firstKey()), leo);
        epochCache.truncateFromEnd(leo);
        epochCache.truncateFromStart(logStartOffset);
        epochCache.flush();
        rebuildProducerState(leo, loaded.recoveredFrom());
        this.highWatermark = Math.min(Math.max(start.highWatermark(), logStartOffset), leo);
        refreshFirstUnstableOffset();
        if (!hadCleanShutdown) {
            flush(); // what recovery kept is now durable: the next recovery starts here
        }
        this.recoveryPoint = leo;
    }

    /** Where a log resumes: the values the log manager checkpointed for it. */
    public record LogCheckpoints(long recoveryPoint, long logStartOffset, long highWatermark) {
        public static final LogCheckpoints NONE = new LogCheckpoints(0L, 0L, 0L);
    }

    /**
     * Opens (creating if needed) the log in {@code dir}, whose name must be {@code <topic>-<partition>}.
     * Without a clean shutdown, segments from the recovery point on are recovered.
     *
     * @param scheduler runs delayed segment deletion; null deletes files at once
     */
    public static UnifiedLog open(
            Path dir,
            LogConfig config,
            Time time,
            ScheduledExecutorService scheduler,
            boolean hadCleanShutdown,
            LogCheckpoints checkpoints) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create log directory " + dir, e);
        }
        return new UnifiedLog(dir, config, time, scheduler, checkpoints, hadCleanShutdown);
    }

    /** Reports this log's appends to {@code budget} from now on; returns this log. */
    UnifiedLog withPageCacheBudget(PageCacheBudget budget) {
        this.pageCache = budget;
        return this;
    }

    /** Opens a log as after a crash (full recovery), with no scheduler. */
    public static UnifiedLog open(Path dir, LogConfig config, Time time) {
        return open(dir, config, time, null, false, LogCheckpoints.NONE);
    }

    /** Parses a directory name {@code <topic>-<partition>}; the topic may itself contain '-'. */
    public static TopicPartition parseTopicPartition(String dirName) {
        int dash = dirName.lastIndexOf('-');
        if (dash <= 0 || dash == dirName.length() - 1) {
            throw new IllegalArgumentException("not a partition directory name: " + dirName);
        }
        try {
            return new TopicPartition(dirName.substring(0, dash), Integer.parseInt(dirName.substring(dash + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a partition directory name: " + dirName, e);
        }
    }

    /**
     * Loads the newest producer snapshot at or below both {@code leo} and {@code replayFrom} (the first
     * segment whose transaction index must be rebuilt) and replays the batches after it. Caller holds the
     * lock or is the constructor.
     */
    private void rebuildProducerState(long leo, long replayFrom) {
        synchronized (stabilityLock) {
            unreplicatedTxns.clear();
        }
        long snapshotOffset = producerState.loadLatestSnapshot(Math.min(leo, replayFrom));
        long from = Math.max(snapshotOffset, segments.firstKey());
        if (snapshotOffset < segments.firstKey()) {
            producerState.clear();
        }
        if (from < leo) {
            Long first = segments.floorKey(from);
            for (LogSegment segment : segments.tailMap(first == null ? segments.firstKey() : first, true)
                    .values()) {
                segment.forEachBatch(from, batch -> replayBatch(segment, batch));
            }
        }
        firstOngoingTxnOffset = producerState.firstOngoingTxnOffset();
    }

    /** Applies a batch already in {@code segment} to the producer state. Caller holds the lock. */
    private void replayBatch(LogSegment segment, FileBatchCursor batch) {
        ProducerStateManager.CompletedTxn txn = producerState.onBatchFromLog(batch);
        if (txn != null) {
            onTxnCompleted(segment, txn);
        }
    }

    /**
     * A marker in {@code segment} ended {@code txn}: an abort goes into the segment's transaction index,
     * and the transaction stays unstable until the high watermark passes its marker. Caller holds the lock.
     */
    private void onTxnCompleted(LogSegment segment, ProducerStateManager.CompletedTxn txn) {
        if (txn.aborted()) {
            segment.txnIndex()
                    .append(new AbortedTxn(
                            txn.producerId(),
                            txn.firstOffset(),
                            txn.lastOffset(),
                            producerState.lastStableOffset(txn)));
        }
        synchronized (stabilityLock) {
            unreplicatedTxns.put(txn.firstOffset(), txn.lastOffset());
        }
    }

    /**
     * Publishes the producer state's oldest ongoing transaction, then recomputes the first unstable
     * offset. Caller holds the lock, and calls it before publishing the log end offset of the batch.
     */
    private void publishTxnState() {
        firstOngoingTxnOffset = producerState.firstOngoingTxnOffset();
        refreshFirstUnstableOffset();
    }

    /** Drops the completed transactions whose marker is below the high watermark; recomputes. Any thread. */
    private void refreshFirstUnstableOffset() {
        synchronized (stabilityLock) {
            long hw = highWatermark;
            unreplicatedTxns.values().removeIf(markerOffset -> markerOffset < hw);
            long ongoing = firstOngoingTxnOffset;
            long unreplicated = unreplicatedTxns.isEmpty() ? -1L : unreplicatedTxns.firstKey();
            if (ongoing < 0) {
                firstUnstableOffset = unreplicated;
            } else {
                firstUnstableOffset = unreplicated < 0 ? ongoing : Math.min(ongoing, unreplicated);
            }
        }
    }

    public Path dir() {
        return dir;
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public LogConfig config() {
        return config;
    }

    public void updateConfig(LogConfig newConfig) {
        config = newConfig;
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    public long logEndOffset() {
        return end.offset();
    }

    public long highWatermark() {
        return highWatermark;
    }

    /**
     * The last stable offset (KIP-98): the high watermark, or the first offset of the oldest transaction
     * not yet decided and replicated when that is lower; never below the log start offset. A
     * read_committed consumer reads below it.
     */
    public long lastStableOffset() {
        long hw = highWatermark;
        long unstable = firstUnstableOffset;
        long lso = unstable < 0 ? hw : Math.min(hw, unstable);
        return Math.max(lso, logStartOffset);
    }

    /**
     * The aborted transactions overlapping the records of {@code read} (from its fetch offset to the first
     * offset after its last batch), which a read_committed fetch names so the consumer drops their
     * records. Empty for an empty read. Any thread.
     */
    public List<AbortedTxn> abortedTransactions(FetchDataInfo read) {
        FileRecords records = read.records();
        if (records.sizeInBytes() == 0) {
            return List.of();
        }
        return abortedTransactions(read.fetchOffset(), offsetAfter(records, read.fetchOffset()));
    }

    /**
     * The first offset after the batches of {@code records}, a slice of one segment: the base offset of
     * the batch that follows it there, else the next segment's base offset, else the log end offset.
     */
    private long offsetAfter(FileRecords records, long fetchOffset) {
        int endPosition = records.position() + records.sizeInBytes();
        Long from = segments.floorKey(fetchOffset);
        for (Map.Entry<Long, LogSegment> entry : (from == null ? segments : segments.tailMap(from, true)).entrySet()) {
            LogSegment segment = entry.getValue();
            if (segment.channel() != records.channel()) {
                continue;
            }
            if (endPosition + RecordBatchDescriptor.LOG_OVERHEAD <= segment.sizeInBytes()) {
                ByteBuffer baseOffset = ByteBuffer.allocate(8);
                try {
                    int n = 0;
                    while (n >= 0 && baseOffset.hasRemaining()) {
                        n = records.channel().read(baseOffset, endPosition + baseOffset.position());
                    }
                } catch (IOException e) {
                    return end.offset(); // the segment went away meanwhile: bound by the log end
                }
                if (!baseOffset.hasRemaining()) {
                    return baseOffset.getLong(0);
                }
            }
            Long next = segments.higherKey(entry.getKey());
            return next != null ? next : end.offset();
        }
        return end.offset();
    }

    /**
     * The aborted transactions overlapping [{@code fetchOffset}, {@code upperBoundOffset}), in marker
     * order: a read_committed fetch names them so the consumer drops their records. Any thread.
     */
    public List<AbortedTxn> abortedTransactions(long fetchOffset, long upperBoundOffset) {
        List<AbortedTxn> out = new ArrayList<>();
        Long from = segments.floorKey(fetchOffset);
        for (LogSegment segment : (from == null ? segments : segments.tailMap(from, true)).values()) {
            if (segment.txnIndex().collect(fetchOffset, upperBoundOffset, out)) {
                break;
            }
        }
        return out;
    }

    /** The offset below which every byte is fsynced. */
    public long recoveryPoint() {
        return recoveryPoint;
    }

    public long lastFlushTimeMs() {
        return lastFlushMs;
    }

    public int latestEpoch() {
        return epochCache.latestEpoch();
    }

    public int numberOfSegments() {
        return segments.size();
    }

    /** The base offset of the active segment. */
    public long activeSegmentBaseOffset() {
        return segments.lastKey();
    }

    /** The bytes of all segments. */
    public long size() {
        long total = 0;
        for (LogSegment s : segments.values()) {
            total += s.sizeInBytes();
        }
        return total;
    }

    /**
     * Sets the high watermark, kept within [log start offset, log end offset]; returns the value set.
     * Transactions whose marker it passes become stable.
     */
    public long updateHighWatermark(long offset) {
        long hw = Math.min(Math.max(offset, logStartOffset), end.offset());
        highWatermark = hw;
        refreshFirstUnstableOffset();
        return hw;
    }

    /**
     * Validates a producer's batch ({@code records} from position to limit, exactly one batch v2), checks
     * the idempotent producer's state, assigns offsets by patching baseOffset and partitionLeaderEpoch in
     * place, and appends it. A retry of one of the producer's last 5 batches appends nothing and returns
     * the offsets the batch got the first time.
     *
     * @throws ApiException with the Kafka error to return
     */
    public LogAppendInfo appendAsLeader(ByteBuffer records, int leaderEpoch) {
        return appendAsLeader(records, leaderEpoch, AppendOrigin.CLIENT);
    }

    /**
     * {@link #appendAsLeader(ByteBuffer, int)} for a batch from {@code origin}: a {@link AppendOrigin#COORDINATOR}
     * batch may be a control batch, and only its producer epoch is checked, not its sequence numbers.
     */
    public LogAppendInfo appendAsLeader(ByteBuffer records, int leaderEpoch, AppendOrigin origin) {
        return appendAsLeader(records, leaderEpoch, origin, null);
    }

    /**
     * {@link #appendAsLeader(ByteBuffer, int, AppendOrigin)} with transaction verification (KIP-890 part 1) when
     * {@code guard} is not null: a transactional data batch must then continue its producer's ongoing transaction
     * here, or carry the guard {@link #maybeStartTransactionVerification} placed, still uncleared (else
     * INVALID_TXN_STATE; see {@link ProducerStateManager#checkVerified}). {@link VerificationGuard#NONE} is
     * the guard of an append that expects the transaction to be ongoing. Null skips the check (verification off).
     */
    public LogAppendInfo appendAsLeader(
            ByteBuffer records, int leaderEpoch, AppendOrigin origin, VerificationGuard guard) {
        lock.lock();
        try {
            ensureOpen();
            LogConfig cfg = config;
            long nowMs = time.milliseconds();
            LogValidator.ValidatedBatch batch =
                    LogValidator.validate(records, cfg, nowMs, topicPartition.toString(), origin);
            if (batch.sizeInBytes() > cfg.segmentBytes()) {
                throw new ApiException(
                        Errors.RECORD_LIST_TOO_LARGE,
                        "batch of " + batch.sizeInBytes() + " bytes is larger than segment.bytes " + cfg.segmentBytes()
                                + " of " + topicPartition);
            }
            if (batch.hasProducerId() && origin == AppendOrigin.COORDINATOR) {
                producerState.checkEpoch(batch.producerId(), batch.producerEpoch(), topicPartition.toString());
                if (batch.transactional() && guard != null) {
                    producerState.checkVerified(
                            batch.producerId(),
                            batch.producerEpoch(),
                            batch.baseSequence(),
                            guard,
                            topicPartition.toString());
                }
            } else if (batch.hasProducerId()) {
                ProducerStateManager.BatchMetadata duplicate = producerState.checkAppend(
                        batch.producerId(),
                        batch.producerEpoch(),
                        batch.baseSequence(),
                        batch.lastSequence(),
                        batch.transactional(),
                        guard,
                        topicPartition.toString());
                if (duplicate != null) {
                    return new LogAppendInfo(
                            duplicate.firstOffset(),
                            duplicate.lastOffset(),
                            cfg.logAppendTime() ? duplicate.timestampMs() : -1L,
                            logStartOffset,
                            batch.recordCount());
                }
            }
            return appendValidated(batch.buffer(), batch, leaderEpoch, cfg, nowMs);
        } catch (UncheckedIOException e) {
            throw new ApiException(
                    Errors.KAFKA_STORAGE_ERROR, "cannot append to " + topicPartition + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts, as leader, the verification of a transactional batch of {@code producerId} at {@code sequence} and
     * {@code epoch} before the leader asks the transaction coordinator (KIP-890 part 1): returns the guard to
     * append with once the coordinator confirmed the partition is in the producer's transaction, or {@link
     * VerificationGuard#NONE} when its transaction is already ongoing here and the batch needs no verification.
     * Batches that wait on one verification share its guard; any transactional batch or marker of the producer
     * clears it.
     */
    public VerificationGuard maybeStartTransactionVerification(long producerId, int sequence, short epoch) {
        lock.lock();
        try {
            ensureOpen();
            return producerState.maybeStartVerification(producerId, sequence, epoch, time.milliseconds());
        } finally {
            lock.unlock();
        }
    }

    private LogAppendInfo appendValidated(
            ByteBuffer records, LogValidator.ValidatedBatch batch, int leaderEpoch, LogConfig cfg, long nowMs) {
        long firstOffset = end.offset();
        long lastOffset = firstOffset + batch.lastOffsetDelta();
        LogSegment segment = writeAtLogEnd(
                records, batch.position(), batch.sizeInBytes(), lastOffset, batch.maxTimestampMs(), leaderEpoch);
        if (batch.hasProducerId()) {
            producerState.update(
                    batch.producerId(),
                    batch.producerEpoch(),
                    batch.baseSequence(),
                    batch.lastSequence(),
                    firstOffset,
                    lastOffset,
                    batch.maxTimestampMs(),
                    batch.transactional());
            publishTxnState();
        }
        end = new LogEnd(lastOffset + 1, segment, segment.sizeInBytes());
        maybeFlushAfterAppend(batch.recordCount(), cfg);
        return new LogAppendInfo(
                firstOffset, lastOffset, cfg.logAppendTime() ? nowMs : -1L, logStartOffset, batch.recordCount());
    }

    /**
     * Writes the batch at {@code pos} of {@code records} at the log end offset, patching its base offset
     * and leader epoch, rolling first if needed; returns the segment it went to. The log end offset is
     * not published yet. Caller holds the lock.
     */
    private LogSegment writeAtLogEnd(
            ByteBuffer records, int pos, int sizeInBytes, long lastOffset, long maxTimestampMs, int leaderEpoch) {
        long firstOffset = end.offset();
        records.putLong(pos + BASE_OFFSET_OFFSET, firstOffset);
        records.putInt(pos + PARTITION_LEADER_EPOCH_OFFSET, leaderEpoch);
        ByteBuffer slice = records.duplicate();
        slice.limit(pos + sizeInBytes).position(pos);
        if (epochCache.assign(leaderEpoch, firstOffset)) {
            epochCache.writeCheckpoint(false); // fsynced by the next flush, rebuilt by recovery if torn
        }
        LogSegment segment = maybeRoll(sizeInBytes, maxTimestampMs, lastOffset);
        segment.append(firstOffset, lastOffset, maxTimestampMs, lastOffset, slice);
        pageCache.onAppended(segment, false);
        return segment;
    }

    /**
     * Appends, as leader in {@code leaderEpoch}, the end-transaction marker of producer {@code producerId}
     * (KIP-98's WriteTxnMarkers): a COMMIT makes its ongoing transaction's records visible to
     * read_committed consumers once the marker is below the high watermark; an ABORT also records the
     * transaction in the transaction index. The producer moves to {@code producerEpoch}, fencing older
     * epochs. A producer without an ongoing transaction still gets the marker, which then changes nothing
     * else (as in Kafka).
     *
     * @throws ApiException INVALID_PRODUCER_EPOCH when {@code producerEpoch} is older than the producer's,
     *     TRANSACTION_COORDINATOR_FENCED when {@code coordinatorEpoch} is older than its last marker's
     */
    public LogAppendInfo appendEndTxnMarkerAsLeader(
            long producerId, short producerEpoch, int coordinatorEpoch, boolean committed, int leaderEpoch) {
        lock.lock();
        try {
            ensureOpen();
            producerState.checkMarker(producerId, producerEpoch, coordinatorEpoch, topicPartition.toString());
            long nowMs = time.milliseconds();
            ByteBuffer batch = new EndTxnMarker(committed, coordinatorEpoch).toBatch(producerId, producerEpoch, nowMs);
            long offset = end.offset();
            LogSegment segment = writeAtLogEnd(batch, 0, batch.remaining(), offset, nowMs, leaderEpoch);
            ProducerStateManager.CompletedTxn txn =
                    producerState.completeTxn(producerId, producerEpoch, coordinatorEpoch, offset, committed, nowMs);
            if (txn != null) {
                onTxnCompleted(segment, txn);
            }
            publishTxnState();
            end = new LogEnd(offset + 1, segment, segment.sizeInBytes());
            maybeFlushAfterAppend(1, config);
            return new LogAppendInfo(offset, offset, -1L, logStartOffset, 1);
        } catch (UncheckedIOException e) {
            throw new ApiException(
                    Errors.KAFKA_STORAGE_ERROR, "cannot append to " + topicPartition + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends batches a leader already assigned offsets to (a follower fetch): every batch is checked for
     * length, magic and CRC (CORRUPT_MESSAGE) and its offsets must follow the log end offset
     * (INVALID_RECORD). Returns the first and last offsets appended, or null for an empty buffer.
     */
    public LogAppendInfo appendAsFollower(ByteBuffer records) {
        lock.lock();
        try {
            ensureOpen();
            FollowerBatches batches = FollowerBatches.check(records, end.offset(), topicPartition.toString());
            if (batches == null) {
                return null;
            }
            LogSegment segment = maybeRoll(records.remaining(), batches.maxTimestampMs(), batches.lastOffset());
            int base = records.position();
            for (int p = base; p < records.limit(); p += Batches.sizeInBytes(records, p)) {
                int epoch = records.getInt(p + PARTITION_LEADER_EPOCH_OFFSET);
                if (epochCache.assign(epoch, Batches.baseOffset(records, p))) {
                    epochCache.writeCheckpoint(false);
                }
            }
            int startPosition = segment.sizeInBytes();
            segment.append(
                    batches.firstOffset(),
                    batches.lastOffset(),
                    batches.maxTimestampMs(),
                    batches.offsetOfMaxTimestamp(),
                    records.duplicate());
            pageCache.onAppended(segment, false);
            FileBatchCursor cursor = new FileBatchCursor(segment.channel(), startPosition, segment.sizeInBytes());
            while (cursor.next(false)) {
                replayBatch(segment, cursor);
            }
            publishTxnState();
            end = new LogEnd(batches.lastOffset() + 1, segment, segment.sizeInBytes());
            maybeFlushAfterAppend(batches.recordCount(), config);
            return new LogAppendInfo(
                    batches.firstOffset(), batches.lastOffset(), -1L, logStartOffset, batches.recordCount());
        } finally {
            lock.unlock();
        }
    }

    private void maybeFlushAfterAppend(int records, LogConfig cfg) {
        if (unflushedMessages.addAndGet(records) >= cfg.flushMessages()) {
            flush();
        }
    }

    private LogSegment maybeRoll(int messagesSize, long maxTimestampMs, long maxOffset) {
        LogSegment active = end.segment();
        LogConfig cfg = config;
        long nowMs = time.milliseconds();
        boolean full = active.sizeInBytes() > cfg.segmentBytes() - messagesSize;
        boolean old =
                active.sizeInBytes() > 0 && active.timeWaitedForRollMs(nowMs, maxTimestampMs) > cfg.maxSegmentMs();
        boolean overflow = maxOffset - active.baseOffset() > Integer.MAX_VALUE;
        if (full || old || overflow || active.indexesNearlyFull()) {
            return roll();
        }
        return active;
    }

    /** Starts a new active segment at the log end offset. Caller holds the lock. */
    private LogSegment roll() {
        LogEnd current = end;
        long newBase = current.offset();
        LogSegment old = current.segment();
        if (old.baseOffset() == newBase && old.sizeInBytes() == 0) {
            return old;
        }
        old.onBecomeInactiveSegment();
        pageCache.onAppended(old, true);
        LogSegment segment = LogSegment.open(dir, newBase, config, time.milliseconds(), true);
        segments.put(newBase, segment);
        producerState.takeSnapshot(newBase, false); // no fsync here: a torn snapshot is detected and replayed
        end = new LogEnd(newBase, segment, 0);
        return segment;
    }

    /** Rolls the active segment now if it holds any data (for tests and admin tools). */
    public void forceRoll() {
        lock.lock();
        try {
            ensureOpen();
            roll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whole batches starting with the one holding {@code startOffset}, at most {@code maxBytes} (or the
     * first batch whole when {@code minOneMessage}), none at or past {@code maxOffsetExclusive}. Never
     * copies record bytes.
     *
     * @throws ApiException OFFSET_OUT_OF_RANGE outside [log start offset, log end offset]
     */
    public FetchDataInfo read(long startOffset, int maxBytes, long maxOffsetExclusive, boolean minOneMessage) {
        return LogReads.read(
                segments,
                end,
                logStartOffset,
                topicPartition,
                startOffset,
                maxBytes,
                maxOffsetExclusive,
                minOneMessage);
    }

    /**
     * ListOffsets: the first offset whose timestamp is at least {@code timestampMs}, or for the special
     * values EARLIEST (-2), EARLIEST_LOCAL (-4), LATEST (-1) and MAX_TIMESTAMP (-3, the first offset with
     * the largest timestamp). Empty when no record is that recent or the special value is unknown.
     */
    public Optional<TimestampAndOffset> fetchOffsetByTimestamp(long timestampMs) {
        return LogReads.offsetByTimestamp(
                segments, end, logStartOffset, epochCache, timestampMs, maxDecompressedBytes());
    }

    private int maxDecompressedBytes() {
        return Batches.maxDecompressedBytes(config.maxMessageBytes());
    }

    /**
     * Records that {@code leaderEpoch} starts at {@code startOffset} (a replica becoming leader writes its
     * epoch's start before any batch of that epoch, so followers' OffsetForLeaderEpoch and diverging-epoch
     * answers see where the previous epoch ended). No-op unless the epoch is newer than the latest.
     */
    public void assignEpochStartOffset(int leaderEpoch, long startOffset) {
        lock.lock();
        try {
            ensureOpen();
            if (epochCache.assign(leaderEpoch, startOffset)) {
                epochCache.flush();
            }
        } finally {
            lock.unlock();
        }
    }

    /** OffsetForLeaderEpoch: see {@link LeaderEpochFileCache#endOffsetFor}. */
    public EpochEndOffset endOffsetForEpoch(int leaderEpoch) {
        return epochCache.endOffsetFor(leaderEpoch, end.offset());
    }

    /**
     * Advances the log start offset to {@code offset} (DeleteRecords) and deletes the segments wholly
     * below it. Returns the new log start offset.
     *
     * @throws ApiException OFFSET_OUT_OF_RANGE above the high watermark
     */
    public long deleteRecordsBefore(long offset) {
        lock.lock();
        try {
            ensureOpen();
            if (offset > highWatermark || offset < 0) {
                throw new ApiException(
                        Errors.OFFSET_OUT_OF_RANGE,
                        "cannot delete records of " + topicPartition + " before " + offset + ": the high watermark is "
                                + highWatermark);
            }
            if (offset > logStartOffset) {
                logStartOffset = offset;
                epochCache.truncateFromStart(offset);
                epochCache.writeCheckpoint(false);
            }
            deleteSegments(SegmentDeletion.below(logStartOffset));
            return logStartOffset;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Retention: deletes segments whose largest timestamp is older than retention.ms, then the oldest
     * while the log exceeds retention.bytes (both only when cleanup.policy contains delete), then those
     * below the log start offset. Only segments wholly
     * below the high watermark go; offsets continue (an empty segment is rolled at the log end offset when
     * every segment goes). Returns the number of segments deleted.
     */
    public int deleteOldSegments() {
        lock.lock();
        try {
            if (closed) {
                return 0;
            }
            LogConfig cfg = config;
            long nowMs = time.milliseconds();
            int deleted = 0;
            if (cfg.delete() && cfg.retentionMs() >= 0) {
                deleted += deleteSegments(SegmentDeletion.olderThan(cfg.retentionMs(), nowMs));
            }
            if (cfg.delete() && cfg.retentionBytes() >= 0) {
                deleted += deleteSegments(SegmentDeletion.oldestBytes(size() - cfg.retentionBytes()));
            }
            deleted += deleteSegments(SegmentDeletion.below(logStartOffset));
            return deleted;
        } finally {
            lock.unlock();
        }
    }

    private int deleteSegments(SegmentDeletion.Predicate predicate) {
        List<LogSegment> all = new ArrayList<>(segments.values());
        List<LogSegment> deletable = SegmentDeletion.deletable(all, end.offset(), highWatermark, predicate);
        if (deletable.isEmpty()) {
            return 0;
        }
        if (deletable.size() == all.size()) {
            roll();
        }
        segmentsGeneration++;
        for (LogSegment s : deletable) {
            segments.remove(s.baseOffset());
            s.markForDeletion();
            scheduleFileDeletion(s);
        }
        long newStart = Math.max(logStartOffset, segments.firstKey());
        logStartOffset = newStart;
        // No high watermark write here: only whole segments below it are deleted, so newStart <= it, and a
        // write-back could undo an advance made meanwhile by the partition.
        epochCache.truncateFromStart(newStart);
        epochCache.flush();
        producerState.deleteSnapshotsBefore(segments.firstKey());
        return deletable.size();
    }

    /** Changes whenever segments are deleted or truncated; the cleaner swaps only if it did not. */
    long segmentsGeneration() {
        return segmentsGeneration;
    }

    /**
     * The lowest offset this log was truncated to (a follower diverged, or started over) since the last call,
     * or Long.MAX_VALUE: the cleaner lowers its checkpoint to it, since what was cleaned at and past it is gone.
     */
    long takeTruncatedTo() {
        return truncatedTo.getAndSet(Long.MAX_VALUE);
    }

    /**
     * For each producer the partition remembers, its newest data batch and its epoch: the cleaner keeps
     * that batch (if empty), or the markers of that epoch when it has none, so the producer's sequence and
     * epoch survive compaction. A copy, taken under the lock.
     */
    Map<Long, ProducerStateManager.LastEntry> lastEntriesOfProducers() {
        lock.lock();
        try {
            return producerState.lastEntries();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The cleaner's swap ({@link SegmentSwap}): {@code cleaned} (complete and fsynced, files still {@code
     * .cleaned}) replaces {@code replaced}, unless the log closed or deleted or truncated segments since
     * {@code expectedGeneration}. Returns false, changing nothing, if the log moved on.
     */
    boolean replaceSegments(LogSegment cleaned, List<LogSegment> replaced, long expectedGeneration) {
        lock.lock();
        try {
            if (closed || segmentsGeneration != expectedGeneration) {
                return false;
            }
            return SegmentSwap.swap(dir, segments, end.segment(), cleaned, replaced, this::scheduleFileDeletion);
        } finally {
            lock.unlock();
        }
    }

    private void scheduleFileDeletion(LogSegment segment) {
        if (scheduler == null) {
            segment.deleteFiles();
        } else {
            scheduler.schedule(segment::deleteFiles, config.fileDeleteDelayMs(), TimeUnit.MILLISECONDS);
        }
    }

    /** The producers this partition remembers (DescribeProducers), by producer id. */
    public List<ActiveProducer> activeProducers() {
        lock.lock();
        try {
            return producerState.activeProducers();
        } finally {
            lock.unlock();
        }
    }

    /** Forgets idempotent producers idle longer than {@code expirationMs}; returns how many. */
    public int removeExpiredProducers(long expirationMs) {
        lock.lock();
        try {
            return producerState.removeExpiredProducers(time.milliseconds(), expirationMs);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes every batch at or after {@code offset} (a follower diverged). Returns false if the log
     * already ends at or before it.
     */
    public boolean truncateTo(long offset) {
        lock.lock();
        try {
            ensureOpen();
            if (offset >= end.offset()) {
                // Epochs this replica started as leader without writing a batch end here too, or a
                // follower would keep naming them as its last fetched epoch and diverge forever.
                epochCache.truncateFromEnd(offset);
                epochCache.flush();
                return false;
            }
            if (offset < logStartOffset) {
                truncateFullyAndStartAt(offset);
                return true;
            }
            segmentsGeneration++;
            List<LogSegment> above =
                    new ArrayList<>(segments.tailMap(offset, false).values());
            if (segments.floorKey(offset) == null || above.size() == segments.size()) {
                truncateFullyAndStartAt(offset);
                return true;
            }
            for (LogSegment s : above) {
                segments.remove(s.baseOffset());
                s.markForDeletion();
                scheduleFileDeletion(s);
            }
            LogSegment active = segments.lastEntry().getValue();
            active.makeActive(config);
            active.truncateTo(offset);
            long leo = active.readNextOffset();
            end = new LogEnd(leo, active, active.sizeInBytes());
            afterTruncation(leo);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Deletes every segment and starts empty at {@code offset}, which becomes the log start offset. */
    public void truncateFullyAndStartAt(long offset) {
        lock.lock();
        try {
            ensureOpen();
            segmentsGeneration++;
            List<LogSegment> all = new ArrayList<>(segments.values());
            segments.clear();
            for (LogSegment s : all) {
                s.markForDeletion();
                scheduleFileDeletion(s);
            }
            LogSegment segment = LogSegment.open(dir, offset, config, time.milliseconds(), true);
            segments.put(offset, segment);
            end = new LogEnd(offset, segment, 0);
            logStartOffset = offset;
            epochCache.clear();
            producerState.deleteAllSnapshots();
            afterTruncation(offset);
        } finally {
            lock.unlock();
        }
    }

    private void afterTruncation(long leo) {
        truncatedTo.accumulateAndGet(leo, Math::min);
        epochCache.truncateFromEnd(leo);
        epochCache.flush();
        rebuildProducerState(leo, Long.MAX_VALUE);
        highWatermark = Math.min(highWatermark, leo);
        refreshFirstUnstableOffset();
        recoveryPoint = Math.min(recoveryPoint, leo);
    }

    /** fsyncs every segment up to the log end offset and advances the recovery point. */
    public void flush() {
        flushUntil(end.offset());
    }

    /** fsyncs the segments holding offsets below {@code offset} that are not yet durable. */
    public void flushUntil(long offset) {
        synchronized (flushLock) {
            if (closed) {
                return; // close() flushed before marking the log closed
            }
            long from = recoveryPoint;
            if (offset <= from && unflushedMessages.get() == 0) {
                return;
            }
            unflushedMessages.set(0);
            Long first = segments.floorKey(from);
            for (LogSegment s : segments.tailMap(first == null ? segments.firstKey() : first, true)
                    .values()) {
                if (s.baseOffset() >= offset) {
                    break;
                }
                try {
                    s.flush();
                } catch (UncheckedIOException e) {
                    if (segments.get(s.baseOffset()) == s) {
                        throw e; // a segment deleted meanwhile need not be durable
                    }
                }
            }
            epochCache.flush();
            recoveryPoint = Math.max(recoveryPoint, Math.min(offset, end.offset()));
            lastFlushMs = time.milliseconds();
        }
    }

    /** Flushes, writes the producer snapshot and epoch checkpoint, and closes every segment. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            flush();
            // An empty log has no producer state worth an fsync; a closed broker with thousands of idle
            // partitions would otherwise spend seconds on them.
            if (end.offset() > logStartOffset) {
                producerState.takeSnapshot(end.offset(), true);
            }
            epochCache.flush();
            closed = true;
            for (LogSegment s : segments.values()) {
                s.close();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Closes the segments and deletes the directory with everything in it. */
    public void delete() {
        lock.lock();
        try {
            closed = true;
            for (LogSegment s : segments.values()) {
                s.deleteFiles();
            }
            segments.clear();
            LogLoader.deleteRecursively(dir);
        } finally {
            lock.unlock();
        }
    }

    /** Closes the segments without a snapshot (before the log manager renames the directory away). */
    void closeForDeletion() {
        lock.lock();
        try {
            closed = true;
            for (LogSegment s : segments.values()) {
                s.close();
            }
        } finally {
            lock.unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new ApiException(Errors.NOT_LEADER_OR_FOLLOWER, "the log of " + topicPartition + " is closed");
        }
    }

    // Visible for testing
    ConcurrentSkipListMap<Long, LogSegment> segments() {
        return segments;
    }

    // Visible for testing
    ProducerStateManager producerState() {
        return producerState;
    }

    @Override
    public String toString() {
        return "UnifiedLog(" + topicPartition + ", start=" + logStartOffset + ", end=" + end.offset() + ")";
    }
}
