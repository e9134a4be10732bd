package io.fjord.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the segments of a partition directory and, after an unclean shutdown, recovers them: every
 * segment from the one holding the recovery point on is scanned batch by batch (length, magic, CRC,
 * increasing offsets), truncated at the first bad batch, and its indexes are rebuilt; segments after a
 * truncated one are deleted, since their offsets would no longer follow. Leftover {@code .tmp},
 * {@code .deleted} and {@code .cleaned} files are removed first, then the cleaner's interrupted swaps are
 * completed: a {@code N.log.swap} is written whole and fsynced before it gets that name, so it replaces
 * every segment with a base offset in [N, its next offset), takes the name {@code N.log} and gets its
 * offset and time indexes rebuilt (their {@code .swap} files are dropped). Its {@code N.txnindex.swap},
 * renamed before the log file and so complete when {@code N.log.swap} exists, becomes {@code N.txnindex}:
 * so the aborts the cleaner kept keep the first offsets they were indexed with (where the crash came after
 * it was renamed to {@code N.txnindex}, that file cannot be told from an old segment's and goes; the
 * replay of the producer state over the swapped segment then rebuilds its entries from the batches left).
 * A crash during the cleaner's swap thus recovers to either the old segments or the cleaned one. A log that
 * ends below its checkpointed log start offset (records deleted by DeleteRecords or retention, then a crash that
 * lost the unflushed tail they were in) starts over, empty, at that offset, as Kafka's
 * {@code deleteSegmentsIfLogStartGreaterThanLogEnd}: the offsets up to it were handed out and are never reused.
 *
 * <p>Not thread-safe: runs once, on the thread that opens the log, before the log is published.
 */
final class LogLoader {

    private static final Logger log = LoggerFactory.getLogger(LogLoader.class);

    /**
     * The state a loaded log starts from. {@code recoveredFrom} is the base offset of the first segment
     * whose batches were scanned again (their transaction index entries are rebuilt by replaying the
     * producer state over them), or {@link Long#MAX_VALUE} when none was. {@code startedOver}: the log ended
     * below its log start offset and was emptied to start there (its producer state goes too).
     */
    record LoadedSegments(
            ConcurrentSkipListMap<Long, LogSegment> segments,
            long logEndOffset,
            int truncatedBytes,
            long recoveredFrom,
            boolean startedOver) {}

    private LogLoader() {}

    static LoadedSegments load(
            Path dir,
            LogConfig config,
            long nowMs,
            boolean hadCleanShutdown,
            long recoveryPoint,
            long logStartOffset,
            LogSegment.BatchVisitor recoveredBatches) {
        removeLeftovers(dir);
        List<Long> swapped = completeSwaps(dir);
        List<Long> baseOffsets = segmentBaseOffsets(dir);
        ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
        if (baseOffsets.isEmpty()) {
            long base = Math.max(0L, logStartOffset);
            segments.put(base, LogSegment.open(dir, base, config, nowMs, true));
            return new LoadedSegments(segments, base, 0, Long.MAX_VALUE, false);
        }
        for (int i = 0; i < baseOffsets.size(); i++) {
            long base = baseOffsets.get(i);
            boolean active = i == baseOffsets.size() - 1;
            LogSegment segment = LogSegment.open(dir, base, config, nowMs, active);
            segments.put(base, segment);
        }
        long recoveredFrom = swapped.isEmpty() ? Long.MAX_VALUE : swapped.get(0);
        for (Long base : swapped) {
            LogSegment segment = segments.get(base);
            boolean active = segment == segments.lastEntry().getValue();
            segment.makeActive(config);
            segment.recover(batch -> {});
            if (!active) {
                segment.onBecomeInactiveSegment();
            }
        }
        int truncated = 0;
        if (!hadCleanShutdown) {
            recoveredFrom = Math.min(recoveredFrom, recoveryStart(segments, recoveryPoint));
            truncated = recover(segments, config, recoveryPoint, recoveredBatches);
        } else {
            rebuildMissingIndexes(dir, segments, config, recoveredBatches); // keeps every transaction index entry
        }
        long logEnd = segments.lastEntry().getValue().readNextOffset();
        if (logEnd < logStartOffset) {
            log.warn(
                    "{} ends at {}, below its log start offset {}: deleting every segment to start there",
                    dir,
                    logEnd,
                    logStartOffset);
            for (LogSegment segment : segments.values()) {
                truncated += segment.sizeInBytes();
                segment.deleteFiles();
            }
            segments.clear();
            segments.put(logStartOffset, LogSegment.open(dir, logStartOffset, config, nowMs, true));
            return new LoadedSegments(segments, logStartOffset, truncated, Long.MAX_VALUE, true);
        }
        return new LoadedSegments(segments, logEnd, truncated, recoveredFrom, false);
    }

    /** The base offset of the first segment recovery scans: the one holding the recovery point. */
    private static long recoveryStart(ConcurrentSkipListMap<Long, LogSegment> segments, long recoveryPoint) {
        Long from = segments.floorKey(recoveryPoint);
        if (from == null) {
            from = segments.firstKey();
        }
        return Math.min(from, segments.lastKey());
    }

    private static int recover(
            ConcurrentSkipListMap<Long, LogSegment> segments,
            LogConfig config,
            long recoveryPoint,
            LogSegment.BatchVisitor recoveredBatches) {
        long from = recoveryStart(segments, recoveryPoint);
        int truncated = 0;
        long expectedNext = -1L;
        List<Long> toDelete = new ArrayList<>();
        boolean corrupt = false;
        for (Map.Entry<Long, LogSegment> e : segments.tailMap(from, true).entrySet()) {
            LogSegment segment = e.getValue();
            if (corrupt || (expectedNext >= 0 && segment.baseOffset() < expectedNext)) {
                toDelete.add(e.getKey());
                corrupt = true;
                continue;
            }
            segment.makeActive(config);
            int removed = segment.recover(recoveredBatches);
            if (segment != segments.lastEntry().getValue()) {
                segment.onBecomeInactiveSegment();
            }
            truncated += removed;
            expectedNext = segment.readNextOffset();
            corrupt = removed > 0;
        }
        for (Long base : toDelete) {
            LogSegment segment = segments.remove(base);
            truncated += segment.sizeInBytes();
            segment.deleteFiles();
        }
        LogSegment last = segments.lastEntry().getValue();
        if (!toDelete.isEmpty()) {
            last.makeActive(config);
        }
        return truncated;
    }

    /** After a clean shutdown a segment whose index files are gone still gets them rebuilt. */
    private static void rebuildMissingIndexes(
            Path dir,
            ConcurrentSkipListMap<Long, LogSegment> segments,
            LogConfig config,
            LogSegment.BatchVisitor recoveredBatches) {
        for (LogSegment segment : segments.values()) {
            boolean emptyIndex = segment.sizeInBytes() > config.indexIntervalBytes()
                    && segment.offsetIndex().entries() == 0;
            if (emptyIndex || !segment.timeIndexExisted()) {
                segment.makeActive(config);
                segment.recover(recoveredBatches);
                if (segment != segments.lastEntry().getValue()) {
                    segment.onBecomeInactiveSegment();
                }
            }
        }
    }

    private static void removeLeftovers(Path dir) {
        String txnIndexSwap = TransactionIndex.SUFFIX + LogSegment.SWAP_SUFFIX;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                boolean indexSwap =
                        name.endsWith(LogSegment.SWAP_SUFFIX) && !name.endsWith(".log" + LogSegment.SWAP_SUFFIX);
                if (name.endsWith(txnIndexSwap)) {
                    String base = name.substring(0, name.length() - txnIndexSwap.length());
                    indexSwap = !Files.exists(dir.resolve(base + ".log" + LogSegment.SWAP_SUFFIX));
                }
                if (name.endsWith(".tmp")
                        || name.endsWith(LogSegment.DELETED_SUFFIX)
                        || name.endsWith(LogSegment.CLEANED_SUFFIX)
                        || indexSwap) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean up " + dir, e);
        }
    }

    /** Completes each {@code .log.swap} of the directory; returns their base offsets. */
    private static List<Long> completeSwaps(Path dir) {
        List<Long> swapped = new ArrayList<>();
        String suffix = ".log" + LogSegment.SWAP_SUFFIX;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + suffix)) {
            for (Path f : files) {
                String digits = f.getFileName().toString();
                digits = digits.substring(0, digits.length() - suffix.length());
                if (digits.length() == 20 && digits.chars().allMatch(Character::isDigit)) {
                    swapped.add(Long.parseLong(digits));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list swap files in " + dir, e);
        }
        swapped.sort(null);
        for (long base : swapped) {
            completeSwap(dir, base, suffix);
        }
        if (!swapped.isEmpty()) {
            fsyncDirectory(dir);
        }
        return swapped;
    }

    private static void completeSwap(Path dir, long base, String suffix) {
        Path swap = dir.resolve(LogSegment.fileName(base, suffix));
        long next;
        try (FileChannel channel = FileChannel.open(swap, StandardOpenOption.READ)) {
            FileBatchCursor cursor = new FileBatchCursor(channel, 0, (int) Math.min(channel.size(), Integer.MAX_VALUE));
            next = base;
            while (cursor.next(false)) {
                next = cursor.lastOffset() + 1;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + swap, e);
        }
        try {
            for (long old : segmentBaseOffsets(dir)) {
                if (old >= base && old < Math.max(next, base + 1)) {
                    for (String s : new String[] {".log", ".index", ".timeindex", TransactionIndex.SUFFIX}) {
                        Files.deleteIfExists(dir.resolve(LogSegment.fileName(old, s)));
                    }
                }
            }
            // An N.txnindex left now is an old segment's (its log already renamed for deletion) or the cleaned
            // one's renamed just before the crash: it cannot be told which, so it goes.
            Path txnIndex = dir.resolve(LogSegment.fileName(base, TransactionIndex.SUFFIX));
            Files.deleteIfExists(txnIndex);
            Path txnIndexSwap =
                    dir.resolve(LogSegment.fileName(base, TransactionIndex.SUFFIX + LogSegment.SWAP_SUFFIX));
            if (Files.exists(txnIndexSwap)) {
                Files.move(txnIndexSwap, txnIndex);
            }
            Files.move(swap, dir.resolve(LogSegment.fileName(base, ".log")), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot complete the swap of " + swap, e);
        }
    }

    /** fsyncs a directory, so the renames in it are durable (best effort where the platform refuses). */
    static void fsyncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory for fsync; the renames are then as durable as it allows.
        }
    }

    static List<Long> segmentBaseOffsets(Path dir) {
        List<Long> offsets = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.log")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                String digits = name.substring(0, name.length() - 4);
                if (digits.length() == 20 && digits.chars().allMatch(Character::isDigit)) {
                    offsets.add(Long.parseLong(digits));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list segments in " + dir, e);
        }
        offsets.sort(null);
        return offsets;
    }

    /** Deletes {@code root} and everything below it; nothing if it does not exist. */
    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
