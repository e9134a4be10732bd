package io.fjord.metadata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single node's {@link MetadataLog}: one append-only file, {@code <directory>/metadata.log}, holding
 * one frame per committed batch. A batch is committed once its frame is written and fsynced. On open the
 * file is scanned from the start and everything from the first frame that is torn, fails its CRC or
 * does not continue the offsets is truncated (a crash mid-write leaves such a tail; only an acknowledged,
 * fsynced frame is guaranteed to survive).
 *
 * <table>
 *   <caption>frame layout (big-endian)</caption>
 *   <tr><th>offset</th><th>size</th><th>field</th></tr>
 *   <tr><td>0</td><td>4</td><td>length: bytes after the crc field (12 + records), at most maxBatchBytes</td></tr>
 *   <tr><td>4</td><td>4</td><td>crc32c of the {@code length} bytes after this field</td></tr>
 *   <tr><td>8</td><td>8</td><td>baseOffset: the offset of the first record (the previous frame's last + 1)</td></tr>
 *   <tr><td>16</td><td>4</td><td>recordCount, at least 1</td></tr>
 *   <tr><td>20</td><td>..</td><td>recordCount times: [size int32][{@link MetadataRecordSerde} bytes]</td></tr>
 * </table>
 *
 * <p>Threading: any thread may call {@link #append} and {@link #register}; both only enqueue work for
 * the single writer thread this class owns, which writes, fsyncs, calls listeners and then completes
 * futures. Appends queued while the writer is busy are written together with one fsync (group commit),
 * each still its own frame. There are no snapshots yet: recovery replays the whole file.
 */
public final class LocalMetadataLog implements MetadataLog {

    private static final Logger log = LoggerFactory.getLogger(LocalMetadataLog.class);

    /** The directory under a log dir that holds the metadata log, as in Kafka. */
    public static final String DIRECTORY_NAME = "__cluster_metadata";

    public static final String FILE_NAME = "metadata.log";

    static final int LENGTH_OFFSET = 0;
    static final int CRC_OFFSET = 4;
    static final int BASE_OFFSET_OFFSET = 8;
    static final int RECORD_COUNT_OFFSET = 16;
    static final int RECORDS_OFFSET = 20;
    /** The bytes of a frame before its records. */
    static final int HEADER_SIZE = RECORDS_OFFSET;
    /** The bytes before the part that {@code length} and the crc cover. */
    static final int CRC_COVERED_START = BASE_OFFSET_OFFSET;

    public static final int DEFAULT_MAX_BATCH_BYTES = 8 * 1024 * 1024;
    static final int MAX_PENDING_TASKS = 10_000;

    private final Path file;
    private final FileChannel channel;
    private final int maxBatchBytes;
    private final ExecutorService writer;
    private volatile boolean closed;
    private volatile long endOffset;

    // Owned by the writer thread after construction.
    private long endPosition;
    private final List<MetadataListener> listeners = new ArrayList<>();
    private Throwable failure;
    /** Appends accepted but not yet written; drained by the writer thread. */
    private final ConcurrentLinkedQueue<PendingAppend> pendingAppends = new ConcurrentLinkedQueue<>();

    private LocalMetadataLog(Path file, FileChannel channel, int maxBatchBytes, long endPosition, long endOffset) {
        this.file = file;
        this.channel = channel;
        this.maxBatchBytes = maxBatchBytes;
        this.endPosition = endPosition;
        this.endOffset = endOffset;
        this.writer = new ThreadPoolExecutor(
                1, 1, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(MAX_PENDING_TASKS), r -> {
                    Thread thread = new Thread(r, "fjord-metadata-log-writer");
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /** Opens (creating if needed) the log in {@code directory}, truncating a torn or corrupt tail. */
    public static LocalMetadataLog open(Path directory) throws IOException {
        return open(directory, DEFAULT_MAX_BATCH_BYTES);
    }

    public static LocalMetadataLog open(Path directory, int maxBatchBytes) throws IOException {
        if (maxBatchBytes < HEADER_SIZE) {
            throw new IllegalArgumentException(
                    "maxBatchBytes must be at least " + HEADER_SIZE + ", got " + maxBatchBytes);
        }
        Files.createDirectories(directory);
        Path file = directory.resolve(FILE_NAME);
        boolean created = !Files.exists(file);
        FileChannel channel =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            if (created) {
                fsyncDirectory(directory);
            }
            long size = channel.size();
            long position = 0;
            long nextOffset = 0;
            while (position < size) {
                try {
                    Frame frame = readFrame(channel, position, size, nextOffset, maxBatchBytes);
                    position += frame.sizeInBytes();
                    nextOffset = frame.batch().lastOffset() + 1;
                } catch (CorruptFrameException e) {
                    log.warn(
                            "Truncating the metadata log {} at byte {} of {} (offset {}): {}",
                            file,
                            position,
                            size,
                            nextOffset,
                            e.getMessage());
                    channel.truncate(position);
                    channel.force(true);
                    break;
                }
            }
            return new LocalMetadataLog(file, channel, maxBatchBytes, position, nextOffset);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static void fsyncDirectory(Path directory) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory; the file's own fsyncs still hold its contents.
            log.debug("Could not fsync directory {}", directory, e);
        }
    }

    /** The file this log writes. */
    public Path file() {
        return file;
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
        PendingAppend append = new PendingAppend(batch, future);
        pendingAppends.add(append);
        // One flush task per append; a flush takes every append queued by then, so most find nothing left.
        RuntimeException rejected = submit(this::flushPendingAppends);
        if (rejected != null && pendingAppends.remove(append)) {
            future.completeExceptionally(rejected);
        }
        return future;
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
                            "the metadata log " + file + " has " + MAX_PENDING_TASKS + " tasks pending");
                }
            }
        }
        return new IllegalStateException("the metadata log " + file + " is closed");
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
        PendingAppend append;
        while (groupBytes < maxBatchBytes && (append = pendingAppends.poll()) != null) {
            if (failure != null) {
                append.future()
                        .completeExceptionally(
                                new IllegalStateException("the metadata log " + file + " failed", failure));
                continue;
            }
            try {
                ByteBuffer frame = encodeFrame(nextOffset, append.records(), maxBatchBytes);
                frames.add(frame);
                group.add(append);
                groupBytes += frame.remaining();
                nextOffset += append.records().size();
            } catch (RuntimeException e) {
                append.future().completeExceptionally(e);
            }
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
            log.error("Writing the metadata log {} failed; it accepts no more appends", file, e);
            group.forEach(failed -> failed.future().completeExceptionally(e));
            return;
        }
        endPosition += groupBytes;
        for (PendingAppend written : group) {
            MetadataBatch batch = new MetadataBatch(endOffset, written.records());
            endOffset = batch.lastOffset() + 1;
            for (MetadataListener listener : listeners) {
                deliver(listener, batch);
            }
            written.future().complete(batch.lastOffset());
        }
    }

    private void doRegister(MetadataListener listener) {
        long position = 0;
        long nextOffset = 0;
        try {
            while (position < endPosition) {
                Frame frame = readFrame(channel, position, endPosition, nextOffset, maxBatchBytes);
                position += frame.sizeInBytes();
                nextOffset = frame.batch().lastOffset() + 1;
                deliver(listener, frame.batch());
            }
        } catch (IOException | CorruptFrameException e) {
            failure = e;
            log.error(
                    "Replaying the metadata log {} from byte {} failed; it accepts no more appends", file, position, e);
            return;
        }
        try {
            listener.onReplayComplete(nextOffset - 1);
            // A single-node log has no elections: its only node leads from the start, at epoch 0.
            listener.onBecomeLeader(0L);
        } catch (RuntimeException e) {
            log.error("Metadata listener {} failed on replay complete", listener, e);
        }
        listeners.add(listener);
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

    // Visible for testing
    static ByteBuffer encodeFrame(long baseOffset, List<MetadataRecord> records, int maxBatchBytes) {
        List<byte[]> encoded = new ArrayList<>(records.size());
        long length = RECORDS_OFFSET - CRC_COVERED_START;
        for (MetadataRecord record : records) {
            byte[] bytes = MetadataRecordSerde.write(record);
            encoded.add(bytes);
            length += 4 + bytes.length;
            if (length > maxBatchBytes) {
                throw new IllegalArgumentException("a metadata batch of " + records.size()
                        + " records exceeds the limit of " + maxBatchBytes + " bytes");
            }
        }
        ByteBuffer frame = ByteBuffer.allocate(CRC_COVERED_START + (int) length);
        frame.putInt(LENGTH_OFFSET, (int) length);
        frame.putLong(BASE_OFFSET_OFFSET, baseOffset);
        frame.putInt(RECORD_COUNT_OFFSET, records.size());
        frame.position(RECORDS_OFFSET);
        for (byte[] bytes : encoded) {
            frame.putInt(bytes.length).put(bytes);
        }
        CRC32C crc = new CRC32C();
        crc.update(frame.array(), CRC_COVERED_START, (int) length);
        frame.putInt(CRC_OFFSET, (int) crc.getValue());
        frame.flip();
        return frame;
    }

    /** One decoded frame and the bytes it takes in the file. */
    record Frame(MetadataBatch batch, int sizeInBytes) {}

    /**
     * The batch in the frame at {@code position}, which must end by {@code limit} and start at {@code
     * expectedBaseOffset}; a frame that does not is reported as a {@link CorruptFrameException}.
     */
    static Frame readFrame(FileChannel channel, long position, long limit, long expectedBaseOffset, int maxBatchBytes)
            throws IOException {
        if (limit - position < HEADER_SIZE) {
            throw new CorruptFrameException("only " + (limit - position) + " byte(s) left, less than a frame header");
        }
        ByteBuffer header = ByteBuffer.allocate(CRC_COVERED_START);
        readFully(channel, header, position);
        int length = header.getInt(LENGTH_OFFSET);
        int expectedCrc = header.getInt(CRC_OFFSET);
        if (length < HEADER_SIZE - CRC_COVERED_START || length > maxBatchBytes) {
            throw new CorruptFrameException("frame length " + length + " is outside [12, " + maxBatchBytes + "]");
        }
        if (length > limit - position - CRC_COVERED_START) {
            throw new CorruptFrameException("frame of " + length + " bytes is torn: only "
                    + (limit - position - CRC_COVERED_START) + " present");
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        readFully(channel, body, position + CRC_COVERED_START);
        CRC32C crc = new CRC32C();
        crc.update(body.array(), 0, length);
        if ((int) crc.getValue() != expectedCrc) {
            throw new CorruptFrameException("crc mismatch: stored " + Integer.toHexString(expectedCrc) + ", computed "
                    + Integer.toHexString((int) crc.getValue()));
        }
        return new Frame(parseBody(body, expectedBaseOffset), CRC_COVERED_START + length);
    }

    private static MetadataBatch parseBody(ByteBuffer body, long expectedBaseOffset) {
        long baseOffset = body.getLong(BASE_OFFSET_OFFSET - CRC_COVERED_START);
        int count = body.getInt(RECORD_COUNT_OFFSET - CRC_COVERED_START);
        if (baseOffset != expectedBaseOffset) {
            throw new CorruptFrameException("frame base offset " + baseOffset + ", expected " + expectedBaseOffset);
        }
        body.position(RECORDS_OFFSET - CRC_COVERED_START);
        // Each record takes at least its 4-byte size plus one byte.
        if (count < 1 || (long) count * 5 > body.remaining()) {
            throw new CorruptFrameException("record count " + count + " does not fit " + body.remaining() + " bytes");
        }
        List<MetadataRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int size = body.remaining() >= 4 ? body.getInt() : -1;
            if (size < 0 || size > body.remaining()) {
                throw new CorruptFrameException("record " + i + " size " + size + " exceeds the frame");
            }
            ByteBuffer slice = body.slice();
            slice.limit(size);
            body.position(body.position() + size);
            try {
                records.add(MetadataRecordSerde.read(slice));
            } catch (MalformedMetadataRecordException e) {
                throw new CorruptFrameException("record " + i + ": " + e.getMessage());
            }
        }
        if (body.hasRemaining()) {
            throw new CorruptFrameException(body.remaining() + " trailing byte(s) after " + count + " records");
        }
        return new MetadataBatch(baseOffset, records);
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new CorruptFrameException("unexpected end of file at byte " + (position + buffer.position()));
            }
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
                log.warn("The metadata log writer of {} did not finish within 30 s", file);
                writer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writer.shutdownNow();
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("Closing the metadata log {} failed", file, e);
        }
    }

    @Override
    public String toString() {
        return "LocalMetadataLog(" + file + ")";
    }

    /** A frame that is torn, corrupt or out of sequence. */
    static final class CorruptFrameException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CorruptFrameException(String message) {
            super(message);
        }
    }
}
