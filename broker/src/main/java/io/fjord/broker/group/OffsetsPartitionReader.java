package io.fjord.broker.group;

import io.fjord.coordinator.CoordinatorLogEntry;
import io.fjord.coordinator.CoordinatorRecord;
import io.fjord.protocol.record.Record;
import io.fjord.protocol.record.RecordBatch;
import io.fjord.protocol.record.RecordBatches;
import io.fjord.storage.FetchDataInfo;
import io.fjord.storage.UnifiedLog;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Streams the entries of one {@code __consumer_offsets} partition, in log order, from the log start offset up
 * to the log end offset it had when the reader was made: a new leader's high watermark lags its log until
 * the followers fetch again, yet everything in its log will be committed (followers truncate to the leader,
 * never the other way), so the load reads to the end, as Kafka's does. Reads one chunk of whole batches at a
 * time (at most {@code chunkBytes}, or one batch when a batch is larger), so memory is bounded by a chunk,
 * not by the partition.
 *
 * <p>Each record with a key becomes a {@link CoordinatorLogEntry.Data} at its offset, carrying the batch's
 * producer id if the batch is transactional (a TxnOffsetCommit) and {@link CoordinatorLogEntry#NO_PRODUCER_ID}
 * otherwise. A transactional control batch becomes a {@link CoordinatorLogEntry.TransactionMarker} of its
 * producer: its one record's key is int16 version + int16 type, type 0 ABORT, 1 COMMIT. Records without a key
 * and other control records are skipped.
 *
 * <p>Not thread-safe: one loading thread consumes it.
 */
final class OffsetsPartitionReader implements Iterator<CoordinatorLogEntry> {

    /** Kafka's {@code ControlRecordType}: the type in a control record's key. */
    private static final short CONTROL_TYPE_ABORT = 0;

    private static final short CONTROL_TYPE_COMMIT = 1;
    /** A control record's key: int16 version, int16 type. */
    private static final int CONTROL_KEY_BYTES = 4;

    static final int DEFAULT_CHUNK_BYTES = 1 << 20;

    private final UnifiedLog log;
    private final int chunkBytes;
    private final long endOffset;
    /** Where the current chunk's read began: records below it (in a batch the read began inside) are old. */
    private long chunkStartOffset;
    /** The offset after the last batch taken from the current chunk: where the next chunk's read begins. */
    private long nextOffset;
    /** Where the last chunk's read began: a chunk that did not move {@link #nextOffset} ends the read. */
    private long lastReadOffset = -1;

    private Iterator<RecordBatch> batches = Collections.emptyIterator();
    private Iterator<Record> records = Collections.emptyIterator();
    /** The batch {@link #records} come from. */
    private RecordBatch batch;

    private int bufferedBytes;
    private CoordinatorLogEntry next;
    private long recordsRead;

    OffsetsPartitionReader(UnifiedLog log, int chunkBytes) {
        if (chunkBytes <= 0) {
            throw new IllegalArgumentException("chunkBytes must be positive, got " + chunkBytes);
        }
        this.log = log;
        this.chunkBytes = chunkBytes;
        this.endOffset = log.logEndOffset();
        this.nextOffset = log.logStartOffset();
    }

    @Override
    public boolean hasNext() {
        while (next == null) {
            if (records.hasNext()) {
                Record record = records.next();
                if (record.offset() >= chunkStartOffset && record.key() != null) {
                    next = entry(batch, record);
                }
            } else if (batches.hasNext()) {
                batch = batches.next();
                records = batch.iterator();
                nextOffset = Math.max(nextOffset, batch.lastOffset() + 1);
            } else if (!readChunk()) {
                return false;
            }
        }
        return true;
    }

    /** The entry {@code record} of {@code batch} stands for, or null for a control record that is no marker. */
    private static CoordinatorLogEntry entry(RecordBatch batch, Record record) {
        if (batch.isControl()) {
            ByteBuffer key = record.key();
            if (!batch.isTransactional() || key.remaining() < CONTROL_KEY_BYTES) {
                return null;
            }
            short type = key.getShort(key.position() + 2);
            if (type != CONTROL_TYPE_ABORT && type != CONTROL_TYPE_COMMIT) {
                return null;
            }
            return new CoordinatorLogEntry.TransactionMarker(
                    record.offset(), batch.producerId(), type == CONTROL_TYPE_COMMIT);
        }
        long producerId = batch.isTransactional() ? batch.producerId() : CoordinatorLogEntry.NO_PRODUCER_ID;
        return new CoordinatorLogEntry.Data(
                record.offset(), producerId, new CoordinatorRecord(bytes(record.key()), bytes(record.value())));
    }

    @Override
    public CoordinatorLogEntry next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        CoordinatorLogEntry entry = next;
        next = null;
        recordsRead++;
        return entry;
    }

    /** How many entries (records and markers) {@link #next} handed out. */
    long recordsRead() {
        return recordsRead;
    }

    // Visible for testing
    int bufferedBytes() {
        return bufferedBytes;
    }

    /** Reads the next chunk of whole batches; false at the end offset (or if the log yields no progress). */
    private boolean readChunk() {
        bufferedBytes = 0;
        batches = Collections.emptyIterator();
        if (nextOffset >= endOffset || nextOffset == lastReadOffset) {
            return false;
        }
        FetchDataInfo info = log.read(nextOffset, chunkBytes, endOffset, true);
        int size = info.records().sizeInBytes();
        if (size == 0) {
            return false;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        info.records().copyTo(buffer);
        buffer.flip();
        bufferedBytes = size;
        batches = RecordBatches.iterate(buffer);
        chunkStartOffset = nextOffset;
        lastReadOffset = nextOffset;
        return true;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
