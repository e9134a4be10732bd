package io.fjord.storage;

import static io.fjord.protocol.record.RecordBatchDescriptor.ATTRIBUTES_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.BASE_SEQUENCE_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.CONTROL_FLAG_MASK;
import static io.fjord.protocol.record.RecordBatchDescriptor.HEADER_SIZE;
import static io.fjord.protocol.record.RecordBatchDescriptor.LAST_OFFSET_DELTA_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.LOG_OVERHEAD;
import static io.fjord.protocol.record.RecordBatchDescriptor.MAGIC_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.MAGIC_V2;
import static io.fjord.protocol.record.RecordBatchDescriptor.MAX_TIMESTAMP_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.PARTITION_LEADER_EPOCH_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.PRODUCER_EPOCH_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.PRODUCER_ID_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.RECORD_COUNT_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.TIMESTAMP_TYPE_MASK;
import static io.fjord.protocol.record.RecordBatchDescriptor.TRANSACTIONAL_FLAG_MASK;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Walks the batches of a segment file between two positions, reading one 61-byte header per batch with a
 * positional read (and, when asked, the whole batch to check its CRC). It stops at the end, or at the
 * first batch that is torn (its length runs past the end), has an impossible length, a magic other than
 * 2, or a bad CRC; {@link #invalidReason()} then says why.
 *
 * <p>Not thread-safe: one cursor per walk. The header buffer is reused; a CRC check reuses a buffer grown
 * to the largest batch seen, which is bounded by the bytes present in the file.
 */
final class FileBatchCursor {

    private final FileChannel channel;
    private final int endPosition;
    private final ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
    private ByteBuffer batch = ByteBuffer.allocate(0);
    private int nextPosition;
    private int position = -1;
    private int sizeInBytes;
    private String invalidReason;

    FileBatchCursor(FileChannel channel, int startPosition, int endPosition) {
        this.channel = channel;
        this.nextPosition = startPosition;
        this.endPosition = endPosition;
    }

    /** Moves to the next batch; false at the end or at an invalid batch (see {@link #invalidReason()}). */
    boolean next(boolean verifyCrc) {
        int remaining = endPosition - nextPosition;
        if (remaining <= 0) {
            return false;
        }
        if (remaining < HEADER_SIZE) {
            return invalid("a torn batch header of " + remaining + " bytes at " + nextPosition);
        }
        readFully(header, nextPosition, HEADER_SIZE);
        int size = Batches.sizeInBytes(header, 0);
        if (size < HEADER_SIZE) {
            return invalid("batch length " + (size - LOG_OVERHEAD) + " at " + nextPosition + " is too small");
        }
        if (size > remaining) {
            return invalid("batch of " + size + " bytes at " + nextPosition + " runs past the end (" + remaining
                    + " bytes left)");
        }
        if (header.get(MAGIC_OFFSET) != MAGIC_V2) {
            return invalid("magic " + header.get(MAGIC_OFFSET) + " at " + nextPosition);
        }
        if (verifyCrc) {
            if (batch.capacity() < size) {
                batch = ByteBuffer.allocate(size);
            }
            readFully(batch, nextPosition, size);
            if (!Batches.isCrcValid(batch, 0, size)) {
                return invalid("CRC mismatch in the batch at " + nextPosition);
            }
        }
        position = nextPosition;
        sizeInBytes = size;
        nextPosition += size;
        return true;
    }

    private boolean invalid(String reason) {
        invalidReason = reason;
        return false;
    }

    private void readFully(ByteBuffer dst, int filePosition, int length) {
        dst.clear().limit(length);
        try {
            long p = filePosition;
            while (dst.hasRemaining()) {
                int n = channel.read(dst, p);
                if (n < 0) {
                    throw new IOException("unexpected end of file at " + p);
                }
                p += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Why the walk stopped early; null if it reached the end cleanly. */
    String invalidReason() {
        return invalidReason;
    }

    /** Reads the whole current batch (which {@code next(false)} does not) and returns it at index 0. */
    ByteBuffer loadBatch() {
        if (batch.capacity() < sizeInBytes) {
            batch = ByteBuffer.allocate(sizeInBytes);
        }
        readFully(batch, position, sizeInBytes);
        return batch;
    }

    /** The whole current batch at index 0; valid only after {@code next(true)} or {@link #loadBatch()}. */
    ByteBuffer batchBuffer() {
        return batch;
    }

    int position() {
        return position;
    }

    int sizeInBytes() {
        return sizeInBytes;
    }

    /** The position just after the current batch: where the valid bytes end so far. */
    int endOfBatchPosition() {
        return position + sizeInBytes;
    }

    long baseOffset() {
        return Batches.baseOffset(header, 0);
    }

    long lastOffset() {
        return Batches.lastOffset(header, 0);
    }

    int lastOffsetDelta() {
        return header.getInt(LAST_OFFSET_DELTA_OFFSET);
    }

    int partitionLeaderEpoch() {
        return header.getInt(PARTITION_LEADER_EPOCH_OFFSET);
    }

    long maxTimestamp() {
        return header.getLong(MAX_TIMESTAMP_OFFSET);
    }

    long producerId() {
        return header.getLong(PRODUCER_ID_OFFSET);
    }

    short producerEpoch() {
        return header.getShort(PRODUCER_EPOCH_OFFSET);
    }

    int baseSequence() {
        return header.getInt(BASE_SEQUENCE_OFFSET);
    }

    int recordCount() {
        return header.getInt(RECORD_COUNT_OFFSET);
    }

    int compressionCodec() {
        return Batches.compressionCodec(header, 0);
    }

    boolean isControl() {
        return (header.getShort(ATTRIBUTES_OFFSET) & CONTROL_FLAG_MASK) != 0;
    }

    boolean isLogAppendTime() {
        return (header.getShort(ATTRIBUTES_OFFSET) & TIMESTAMP_TYPE_MASK) != 0;
    }

    boolean isTransactional() {
        return (header.getShort(ATTRIBUTES_OFFSET) & TRANSACTIONAL_FLAG_MASK) != 0;
    }
}
