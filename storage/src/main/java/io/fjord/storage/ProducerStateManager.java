package io.fjord.storage;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The idempotent-producer state of one partition: for each producer id its epoch and the metadata of its
 * last {@value #NUM_BATCHES_TO_RETAIN} batches, used to reject sequence gaps and stale epochs and to
 * answer a retried batch with its original offsets. The state is a replay of the log's batches; snapshots
 * ({@code <offset>.snapshot}, taken on roll and clean shutdown) make that replay short after a restart.
 *
 * <p>Snapshot file layout (big-endian):
 *
 * <pre>
 * | offset | size | field                                           |
 * |--------|------|-------------------------------------------------|
 * |      0 |    2 | version int16 = 1                               |
 * |      2 |    4 | crc uint32: CRC-32C of bytes 6..end             |
 * |      6 |    4 | producer count int32                            |
 * |     10 |    - | producers, each:                                |
 * |        |    8 |   producerId int64                              |
 * |        |    2 |   producerEpoch int16                           |
 * |        |    4 |   batch count int32 (at most 5)                 |
 * |        | 32*n |   batches: firstSeq int32, lastSeq int32,       |
 * |        |      |   firstOffset int64, lastOffset int64, ts int64 |
 * </pre>
 *
 * <p>Not thread-safe: the owning log calls it under its lock.
 */
final class ProducerStateManager {

    static final int NUM_BATCHES_TO_RETAIN = 5;
    static final String SNAPSHOT_SUFFIX = ".snapshot";
    static final short SNAPSHOT_VERSION = 1;
    private static final int HEADER_SIZE = 10;
    private static final int PRODUCER_SIZE = 14;
    private static final int BATCH_SIZE = 32;

    /** What the log remembers of one appended batch of a producer. */
    record BatchMetadata(int firstSeq, int lastSeq, long firstOffset, long lastOffset, long timestampMs) {}

    /** One producer's epoch and its most recent batches, oldest first. */
    static final class ProducerStateEntry {
        final long producerId;
        short epoch;
        final ArrayDeque<BatchMetadata> batches = new ArrayDeque<>(NUM_BATCHES_TO_RETAIN);

        ProducerStateEntry(long producerId, short epoch) {
            this.producerId = producerId;
            this.epoch = epoch;
        }

        int lastSeq() {
            return batches.isEmpty() ? -1 : batches.peekLast().lastSeq();
        }
    }

    private final Path dir;
    private final Map<Long, ProducerStateEntry> producers = new HashMap<>();
    /** Whether the state changed since it was last written to, or read from, a snapshot. */
    private boolean dirty = true;

    ProducerStateManager(Path dir) {
        this.dir = dir;
    }

    /**
     * Checks a client batch of producer {@code producerId} against its state. Returns the metadata of
     * the same batch if it was already appended (a retry), or null if it may be appended. Throws
     * INVALID_PRODUCER_EPOCH for an older epoch and OUT_OF_ORDER_SEQUENCE_NUMBER for a gap.
     */
    BatchMetadata checkAppend(long producerId, short epoch, int firstSeq, int lastSeq, String partition) {
        ProducerStateEntry entry = producers.get(producerId);
        if (entry == null) {
            return null; // unknown producer (new, or its state aged out with the log): accept any sequence
        }
        if (epoch < entry.epoch) {
            throw new ApiException(
                    Errors.INVALID_PRODUCER_EPOCH,
                    "producer " + producerId + " epoch " + epoch + " is older than the current epoch " + entry.epoch
                            + " on " + partition);
        }
        if (epoch > entry.epoch) {
            if (firstSeq != 0) {
                throw new ApiException(
                        Errors.OUT_OF_ORDER_SEQUENCE_NUMBER,
                        "producer " + producerId + " starts epoch " + epoch + " at sequence " + firstSeq + " on "
                                + partition + ", expected 0");
            }
            return null;
        }
        for (BatchMetadata batch : entry.batches) {
            if (batch.firstSeq() == firstSeq && batch.lastSeq() == lastSeq) {
                return batch;
            }
        }
        int last = entry.lastSeq();
        boolean inSequence = last < 0 ? firstSeq == 0 : firstSeq == nextSequence(last);
        if (!inSequence) {
            throw new ApiException(
                    Errors.OUT_OF_ORDER_SEQUENCE_NUMBER,
                    "producer " + producerId + " sent sequence " + firstSeq + " on " + partition + " after " + last
                            + " (epoch " + epoch + ")");
        }
        return null;
    }

    /**
     * Checks a coordinator's batch of producer {@code producerId}: only the epoch, since a coordinator writes
     * without sequence numbers of its own. Throws INVALID_PRODUCER_EPOCH for an older epoch.
     */
    void checkEpoch(long producerId, short epoch, String partition) {
        ProducerStateEntry entry = producers.get(producerId);
        if (entry != null && epoch < entry.epoch) {
            throw new ApiException(
                    Errors.INVALID_PRODUCER_EPOCH,
                    "producer " + producerId + " epoch " + epoch + " is older than the current epoch " + entry.epoch
                            + " on " + partition);
        }
    }

    private static int nextSequence(int sequence) {
        return sequence == Integer.MAX_VALUE ? 0 : sequence + 1;
    }

    /** Records an appended (or replayed) batch of a producer. */
    void update(long producerId, short epoch, int firstSeq, int lastSeq, long firstOffset, long lastOffset, long ts) {
        dirty = true;
        ProducerStateEntry entry = producers.computeIfAbsent(producerId, id -> new ProducerStateEntry(id, epoch));
        if (epoch != entry.epoch) {
            entry.epoch = epoch;
            entry.batches.clear();
        }
        if (firstSeq < 0) {
            return; // a control batch or a batch without sequences: only the epoch moves
        }
        if (entry.batches.size() == NUM_BATCHES_TO_RETAIN) {
            entry.batches.removeFirst();
        }
        entry.batches.addLast(new BatchMetadata(firstSeq, lastSeq, firstOffset, lastOffset, ts));
    }

    /** Replays one batch read from the log during recovery. */
    void onBatchFromLog(FileBatchCursor batch) {
        if (batch.producerId() < 0) {
            return;
        }
        update(
                batch.producerId(),
                batch.producerEpoch(),
                batch.isControl() ? -1 : batch.baseSequence(),
                batch.isControl() ? -1 : Batches.lastSequence(batch.baseSequence(), batch.lastOffsetDelta()),
                batch.baseOffset(),
                batch.lastOffset(),
                batch.maxTimestamp());
    }

    /**
     * Forgets producers whose newest batch is older than {@code expirationMs} (producer.id.expiration.ms),
     * bounding the state by recent activity. A forgotten producer is accepted again at any sequence.
     */
    int removeExpiredProducers(long nowMs, long expirationMs) {
        int before = producers.size();
        dirty = true;
        producers
                .values()
                .removeIf(
                        e -> e.batches.isEmpty() || nowMs - e.batches.peekLast().timestampMs() > expirationMs);
        return before - producers.size();
    }

    /** Producer id to the last offset of its newest batch, for producers with at least one batch. */
    Map<Long, Long> lastOffsets() {
        Map<Long, Long> out = new HashMap<>();
        for (ProducerStateEntry e : producers.values()) {
            if (!e.batches.isEmpty()) {
                out.put(e.producerId, e.batches.peekLast().lastOffset());
            }
        }
        return out;
    }

    // Visible for testing
    Map<Long, ProducerStateEntry> producers() {
        return producers;
    }

    void clear() {
        dirty = true;
        producers.clear();
    }

    static Path snapshotFile(Path dir, long offset) {
        return dir.resolve(LogSegment.fileName(offset, SNAPSHOT_SUFFIX));
    }

    /**
     * Writes the state as of {@code offset} (the next offset to be appended); atomic by rename, fsynced
     * only when {@code sync} (a torn unsynced snapshot fails its CRC on load and is replayed past).
     */
    void takeSnapshot(long offset, boolean sync) {
        if (!dirty && Files.exists(snapshotFile(dir, offset))) {
            return; // nothing changed since the snapshot of this very offset
        }
        int size = HEADER_SIZE;
        for (ProducerStateEntry e : producers.values()) {
            size += PRODUCER_SIZE + BATCH_SIZE * e.batches.size();
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        buf.putShort(SNAPSHOT_VERSION).putInt(0).putInt(producers.size());
        for (ProducerStateEntry e : producers.values()) {
            buf.putLong(e.producerId).putShort(e.epoch).putInt(e.batches.size());
            for (BatchMetadata b : e.batches) {
                buf.putInt(b.firstSeq())
                        .putInt(b.lastSeq())
                        .putLong(b.firstOffset())
                        .putLong(b.lastOffset());
                buf.putLong(b.timestampMs());
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 6, size - 6);
        buf.putInt(2, (int) crc.getValue());
        buf.flip();
        Path target = snapshotFile(dir, offset);
        Path tmp = dir.resolve(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            if (sync) {
                ch.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write producer snapshot " + target, e);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rename producer snapshot " + target, e);
        }
        dirty = false;
    }

    /**
     * Replaces the state with the newest readable snapshot at or below {@code maxOffset}, deleting any
     * snapshot above it and any unreadable one. Returns the snapshot's offset, or -1 if none (empty state).
     */
    long loadLatestSnapshot(long maxOffset) {
        producers.clear();
        List<Long> offsets = snapshotOffsets();
        for (int i = offsets.size() - 1; i >= 0; i--) {
            long offset = offsets.get(i);
            Path file = snapshotFile(dir, offset);
            if (offset > maxOffset) {
                deleteQuietly(file);
                continue;
            }
            try {
                readSnapshot(file);
                return offset;
            } catch (IOException | RuntimeException e) {
                producers.clear();
                deleteQuietly(file);
            }
        }
        return -1L;
    }

    private void readSnapshot(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file));
        if (buf.remaining() < HEADER_SIZE || buf.getShort(0) != SNAPSHOT_VERSION) {
            throw new IOException("not a producer snapshot: " + file);
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 6, buf.remaining() - 6);
        if ((int) crc.getValue() != buf.getInt(2)) {
            throw new IOException("CRC mismatch in " + file);
        }
        buf.position(6);
        int count = buf.getInt();
        if (count < 0 || (long) count * PRODUCER_SIZE > buf.remaining()) {
            throw new IOException("producer count " + count + " does not fit " + file);
        }
        for (int i = 0; i < count; i++) {
            ProducerStateEntry entry = new ProducerStateEntry(buf.getLong(), buf.getShort());
            int batches = buf.getInt();
            if (batches < 0 || batches > NUM_BATCHES_TO_RETAIN || (long) batches * BATCH_SIZE > buf.remaining()) {
                throw new IOException("batch count " + batches + " does not fit " + file);
            }
            for (int b = 0; b < batches; b++) {
                entry.batches.addLast(
                        new BatchMetadata(buf.getInt(), buf.getInt(), buf.getLong(), buf.getLong(), buf.getLong()));
            }
            producers.put(entry.producerId, entry);
        }
        dirty = false;
    }

    /** Deletes snapshots below {@code offset}, keeping the newest of them. */
    void deleteSnapshotsBefore(long offset) {
        List<Long> offsets = snapshotOffsets();
        long keep = -1L;
        for (long o : offsets) {
            if (o <= offset) {
                keep = o;
            }
        }
        for (long o : offsets) {
            if (o < offset && o != keep) {
                deleteQuietly(snapshotFile(dir, o));
            }
        }
    }

    /** Deletes every snapshot: the log was emptied or truncated below all of them. */
    void deleteAllSnapshots() {
        for (long o : snapshotOffsets()) {
            deleteQuietly(snapshotFile(dir, o));
        }
    }

    List<Long> snapshotOffsets() {
        List<Long> offsets = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SNAPSHOT_SUFFIX)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                String digits = name.substring(0, name.length() - SNAPSHOT_SUFFIX.length());
                if (digits.length() == 20 && digits.chars().allMatch(Character::isDigit)) {
                    offsets.add(Long.parseLong(digits));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list snapshots in " + dir, e);
        }
        offsets.sort(null);
        return offsets;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a leftover snapshot is harmless: it is replaced or ignored on the next load
        }
    }
}
