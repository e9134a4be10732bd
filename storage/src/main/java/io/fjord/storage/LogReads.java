package io.fjord.storage;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import java.util.ArrayList;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;

/**
 * The fetch read path of a {@link UnifiedLog}: finds the segment holding an offset and slices whole
 * batches out of it without copying. Stateless; runs on any thread without the log's lock, against the
 * segment map and the {@link LogEnd} the caller read once. Also answers ListOffsets by timestamp.
 */
final class LogReads {

    private LogReads() {}

    /** See {@link UnifiedLog#read}; {@code end} and {@code logStartOffset} are the log's as read once. */
    static FetchDataInfo read(
            NavigableMap<Long, LogSegment> segments,
            LogEnd end,
            long logStartOffset,
            TopicPartition topicPartition,
            long startOffset,
            int maxBytes,
            long maxOffsetExclusive,
            boolean minOneMessage) {
        if (startOffset < logStartOffset || startOffset > end.offset()) {
            throw new ApiException(
                    Errors.OFFSET_OUT_OF_RANGE,
                    "offset " + startOffset + " is outside [" + logStartOffset + ", " + end.offset() + "] of "
                            + topicPartition);
        }
        long maxOffset = Math.min(maxOffsetExclusive, end.offset());
        if (startOffset >= maxOffset) {
            return new FetchDataInfo(startOffset, FileRecords.EMPTY);
        }
        Map.Entry<Long, LogSegment> entry = segments.floorEntry(startOffset);
        if (entry == null) {
            throw new ApiException(
                    Errors.OFFSET_OUT_OF_RANGE,
                    "offset " + startOffset + " was deleted from " + topicPartition + " (log start offset "
                            + logStartOffset + ")");
        }
        while (entry != null && entry.getKey() < maxOffset) {
            LogSegment segment = entry.getValue();
            int maxPosition = segment == end.segment() ? end.position() : segment.sizeInBytes();
            boolean boundedHere = false;
            Map.Entry<Long, LogSegment> next = segments.higherEntry(entry.getKey());
            if (next == null || next.getKey() > maxOffset) {
                if (maxOffset < end.offset()) {
                    int p = segment.translateOffset(maxOffset, maxPosition);
                    if (p >= 0) {
                        maxPosition = p;
                        boundedHere = true;
                    }
                }
            }
            FileRecords records = segment.read(startOffset, maxBytes, maxPosition, minOneMessage);
            if (records != null) {
                return new FetchDataInfo(startOffset, records);
            }
            if (boundedHere) {
                break;
            }
            entry = next;
        }
        return new FetchDataInfo(startOffset, FileRecords.EMPTY);
    }

    /** See {@link UnifiedLog#fetchOffsetByTimestamp}; {@code end} and {@code logStartOffset} read once. */
    static Optional<TimestampAndOffset> offsetByTimestamp(
            NavigableMap<Long, LogSegment> segments,
            LogEnd end,
            long logStartOffset,
            LeaderEpochFileCache epochCache,
            long timestampMs,
            int maxDecompressedBytes) {
        if (timestampMs == UnifiedLog.EARLIEST_TIMESTAMP || timestampMs == UnifiedLog.EARLIEST_LOCAL_TIMESTAMP) {
            long start = logStartOffset;
            return Optional.of(new TimestampAndOffset(-1L, start, epochCache.epochForOffset(start)));
        }
        if (timestampMs == UnifiedLog.LATEST_TIMESTAMP) {
            return Optional.of(new TimestampAndOffset(-1L, end.offset(), epochCache.latestEpoch()));
        }
        if (timestampMs == UnifiedLog.MAX_TIMESTAMP) {
            return TimestampLookup.maxTimestamp(
                    new ArrayList<>(segments.values()), logStartOffset, maxDecompressedBytes);
        }
        if (timestampMs < 0) {
            return Optional.empty();
        }
        return TimestampLookup.firstAtOrAfter(
                new ArrayList<>(segments.values()), timestampMs, logStartOffset, maxDecompressedBytes);
    }
}
