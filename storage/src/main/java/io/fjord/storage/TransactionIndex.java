package io.fjord.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * The aborted transactions whose ABORT marker lies in one segment (Kafka's {@code .txnindex}), in marker
 * order: fixed-size big-endian entries appended as markers are written, so a read_committed fetch can name
 * the aborted transactions overlapping the records it returns.
 *
 * <pre>
 * | offset | size | field                   |
 * |--------|------|-------------------------|
 * |      0 |    2 | version int16 = 0       |
 * |      2 |    8 | producerId int64        |
 * |     10 |    8 | firstOffset int64       |
 * |     18 |    8 | lastOffset int64        |
 * |     26 |    8 | lastStableOffset int64  |
 * </pre>
 *
 * <p>The file is created with the first entry; a torn last entry (a crash mid-write) is cut off on open.
 * The entries are also held in memory (a segment holds few aborts): a lookup reads that array.
 *
 * <p>Thread-safety: one writer (the log's lock) and any number of readers. The entry array is replaced,
 * never changed, and published through a volatile field.
 */
final class TransactionIndex {

    static final String SUFFIX = ".txnindex";
    static final int ENTRY_SIZE = 34;
    private static final short VERSION = 0;
    private static final AbortedTxn[] NONE = new AbortedTxn[0];

    private volatile Path file;
    private volatile AbortedTxn[] entries;
    private FileChannel channel;

    TransactionIndex(Path file) {
        this.file = file;
        this.entries = Files.exists(file) ? read(file) : NONE;
    }

    private static AbortedTxn[] read(Path file) {
        try {
            ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file));
            int count = buf.remaining() / ENTRY_SIZE;
            AbortedTxn[] out = new AbortedTxn[count];
            int n = 0;
            for (int i = 0; i < count; i++) {
                int p = i * ENTRY_SIZE;
                AbortedTxn txn = new AbortedTxn(
                        buf.getLong(p + 2), buf.getLong(p + 10), buf.getLong(p + 18), buf.getLong(p + 26));
                boolean ordered = n == 0 || txn.lastOffset() > out[n - 1].lastOffset();
                if (buf.getShort(p) != VERSION || !ordered || txn.firstOffset() > txn.lastOffset()) {
                    break; // garbage from here on: recovery replays the markers past the valid entries
                }
                out[n++] = txn;
            }
            if (buf.capacity() != n * ENTRY_SIZE) {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.truncate((long) n * ENTRY_SIZE); // so appends never leave stale bytes behind them
                }
            }
            return Arrays.copyOf(out, n);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read transaction index " + file, e);
        }
    }

    Path file() {
        return file;
    }

    /** The entries, oldest marker first. */
    List<AbortedTxn> entries() {
        return List.of(entries);
    }

    /**
     * Appends {@code txn} unless an entry with a marker at or after its marker is already there: replaying
     * the log over entries written before a restart adds only the missing ones.
     */
    void append(AbortedTxn txn) {
        AbortedTxn[] current = entries;
        if (current.length > 0 && current[current.length - 1].lastOffset() >= txn.lastOffset()) {
            return;
        }
        ByteBuffer buf = ByteBuffer.allocate(ENTRY_SIZE)
                .putShort(VERSION)
                .putLong(txn.producerId())
                .putLong(txn.firstOffset())
                .putLong(txn.lastOffset())
                .putLong(txn.lastStableOffset())
                .flip();
        try {
            FileChannel ch = channel();
            long position = (long) current.length * ENTRY_SIZE;
            while (buf.hasRemaining()) {
                position += ch.write(buf, position);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write transaction index " + file, e);
        }
        AbortedTxn[] next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = txn;
        entries = next;
    }

    private FileChannel channel() throws IOException {
        if (channel == null) {
            channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        return channel;
    }

    /** Drops the entries whose marker is at or after {@code offset} (their batches were removed). */
    void truncateTo(long offset) {
        AbortedTxn[] current = entries;
        int keep = current.length;
        while (keep > 0 && current[keep - 1].lastOffset() >= offset) {
            keep--;
        }
        if (keep == current.length && !Files.exists(file)) {
            return;
        }
        try {
            channel().truncate((long) keep * ENTRY_SIZE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot truncate transaction index " + file, e);
        }
        entries = Arrays.copyOf(current, keep);
    }

    /**
     * Adds to {@code out} the entries overlapping [{@code fetchOffset}, {@code upperBoundOffset}); returns
     * true once an entry shows that no later marker can overlap it (its last stable offset is at or past
     * the upper bound), so the caller need not look at later segments.
     */
    boolean collect(long fetchOffset, long upperBoundOffset, List<AbortedTxn> out) {
        for (AbortedTxn txn : entries) {
            if (txn.lastOffset() >= fetchOffset && txn.firstOffset() < upperBoundOffset) {
                out.add(txn);
            }
            if (txn.lastStableOffset() >= upperBoundOffset) {
                return true;
            }
        }
        return false;
    }

    void flush() {
        if (channel == null) {
            return;
        }
        try {
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fsync transaction index " + file, e);
        }
    }

    void close() {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
            channel = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close transaction index " + file, e);
        }
    }

    /** Renames the file, if there is one (an open channel keeps writing to the renamed file). */
    void renameTo(Path target) throws IOException {
        if (Files.exists(file)) {
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
        file = target;
    }

    void deleteIfExists() throws IOException {
        close();
        Files.deleteIfExists(file);
    }
}
