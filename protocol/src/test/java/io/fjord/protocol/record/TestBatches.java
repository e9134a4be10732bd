package io.fjord.protocol.record;

import static io.fjord.protocol.record.RecordBatchDescriptor.*;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** Hand-made batches for tests: arbitrary records sections behind a coherent header. */
final class TestBatches {

    private TestBatches() {}

    /** A batch whose records section is {@code section} verbatim, with a correct length and CRC. */
    static ByteBuffer withRecordsSection(CompressionType type, int recordCount, byte[] section) {
        ByteBuffer batch = ByteBuffer.allocate(HEADER_SIZE + section.length);
        batch.putLong(BASE_OFFSET_OFFSET, 0L);
        batch.putInt(BATCH_LENGTH_OFFSET, HEADER_SIZE + section.length - LOG_OVERHEAD);
        batch.putInt(PARTITION_LEADER_EPOCH_OFFSET, 0);
        batch.put(MAGIC_OFFSET, MAGIC_V2);
        batch.putShort(ATTRIBUTES_OFFSET, (short) type.id());
        batch.putInt(LAST_OFFSET_DELTA_OFFSET, recordCount - 1);
        batch.putLong(BASE_TIMESTAMP_OFFSET, 1000L);
        batch.putLong(MAX_TIMESTAMP_OFFSET, 1000L);
        batch.putLong(PRODUCER_ID_OFFSET, NO_PRODUCER_ID);
        batch.putShort(PRODUCER_EPOCH_OFFSET, NO_PRODUCER_EPOCH);
        batch.putInt(BASE_SEQUENCE_OFFSET, NO_SEQUENCE);
        batch.putInt(RECORD_COUNT_OFFSET, recordCount);
        batch.put(RECORDS_OFFSET, section);
        fixCrc(batch);
        return batch;
    }

    /** Rewrites the CRC of the batch at position 0 so that only semantic checks can reject it. */
    static void fixCrc(ByteBuffer batch) {
        CRC32C crc = new CRC32C();
        crc.update(batch.duplicate().position(ATTRIBUTES_OFFSET));
        batch.putInt(CRC_OFFSET, (int) crc.getValue());
    }

    /** A small valid batch of {@code count} records with keys, values and a header. */
    static ByteBuffer simple(CompressionType type, long baseOffset, int count) {
        RecordBatchBuilder builder = new RecordBatchBuilder(type).baseOffset(baseOffset);
        for (int i = 0; i < count; i++) {
            builder.append(
                    1000L + i, ("k" + i).getBytes(), ("value-" + i).getBytes(), new Header("h", new byte[] {(byte) i}));
        }
        return builder.build();
    }
}
