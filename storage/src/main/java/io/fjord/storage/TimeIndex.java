package io.fjord.storage;

import java.nio.file.Path;

/**
 * The {@code .timeindex} file of a segment: a sparse map from the largest timestamp seen so far to the
 * offset of the batch where it was first seen. An entry is added next to each offset-index entry and when
 * the segment becomes inactive, only if its timestamp grows, so both fields are non-decreasing. Any batch
 * before an entry's offset has a smaller maximum timestamp; a lookup starts scanning there.
 *
 * <pre>
 * | offset | size | field                                                   |
 * |--------|------|---------------------------------------------------------|
 * |      0 |    8 | timestamp int64 (ms)                                    |
 * |      8 |    4 | relativeOffset int32 (last offset of that batch - base) |
 * </pre>
 *
 * <p>Threading as {@link AbstractIndex}: one writer under the log lock, concurrent readers.
 */
final class TimeIndex extends AbstractIndex {

    static final int ENTRY_SIZE = 12;
    static final int TIMESTAMP_OFFSET = 0;
    static final int RELATIVE_OFFSET_OFFSET = 8;

    TimeIndex(Path file, long baseOffset, int maxIndexSize, boolean writable) {
        super(file, baseOffset, maxIndexSize, writable, ENTRY_SIZE);
    }

    @Override
    long keyOf(int slot) {
        return buffer().getLong(slot * ENTRY_SIZE + TIMESTAMP_OFFSET);
    }

    private long offsetAt(int slot) {
        return baseOffset() + buffer().getInt(slot * ENTRY_SIZE + RELATIVE_OFFSET_OFFSET);
    }

    /** Appends (timestamp, offset) if the timestamp is larger than the last entry's. */
    void maybeAppend(long timestampMs, long offset) {
        int count = entries();
        if (count > 0 && timestampMs <= keyOf(count - 1)) {
            return;
        }
        if (count > 0 && offset < offsetAt(count - 1)) {
            throw new IllegalStateException("time index entry (" + timestampMs + ", " + offset
                    + ") goes back past offset " + offsetAt(count - 1) + " in " + file());
        }
        if (isFull()) {
            return; // the caller rolls on a full index; a last entry on roll may find it full
        }
        buffer().putLong(count * ENTRY_SIZE + TIMESTAMP_OFFSET, timestampMs);
        buffer().putInt(count * ENTRY_SIZE + RELATIVE_OFFSET_OFFSET, relativeOffset(offset));
        publishAppend();
    }

    /** The offset of the last entry with timestamp at most {@code timestampMs}; the base offset if none. */
    long lookup(long timestampMs) {
        int slot = largestLowerBoundSlot(timestampMs, entries());
        return slot < 0 ? baseOffset() : offsetAt(slot);
    }

    /** The timestamp of the last entry, or -1 if empty. */
    long lastTimestamp() {
        int count = entries();
        return count == 0 ? -1L : keyOf(count - 1);
    }

    /** The offset of the last entry, or the base offset if empty. */
    long lastEntryOffset() {
        int count = entries();
        return count == 0 ? baseOffset() : offsetAt(count - 1);
    }

    /** Drops every entry for offsets at or above {@code offset}. */
    void truncateTo(long offset) {
        int count = entries();
        int keep = count;
        while (keep > 0 && offsetAt(keep - 1) >= offset) {
            keep--;
        }
        truncateToEntries(keep);
    }
}
