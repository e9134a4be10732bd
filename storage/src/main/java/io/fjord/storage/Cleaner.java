package io.fjord.storage;

import io.fjord.protocol.record.RecordBatch;
import io.fjord.protocol.record.RecordBatchDescriptor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * One cleaning pass over one compacted log, as Kafka's {@code Cleaner}: reads the dirty section
 * [first dirty offset, upper bound) into the key map (stopping early, at a batch boundary, when the map
 * is full), then rewrites every segment from the log start up to where the map got, in groups of
 * consecutive segments that fit one segment (segment.bytes and the index size), keeping for each key only
 * the record with the greatest offset. Batches keep their offsets, producer fields and codec
 * ({@link BatchFilter}); tombstones live on until their batch's delete horizon. Transaction markers go as
 * Kafka's cleaner removes them: the pass walks every batch from the log start in order ({@link
 * CleanedTransactions}), and a marker whose transaction has no batch left in the cleaned log gets a delete
 * horizon, then goes in a pass after it; an aborted transaction's {@code .txnindex} entry goes with its
 * marker, once none of its batches are left. Each group is written to
 * {@code .cleaned} files, fsynced, and swapped in by {@link UnifiedLog#replaceSegments}, which holds the
 * log's lock only for the renames. Nothing is read or written while holding that lock.
 *
 * <p>Not thread-safe: one per cleaner thread (it owns its key map). Several cleaners may share a
 * {@link Throttler}. A log must be cleaned by one cleaner at a time ({@link LogCleaner} sees to it).
 */
final class Cleaner {

    /** What a pass did. {@code cleanedUpTo} is the new cleaner checkpoint of the log. */
    record CleanResult(long cleanedUpTo, long bytesRead, long bytesWritten, int segmentsCleaned, long nextHorizonMs) {}

    /** The pass was aborted (log deleted, broker stopping) or the log changed under it; nothing changed. */
    static final class AbortedException extends RuntimeException {
        AbortedException(String message) {
            super(message, null, false, false);
        }
    }

    private final SkimpyOffsetMap map;
    private final Throttler throttler;

    Cleaner(SkimpyOffsetMap map, Throttler throttler) {
        this.map = map;
        this.throttler = throttler;
    }

    /**
     * Cleans {@code log} over {@code range} at time {@code nowMs}; {@code aborted} is polled between
     * batches.
     *
     * @throws AbortedException when aborted or when the log changed before a swap
     */
    CleanResult clean(UnifiedLog log, LogToClean range, long nowMs, BooleanSupplier aborted) {
        long generation = log.segmentsGeneration();
        List<LogSegment> all = new ArrayList<>(log.segments().values());
        LogConfig config = log.config();
        map.clear();
        long[] read = {0};
        AbortedBatches abortedInRange =
                new AbortedBatches(log.abortedTransactions(range.firstDirtyOffset(), range.upperBoundOffset()));
        long mapEnd = buildOffsetMap(all, range, abortedInRange, read, aborted);
        if (mapEnd <= range.firstDirtyOffset() && range.dirtyBytes() > 0) {
            throw new IllegalStateException("the key map of " + map.capacity() + " entries cannot hold the batch at "
                    + range.firstDirtyOffset() + " of " + log.topicPartition()
                    + ": raise log.cleaner.dedupe.buffer.size");
        }
        BatchFilter filter =
                new BatchFilter(map, mapEnd, log.lastEntriesOfProducers(), nowMs, config.deleteRetentionMs());
        CleanedTransactions transactions = new CleanedTransactions();
        long written = 0;
        int cleaned = 0;
        for (List<LogSegment> group : groups(all, mapEnd, config)) {
            written += cleanGroup(log, group, filter, transactions, generation, nowMs, read, aborted);
            cleaned += group.size();
        }
        return new CleanResult(mapEnd, read[0], written, cleaned, filter.nextHorizonMs());
    }

    /** Fills the map from the dirty section; returns the offset after the last batch it holds. */
    private long buildOffsetMap(
            List<LogSegment> all, LogToClean range, AbortedBatches abortedTxns, long[] read, BooleanSupplier aborted) {
        long firstDirty = range.firstDirtyOffset();
        long mapEnd = firstDirty;
        int maxDecompressedBytes = Batches.MAX_DECOMPRESSED_BOUND_BYTES;
        for (int i = 0; i < all.size(); i++) {
            LogSegment segment = all.get(i);
            long segmentEnd = i + 1 < all.size() ? all.get(i + 1).baseOffset() : Long.MAX_VALUE;
            if (segment.baseOffset() >= range.upperBoundOffset()) {
                break;
            }
            if (segmentEnd <= firstDirty) {
                continue;
            }
            int size = segment.sizeInBytes();
            FileBatchCursor cursor =
                    new FileBatchCursor(segment.channel(), segment.offsetIndex().lookup(firstDirty), size);
            while (cursor.next(true)) {
                checkAborted(aborted);
                read[0] += cursor.sizeInBytes();
                throttler.maybeThrottle(cursor.sizeInBytes());
                if (cursor.lastOffset() < firstDirty) {
                    continue;
                }
                if (!cursor.isControl() && !abortedTxns.isAborted(cursor)) {
                    if (!map.hasRoomFor(cursor.recordCount())) {
                        return mapEnd;
                    }
                    Iterator<io.fjord.protocol.record.Record> records =
                            RecordBatch.at(cursor.batchBuffer(), 0).iterator(maxDecompressedBytes);
                    while (records.hasNext()) {
                        io.fjord.protocol.record.Record record = records.next();
                        if (record.offset() >= firstDirty && record.hasKey()) {
                            map.put(record.key(), record.offset());
                        }
                    }
                }
                mapEnd = cursor.lastOffset() + 1;
            }
            checkReadWhole(cursor, segment);
            mapEnd = Math.max(mapEnd, segmentEnd);
        }
        return mapEnd;
    }

    /**
     * The segments below {@code mapEnd}, in runs of consecutive segments whose total size fits
     * segment.bytes, whose index entries fit one index, and whose offsets fit an int from the first base.
     */
    static List<List<LogSegment>> groups(List<LogSegment> all, long mapEnd, LogConfig config) {
        int maxOffsetEntries = config.segmentIndexBytes() / OffsetIndex.ENTRY_SIZE;
        int maxTimeEntries = config.segmentIndexBytes() / TimeIndex.ENTRY_SIZE;
        List<List<LogSegment>> groups = new ArrayList<>();
        int i = 0;
        while (i < all.size() && all.get(i).baseOffset() < mapEnd && i + 1 < all.size()) {
            List<LogSegment> group = new ArrayList<>();
            LogSegment first = all.get(i);
            group.add(first);
            long size = first.sizeInBytes();
            long offsetEntries = first.offsetIndex().entries() + 2L;
            long timeEntries = first.timeIndex().entries() + 2L;
            i++;
            while (i + 1 < all.size() && all.get(i).baseOffset() < mapEnd) {
                LogSegment next = all.get(i);
                long nextEnd = all.get(i + 1).baseOffset();
                boolean fits = size + next.sizeInBytes() <= config.segmentBytes()
                        && offsetEntries + next.offsetIndex().entries() + 1 <= maxOffsetEntries
                        && timeEntries + next.timeIndex().entries() + 1 <= maxTimeEntries
                        && nextEnd - 1 - first.baseOffset() <= Integer.MAX_VALUE;
                if (!fits) {
                    break;
                }
                group.add(next);
                size += next.sizeInBytes();
                offsetEntries += next.offsetIndex().entries() + 1L;
                timeEntries += next.timeIndex().entries() + 1L;
                i++;
            }
            if (size > 0) {
                groups.add(group);
            }
        }
        return groups;
    }

    /**
     * Writes the group's surviving batches into one cleaned segment and swaps it in; returns bytes written.
     * An aborted transaction's index entry goes with its marker: it is copied only when the marker is.
     */
    private long cleanGroup(
            UnifiedLog log,
            List<LogSegment> group,
            BatchFilter filter,
            CleanedTransactions transactions,
            long generation,
            long nowMs,
            long[] read,
            BooleanSupplier aborted) {
        LogSegment cleaned = LogSegment.createCleaned(log.dir(), group.get(0).baseOffset(), log.config(), nowMs);
        LogSegment lastOfGroup = group.get(group.size() - 1);
        Long groupEnd = log.segments().higherKey(lastOfGroup.baseOffset());
        AbortedBatches abortedTxns = new AbortedBatches(
                log.abortedTransactions(group.get(0).baseOffset(), groupEnd == null ? log.logEndOffset() : groupEnd));
        Map<Long, AbortedTxn> abortsByMarker = new HashMap<>();
        for (LogSegment segment : group) {
            for (AbortedTxn txn : segment.txnIndex().entries()) {
                abortsByMarker.put(txn.lastOffset(), txn);
            }
        }
        boolean swapped = false;
        try {
            for (int g = 0; g < group.size(); g++) {
                LogSegment segment = group.get(g);
                boolean lastOfGroupSegment = g == group.size() - 1;
                int size = segment.sizeInBytes();
                FileBatchCursor cursor = new FileBatchCursor(segment.channel(), 0, size);
                while (cursor.next(true)) {
                    checkAborted(aborted);
                    read[0] += cursor.sizeInBytes();
                    boolean lastBatch = lastOfGroupSegment && cursor.endOfBatchPosition() == size;
                    boolean abortedData = abortedTxns.isAborted(cursor);
                    ByteBuffer out;
                    if (cursor.isControl()) {
                        out = filter.filterMarker(cursor, transactions.onMarker(cursor), lastBatch);
                    } else {
                        out = abortedData ? filter.filterAborted(cursor, lastBatch) : filter.filter(cursor, lastBatch);
                        transactions.onDataBatch(cursor, out != null);
                    }
                    if (out != null) {
                        cleaned.append(
                                Batches.baseOffset(out, 0),
                                Batches.lastOffset(out, 0),
                                out.getLong(RecordBatchDescriptor.MAX_TIMESTAMP_OFFSET),
                                Batches.lastOffset(out, 0),
                                out);
                        AbortedTxn abort = cursor.isControl() ? abortsByMarker.get(cursor.baseOffset()) : null;
                        if (abort != null) {
                            cleaned.txnIndex().append(abort);
                        }
                    }
                    throttler.maybeThrottle(cursor.sizeInBytes() + (out == null ? 0 : out.remaining()));
                }
                checkReadWhole(cursor, segment);
            }
            cleaned.onBecomeInactiveSegment();
            cleaned.flush();
            cleaned.setLastModifiedMs(group.get(group.size() - 1).lastModifiedMs());
            swapped = log.replaceSegments(cleaned, group, generation);
            if (!swapped) {
                throw new AbortedException("the log " + log.topicPartition() + " changed while it was cleaned");
            }
            return cleaned.sizeInBytes();
        } finally {
            if (!swapped) {
                cleaned.deleteFiles();
            }
        }
    }

    private static void checkReadWhole(FileBatchCursor cursor, LogSegment segment) {
        if (cursor.invalidReason() != null) {
            throw new IllegalStateException("cannot clean " + segment + ": " + cursor.invalidReason());
        }
    }

    private static void checkAborted(BooleanSupplier aborted) {
        if (aborted.getAsBoolean()) {
            throw new AbortedException("cleaning aborted");
        }
    }
}
