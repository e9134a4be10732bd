package io.fjord.metadata;

import io.fjord.common.Time;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single node's {@link MetadataLog}: segment files in one directory holding one frame ({@link
 * MetadataLogFrames}) per committed batch, and snapshots of the image ({@link MetadataSnapshot}); the
 * file layout and what a crash leaves are in {@link MetadataLogDirectory}. A batch is committed once
 * its frame is written and fsynced. On open the newest intact snapshot is loaded (a corrupt one is
 * deleted and an older one, or the whole log, used instead) and the segments after it are scanned;
 * everything from the first frame that is torn, fails its CRC or does not continue the offsets is
 * truncated (a crash mid-write leaves such a tail; only an acknowledged, fsynced frame is guaranteed to
 * survive).
 *
 * <p>Snapshots: the log keeps its own image (the last snapshot plus a delta of the batches since). When
 * its {@link MetadataSnapshotPolicy} says so, after an append, it writes the image at the last offset
 * X, starts the segment X+1 and deletes what lies before the older of the two snapshots it keeps. A new
 * listener gets the snapshot's records as one batch ending at X, then the batches after X. Offsets keep
 * counting across snapshots (callers use them as epochs).
 *
 * <p>Threading: any thread may call {@link #append} and {@link #register}; both only enqueue work for
 * the single writer thread this class owns, which writes, fsyncs, calls listeners, completes futures
 * and then takes a snapshot if one is due (appends wait meanwhile). Appends queued while the writer is
 * busy are written together with one fsync (group commit), each still its own frame; at most {@link #MAX_PENDING_TASKS} appends wait.
 */
public final class LocalMetadataLog implements MetadataLog {

    private static final Logger log = LoggerFactory.getLogger(LocalMetadataLog.class);

    /** The directory under a log dir that holds the metadata log, as in Kafka. */
    public static final String DIRECTORY_NAME = "__cluster_metadata";

    public static final int DEFAULT_MAX_BATCH_BYTES = 8 * 1024 * 1024;
    static final int MAX_PENDING_TASKS = 10_000;

    /** The steps of taking a snapshot, after each of which a crash must leave a loadable directory. */
    enum SnapshotStep {
        SNAPSHOT_WRITTEN,
        SEGMENT_ROLLED,
        PREFIX_DROPPED
    }

    /** Called after each snapshot step; a test's hook throws to stop the snapshot there, as a crash would. */
    // Visible for testing
    interface SnapshotHook {
        SnapshotHook NONE = step -> {};

        void afterStep(SnapshotStep step) throws IOException;
    }

    private final Path directory;
    private final int maxBatchBytes;
    private final MetadataSnapshotPolicy snapshotPolicy;
    private final Time time;
    private final SnapshotHook snapshotHook;
    private final ExecutorService writer;
    private volatile boolean closed;
    private volatile long endOffset;
    private volatile Path activeFile;

    // Owned by the writer thread after construction.
    private FileChannel channel;
    private long endPosition;
    private final TreeMap<Long, Path> segments;
    private final TreeMap<Long, Path> snapshots;
    /** The image of the newest snapshot on disk (EMPTY if none): where a new listener starts. */
    private MetadataImage snapshotImage;
    /** The batches since the last snapshot attempt, on top of the image then. */
    private final MetadataLogDirectory.SnapshotDelta delta;

    private long bytesSinceSnapshot;
    private long lastSnapshotMs;
    private final List<MetadataListener> listeners = new ArrayList<>();
    private Throwable failure;
    /** Appends accepted but not yet written (at most MAX_PENDING_TASKS); drained by the writer thread. */
    private final ConcurrentLinkedQueue<PendingAppend> pendingAppends = new ConcurrentLinkedQueue<>();

    private final AtomicInteger pendingCount = new AtomicInteger();
    /** Whether a flush task is queued and not yet started. */
    private final AtomicBoolean flushScheduled = new AtomicBoolean();

    private LocalMetadataLog(
            Path directory,
            int maxBatchBytes,
            MetadataSnapshotPolicy snapshotPolicy,
            Time time,
            SnapshotHook snapshotHook,
            MetadataLogDirectory.Recovered recovered,
            FileChannel channel) {
        this.directory = directory;
        this.maxBatchBytes = maxBatchBytes;
        this.snapshotPolicy = snapshotPolicy;
        this.time = time;
        this.snapshotHook = snapshotHook;
        this.channel = channel;
        this.activeFile = recovered.segments().lastEntry().getValue();
        this.segments = recovered.segments();
        this.snapshots = recovered.snapshots();
        this.snapshotImage = recovered.snapshotImage();
        this.delta = recovered.delta();
        this.endPosition = recovered.endPosition();
        this.endOffset = recovered.endOffset();
        this.bytesSinceSnapshot = recovered.bytesSinceSnapshot();
        this.lastSnapshotMs = time.milliseconds();
        this.writer = new ThreadPoolExecutor(
                1, 1, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(MAX_PENDING_TASKS), r -> {
                    Thread thread = new Thread(r, "fjord-metadata-log-writer");
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /**
     * Opens (creating if needed) the log in {@code directory}, never snapshotting, truncating a torn or
     * corrupt tail.
     */
    public static LocalMetadataLog open(Path directory) throws IOException {
        return open(directory, DEFAULT_MAX_BATCH_BYTES);
    }

    public static LocalMetadataLog open(Path directory, int maxBatchBytes) throws IOException {
        return open(directory, maxBatchBytes, MetadataSnapshotPolicy.NEVER, Time.SYSTEM);
    }

    /** Opens the log in {@code directory}, snapshotting as {@code snapshotPolicy} says by {@code time}. */
    public static LocalMetadataLog open(
            Path directory, int maxBatchBytes, MetadataSnapshotPolicy snapshotPolicy, Time time) throws IOException {
        return open(directory, maxBatchBytes, snapshotPolicy, time, SnapshotHook.NONE);
    }

    // Visible for testing
    static LocalMetadataLog open(
            Path directory, int maxBatchBytes, MetadataSnapshotPolicy snapshotPolicy, Time time, SnapshotHook hook)
            throws IOException {
        if (maxBatchBytes < MetadataLogFrames.HEADER_SIZE) {
            throw new IllegalArgumentException(
                    "maxBatchBytes must be at least " + MetadataLogFrames.HEADER_SIZE + ", got " + maxBatchBytes);
        }
        MetadataLogDirectory.Recovered recovered = MetadataLogDirectory.recover(directory, maxBatchBytes);
        FileChannel channel = FileChannel.open(
                recovered.segments().lastEntry().getValue(), StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new LocalMetadataLog(directory, maxBatchBytes, snapshotPolicy, time, hook, recovered, channel);
    }

    /** The segment file this log appends to now. */
    public Path file() {
        return activeFile;
    }

    /** The offset the next appended record will get. */
    public long endOffset() {
        return endOffset;
    }

    @Override
    public CompletableFuture<Long> append(List<MetadataRecord> records) {
        CompletableFuture<Long> future = new CompletableFuture<>();
        List<MetadataRecord> batch;
        try {
            batch = List.copyOf(records);
        } catch (NullPointerException e) {
            future.completeExceptionally(new IllegalArgumentException("a metadata batch may not hold null"));
            return future;
        }
        if (batch.isEmpty()) {
            future.completeExceptionally(new IllegalArgumentException("a metadata batch holds at least one record"));
            return future;
        }
        if (pendingCount.incrementAndGet() > MAX_PENDING_TASKS) {
            pendingCount.decrementAndGet();
            future.completeExceptionally(new RejectedExecutionException(
                    "the metadata log " + directory + " has " + MAX_PENDING_TASKS + " appends pending"));
            return future;
        }
        pendingAppends.add(new PendingAppend(batch, future));
        scheduleFlush();
        return future;
    }

    /**
     * Makes sure one flush task is queued: a flush takes every append queued by then, so one queued task
     * serves every append made before it starts (a task per append would leave a backlog of empty ones).
     */
    private void scheduleFlush() {
        if (!flushScheduled.compareAndSet(false, true)) {
            return;
        }
        RuntimeException rejected = submit(this::flushPendingAppends);
        if (rejected != null) {
            flushScheduled.set(false);
            // Appends that counted on this task would wait forever: fail them all.
            PendingAppend stranded;
            while ((stranded = pendingAppends.poll()) != null) {
                pendingCount.decrementAndGet();
                stranded.future().completeExceptionally(rejected);
            }
        }
    }

    @Override
    public void register(MetadataListener listener) {
        RuntimeException rejected = submit(() -> doRegister(listener));
        if (rejected != null) {
            throw rejected;
        }
    }

    /** Hands {@code task} to the writer thread; the exception to report if it was refused, else null. */
    private RuntimeException submit(Runnable task) {
        if (!closed) {
            try {
                writer.execute(task);
                return null;
            } catch (RejectedExecutionException e) {
                if (!closed) {
                    return new RejectedExecutionException(
                            "the metadata log " + directory + " has " + MAX_PENDING_TASKS + " tasks pending");
                }
            }
        }
        return new IllegalStateException("the metadata log " + directory + " is closed");
    }

    /** An append waiting for the writer thread. */
    private record PendingAppend(List<MetadataRecord> records, CompletableFuture<Long> future) {}

    /**
     * Writes the queued appends as consecutive frames with one fsync for all of them (group commit),
     * taking appends until their frames reach maxBatchBytes, then tells listeners and completes futures.
     */
    private void flushPendingAppends() {
        List<PendingAppend> group = new ArrayList<>();
        List<ByteBuffer> frames = new ArrayList<>();
        long groupBytes = 0;
        long nextOffset = endOffset;
        // Appends queued from now on schedule another flush, or are taken below.
        flushScheduled.set(false);
        PendingAppend append;
        while (groupBytes < maxBatchBytes && (append = pendingAppends.poll()) != null) {
            pendingCount.decrementAndGet();
            if (failure != null) {
                append.future()
                        .completeExceptionally(
                                new IllegalStateException("the metadata log " + directory + " failed", failure));
                continue;
            }
            try {
                ByteBuffer frame = MetadataLogFrames.encode(nextOffset, append.records(), maxBatchBytes);
                frames.add(frame);
                group.add(append);
                groupBytes += frame.remaining();
                nextOffset += append.records().size();
            } catch (RuntimeException e) {
                append.future().completeExceptionally(e);
            }
        }
        if (!pendingAppends.isEmpty()) {
            scheduleFlush(); // the group reached maxBatchBytes
        }
        if (group.isEmpty()) {
            return;
        }
        try {
            long position = endPosition;
            for (ByteBuffer frame : frames) {
                while (frame.hasRemaining()) {
                    position += channel.write(frame, position);
                }
            }
            channel.force(false);
        } catch (IOException e) {
            // The file's tail is unknown now; refuse further appends. Reopening truncates a partial frame.
            failure = e;
            log.error("Writing the metadata log {} failed; it accepts no more appends", directory, e);
            group.forEach(failed -> failed.future().completeExceptionally(e));
            return;
        }
        endPosition += groupBytes;
        bytesSinceSnapshot += groupBytes;
        for (PendingAppend written : group) {
            MetadataBatch batch = new MetadataBatch(endOffset, written.records());
            endOffset = batch.lastOffset() + 1;
            delta.accept(batch);
            for (MetadataListener listener : listeners) {
                deliver(listener, batch);
            }
            written.future().complete(batch.lastOffset());
        }
        maybeSnapshot();
    }

    private void maybeSnapshot() {
        long nowMs = time.milliseconds();
        if (delta.isBroken() || !snapshotPolicy.isDue(bytesSinceSnapshot, nowMs - lastSnapshotMs)) {
            return;
        }
        long offset = endOffset - 1;
        long startNs = time.nanoseconds();
        try {
            takeSnapshot(offset);
            log.info(
                    "Took the metadata snapshot at offset {} in {} ms after {} bytes of batches",
                    offset,
                    TimeUnit.NANOSECONDS.toMillis(time.nanoseconds() - startNs),
                    bytesSinceSnapshot);
        } catch (IOException | RuntimeException e) {
            // The log itself is intact; the next snapshot is tried after another interval.
            log.error("Taking the metadata snapshot at offset {} in {} failed", offset, directory, e);
        }
        bytesSinceSnapshot = 0;
        lastSnapshotMs = nowMs;
    }

    /**
     * Writes the image at {@code offset} (the last record written), starts the segment after it and
     * drops what lies before the snapshots kept: each step leaves a directory that loads to this image.
     */
    private void takeSnapshot(long offset) throws IOException {
        MetadataImage image = delta.applyAndContinue(offset);
        Path file = MetadataLogDirectory.snapshotFile(directory, offset);
        MetadataSnapshot.write(file, image);
        snapshots.put(offset, file);
        snapshotImage = image;
        snapshotHook.afterStep(SnapshotStep.SNAPSHOT_WRITTEN);
        if (segments.lastKey() != offset + 1) {
            Path next = MetadataLogDirectory.createSegment(directory, offset + 1);
            FileChannel nextChannel = FileChannel.open(next, StandardOpenOption.READ, StandardOpenOption.WRITE);
            channel.close();
            channel = nextChannel;
            endPosition = 0;
            segments.put(offset + 1, next);
            activeFile = next;
        }
        snapshotHook.afterStep(SnapshotStep.SEGMENT_ROLLED);
        MetadataLogDirectory.dropBeforeRetained(directory, segments, snapshots);
        snapshotHook.afterStep(SnapshotStep.PREFIX_DROPPED);
    }

    private void doRegister(MetadataListener listener) {
        long fromOffset = snapshotImage.offset() + 1;
        if (fromOffset > 0) {
            deliver(listener, snapshotBatch(snapshotImage));
        }
        try {
            MetadataLogDirectory.scan(
                    segments, fromOffset, maxBatchBytes, endPosition, batch -> deliver(listener, batch));
        } catch (IOException e) {
            failure = e;
            log.error("Replaying the metadata log {} failed; it accepts no more appends", directory, e);
            return;
        }
        try {
            listener.onReplayComplete(endOffset - 1);
            // A single-node log has no elections: its only node leads from the start, at epoch 0.
            listener.onBecomeLeader(0L);
        } catch (RuntimeException e) {
            log.error("Metadata listener {} failed on replay complete", listener, e);
        }
        listeners.add(listener);
    }

    /**
     * The snapshot's records as one batch that ends at the snapshot's offset, as fjord-raft hands a
     * snapshot to its listeners; a listener replays it onto the empty image. An image holds at most one
     * record per log record that built it, so the batch never reaches below offset 0.
     */
    private static MetadataBatch snapshotBatch(MetadataImage image) {
        List<MetadataRecord> records = image.toRecords();
        if (records.isEmpty()) {
            records = List.of(new NoOpRecord()); // an empty image: listeners still move to its offset
        }
        return new MetadataBatch(Math.max(0L, image.offset() - records.size() + 1), records);
    }

    private static void deliver(MetadataListener listener, MetadataBatch batch) {
        try {
            listener.onCommit(batch);
        } catch (RuntimeException e) {
            log.error(
                    "Metadata listener {} failed on the batch at offsets {}..{}",
                    listener,
                    batch.baseOffset(),
                    batch.lastOffset(),
                    e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        writer.shutdown();
        try {
            if (!writer.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("The metadata log writer of {} did not finish within 30 s", directory);
                writer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writer.shutdownNow();
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("Closing the metadata log {} failed", directory, e);
        }
    }

    @Override
    public String toString() {
        return "LocalMetadataLog(" + directory + ")";
    }
}
