package io.fjord.storage;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.VerificationGuard;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The producer state of one partition: for each producer id its epoch, the metadata of its last {@value
 * #NUM_BATCHES_TO_RETAIN} batches (used to reject sequence gaps and stale epochs and to answer a retried
 * batch with its original offsets), and its ongoing transaction (KIP-98): the first offset of its first
 * transactional batch since its last end-transaction marker. The ongoing transactions, by first offset,
 * give the partition's first unstable offset. The state is a replay of the log's batches; snapshots
 * ({@code <offset>.snapshot}, taken on roll and clean shutdown) make that replay short after a restart.
 *
 * <p>Transaction verification (KIP-890 part 1) keeps, in memory only, one {@link VerificationGuard} per producer
 * whose first transactional batch here waits for its transaction coordinator's answer; any transactional batch
 * or marker of that producer clears it (see {@link #maybeStartVerification}).
 *
 * <p>Snapshot file layout (big-endian); version 1 (no transaction fields) is still read:
 *
 * <pre>
 * | offset | size | field                                                 |
 * |--------|------|-------------------------------------------------------|
 * |      0 |    2 | version int16 = 2                                     |
 * |      2 |    4 | crc uint32: CRC-32C of bytes 6..end                   |
 * |      6 |    4 | producer count int32                                  |
 * |     10 |    - | producers, each:                                      |
 * |        |    8 |   producerId int64                                    |
 * |        |    2 |   producerEpoch int16                                 |
 * |        |    8 |   lastTimestamp int64 (v2)                            |
 * |        |    4 |   coordinatorEpoch int32 (v2, -1 none)                |
 * |        |    8 |   currentTxnFirstOffset int64 (v2, -1 none)           |
 * |        |    4 |   batch count int32 (at most 5)                       |
 * |        | 32*n |   batches: firstSeq int32, lastSeq int32,             |
 * |        |      |   firstOffset int64, lastOffset int64, ts int64       |
 * </pre>
 *
 * <p>Not thread-safe: the owning log calls it under its lock.
 */
final class ProducerStateManager {

    static final int NUM_BATCHES_TO_RETAIN = 5;
    static final String SNAPSHOT_SUFFIX = ".snapshot";
    static final short SNAPSHOT_VERSION = 2;
    private static final short SNAPSHOT_VERSION_1 = 1;
    private static final int HEADER_SIZE = 10;
    private static final int PRODUCER_SIZE_V1 = 14;
    private static final int PRODUCER_SIZE = 34;
    private static final int BATCH_SIZE = 32;

    /** What the log remembers of one appended batch of a producer. */
    record BatchMetadata(int firstSeq, int lastSeq, long firstOffset, long lastOffset, long timestampMs) {}

    /**
     * A transaction an end-transaction marker just ended: the producer, its first data offset, the
     * marker's offset, and whether it was aborted.
     */
    record CompletedTxn(long producerId, long firstOffset, long lastOffset, boolean aborted) {}

    /**
     * What the log cleaner keeps of one producer, as Kafka's {@code LastRecord}: the last offset of its
     * newest data batch in its current epoch ({@code -1} when that epoch has none, as after a marker that
     * bumped the epoch), so its last sequence survives, and its epoch: without such a batch, its markers of
     * that epoch stay instead, so the epoch that fences older producers survives a replay of the log.
     */
    record LastEntry(long lastDataOffset, short epoch) {}

    /** One producer's epoch, its most recent batches (oldest first) and its ongoing transaction. */
    static final class ProducerStateEntry {
        final long producerId;
        short epoch;
        final ArrayDeque<BatchMetadata> batches = new ArrayDeque<>(NUM_BATCHES_TO_RETAIN);
        /** The timestamp of its newest batch or marker: producer.id.expiration.ms counts from it. */
        long lastTimestampMs = -1L;
        /** The epoch of the transaction coordinator that wrote its last marker, -1 before any. */
        int coordinatorEpoch = -1;
        /** The first offset of its ongoing transaction, -1 when none. */
        long currentTxnFirstOffset = -1L;
        /**
         * The lowest sequence of this epoch known to have been appended with every later one up to {@link
         * #lastSeq()}: the first batch this state saw at this epoch (0 when the epoch started here, the jump of
         * a producer accepted unknown, the first batch replayed), -1 before any. Not in snapshots: restored, it
         * is the oldest remembered batch (which only ever answers less).
         */
        int epochFirstSeq = -1;

        ProducerStateEntry(long producerId, short epoch) {
            this.producerId = producerId;
            this.epoch = epoch;
        }

        /** Moves to {@code newEpoch}; a new epoch starts with no batches (its sequences restart at 0). */
        void maybeUpdateEpoch(short newEpoch) {
            if (newEpoch != epoch) {
                epoch = newEpoch;
                batches.clear();
                epochFirstSeq = -1;
            }
        }

        int lastSeq() {
            return batches.isEmpty() ? -1 : batches.peekLast().lastSeq();
        }
    }

    /**
     * A verification in progress for one producer: its guard, when it started (it is dropped with the
     * producers idle past producer.id.expiration.ms), and the lowest sequence and newest epoch of the batches
     * waiting on it, so that a later batch verified first cannot be appended before them.
     */
    static final class VerificationState {
        final VerificationGuard guard = VerificationGuard.create();
        final long startMs;
        int lowestSequence;
        short epoch;

        VerificationState(long startMs, int sequence, short epoch) {
            this.startMs = startMs;
            this.lowestSequence = sequence;
            this.epoch = epoch;
        }

        void onBatch(int sequence, short batchEpoch) {
            if (batchEpoch > epoch) {
                epoch = batchEpoch;
                lowestSequence = sequence;
            } else if (batchEpoch == epoch && sequence < lowestSequence) {
                lowestSequence = sequence;
            }
        }
    }

    private final Path dir;
    private final Map<Long, ProducerStateEntry> producers = new HashMap<>();
    /** The verifications in progress, by producer id. */
    private final Map<Long, VerificationState> verifications = new HashMap<>();
    /** The ongoing transactions: first offset to producer id. */
    private final TreeMap<Long, Long> ongoingTxns = new TreeMap<>();
    /** Whether the state changed since it was last written to, or read from, a snapshot. */
    private boolean dirty = true;

    ProducerStateManager(Path dir) {
        this.dir = dir;
    }

    /**
     * Checks a client batch of producer {@code producerId} against its state. Returns the metadata of
     * the same batch if it was already appended (a retry), or null if it may be appended. Throws
     * INVALID_PRODUCER_EPOCH for an older epoch (Kafka answers a transactional batch so too, not
     * PRODUCER_FENCED, so the client can abort and go on), OUT_OF_ORDER_SEQUENCE_NUMBER for a gap, and
     * INVALID_TXN_STATE for a non-transactional batch while the producer's transaction is ongoing. With a
     * {@code guard} (not null: transaction verification is on) a transactional batch is also held to {@link
     * #checkVerified}.
     */
    BatchMetadata checkAppend(
            long producerId,
            short epoch,
            int firstSeq,
            int lastSeq,
            boolean transactional,
            VerificationGuard guard,
            String partition) {
        ProducerStateEntry entry = producers.get(producerId);
        if (entry != null) {
            if (epoch < entry.epoch) {
                throw new ApiException(
                        Errors.INVALID_PRODUCER_EPOCH,
                        "producer " + producerId + " epoch " + epoch + " is older than the current epoch " + entry.epoch
                                + " on " + partition);
            }
            if (epoch == entry.epoch) {
                for (BatchMetadata batch : entry.batches) {
                    if (batch.firstSeq() == firstSeq && batch.lastSeq() == lastSeq) {
                        return batch;
                    }
                }
            }
        }
        if (transactional && guard != null) {
            checkVerified(producerId, epoch, firstSeq, guard, partition);
        }
        if (entry == null) {
            return null; // unknown producer (new, or its state aged out with the log): accept any sequence
        }
        // At any epoch: a bump does not end the open transaction (its marker does), as in Kafka.
        if (!transactional && entry.currentTxnFirstOffset >= 0) {
            throw new ApiException(
                    Errors.INVALID_TXN_STATE,
                    "producer " + producerId + " sent a non-transactional batch to " + partition
                            + " while its transaction from offset " + entry.currentTxnFirstOffset + " is ongoing");
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
        int last = entry.lastSeq();
        boolean inSequence = last < 0 ? firstSeq == 0 : firstSeq == nextSequence(last);
        if (!inSequence && isOlderThanRemembered(entry, firstSeq, lastSeq)) {
            // Written earlier in this epoch, before the batches still remembered: a retry that reached a new
            // leader late (its first attempt was replicated, the answer lost). The Java client and librdkafka
            // take this as written; OUT_OF_ORDER_SEQUENCE_NUMBER would have them retry it until they time out.
            throw new ApiException(
                    Errors.DUPLICATE_SEQUENCE_NUMBER,
                    "producer " + producerId + " already wrote sequences " + firstSeq + "-" + lastSeq + " on "
                            + partition + " (its last is " + last + ", epoch " + epoch + ")");
        }
        if (!inSequence) {
            throw new ApiException(
                    Errors.OUT_OF_ORDER_SEQUENCE_NUMBER,
                    "producer " + producerId + " sent sequence " + firstSeq + " on " + partition + " after " + last
                            + " (epoch " + epoch + ")");
        }
        return null;
    }

    /**
     * Kafka's check of a transactional batch when transaction verification is on: it continues the
     * producer's ongoing transaction here, or it starts one and carries the guard that {@link
     * #maybeStartVerification} placed and nothing has cleared since (INVALID_TXN_STATE otherwise: the
     * transaction coordinator may not know of a transaction it would start). Of the batches that waited on one
     * verification only the lowest sequence may start the transaction (OUT_OF_ORDER_SEQUENCE_NUMBER, which the
     * client retries, for the others).
     */
    void checkVerified(long producerId, short epoch, int firstSeq, VerificationGuard guard, String partition) {
        if (hasOngoingTransaction(producerId, epoch)) {
            return;
        }
        VerificationState verification = verifications.get(producerId);
        if (verification == null || !verification.guard.verifies(guard)) {
            throw new ApiException(
                    Errors.INVALID_TXN_STATE,
                    "the batch of producer " + producerId + " (epoch " + epoch + ") to " + partition
                            + " is not part of an ongoing transaction");
        }
        if (epoch == verification.epoch && firstSeq > verification.lowestSequence) {
            throw new ApiException(
                    Errors.OUT_OF_ORDER_SEQUENCE_NUMBER,
                    "producer " + producerId + " sent sequence " + firstSeq + " to " + partition
                            + " before the first batch of its transaction there, sequence "
                            + verification.lowestSequence);
        }
    }

    /**
     * Starts (or joins) the verification of a transactional batch of {@code producerId} at {@code sequence} and
     * {@code epoch}: returns the guard the append must carry, or {@link VerificationGuard#NONE} when the
     * producer's transaction at that epoch is already ongoing here (nothing to verify).
     */
    VerificationGuard maybeStartVerification(long producerId, int sequence, short epoch, long nowMs) {
        if (hasOngoingTransaction(producerId, epoch)) {
            return VerificationGuard.NONE;
        }
        VerificationState verification =
                verifications.computeIfAbsent(producerId, id -> new VerificationState(nowMs, sequence, epoch));
        verification.onBatch(sequence, epoch);
        return verification.guard;
    }

    // Visible for testing
    /** The guard placed for {@code producerId}, or {@link VerificationGuard#NONE}. */
    VerificationGuard verificationGuard(long producerId) {
        VerificationState verification = verifications.get(producerId);
        return verification == null ? VerificationGuard.NONE : verification.guard;
    }

    private boolean hasOngoingTransaction(long producerId, short epoch) {
        ProducerStateEntry entry = producers.get(producerId);
        return entry != null && entry.currentTxnFirstOffset >= 0 && entry.epoch == epoch;
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

    /**
     * Whether sequences {@code firstSeq..lastSeq} lie between the first sequence this state knows was appended at
     * the producer's current epoch ({@link ProducerStateEntry#epochFirstSeq}) and the oldest batch still
     * remembered: the sequences of one epoch are appended in order from there, so such a batch was appended.
     * Below that first sequence nothing is known (a producer accepted unknown at a later sequence, say, after its
     * first batch failed), and near the sequence wrap-around this answers false: the caller then reports the
     * batch out of order, as Kafka does, rather than call written what may not be.
     */
    private static boolean isOlderThanRemembered(ProducerStateEntry entry, int firstSeq, int lastSeq) {
        if (entry.batches.isEmpty() || entry.epochFirstSeq < 0 || firstSeq > lastSeq) {
            return false;
        }
        int oldest = entry.batches.peekFirst().firstSeq();
        return entry.epochFirstSeq <= firstSeq && lastSeq < oldest && entry.lastSeq() >= oldest;
    }

    private static int nextSequence(int sequence) {
        return sequence == Integer.MAX_VALUE ? 0 : sequence + 1;
    }

    /**
     * Records an appended (or replayed) data batch of a producer; a transactional one starts the
     * producer's transaction at {@code firstOffset} unless one is ongoing.
     */
    void update(
            long producerId,
            short epoch,
            int firstSeq,
            int lastSeq,
            long firstOffset,
            long lastOffset,
            long ts,
            boolean transactional) {
        dirty = true;
        ProducerStateEntry entry = producers.computeIfAbsent(producerId, id -> new ProducerStateEntry(id, epoch));
        entry.maybeUpdateEpoch(epoch);
        entry.lastTimestampMs = Math.max(entry.lastTimestampMs, ts);
        if (transactional) {
            verifications.remove(producerId); // the transaction is ongoing now: later batches need no guard
        }
        if (transactional && entry.currentTxnFirstOffset < 0) {
            entry.currentTxnFirstOffset = firstOffset;
            ongoingTxns.put(firstOffset, producerId);
        }
        if (firstSeq < 0) {
            return; // a batch without sequences: only the epoch moves
        }
        if (entry.epochFirstSeq < 0) {
            entry.epochFirstSeq = firstSeq;
        }
        if (entry.batches.size() == NUM_BATCHES_TO_RETAIN) {
            entry.batches.removeFirst();
        }
        entry.batches.addLast(new BatchMetadata(firstSeq, lastSeq, firstOffset, lastOffset, ts));
    }

    /**
     * Checks an end-transaction marker the leader is about to write: INVALID_PRODUCER_EPOCH when {@code
     * epoch} is older than the producer's, TRANSACTION_COORDINATOR_FENCED when {@code coordinatorEpoch} is
     * older than that of the producer's last marker.
     */
    void checkMarker(long producerId, short epoch, int coordinatorEpoch, String partition) {
        ProducerStateEntry entry = producers.get(producerId);
        if (entry == null) {
            return;
        }
        if (epoch < entry.epoch) {
            throw new ApiException(
                    Errors.INVALID_PRODUCER_EPOCH,
                    "marker for producer " + producerId + " has epoch " + epoch + ", older than the current epoch "
                            + entry.epoch + " on " + partition);
        }
        if (coordinatorEpoch < entry.coordinatorEpoch) {
            throw new ApiException(
                    Errors.TRANSACTION_COORDINATOR_FENCED,
                    "marker for producer " + producerId + " has coordinator epoch " + coordinatorEpoch + ", older than "
                            + entry.coordinatorEpoch + " on " + partition);
        }
    }

    /**
     * Records an end-transaction marker at {@code markerOffset}: the producer moves to the marker's epoch
     * (fencing older ones) and its ongoing transaction ends. Returns that transaction, or null when the
     * producer had none (the marker then changes only the epochs).
     */
    CompletedTxn completeTxn(
            long producerId, short epoch, int coordinatorEpoch, long markerOffset, boolean committed, long ts) {
        dirty = true;
        verifications.remove(producerId); // a verification begun before the marker answers for an ended transaction
        ProducerStateEntry entry = producers.computeIfAbsent(producerId, id -> new ProducerStateEntry(id, epoch));
        entry.maybeUpdateEpoch(epoch);
        entry.coordinatorEpoch = coordinatorEpoch;
        entry.lastTimestampMs = Math.max(entry.lastTimestampMs, ts);
        long first = entry.currentTxnFirstOffset;
        if (first < 0) {
            return null;
        }
        entry.currentTxnFirstOffset = -1L;
        ongoingTxns.remove(first);
        return new CompletedTxn(producerId, first, markerOffset, !committed);
    }

    /**
     * Replays one batch read from the log (recovery, a follower's append); returns the transaction it
     * ended when it is an end-transaction marker of an ongoing one, else null.
     */
    CompletedTxn onBatchFromLog(FileBatchCursor batch) {
        if (batch.producerId() < 0) {
            return null;
        }
        if (batch.isControl()) {
            EndTxnMarker marker = batch.isTransactional() ? EndTxnMarker.parse(batch.loadBatch()) : null;
            if (marker == null) {
                ProducerStateEntry entry = producers.get(batch.producerId());
                if (entry != null) {
                    entry.maybeUpdateEpoch(batch.producerEpoch());
                }
                return null;
            }
            return completeTxn(
                    batch.producerId(),
                    batch.producerEpoch(),
                    marker.coordinatorEpoch(),
                    batch.baseOffset(),
                    marker.committed(),
                    batch.maxTimestamp());
        }
        update(
                batch.producerId(),
                batch.producerEpoch(),
                batch.baseSequence(),
                Batches.lastSequence(batch.baseSequence(), batch.lastOffsetDelta()),
                batch.baseOffset(),
                batch.lastOffset(),
                batch.maxTimestamp(),
                batch.isTransactional());
        return null;
    }

    /** The first offset of the oldest ongoing transaction, or -1 when none is ongoing. */
    long firstOngoingTxnOffset() {
        return ongoingTxns.isEmpty() ? -1L : ongoingTxns.firstKey();
    }

    /**
     * The last stable offset recorded with {@code completed} in the transaction index: the first offset of
     * the oldest transaction still ongoing (of another producer), else the offset after its marker.
     */
    long lastStableOffset(CompletedTxn completed) {
        for (Map.Entry<Long, Long> txn : ongoingTxns.entrySet()) {
            if (txn.getValue() != completed.producerId()) {
                return txn.getKey();
            }
        }
        return completed.lastOffset() + 1;
    }

    /**
     * Forgets producers without an ongoing transaction whose newest batch or marker is older than {@code
     * expirationMs} (producer.id.expiration.ms), bounding the state by recent activity. A forgotten
     * producer is accepted again at any sequence. Verifications started longer ago go too, as in Kafka.
     */
    int removeExpiredProducers(long nowMs, long expirationMs) {
        int before = producers.size();
        dirty = true;
        verifications.values().removeIf(v -> nowMs - v.startMs >= expirationMs);
        producers.values().removeIf(e -> e.currentTxnFirstOffset < 0 && nowMs - e.lastTimestampMs > expirationMs);
        return before - producers.size();
    }

    /** Producer id to what the log cleaner must keep of that producer, for every producer remembered. */
    Map<Long, LastEntry> lastEntries() {
        Map<Long, LastEntry> out = new HashMap<>();
        for (ProducerStateEntry e : producers.values()) {
            long lastDataOffset =
                    e.batches.isEmpty() ? -1L : e.batches.peekLast().lastOffset();
            out.put(e.producerId, new LastEntry(lastDataOffset, e.epoch));
        }
        return out;
    }

    // Visible for testing
    /** Every producer this partition remembers, by producer id. */
    List<ActiveProducer> activeProducers() {
        List<ActiveProducer> out = new ArrayList<>(producers.size());
        for (ProducerStateEntry e : producers.values()) {
            out.add(new ActiveProducer(
                    e.producerId,
                    e.epoch,
                    e.lastSeq(),
                    e.lastTimestampMs,
                    e.coordinatorEpoch,
                    e.currentTxnFirstOffset));
        }
        out.sort(Comparator.comparingLong(ActiveProducer::producerId));
        return out;
    }

    Map<Long, ProducerStateEntry> producers() {
        return producers;
    }

    void clear() {
        dirty = true;
        producers.clear();
        verifications.clear();
        ongoingTxns.clear();
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
            buf.putLong(e.producerId)
                    .putShort(e.epoch)
                    .putLong(e.lastTimestampMs)
                    .putInt(e.coordinatorEpoch)
                    .putLong(e.currentTxnFirstOffset)
                    .putInt(e.batches.size());
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
        clear();
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
                clear();
                deleteQuietly(file);
            }
        }
        return -1L;
    }

    private void readSnapshot(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file));
        short version = buf.remaining() < HEADER_SIZE ? -1 : buf.getShort(0);
        if (version != SNAPSHOT_VERSION && version != SNAPSHOT_VERSION_1) {
            throw new IOException("not a producer snapshot: " + file);
        }
        int producerSize = version == SNAPSHOT_VERSION_1 ? PRODUCER_SIZE_V1 : PRODUCER_SIZE;
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 6, buf.remaining() - 6);
        if ((int) crc.getValue() != buf.getInt(2)) {
            throw new IOException("CRC mismatch in " + file);
        }
        buf.position(6);
        int count = buf.getInt();
        if (count < 0 || (long) count * producerSize > buf.remaining()) {
            throw new IOException("producer count " + count + " does not fit " + file);
        }
        for (int i = 0; i < count; i++) {
            if (buf.remaining() < producerSize) {
                throw new IOException("producer " + i + " is cut off in " + file);
            }
            ProducerStateEntry entry = new ProducerStateEntry(buf.getLong(), buf.getShort());
            if (version != SNAPSHOT_VERSION_1) {
                entry.lastTimestampMs = buf.getLong();
                entry.coordinatorEpoch = buf.getInt();
                entry.currentTxnFirstOffset = buf.getLong();
            }
            int batches = buf.getInt();
            if (batches < 0 || batches > NUM_BATCHES_TO_RETAIN || (long) batches * BATCH_SIZE > buf.remaining()) {
                throw new IOException("batch count " + batches + " does not fit " + file);
            }
            for (int b = 0; b < batches; b++) {
                entry.batches.addLast(
                        new BatchMetadata(buf.getInt(), buf.getInt(), buf.getLong(), buf.getLong(), buf.getLong()));
            }
            if (version == SNAPSHOT_VERSION_1 && !entry.batches.isEmpty()) {
                entry.lastTimestampMs = entry.batches.peekLast().timestampMs();
            }
            if (!entry.batches.isEmpty()) {
                entry.epochFirstSeq = entry.batches.peekFirst().firstSeq();
            }
            if (entry.currentTxnFirstOffset >= 0) {
                ongoingTxns.put(entry.currentTxnFirstOffset, entry.producerId);
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
