package io.fjord.storage;

import static io.fjord.protocol.record.RecordBatchDescriptor.MAX_TIMESTAMP_OFFSET;

import io.fjord.protocol.record.CorruptRecordException;
import io.fjord.protocol.record.RecordBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One segment of a partition log: the batches from {@link #baseOffset()} on, in three files named by the
 * base offset zero-padded to 20 digits, and a fourth once a transaction is aborted in it.
 *
 * <pre>
 * | file                        | content                                                         |
 * |-----------------------------|-----------------------------------------------------------------|
 * | 00000000000000000000.log    | record batches v2 exactly as appended, back to back             |
 * | 00000000000000000000.index  | {@link OffsetIndex}: relative offset int32 -> position int32   |
 * | 00000000000000000000.timeindex | {@link TimeIndex}: timestamp int64 -> relative offset int32 |
 * | 00000000000000000000.txnindex | {@link TransactionIndex}: the transactions aborted here    |
 * </pre>
 *
 * <p>Thread-safety: mutations ({@link #append}, {@link #truncateTo}, {@link #recover}, roll and close)
 * are called under the owning log's lock. Reads may run concurrently: the size is published (volatile)
 * after the bytes are written, and readers bound themselves by a size they read first.
 */
final class LogSegment {

    /** Sees each batch of a walk; the cursor is valid only during the call. */
    interface BatchVisitor {
        void onBatch(FileBatchCursor batch);
    }

    static final String DELETED_SUFFIX = ".deleted";
    /** The cleaner's output while it is being written; removed by recovery. */
    static final String CLEANED_SUFFIX = ".cleaned";
    /** The cleaner's complete output, about to replace the segments it was cleaned from. */
    static final String SWAP_SUFFIX = ".swap";

    private final Path dir;
    private volatile Path logPath;
    private final long baseOffset;
    private final int indexIntervalBytes;
    private final FileChannel log;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final TransactionIndex txnIndex;
    private final long createdMs;
    private final boolean timeIndexExisted;
    private volatile int sizeInBytes;
    private int bytesSinceLastIndexEntry;
    /** Bytes from the file's start already handed to the page cache budget; under the log's lock. */
    private long pageCacheTrackedBytes;

    private volatile long maxTimestampSoFar = -1L;
    private volatile long offsetOfMaxTimestampSoFar;
    /** Volatile: the cleaner reads it (firstBatchTimestampMs) without the log's lock. */
    private volatile long rollingBasedTimestampMs = -1L;

    private LogSegment(Path dir, long baseOffset, LogConfig config, long nowMs, boolean active, String fileSuffix)
            throws IOException {
        this.dir = dir;
        this.baseOffset = baseOffset;
        this.indexIntervalBytes = config.indexIntervalBytes();
        this.createdMs = nowMs;
        this.logPath = file(dir, baseOffset, ".log" + fileSuffix);
        this.log =
                FileChannel.open(logPath, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        this.sizeInBytes = (int) Math.min(log.size(), Integer.MAX_VALUE);
        this.pageCacheTrackedBytes = sizeInBytes; // what a start finds was appended before it
        this.timeIndexExisted = sizeInBytes == 0 || Files.exists(file(dir, baseOffset, ".timeindex" + fileSuffix));
        this.offsetIndex = new OffsetIndex(
                file(dir, baseOffset, ".index" + fileSuffix), baseOffset, config.segmentIndexBytes(), active);
        this.timeIndex = new TimeIndex(
                file(dir, baseOffset, ".timeindex" + fileSuffix), baseOffset, config.segmentIndexBytes(), active);
        this.txnIndex = new TransactionIndex(file(dir, baseOffset, TransactionIndex.SUFFIX + fileSuffix));
        this.offsetOfMaxTimestampSoFar = baseOffset;
        if (timeIndex.entries() > 0) {
            maxTimestampSoFar = timeIndex.lastTimestamp();
            offsetOfMaxTimestampSoFar = timeIndex.lastEntryOffset();
        }
        if (sizeInBytes >= MAX_TIMESTAMP_OFFSET + 8) {
            ByteBuffer ts = ByteBuffer.allocate(8);
            log.read(ts, MAX_TIMESTAMP_OFFSET);
            rollingBasedTimestampMs = ts.getLong(0);
        }
    }

    /** Opens or creates the segment at {@code baseOffset}; an active segment gets preallocated indexes. */
    static LogSegment open(Path dir, long baseOffset, LogConfig config, long nowMs, boolean active) {
        try {
            return new LogSegment(dir, baseOffset, config, nowMs, active, "");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open segment " + baseOffset + " in " + dir, e);
        }
    }

    /**
     * Creates the empty segment the cleaner writes into: files named with {@value #CLEANED_SUFFIX} after
     * the usual suffix (a leftover is replaced), indexes preallocated.
     */
    static LogSegment createCleaned(Path dir, long baseOffset, LogConfig config, long nowMs) {
        try {
            for (String suffix : new String[] {".log", ".index", ".timeindex", TransactionIndex.SUFFIX}) {
                Files.deleteIfExists(file(dir, baseOffset, suffix + CLEANED_SUFFIX));
            }
            return new LogSegment(dir, baseOffset, config, nowMs, true, CLEANED_SUFFIX);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create cleaned segment " + baseOffset + " in " + dir, e);
        }
    }

    /**
     * Renames the files from {@code oldSuffix} to {@code newSuffix} (each is the part after
     * ".log"/".index"/".timeindex"/".txnindex", "" for the final names); the log file goes last, so a crash
     * leaves a log file with the new suffix only once its indexes moved too.
     */
    void changeFileSuffixes(String oldSuffix, String newSuffix) {
        try {
            offsetIndex.renameTo(file(dir, baseOffset, ".index" + newSuffix));
            timeIndex.renameTo(file(dir, baseOffset, ".timeindex" + newSuffix));
            txnIndex.renameTo(file(dir, baseOffset, TransactionIndex.SUFFIX + newSuffix));
            Path target = file(dir, baseOffset, ".log" + newSuffix);
            if (!logPath.getFileName().toString().endsWith(".log" + oldSuffix)) {
                throw new IllegalStateException("segment file " + logPath + " does not end with " + oldSuffix);
            }
            Files.move(logPath, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            logPath = target;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot rename segment " + baseOffset + " in " + dir + " from " + oldSuffix + " to " + newSuffix,
                    e);
        }
    }

    /** The log file's modification time (the cleaner carries it over to the segment it writes). */
    long lastModifiedMs() {
        try {
            return Files.getLastModifiedTime(logPath).toMillis();
        } catch (IOException e) {
            return createdMs;
        }
    }

    void setLastModifiedMs(long timeMs) {
        try {
            Files.setLastModifiedTime(logPath, java.nio.file.attribute.FileTime.fromMillis(timeMs));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set the modification time of " + logPath, e);
        }
    }

    static String fileName(long offset, String suffix) {
        return String.format("%020d%s", offset, suffix);
    }

    static Path logFile(Path dir, long baseOffset) {
        return file(dir, baseOffset, ".log");
    }

    private static Path file(Path dir, long baseOffset, String suffix) {
        return dir.resolve(fileName(baseOffset, suffix));
    }

    long baseOffset() {
        return baseOffset;
    }

    int sizeInBytes() {
        return sizeInBytes;
    }

    FileChannel channel() {
        return log;
    }

    /** The segment's file now (it is renamed when deleted or swapped in by the cleaner). */
    Path logPath() {
        return logPath;
    }

    long pageCacheTrackedBytes() {
        return pageCacheTrackedBytes;
    }

    void pageCacheTrackedBytes(long bytes) {
        pageCacheTrackedBytes = bytes;
    }

    OffsetIndex offsetIndex() {
        return offsetIndex;
    }

    TimeIndex timeIndex() {
        return timeIndex;
    }

    TransactionIndex txnIndex() {
        return txnIndex;
    }

    /** The largest batch timestamp, or the file's modification time if no batch had one. */
    long largestTimestamp() {
        if (maxTimestampSoFar >= 0) {
            return maxTimestampSoFar;
        }
        return lastModifiedMs();
    }

    /** Whether the time index was on disk when the segment was opened (else it must be rebuilt). */
    boolean timeIndexExisted() {
        return timeIndexExisted;
    }

    long maxTimestampSoFar() {
        return maxTimestampSoFar;
    }

    long offsetOfMaxTimestampSoFar() {
        return offsetOfMaxTimestampSoFar;
    }

    /** The max timestamp of the first batch, or -1 for an empty segment (max.compaction.lag.ms counts from it). */
    long firstBatchTimestampMs() {
        return rollingBasedTimestampMs;
    }

    /** How long this segment has waited for a time-based roll: from its first batch's timestamp if any. */
    long timeWaitedForRollMs(long nowMs, long incomingMaxTimestampMs) {
        if (rollingBasedTimestampMs >= 0) {
            return incomingMaxTimestampMs - rollingBasedTimestampMs;
        }
        return nowMs - createdMs;
    }

    /** Whether one more index entry may not fit: the log rolls before that happens. */
    boolean indexesNearlyFull() {
        return offsetIndex.entriesLeft() < 1 || timeIndex.entriesLeft() < 2;
    }

    /**
     * Appends whole batches (the bytes from {@code records}' position to its limit) at the end of the file,
     * adding index entries every {@code index.interval.bytes}. A single batch (a leader's or the cleaner's append)
     * is indexed with the given timestamp; the batches of a follower's append are indexed one by one from their
     * headers, as Kafka does, so a follower's indexes are as dense as its leader's.
     */
    void append(
            long firstOffset, long largestOffset, long maxTimestampMs, long offsetOfMaxTimestamp, ByteBuffer records) {
        if (largestOffset - baseOffset > Integer.MAX_VALUE || firstOffset < baseOffset) {
            throw new IllegalArgumentException(
                    "offsets " + firstOffset + ".." + largestOffset + " do not fit the segment at " + baseOffset);
        }
        int physicalPosition = sizeInBytes;
        int length = records.remaining();
        if (physicalPosition == 0) {
            rollingBasedTimestampMs = maxTimestampMs;
        }
        writeFully(records.duplicate(), physicalPosition);
        int start = records.position();
        int firstSize = Batches.sizeInBytes(records, start);
        if (firstSize >= length) {
            indexBatch(largestOffset, maxTimestampMs, offsetOfMaxTimestamp, physicalPosition, length);
        } else {
            for (int p = start, size; p < records.limit(); p += size) {
                size = Batches.sizeInBytes(records, p);
                long lastOffset = Batches.lastOffset(records, p);
                indexBatch(
                        lastOffset,
                        records.getLong(p + MAX_TIMESTAMP_OFFSET),
                        lastOffset,
                        physicalPosition + (p - start),
                        size);
            }
        }
        sizeInBytes = physicalPosition + length;
    }

    private void writeFully(ByteBuffer src, long position) {
        try {
            long p = position;
            while (src.hasRemaining()) {
                p += log.write(src, p);
            }
        } catch (IOException e) {
            try {
                log.truncate(position); // drop a partial write so the file never holds a torn batch we own
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new UncheckedIOException("cannot write segment " + logPath, e);
        }
    }

    /**
     * The position of the first batch whose last offset is at least {@code offset}, searching from the
     * sparse index entry below it and not past {@code maxPosition}; -1 if there is none.
     */
    int translateOffset(long offset, int maxPosition) {
        int start = offsetIndex.lookup(offset);
        FileBatchCursor cursor = new FileBatchCursor(log, start, maxPosition);
        while (cursor.next(false)) {
            if (cursor.lastOffset() >= offset) {
                return cursor.position();
            }
        }
        return -1;
    }

    /**
     * A slice of whole batches starting with the one that contains {@code startOffset}, ending before
     * {@code maxPosition} and within {@code maxBytes} (the first batch is returned whole even if larger
     * when {@code minOneMessage}); null if no batch at or after {@code startOffset} lies below
     * {@code maxPosition}.
     */
    FileRecords read(long startOffset, int maxBytes, int maxPosition, boolean minOneMessage) {
        int start = translateOffset(startOffset, maxPosition);
        if (start < 0) {
            return null;
        }
        long limit = Math.min((long) maxPosition, (long) start + maxBytes);
        int scanFrom = Math.max(start, offsetIndex.lookupByPosition((int) limit));
        FileBatchCursor cursor = new FileBatchCursor(log, scanFrom, maxPosition);
        int end = scanFrom;
        while (cursor.next(false) && cursor.endOfBatchPosition() <= limit) {
            end = cursor.endOfBatchPosition();
        }
        if (end == start && minOneMessage) {
            FileBatchCursor first = new FileBatchCursor(log, start, maxPosition);
            if (first.next(false)) {
                end = first.endOfBatchPosition();
            }
        }
        return new FileRecords(log, start, end - start);
    }

    /** Walks the batches whose last offset is at least {@code fromOffset}, up to the current size. */
    void forEachBatch(long fromOffset, BatchVisitor visitor) {
        FileBatchCursor cursor = new FileBatchCursor(log, offsetIndex.lookup(fromOffset), sizeInBytes);
        while (cursor.next(false)) {
            if (cursor.lastOffset() >= fromOffset) {
                visitor.onBatch(cursor);
            }
        }
    }

    /** The offset after the last batch, or the base offset when empty. */
    long readNextOffset() {
        long[] next = {baseOffset};
        FileBatchCursor cursor = new FileBatchCursor(log, offsetIndex.lookup(Long.MAX_VALUE), sizeInBytes);
        while (cursor.next(false)) {
            next[0] = cursor.lastOffset() + 1;
        }
        return next[0];
    }

    /**
     * Validates every batch (length, magic, CRC, offsets increasing and within this segment), truncates the
     * file at the first bad one and rebuilds both indexes. Each good batch is shown to {@code visitor}.
     *
     * @return the number of bytes truncated
     */
    int recover(BatchVisitor visitor) {
        offsetIndex.truncateToEntries(0);
        timeIndex.truncateToEntries(0);
        maxTimestampSoFar = -1L;
        offsetOfMaxTimestampSoFar = baseOffset;
        bytesSinceLastIndexEntry = 0;
        int fileSize = currentFileSize();
        FileBatchCursor cursor = new FileBatchCursor(log, 0, fileSize);
        int validBytes = 0;
        long lastOffset = baseOffset - 1;
        while (cursor.next(true)) {
            if (cursor.baseOffset() <= lastOffset
                    || cursor.lastOffsetDelta() < 0
                    || cursor.lastOffset() - baseOffset > Integer.MAX_VALUE) {
                break;
            }
            indexBatch(
                    cursor.lastOffset(),
                    cursor.maxTimestamp(),
                    cursor.lastOffset(),
                    cursor.position(),
                    cursor.sizeInBytes());
            visitor.onBatch(cursor);
            lastOffset = cursor.lastOffset();
            validBytes = cursor.endOfBatchPosition();
        }
        int truncated = fileSize - validBytes;
        if (truncated > 0) {
            truncateFile(validBytes);
        }
        sizeInBytes = validBytes;
        txnIndex.truncateTo(lastOffset + 1); // the log's replay adds back the aborts of the batches kept
        rollingBasedTimestampMs = -1L;
        if (validBytes > 0) {
            FileBatchCursor first = new FileBatchCursor(log, 0, validBytes);
            first.next(false);
            rollingBasedTimestampMs = first.maxTimestamp();
        }
        return truncated;
    }

    /**
     * Notes the batch at {@code position} (ending at {@code lastOffset}) in both indexes once {@code
     * index.interval.bytes} have been written since the last entry. The offset index maps the batch's last offset
     * to its position, as Kafka's does (kafka-dump-log checks exactly that); a lookup of any offset still lands on
     * or before the batch holding it.
     */
    private void indexBatch(long lastOffset, long maxTimestampMs, long offsetOfMaxTimestamp, int position, int size) {
        if (maxTimestampMs > maxTimestampSoFar) {
            maxTimestampSoFar = maxTimestampMs;
            offsetOfMaxTimestampSoFar = offsetOfMaxTimestamp;
        }
        if (bytesSinceLastIndexEntry > indexIntervalBytes && !offsetIndex.isFull()) {
            offsetIndex.append(lastOffset, position);
            timeIndex.maybeAppend(maxTimestampSoFar, offsetOfMaxTimestampSoFar);
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += size;
    }

    private int currentFileSize() {
        try {
            return (int) Math.min(log.size(), Integer.MAX_VALUE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void truncateFile(int size) {
        try {
            log.truncate(size);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot truncate " + logPath, e);
        }
    }

    /**
     * Removes every batch whose last offset is at least {@code offset} (a batch is never split) and
     * rebuilds the indexes. Returns the bytes removed.
     */
    int truncateTo(long offset) {
        int position = translateOffset(offset, sizeInBytes);
        if (position < 0) {
            return 0;
        }
        int removed = sizeInBytes - position;
        truncateFile(position);
        recover(batch -> {});
        return removed;
    }

    /** Adds the final time index entry and trims both indexes: the segment will not grow again. */
    void onBecomeInactiveSegment() {
        if (maxTimestampSoFar >= 0) {
            timeIndex.maybeAppend(maxTimestampSoFar, offsetOfMaxTimestampSoFar);
        }
        offsetIndex.trimToValidSize();
        timeIndex.trimToValidSize();
    }

    /** Gives an index trimmed by a previous close room to grow again. */
    void makeActive(LogConfig config) {
        offsetIndex.resize(config.segmentIndexBytes());
        timeIndex.resize(config.segmentIndexBytes());
    }

    void flush() {
        try {
            log.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fsync " + logPath, e);
        }
        offsetIndex.flush();
        timeIndex.flush();
        txnIndex.flush();
    }

    void close() {
        onBecomeInactiveSegment();
        try {
            txnIndex.close();
            log.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Renames the three files with a {@value #DELETED_SUFFIX} suffix so a restart does not load them;
     * the channel and mappings stay usable for reads already handed out until {@link #deleteFiles()}.
     */
    void markForDeletion() {
        try {
            Path target = logPath.resolveSibling(logPath.getFileName() + DELETED_SUFFIX);
            Files.move(logPath, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            logPath = target;
            offsetIndex.renameTo(
                    offsetIndex.file().resolveSibling(offsetIndex.file().getFileName() + DELETED_SUFFIX));
            timeIndex.renameTo(timeIndex.file().resolveSibling(timeIndex.file().getFileName() + DELETED_SUFFIX));
            txnIndex.renameTo(txnIndex.file().resolveSibling(txnIndex.file().getFileName() + DELETED_SUFFIX));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rename segment " + baseOffset + " in " + dir + " for deletion", e);
        }
    }

    /** Closes the channel and removes the three files. */
    void deleteFiles() {
        try {
            if (log.isOpen()) {
                log.close();
            }
            Files.deleteIfExists(logPath);
            offsetIndex.deleteIfExists();
            timeIndex.deleteIfExists();
            txnIndex.deleteIfExists();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete segment " + baseOffset + " in " + dir, e);
        }
    }

    /**
     * The first record at or after {@code startingOffset} whose timestamp is at least {@code timestampMs}, as
     * Kafka's {@code LogSegment.findOffsetByTimestamp}: the scan starts at the time index's entry (or at
     * {@code startingOffset} if later) and looks into each batch whose max timestamp is recent enough (compressed
     * batches are walked as they are decompressed, with records of at most {@code maxDecompressedBytes}; one that
     * cannot be decoded answers its first offset from {@code startingOffset} and its max timestamp). Null if no
     * such record is in this segment.
     */
    TimestampAndOffset findOffsetByTimestamp(long timestampMs, long startingOffset, int maxDecompressedBytes) {
        long indexedOffset = timeIndex.lookup(timestampMs);
        int limit = sizeInBytes;
        FileBatchCursor cursor =
                new FileBatchCursor(log, offsetIndex.lookup(Math.max(indexedOffset, startingOffset)), limit);
        while (cursor.next(true)) {
            if (cursor.lastOffset() >= startingOffset && cursor.maxTimestamp() >= timestampMs) {
                TimestampAndOffset found = exactOffset(cursor, timestampMs, startingOffset, maxDecompressedBytes);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** The first record of the batch under {@code cursor} from {@code startingOffset} on that is recent enough. */
    private static TimestampAndOffset exactOffset(
            FileBatchCursor cursor, long timestampMs, long startingOffset, int maxDecompressedBytes) {
        long from = Math.max(cursor.baseOffset(), startingOffset);
        if (cursor.isLogAppendTime()) { // every record carries the batch's time
            return new TimestampAndOffset(cursor.maxTimestamp(), from, cursor.partitionLeaderEpoch());
        }
        long base = cursor.baseOffset();
        long[] found = {-1L, cursor.maxTimestamp()};
        try {
            if (cursor.compressionCodec() != 0) {
                RecordBatch.at(cursor.batchBuffer(), 0)
                        .walkRecords(
                                maxDecompressedBytes,
                                Batches.MAX_WALKED_BYTES,
                                (index, offsetDelta, ts, keySize, valueSize, headers) -> {
                                    if (found[0] < 0 && ts >= timestampMs && base + offsetDelta >= from) {
                                        found[0] = base + offsetDelta;
                                        found[1] = ts;
                                    }
                                });
            } else {
                Batches.forEachRecord(cursor.batchBuffer(), 0, cursor.sizeInBytes(), (i, delta, ts, nullKey) -> {
                    if (ts >= timestampMs && base + delta >= from) {
                        found[0] = base + delta;
                        found[1] = ts;
                        return false;
                    }
                    return true;
                });
            }
        } catch (Batches.MalformedRecordsException | CorruptRecordException e) {
            return new TimestampAndOffset(cursor.maxTimestamp(), from, cursor.partitionLeaderEpoch());
        }
        return found[0] < 0 ? null : new TimestampAndOffset(found[1], found[0], cursor.partitionLeaderEpoch());
    }

    @Override
    public String toString() {
        return "LogSegment(baseOffset=" + baseOffset + ", size=" + sizeInBytes + ")";
    }
}
