package io.fjord.storage;

import io.fjord.protocol.record.CompressionType;
import io.fjord.protocol.record.CorruptRecordException;
import io.fjord.protocol.record.Record;
import io.fjord.protocol.record.RecordBatch;
import io.fjord.protocol.record.RecordBatchBuilder;
import java.nio.ByteBuffer;
import java.util.Iterator;

/**
 * An end-transaction marker (KIP-98): a control batch (attributes: control and transactional) of one
 * record written by the partition leader when the transaction coordinator commits or aborts a producer's
 * transaction. Big-endian record key and value:
 *
 * <pre>
 * | part  | offset | size | field                           |
 * |-------|--------|------|---------------------------------|
 * | key   |      0 |    2 | version int16 = 0               |
 * | key   |      2 |    2 | type int16: 0 ABORT, 1 COMMIT    |
 * | value |      0 |    2 | version int16 = 0               |
 * | value |      2 |    4 | coordinatorEpoch int32          |
 * </pre>
 *
 * Other control types (2 and up: leader change, snapshot markers) are not end-transaction markers.
 * Immutable.
 */
record EndTxnMarker(boolean committed, int coordinatorEpoch) {

    static final short ABORT = 0;
    static final short COMMIT = 1;
    private static final short VERSION = 0;
    private static final int KEY_SIZE = 4;
    private static final int VALUE_SIZE = 6;

    /** The marker batch for producer {@code producerId} at {@code producerEpoch}, base offset 0. */
    ByteBuffer toBatch(long producerId, short producerEpoch, long timestampMs) {
        ByteBuffer key = ByteBuffer.allocate(KEY_SIZE)
                .putShort(VERSION)
                .putShort(committed ? COMMIT : ABORT)
                .flip();
        ByteBuffer value = ByteBuffer.allocate(VALUE_SIZE)
                .putShort(VERSION)
                .putInt(coordinatorEpoch)
                .flip();
        return new RecordBatchBuilder(CompressionType.NONE)
                .producer(producerId, producerEpoch, -1)
                .transactional(true)
                .control(true)
                .append(timestampMs, key, value)
                .build();
    }

    /**
     * The marker in the control batch at the start of {@code batch} (the whole batch), or null when its
     * first record is not a readable end-transaction marker.
     */
    static EndTxnMarker parse(ByteBuffer batch) {
        Record record;
        try {
            Iterator<Record> records = RecordBatch.at(batch, 0).iterator();
            if (!records.hasNext()) {
                return null;
            }
            record = records.next();
        } catch (CorruptRecordException e) {
            return null;
        }
        ByteBuffer key = record.key();
        if (key == null || key.remaining() < KEY_SIZE) {
            return null;
        }
        short type = key.getShort(key.position() + 2);
        if (type != ABORT && type != COMMIT) {
            return null;
        }
        ByteBuffer value = record.value();
        int coordinatorEpoch =
                value != null && value.remaining() >= VALUE_SIZE ? value.getInt(value.position() + 2) : -1;
        return new EndTxnMarker(type == COMMIT, coordinatorEpoch);
    }
}
