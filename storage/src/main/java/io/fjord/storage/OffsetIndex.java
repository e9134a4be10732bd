package io.fjord.storage;

import java.nio.file.Path;

/**
 * The {@code .index} file of a segment: a sparse map from a batch's last offset to the file position where that
 * batch starts, one entry every {@code index.interval.bytes} of log, as in Kafka (whose kafka-dump-log checks each
 * entry against the batch it points at). Entries are sorted by both fields. Segments written before this layout
 * hold base offsets instead; a lookup answers correctly with either, since both name a batch that starts at or
 * before every offset at or above the entry's.
 * Position 0 is never indexed (the first batch is found without an entry), so an all-zero entry marks
 * unused preallocated space.
 *
 * <pre>
 * | offset | size | field                                          |
 * |--------|------|------------------------------------------------|
 * |      0 |    4 | relativeOffset int32 (batch last - segment base) |
 * |      4 |    4 | position int32 (byte position in the .log)     |
 * </pre>
 *
 * <p>Threading as {@link AbstractIndex}: one writer under the log lock, concurrent readers.
 */
final class OffsetIndex extends AbstractIndex {

    static final int ENTRY_SIZE = 8;
    static final int RELATIVE_OFFSET_OFFSET = 0;
    static final int POSITION_OFFSET = 4;

    OffsetIndex(Path file, long baseOffset, int maxIndexSize, boolean writable) {
        super(file, baseOffset, maxIndexSize, writable, ENTRY_SIZE);
    }

    @Override
    long keyOf(int slot) {
        return buffer().getInt(slot * ENTRY_SIZE + RELATIVE_OFFSET_OFFSET);
    }

    private int positionAt(int slot) {
        return buffer().getInt(slot * ENTRY_SIZE + POSITION_OFFSET);
    }

    /** Appends an entry; offsets and positions must grow. */
    void append(long offset, int position) {
        int count = entries();
        int relative = relativeOffset(offset);
        if (count > 0 && (relative <= keyOf(count - 1) || position <= positionAt(count - 1))) {
            throw new IllegalStateException("index entry (" + offset + ", " + position + ") does not follow the last "
                    + "entry (" + (baseOffset() + keyOf(count - 1)) + ", " + positionAt(count - 1) + ") in " + file());
        }
        if (isFull()) {
            throw new IllegalStateException("index " + file() + " is full");
        }
        buffer().putInt(count * ENTRY_SIZE + RELATIVE_OFFSET_OFFSET, relative);
        buffer().putInt(count * ENTRY_SIZE + POSITION_OFFSET, position);
        publishAppend();
    }

    /**
     * The position of the last indexed batch whose indexed offset is at most {@code offset}: the batch holding
     * {@code offset}, if any, starts there or later. 0 if none.
     */
    int lookup(long offset) {
        long relative = offset - baseOffset();
        if (relative < 0) {
            return 0;
        }
        int slot = largestLowerBoundSlot(relative, entries());
        return slot < 0 ? 0 : positionAt(slot);
    }

    /** The largest indexed position at most {@code position}; 0 if none. */
    int lookupByPosition(int position) {
        int count = entries();
        int lo = 0;
        int hi = count - 1;
        int found = 0;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int p = positionAt(mid);
            if (p <= position) {
                found = p;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** The offset of the last entry, or the segment base if empty. */
    long lastOffset() {
        int count = entries();
        return count == 0 ? baseOffset() : baseOffset() + keyOf(count - 1);
    }

    /** Drops every entry for offsets at or above {@code offset}. */
    void truncateTo(long offset) {
        int slot = largestLowerBoundSlot(offset - baseOffset() - 1, entries());
        truncateToEntries(slot + 1);
    }
}
