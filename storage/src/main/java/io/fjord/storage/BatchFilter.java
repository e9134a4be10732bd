package io.fjord.storage;

import static io.fjord.protocol.record.RecordBatchDescriptor.ATTRIBUTES_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.BATCH_LENGTH_OFFSET;
import static io.fjord.protocol.record.RecordBatchDescriptor.COMPRESSION_CODEC_MASK;
import static io.fjord.protocol.record.RecordBatchDescriptor.HEADER_SIZE;
import static io.fjord.protocol.record.RecordBatchDescriptor.LOG_OVERHEAD;
import static io.fjord.protocol.record.RecordBatchDescriptor.RECORD_COUNT_OFFSET;

import io.fjord.protocol.record.Record;
import io.fjord.protocol.record.RecordBatch;
import io.fjord.protocol.record.RecordBatchBuilder;
import io.fjord.protocol.record.TimestampType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Decides what of one batch survives compaction, as Kafka's {@code MemoryRecords.filterTo} with the
 * cleaner's retention rule: a record at or past the end of the key map stays, tombstone or not, since the map
 * knows nothing newer of its key (a pass whose map filled partway through a segment); before it, a keyed record
 * stays unless the key map holds a greater offset for its key, a tombstone (null value) also goes once its
 * batch's delete horizon has passed, and a record without a key goes. A data batch of an aborted
 * transaction loses every record ({@link #filterAborted}). A transaction marker ({@link #filterMarker})
 * stays while a batch of its transaction is left before it, and while it carries its producer's current epoch with no data batch of that epoch after it; otherwise
 * it goes as a tombstone does (KIP-534): the first pass gives it a delete horizon, a pass after the horizon
 * drops it, so a read_committed consumer that read the transaction's data before the data went still
 * sees its marker. A batch that keeps everything and needs no delete horizon is copied byte for byte;
 * otherwise it is rebuilt with the same codec, base offset, last offset (so the producer's last sequence
 * is unchanged), producer id, epoch, base sequence, control and transactional flags, leader epoch and
 * timestamp type. A batch with tombstones, or a marker that may go, gets a delete horizon (now +
 * delete.retention.ms) the first time it is rebuilt: the delete-horizon attribute (bit 6) and the horizon
 * as the base timestamp. A batch that loses every record is dropped, unless it is its producer's newest
 * batch or the last batch of the cleaned segment: it then stays as an empty batch (header only,
 * uncompressed), which keeps the producer's sequence and the segment's end offset.
 *
 * <p>Not thread-safe: used by one cleaner during one pass.
 */
final class BatchFilter {

    private final SkimpyOffsetMap map;
    private final Map<Long, ProducerStateManager.LastEntry> lastEntriesOfProducers;
    private final long nowMs;
    private final long deleteRetentionMs;
    private final List<Record> retained = new ArrayList<>();
    private final long mapEnd;
    private long nextHorizonMs = Long.MAX_VALUE;

    /** @param mapEnd the offset after the last batch {@code map} holds */
    BatchFilter(
            SkimpyOffsetMap map,
            long mapEnd,
            Map<Long, ProducerStateManager.LastEntry> lastEntriesOfProducers,
            long nowMs,
            long deleteRetentionMs) {
        this.map = map;
        this.mapEnd = mapEnd;
        this.lastEntriesOfProducers = lastEntriesOfProducers;
        this.nowMs = nowMs;
        this.deleteRetentionMs = deleteRetentionMs;
    }

    /** The earliest delete horizon of a kept tombstone or marker seen so far, or Long.MAX_VALUE. */
    long nextHorizonMs() {
        return nextHorizonMs;
    }

    /**
     * The bytes to write for the data batch under {@code cursor} (read with its CRC checked), or null to
     * drop it. The returned buffer is valid until the next call.
     */
    ByteBuffer filter(FileBatchCursor cursor, boolean lastOfSegment) {
        ByteBuffer bytes = bytesOf(cursor);
        RecordBatch batch = RecordBatch.at(bytes, 0);
        boolean horizonPassed = batch.hasDeleteHorizon() && nowMs >= batch.deleteHorizonMs();
        retained.clear();
        boolean removed = false;
        boolean tombstones = false;
        Iterator<Record> records = batch.iterator(Batches.MAX_DECOMPRESSED_BOUND_BYTES);
        while (records.hasNext()) {
            Record record = records.next();
            boolean keep = false;
            if (record.offset() >= mapEnd) {
                keep = true; // past the key map, which knows nothing newer of its key (Kafka's pastLatestOffset)
                tombstones |= record.value() == null;
            } else if (record.hasKey()) {
                boolean superseded = record.offset() < map.get(record.key());
                boolean tombstone = record.value() == null;
                keep = !superseded && !(tombstone && horizonPassed);
                tombstones |= keep && tombstone;
            }
            if (keep) {
                retained.add(record);
            } else {
                removed = true;
            }
        }
        long horizonMs = batch.hasDeleteHorizon() ? batch.deleteHorizonMs() : nowMs + deleteRetentionMs;
        if (tombstones) {
            nextHorizonMs = Math.min(nextHorizonMs, horizonMs);
        }
        if (!removed && (!tombstones || batch.hasDeleteHorizon())) {
            return bytes;
        }
        if (retained.isEmpty()) {
            return producersNewestData(cursor) || lastOfSegment ? emptyBatch(bytes) : null;
        }
        return rebuild(batch, tombstones ? horizonMs : -1L);
    }

    /**
     * The bytes to write for the batch under {@code cursor}, a data batch of an aborted transaction: none
     * of its records survive, so it goes, or stays empty under the same rule as a batch that lost every
     * record.
     */
    ByteBuffer filterAborted(FileBatchCursor cursor, boolean lastOfSegment) {
        return producersNewestData(cursor) || lastOfSegment ? emptyBatch(bytesOf(cursor)) : null;
    }

    /**
     * The bytes to write for the control batch under {@code cursor}, a transaction marker, or null to drop
     * it; {@code transactionRetained}: whether a data batch of the transaction it ends is in the cleaned log
     * ({@link CleanedTransactions}). A marker that is kept emptied as its segment's last batch (its record
     * gone) was past its horizon: it goes as soon as it is no longer last. A control batch that is not an
     * end-transaction marker stays as it is.
     */
    ByteBuffer filterMarker(FileBatchCursor cursor, boolean transactionRetained, boolean lastOfSegment) {
        ByteBuffer bytes = bytesOf(cursor);
        ProducerStateManager.LastEntry last = lastEntriesOfProducers.get(cursor.producerId());
        boolean producersEpochMarker =
                last != null && last.lastDataOffset() < 0 && last.epoch() == cursor.producerEpoch();
        if (transactionRetained || producersEpochMarker) {
            return bytes;
        }
        if (cursor.recordCount() == 0) {
            return lastOfSegment ? bytes : null;
        }
        if (EndTxnMarker.parse(bytes) == null) {
            return bytes; // another control type: kept, as Kafka keeps it
        }
        RecordBatch batch = RecordBatch.at(bytes, 0);
        if (!batch.hasDeleteHorizon()) {
            long horizonMs = nowMs + deleteRetentionMs;
            nextHorizonMs = Math.min(nextHorizonMs, horizonMs);
            Iterator<Record> records = batch.iterator(Batches.MAX_DECOMPRESSED_BOUND_BYTES);
            while (records.hasNext()) {
                retained.add(records.next());
            }
            return rebuild(batch, horizonMs);
        }
        if (nowMs < batch.deleteHorizonMs()) {
            nextHorizonMs = Math.min(nextHorizonMs, batch.deleteHorizonMs());
            return bytes;
        }
        return lastOfSegment ? emptyBatch(bytes) : null;
    }

    /** Whether the data batch under {@code cursor} is its producer's newest, which holds its last sequence. */
    private boolean producersNewestData(FileBatchCursor cursor) {
        if (cursor.producerId() < 0) {
            return false;
        }
        ProducerStateManager.LastEntry last = lastEntriesOfProducers.get(cursor.producerId());
        return last != null && last.lastDataOffset() == cursor.lastOffset();
    }

    private static ByteBuffer bytesOf(FileBatchCursor cursor) {
        ByteBuffer bytes = cursor.batchBuffer().duplicate();
        bytes.limit(cursor.sizeInBytes()).position(0);
        return bytes;
    }

    private ByteBuffer rebuild(RecordBatch batch, long deleteHorizonMs) {
        RecordBatchBuilder builder = new RecordBatchBuilder(batch.compressionType())
                .baseOffset(batch.baseOffset())
                .producer(batch.producerId(), batch.producerEpoch(), batch.baseSequence())
                .transactional(batch.isTransactional())
                .control(batch.isControl())
                .partitionLeaderEpoch(batch.partitionLeaderEpoch())
                .overrideLastOffset(batch.lastOffset());
        if (batch.timestampType() == TimestampType.LOG_APPEND_TIME) {
            builder.timestampType(TimestampType.LOG_APPEND_TIME).logAppendTimeMs(batch.maxTimestamp());
        }
        if (deleteHorizonMs >= 0) {
            builder.deleteHorizonMs(deleteHorizonMs);
        }
        for (Record record : retained) {
            builder.append(record);
        }
        retained.clear();
        return builder.build();
    }

    /** The batch's header alone: no records, uncompressed, same offsets and producer fields. */
    static ByteBuffer emptyBatch(ByteBuffer batch) {
        ByteBuffer empty = ByteBuffer.allocate(HEADER_SIZE);
        empty.put(0, batch, 0, HEADER_SIZE);
        empty.putInt(BATCH_LENGTH_OFFSET, HEADER_SIZE - LOG_OVERHEAD);
        empty.putShort(ATTRIBUTES_OFFSET, (short) (empty.getShort(ATTRIBUTES_OFFSET) & ~COMPRESSION_CODEC_MASK));
        empty.putInt(RECORD_COUNT_OFFSET, 0);
        Batches.writeCrc(empty, 0, HEADER_SIZE);
        return empty;
    }
}
