package io.fjord.storage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The leader epochs of one partition and the offset where each began, persisted in
 * {@code leader-epoch-checkpoint} (a {@link CheckpointFile} with lines "epoch startOffset"). It answers
 * OffsetForLeaderEpoch ({@link #endOffsetFor}) and lets a returning replica truncate to the right place.
 *
 * <p>Not thread-safe for writes: the owning log mutates it under its lock. Reads synchronize on this
 * object because fetch-path callers (OffsetForLeaderEpoch, ListOffsets) run outside the log lock.
 */
final class LeaderEpochFileCache {

    static final String FILE_NAME = "leader-epoch-checkpoint";

    private final CheckpointFile checkpoint;
    private final NavigableMap<Integer, Long> epochs = new TreeMap<>();
    private boolean dirty;
    private boolean rebuildNeeded;

    LeaderEpochFileCache(Path dir) {
        this.checkpoint = new CheckpointFile(dir.resolve(FILE_NAME));
        try {
            for (String[] entry : checkpoint.read()) {
                epochs.put(Integer.parseInt(entry[0]), Long.parseLong(entry[1]));
            }
        } catch (RuntimeException e) {
            // an unsynced write torn by a crash: the owning log rebuilds the epochs from its batches
            epochs.clear();
            rebuildNeeded = true;
        }
    }

    /** Whether the checkpoint was unreadable and the epochs must be rebuilt from the log. */
    synchronized boolean rebuildNeeded() {
        return rebuildNeeded;
    }

    /** Records that {@code epoch} starts at {@code startOffset} if it is newer than the latest epoch. */
    synchronized boolean assign(int epoch, long startOffset) {
        if (epoch < 0 || (!epochs.isEmpty() && epoch <= epochs.lastKey())) {
            return false;
        }
        epochs.put(epoch, startOffset);
        dirty = true;
        return true;
    }

    synchronized int latestEpoch() {
        return epochs.isEmpty() ? -1 : epochs.lastKey();
    }

    /** The epoch of the leader that wrote {@code offset}, or -1 if unknown. */
    synchronized int epochForOffset(long offset) {
        int found = -1;
        for (Map.Entry<Integer, Long> e : epochs.entrySet()) {
            if (e.getValue() <= offset) {
                found = e.getKey();
            }
        }
        return found;
    }

    /**
     * Kafka's OffsetForLeaderEpoch answer: for the latest epoch, the log end offset; otherwise the start of
     * the next higher epoch, with the largest known epoch at most {@code requestedEpoch}.
     */
    synchronized EpochEndOffset endOffsetFor(int requestedEpoch, long logEndOffset) {
        if (requestedEpoch < 0 || epochs.isEmpty()) {
            return EpochEndOffset.UNDEFINED;
        }
        if (requestedEpoch == epochs.lastKey()) {
            return new EpochEndOffset(requestedEpoch, logEndOffset);
        }
        Map.Entry<Integer, Long> higher = epochs.higherEntry(requestedEpoch);
        if (higher == null) {
            return EpochEndOffset.UNDEFINED;
        }
        Map.Entry<Integer, Long> floor = epochs.floorEntry(requestedEpoch);
        return new EpochEndOffset(floor == null ? requestedEpoch : floor.getKey(), higher.getValue());
    }

    /** Removes epochs that start at or after {@code endOffset} (the log was truncated there). */
    synchronized void truncateFromEnd(long endOffset) {
        dirty |= epochs.entrySet().removeIf(e -> e.getValue() >= endOffset);
    }

    /** Drops epochs wholly below {@code startOffset}; the one spanning it now starts there. */
    synchronized void truncateFromStart(long startOffset) {
        Map.Entry<Integer, Long> floor = null;
        for (Map.Entry<Integer, Long> e : epochs.entrySet()) {
            if (e.getValue() <= startOffset) {
                floor = e;
            }
        }
        if (floor == null) {
            return;
        }
        int keep = floor.getKey();
        epochs.headMap(keep, false).clear();
        epochs.put(keep, startOffset);
        dirty = true;
    }

    synchronized void clear() {
        epochs.clear();
        dirty = true;
    }

    /** Writes the checkpoint file with fsync if anything changed since the last synced write. */
    void flush() {
        writeCheckpoint(true);
    }

    /**
     * Writes the checkpoint file; without {@code sync} (the append path) it stays dirty, so the next
     * {@link #flush()} fsyncs it. A torn unsynced file is rebuilt from the log on load.
     */
    void writeCheckpoint(boolean sync) {
        List<String> lines = new ArrayList<>();
        synchronized (this) {
            if (!dirty && sync) {
                return;
            }
            for (Map.Entry<Integer, Long> e : epochs.entrySet()) {
                lines.add(e.getKey() + " " + e.getValue());
            }
            dirty = !sync;
            rebuildNeeded = false;
        }
        checkpoint.write(lines, sync);
    }

    // Visible for testing
    synchronized NavigableMap<Integer, Long> epochs() {
        return new TreeMap<>(epochs);
    }
}
