package io.fjord.storage;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A sparse, memory-mapped index of fixed-size entries sorted by key, as Kafka keeps them next to each
 * segment. While its segment is active the file is preallocated to {@code segment.index.bytes} (rounded
 * down to whole entries) and the unused tail is zeros; {@link #trimToValidSize()} cuts it to the entries
 * written (on roll and close). On open the entry count is found by skipping the all-zero tail, so a file
 * left preallocated by a crash still opens.
 *
 * <p>Thread-safety: one writer (the log's append lock) and any number of readers. Entries are written
 * with absolute puts before {@link #entries} (volatile) publishes them; readers read only below it.
 */
abstract class AbstractIndex {

    private volatile Path file;
    private final long baseOffset;
    private final int entrySize;
    private int maxEntries;
    private volatile MappedByteBuffer mmap;
    private volatile int entries;

    AbstractIndex(Path file, long baseOffset, int maxIndexSize, boolean writable, int entrySize) {
        this.file = file;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        try {
            long existingLength = Files.exists(file) ? Files.size(file) : 0;
            long length = roundDown(existingLength);
            if (writable) {
                length = Math.max(length, roundDown(maxIndexSize));
            }
            map(length);
            int count = (int) (roundDown(existingLength) / entrySize);
            while (count > 0 && isZeroEntry(count - 1)) {
                count--;
            }
            entries = count;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open index " + file, e);
        }
    }

    private long roundDown(long bytes) {
        return bytes - bytes % entrySize;
    }

    private void map(long length) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(length);
            mmap = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, length);
        }
        maxEntries = (int) (length / entrySize);
    }

    private boolean isZeroEntry(int slot) {
        int start = slot * entrySize;
        for (int i = 0; i < entrySize; i++) {
            if (mmap.get(start + i) != 0) {
                return false;
            }
        }
        return true;
    }

    final Path file() {
        return file;
    }

    final long baseOffset() {
        return baseOffset;
    }

    final int entries() {
        return entries;
    }

    final boolean isFull() {
        return entries >= maxEntries;
    }

    /** How many more entries fit before the index is full. */
    final int entriesLeft() {
        return maxEntries - entries;
    }

    final MappedByteBuffer buffer() {
        return mmap;
    }

    final int entrySize() {
        return entrySize;
    }

    /** Publishes one more entry, written by the caller at slot {@code entries()}. */
    final void publishAppend() {
        entries = entries + 1;
    }

    /** The offset of {@code offset} relative to the segment base; it must fit an int32. */
    final int relativeOffset(long offset) {
        long relative = offset - baseOffset;
        if (relative < 0 || relative > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "offset " + offset + " does not fit the index of the segment at " + baseOffset);
        }
        return (int) relative;
    }

    /** Keeps the first {@code count} entries and zeroes the rest. */
    final void truncateToEntries(int count) {
        int old = entries;
        entries = Math.min(count, old);
        for (int i = entries * entrySize; i < old * entrySize; i++) {
            mmap.put(i, (byte) 0);
        }
    }

    /**
     * The largest slot whose key is at most {@code target}, or -1 if the first key is already larger.
     * {@code keyOf(slot)} must be non-decreasing.
     */
    final int largestLowerBoundSlot(long target, int count) {
        if (count == 0 || keyOf(0) > target) {
            return -1;
        }
        int lo = 0;
        int hi = count - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (keyOf(mid) <= target) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    abstract long keyOf(int slot);

    /** Cuts the file to the entries written; an index stays appendable only while preallocated. */
    final void trimToValidSize() {
        try {
            map((long) entries * entrySize);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot trim index " + file, e);
        }
    }

    /** Makes room for {@code maxIndexSize} bytes again (for a segment that becomes active at load). */
    final void resize(int maxIndexSize) {
        try {
            map(Math.max(roundDown(maxIndexSize), (long) entries * entrySize));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resize index " + file, e);
        }
    }

    final void flush() {
        mmap.force();
    }

    final void close() {
        trimToValidSize();
    }

    /** Renames the file (for deletion); the mapping stays valid. */
    final void renameTo(Path target) throws IOException {
        Files.move(file, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        file = target;
    }

    final void deleteIfExists() throws IOException {
        Files.deleteIfExists(file);
    }
}
