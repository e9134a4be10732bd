package io.fjord.storage;

import java.util.ArrayList;
import java.util.List;

/**
 * Which segments of a {@link UnifiedLog} retention and DeleteRecords may delete: oldest first, only
 * segments wholly below the high watermark, never an empty active segment, and stopping at the first
 * segment the predicate keeps. Stateless; the log calls it under its lock.
 */
final class SegmentDeletion {

    private SegmentDeletion() {}

    /** Decides, oldest first, whether a segment may go; deletion stops at the first "no". */
    interface Predicate {
        boolean shouldDelete(LogSegment segment, LogSegment next);
    }

    /** retention.ms: segments whose largest timestamp is more than {@code retentionMs} before now. */
    static Predicate olderThan(long retentionMs, long nowMs) {
        return (segment, next) -> nowMs - segment.largestTimestamp() > retentionMs;
    }

    /** retention.bytes: the oldest segments while what remains stays at least {@code excessBytes} over. */
    static Predicate oldestBytes(long excessBytes) {
        long[] excess = {excessBytes};
        return (segment, next) -> {
            if (excess[0] - segment.sizeInBytes() >= 0) {
                excess[0] -= segment.sizeInBytes();
                return true;
            }
            return false;
        };
    }

    /** Segments wholly below {@code logStartOffset} (the next segment starts at or before it). */
    static Predicate below(long logStartOffset) {
        return (segment, next) -> next != null && next.baseOffset() <= logStartOffset;
    }

    /** The leading run of {@code all} (in offset order) that may be deleted. */
    static List<LogSegment> deletable(
            List<LogSegment> all, long logEndOffset, long highWatermark, Predicate predicate) {
        List<LogSegment> deletable = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            LogSegment s = all.get(i);
            LogSegment next = i + 1 < all.size() ? all.get(i + 1) : null;
            long upperBound = next != null ? next.baseOffset() : logEndOffset;
            boolean lastAndEmpty = next == null && s.sizeInBytes() == 0;
            if (lastAndEmpty || highWatermark < upperBound || !predicate.shouldDelete(s, next)) {
                break;
            }
            deletable.add(s);
        }
        return deletable;
    }
}
