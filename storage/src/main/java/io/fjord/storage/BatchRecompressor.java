package io.fjord.storage;

import io.fjord.protocol.record.CompressionType;
import io.fjord.protocol.record.Record;
import io.fjord.protocol.record.RecordBatch;
import io.fjord.protocol.record.RecordBatchBuilder;
import io.fjord.protocol.record.TimestampType;
import java.nio.ByteBuffer;
import java.util.Iterator;

/**
 * Re-encodes a producer's batch with the codec a topic's {@code compression.type} names, when that differs
 * from the codec the producer used ("producer" keeps the bytes as they are). The new batch keeps the
 * producer id, epoch, base sequence, transactional flag, every record's offset delta, timestamp, key,
 * value and headers; under LogAppendTime it carries {@code nowMs} as its max timestamp. The source is read
 * as CreateTime, so record timestamps survive even when the caller has stamped LogAppendTime already.
 *
 * <p>Stateless; safe from any thread. Memory: the decompressed records (bounded by the caller) plus the
 * new batch.
 */
final class BatchRecompressor {

    private BatchRecompressor() {}

    /**
     * The codec the topic wants for a batch compressed with {@code batchCodecId}; null when the batch
     * is kept as it is.
     */
    static CompressionType targetCodec(String topicCompressionType, int batchCodecId) {
        if (topicCompressionType == null || topicCompressionType.equals("producer")) {
            return null;
        }
        CompressionType target = topicCompressionType.equals("uncompressed")
                ? CompressionType.NONE
                : CompressionType.forName(topicCompressionType);
        return target.id() == batchCodecId ? null : target;
    }

    /**
     * A new batch (position 0, limit its size, baseOffset 0, CRC set) holding the records of the batch at
     * {@code position} encoded with {@code target}.
     *
     * @throws io.fjord.protocol.record.CorruptRecordException if the records do not decode within
     *     {@code maxDecompressedBytes}
     */
    static ByteBuffer recompress(
            ByteBuffer records,
            int position,
            CompressionType target,
            boolean logAppendTime,
            long nowMs,
            int maxDecompressedBytes) {
        RecordBatch source = RecordBatch.at(records, position);
        RecordBatchBuilder builder = new RecordBatchBuilder(target)
                .baseOffset(0L)
                .producer(source.producerId(), source.producerEpoch(), source.baseSequence())
                .transactional(source.isTransactional())
                .partitionLeaderEpoch(source.partitionLeaderEpoch());
        if (logAppendTime) {
            builder.timestampType(TimestampType.LOG_APPEND_TIME).logAppendTimeMs(nowMs);
        }
        Iterator<Record> it = createTimeView(source).iterator(maxDecompressedBytes);
        while (it.hasNext()) {
            builder.append(it.next());
        }
        return builder.build();
    }

    /**
     * The batch as CreateTime, so its iterator yields each record's own timestamp. A LogAppendTime batch
     * is copied (header only differs; the CRC is not checked by the iterator).
     */
    private static RecordBatch createTimeView(RecordBatch batch) {
        if (batch.timestampType() != TimestampType.LOG_APPEND_TIME) {
            return batch;
        }
        ByteBuffer copy = ByteBuffer.allocate(batch.sizeInBytes());
        copy.put(batch.slice().duplicate());
        copy.flip();
        copy.putShort(io.fjord.protocol.record.RecordBatchDescriptor.ATTRIBUTES_OFFSET, (short)
                (batch.attributes() & ~io.fjord.protocol.record.RecordBatchDescriptor.TIMESTAMP_TYPE_MASK));
        return RecordBatch.at(copy, 0);
    }
}
