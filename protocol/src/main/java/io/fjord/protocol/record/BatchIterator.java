package io.fjord.protocol.record;

import static io.fjord.protocol.record.RecordBatchDescriptor.*;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Walks the consecutive record batches between a buffer's position and limit (the buffer's position
 * is not moved). It stops, without throwing, at the first place where no complete batch follows:
 * the end, a partial tail (a header or body cut short, as after a torn write), or a declared length
 * that is impossible (below the header size or above {@code maxBatchBytes}). {@link #validBytes()}
 * then tells how many bytes the complete batches cover, and {@link #stop()} why it stopped.
 *
 * <p>Checks only lengths: CRC, magic and the rest are the caller's (see {@link RecordBatch}). One
 * {@link RecordBatch} view per batch; no record is decoded. Not thread-safe.
 */
public final class BatchIterator implements Iterator<RecordBatch> {

    /** Why iteration ended (or, before the end, {@link #NONE}). */
    public enum Stop {
        /** Not stopped yet: more batches may follow. */
        NONE,
        /** Every byte belongs to a complete batch. */
        END,
        /** The last bytes are a batch cut short (fewer bytes than its header or declared length). */
        PARTIAL_TAIL,
        /** A batch declares a length below the header size or above the allowed maximum. */
        CORRUPT_LENGTH
    }

    private final ByteBuffer buffer;
    private final int start;
    private final int limit;
    private final int maxBatchBytes;
    private int position;
    private Stop stop = Stop.NONE;

    BatchIterator(ByteBuffer buffer, int maxBatchBytes) {
        this.buffer = buffer.duplicate();
        this.start = buffer.position();
        this.limit = buffer.limit();
        this.maxBatchBytes = maxBatchBytes;
        this.position = start;
    }

    @Override
    public boolean hasNext() {
        if (stop != Stop.NONE) {
            return false;
        }
        int available = limit - position;
        if (available == 0) {
            stop = Stop.END;
            return false;
        }
        if (available < LOG_OVERHEAD) {
            stop = Stop.PARTIAL_TAIL;
            return false;
        }
        int batchLength = buffer.getInt(position + BATCH_LENGTH_OFFSET);
        if (batchLength < HEADER_SIZE - LOG_OVERHEAD || batchLength > maxBatchBytes - LOG_OVERHEAD) {
            stop = Stop.CORRUPT_LENGTH;
            return false;
        }
        if (batchLength > available - LOG_OVERHEAD) {
            stop = Stop.PARTIAL_TAIL;
            return false;
        }
        return true;
    }

    @Override
    public RecordBatch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("No complete batch at position " + position + ": " + stop);
        }
        RecordBatch batch = RecordBatch.at(buffer, position);
        position += batch.sizeInBytes();
        return batch;
    }

    /** Bytes from the start covered by the batches returned so far. */
    public int validBytes() {
        return position - start;
    }

    /** The absolute position after the last batch returned. */
    public int position() {
        return position;
    }

    /** Why iteration ended; {@link Stop#NONE} while {@link #hasNext()} has not returned false. */
    public Stop stop() {
        return stop;
    }
}
