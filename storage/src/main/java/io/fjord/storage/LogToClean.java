package io.fjord.storage;

import java.util.ArrayList;
import java.util.List;

/**
 * What the cleaner may do with one compacted log now, computed from a snapshot of its segments: the
 * first dirty offset (where the last clean stopped), the upper bound (a segment boundary below the active
 * segment, the last stable offset (so the high watermark and every open transaction) and every segment younger than min.compaction.lag.ms: nothing at or past
 * it is read into the key map or rewritten), and the bytes before and after the first dirty offset.
 *
 * @param firstDirtyOffset the first offset not yet cleaned
 * @param upperBoundOffset the base offset of the first segment the cleaner must leave alone
 * @param cleanBytes bytes of the segments below the first dirty offset
 * @param dirtyBytes bytes of the segments in [first dirty offset, upper bound)
 * @param overdue some dirty record is older than max.compaction.lag.ms
 */
record LogToClean(long firstDirtyOffset, long upperBoundOffset, long cleanBytes, long dirtyBytes, boolean overdue) {

    /** dirty / (clean + dirty); 0 for an empty log. */
    double dirtyRatio() {
        long total = cleanBytes + dirtyBytes;
        return total == 0 ? 0.0 : (double) dirtyBytes / total;
    }

    /**
     * The cleanable range of {@code log}, whose cleaner checkpoint is {@code checkpoint} (-1 if none; a
     * checkpoint outside [log start offset, log end offset] is ignored, as after a truncation).
     */
    static LogToClean of(UnifiedLog log, long checkpoint, long nowMs) {
        LogConfig config = log.config();
        List<LogSegment> segments = new ArrayList<>(log.segments().values());
        long logStart = log.logStartOffset();
        long firstDirty = checkpoint < logStart || checkpoint > log.logEndOffset() ? logStart : checkpoint;
        // Below the last stable offset only: an undecided transaction's values must not shadow older ones.
        long uncleanable = Math.min(log.activeSegmentBaseOffset(), log.lastStableOffset());
        long[] ends = new long[segments.size()];
        for (int i = 0; i < segments.size(); i++) {
            ends[i] = i + 1 < segments.size() ? segments.get(i + 1).baseOffset() : log.logEndOffset();
        }
        if (config.minCompactionLagMs() > 0) {
            for (int i = 0; i < segments.size(); i++) {
                LogSegment s = segments.get(i);
                if (ends[i] > firstDirty && s.largestTimestamp() > nowMs - config.minCompactionLagMs()) {
                    uncleanable = Math.min(uncleanable, s.baseOffset());
                    break;
                }
            }
        }
        long upperBound = segments.get(0).baseOffset();
        for (LogSegment s : segments) {
            if (s.baseOffset() <= uncleanable) {
                upperBound = s.baseOffset();
            }
        }
        long cleanBytes = 0;
        long dirtyBytes = 0;
        boolean overdue = false;
        for (int i = 0; i < segments.size(); i++) {
            LogSegment s = segments.get(i);
            if (s.baseOffset() < firstDirty) {
                cleanBytes += s.sizeInBytes();
            }
            if (s.baseOffset() < upperBound && ends[i] > firstDirty) {
                dirtyBytes += s.sizeInBytes();
                long firstTimestampMs = s.firstBatchTimestampMs();
                overdue |= firstTimestampMs >= 0 && nowMs - firstTimestampMs > config.maxCompactionLagMs();
            }
        }
        return new LogToClean(firstDirty, upperBound, cleanBytes, dirtyBytes, overdue);
    }
}
