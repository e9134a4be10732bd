package io.fjord.storage;

import java.util.List;
import java.util.Optional;

/**
 * ListOffsets by timestamp over a snapshot of a log's segments: a segment is skipped when its largest
 * timestamp is older than the target, then its time index and a short forward scan find the batch and
 * the record in it (compressed batches are decompressed within the bound the caller derives from
 * max.message.bytes). A lookup by timestamp looks only at records from the log start offset on, as Kafka's; the
 * record with the largest timestamp, if below the log start offset, is answered at that offset.
 *
 * <p>Stateless; safe from any thread (segments are read with the same rules as fetches).
 */
final class TimestampLookup {

    private TimestampLookup() {}

    /** The first offset whose timestamp is at least {@code timestampMs}; empty if none is that recent. */
    static Optional<TimestampAndOffset> firstAtOrAfter(
            List<LogSegment> segments, long timestampMs, long logStartOffset, int maxDecompressedBytes) {
        for (LogSegment s : segments) {
            if (s.maxTimestampSoFar() >= timestampMs) {
                TimestampAndOffset found = s.findOffsetByTimestamp(timestampMs, logStartOffset, maxDecompressedBytes);
                if (found != null) {
                    return Optional.of(found);
                }
            }
        }
        return Optional.empty();
    }

    /** The first offset carrying the largest timestamp; (-1, -1, -1) for a log without timestamps. */
    static Optional<TimestampAndOffset> maxTimestamp(
            List<LogSegment> segments, long logStartOffset, int maxDecompressedBytes) {
        LogSegment newest = null;
        for (LogSegment s : segments) {
            if (s.maxTimestampSoFar() >= 0 && (newest == null || s.maxTimestampSoFar() > newest.maxTimestampSoFar())) {
                newest = s;
            }
        }
        if (newest == null) {
            return Optional.of(new TimestampAndOffset(-1L, -1L, -1));
        }
        return Optional.ofNullable(
                        newest.findOffsetByTimestamp(newest.maxTimestampSoFar(), Long.MIN_VALUE, maxDecompressedBytes))
                .map(found -> clampToStart(found, logStartOffset));
    }

    private static TimestampAndOffset clampToStart(TimestampAndOffset found, long logStartOffset) {
        return found.offset() >= logStartOffset
                ? found
                : new TimestampAndOffset(found.timestampMs(), logStartOffset, found.leaderEpoch());
    }
}
