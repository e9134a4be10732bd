package io.fjord.protocol.record;

import static io.fjord.protocol.record.RecordBatchDescriptor.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RecordBatchTest {

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void detectsACrcMismatchInTheRecordsAndInTheCoveredHeaderFields(CompressionType type) {
        ByteBuffer batch = TestBatches.simple(type, 0L, 5);
        assertThat(RecordBatch.at(batch, 0).isValid()).isTrue();

        batch.put(batch.limit() - 1, (byte) (batch.get(batch.limit() - 1) ^ 0x01));
        assertThat(RecordBatch.at(batch, 0).isValid()).isFalse();
        assertThatThrownBy(() -> RecordBatch.at(batch, 0).ensureValid())
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("CRC");

        ByteBuffer other = TestBatches.simple(type, 0L, 5);
        other.putLong(PRODUCER_ID_OFFSET, 99L);
        assertThat(RecordBatch.at(other, 0).isValid()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void patchingBaseOffsetAndLeaderEpochInPlaceKeepsTheCrcValid(CompressionType type) {
        ByteBuffer buffer = ByteBuffer.allocate(1000);
        buffer.position(17);
        buffer.put(TestBatches.simple(type, 0L, 4));
        buffer.flip().position(17);
        RecordBatch batch = RecordBatch.at(buffer, 17);
        batch.setBaseOffset(1_000_000L);
        batch.setPartitionLeaderEpoch(12);

        assertThat(batch.isValid()).isTrue();
        assertThat(batch.baseOffset()).isEqualTo(1_000_000L);
        assertThat(batch.lastOffset()).isEqualTo(1_000_003L);
        assertThat(batch.partitionLeaderEpoch()).isEqualTo(12);
        assertThat(buffer.position()).isEqualTo(17);
        List<Long> offsets = new ArrayList<>();
        batch.forEach(r -> offsets.add(r.offset()));
        assertThat(offsets).containsExactly(1_000_000L, 1_000_001L, 1_000_002L, 1_000_003L);

        DefaultRecordBatch kafka = (DefaultRecordBatch) MemoryRecords.readableRecords(batch.slice())
                .batches()
                .iterator()
                .next();
        kafka.ensureValid();
        assertThat(kafka.baseOffset()).isEqualTo(1_000_000L);
        assertThat(kafka.partitionLeaderEpoch()).isEqualTo(12);
    }

    @Test
    void settingLogAppendTimeRewritesTypeMaxTimestampAndCrcAsKafkaReadsThem() {
        ByteBuffer buffer = TestBatches.simple(CompressionType.LZ4, 0L, 3);
        RecordBatch batch = RecordBatch.at(buffer, 0);
        batch.setMaxTimestampAndType(TimestampType.LOG_APPEND_TIME, 77_777L);

        assertThat(batch.isValid()).isTrue();
        assertThat(batch.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(batch.maxTimestamp()).isEqualTo(77_777L);
        assertThat(batch.compressionType()).isEqualTo(CompressionType.LZ4);
        batch.forEach(r -> assertThat(r.timestamp()).isEqualTo(77_777L));
        DefaultRecordBatch kafka = (DefaultRecordBatch)
                MemoryRecords.readableRecords(buffer).batches().iterator().next();
        kafka.ensureValid();
        kafka.forEach(r -> assertThat(r.timestamp()).isEqualTo(77_777L));
    }

    @Test
    void lastSequenceWrapsPastIntMaxLikeKafka() {
        ByteBuffer buffer = new RecordBatchBuilder(CompressionType.NONE)
                .producer(1L, (short) 0, Integer.MAX_VALUE - 1)
                .append(1L, null, new byte[1])
                .append(2L, null, new byte[1])
                .append(3L, null, new byte[1])
                .build();
        RecordBatch batch = RecordBatch.at(buffer, 0);
        assertThat(batch.lastSequence()).isEqualTo(0);
        assertThat(RecordBatch.incrementSequence(5, 3)).isEqualTo(8);
    }

    @Test
    void atRejectsFewerBytesThanAHeaderAndLengthsThatDoNotFit() {
        ByteBuffer batch = TestBatches.simple(CompressionType.NONE, 0L, 2);
        assertThatThrownBy(() -> RecordBatch.at(batch.duplicate().limit(60), 0))
                .isInstanceOf(CorruptRecordException.class);
        assertThatThrownBy(() -> RecordBatch.at(batch.duplicate().limit(batch.limit() - 1), 0))
                .isInstanceOf(CorruptRecordException.class);
        ByteBuffer shortLength = TestBatches.simple(CompressionType.NONE, 0L, 2);
        shortLength.putInt(BATCH_LENGTH_OFFSET, HEADER_SIZE - LOG_OVERHEAD - 1);
        assertThatThrownBy(() -> RecordBatch.at(shortLength, 0)).isInstanceOf(CorruptRecordException.class);
    }

    @Test
    void buildsControlAndTransactionalBatchesWithGappedOffsetsThatKafkaReads() {
        ByteBuffer buffer = new RecordBatchBuilder(CompressionType.NONE)
                .baseOffset(100L)
                .producer(9L, (short) 1, NO_SEQUENCE)
                .transactional(true)
                .control(true)
                .appendWithOffset(100L, 5L, new byte[] {0, 0, 0, 1}, new byte[] {0, 0, 0, 0, 0, 3})
                .appendWithOffset(104L, 6L, new byte[] {0, 0, 0, 0}, new byte[] {0, 0, 0, 0, 0, 3})
                .build();
        RecordBatch batch = RecordBatch.at(buffer, 0);
        assertThat(batch.isControl()).isTrue();
        assertThat(batch.isTransactional()).isTrue();
        assertThat(batch.lastOffsetDelta()).isEqualTo(4);
        assertThat(batch.recordCount()).isEqualTo(2);
        DefaultRecordBatch kafka = (DefaultRecordBatch)
                MemoryRecords.readableRecords(buffer).batches().iterator().next();
        kafka.ensureValid();
        assertThat(kafka.isControlBatch()).isTrue();
        assertThat(kafka.lastOffset()).isEqualTo(104L);
        List<Long> offsets = new ArrayList<>();
        kafka.forEach(r -> offsets.add(r.offset()));
        assertThat(offsets).containsExactly(100L, 104L);
    }

    @Test
    void builderRefusesEmptyBatchesAndOffsetsOutOfOrder() {
        assertThatThrownBy(() -> new RecordBatchBuilder(CompressionType.NONE).build())
                .isInstanceOf(IllegalStateException.class);
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE).baseOffset(10L);
        builder.appendWithOffset(12L, 0L, null, null);
        assertThatThrownBy(() -> builder.appendWithOffset(12L, 0L, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.appendWithOffset(9L, 0L, null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void iterationRejectsARecordCountThatDisagreesWithTheRecords() {
        ByteBuffer more = TestBatches.simple(CompressionType.NONE, 0L, 3);
        more.putInt(RECORD_COUNT_OFFSET, 4);
        assertThatThrownBy(() -> RecordBatch.at(more, 0).forEach(r -> {})).isInstanceOf(CorruptRecordException.class);

        ByteBuffer fewer = TestBatches.simple(CompressionType.GZIP, 0L, 3);
        fewer.putInt(RECORD_COUNT_OFFSET, 2);
        assertThatThrownBy(() -> RecordBatch.at(fewer, 0).forEach(r -> {}))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("remain");

        ByteBuffer huge = TestBatches.simple(CompressionType.NONE, 0L, 3);
        huge.putInt(RECORD_COUNT_OFFSET, Integer.MAX_VALUE);
        assertThatThrownBy(() -> RecordBatch.at(huge, 0).iterator()).isInstanceOf(CorruptRecordException.class);

        ByteBuffer negative = TestBatches.simple(CompressionType.NONE, 0L, 3);
        negative.putInt(RECORD_COUNT_OFFSET, -1);
        assertThatThrownBy(() -> RecordBatch.at(negative, 0).iterator()).isInstanceOf(CorruptRecordException.class);
    }

    @Test
    void unassignedCodecIdsAreCorrupt() {
        ByteBuffer batch = TestBatches.simple(CompressionType.NONE, 0L, 1);
        batch.putShort(ATTRIBUTES_OFFSET, (short) 6);
        assertThatThrownBy(() -> RecordBatch.at(batch, 0).compressionType()).isInstanceOf(CorruptRecordException.class);
    }

    @Test
    void recordKeysAndValuesAreReadOnlyViewsThatDoNotMoveEachOther() {
        ByteBuffer buffer = TestBatches.simple(CompressionType.NONE, 0L, 1);
        Record record = RecordBatch.at(buffer, 0).iterator().next();
        ByteBuffer value = record.value();
        value.get();
        assertThat(record.value().remaining()).isEqualTo("value-0".length());
        assertThat(value.isReadOnly()).isTrue();
        assertThat(record.headers()).containsExactly(new Header("h", new byte[] {0}));
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void walkRecordsReportsTheSameFieldsAsTheIteratorWithoutRecordObjects(CompressionType type) {
        TestRecords records = TestRecords.generate(77L, 30);
        RecordBatchBuilder builder = new RecordBatchBuilder(type).baseOffset(10L);
        records.specs().forEach(s -> builder.append(s.timestamp(), s.key(), s.value(), s.headers()));
        RecordBatch batch = RecordBatch.at(builder.build(), 0);
        assertThat(walked(batch)).hasSize(30).isEqualTo(iterated(batch));
    }

    @Test
    void walkRecordsOfAnUncompressedBatchReadsDirectBuffersAndArraysThatStartPastTheirFirstByte() {
        TestRecords records = TestRecords.generate(78L, 25);
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE);
        records.specs().forEach(s -> builder.append(s.timestamp(), s.key(), s.value(), s.headers()));
        ByteBuffer heap = builder.build();
        List<String> expected = iterated(RecordBatch.at(heap, 0));
        // As the broker receives it: a direct buffer (Netty's), the batch behind other bytes.
        ByteBuffer direct = ByteBuffer.allocateDirect(heap.remaining() + 9);
        direct.position(9);
        direct.put(heap.duplicate()).flip();
        // A slice of a larger array: the buffer's array offset is not 0.
        ByteBuffer padded = ByteBuffer.allocate(heap.remaining() + 13);
        padded.position(13);
        padded.put(heap.duplicate());
        ByteBuffer slice = padded.position(13).slice();

        assertThat(slice.arrayOffset()).isEqualTo(13);
        assertThat(walked(RecordBatch.at(direct, 9))).hasSize(25).isEqualTo(expected);
        assertThat(walked(RecordBatch.at(slice, 0))).hasSize(25).isEqualTo(expected);
        direct.put(9 + RECORDS_OFFSET, (byte) 0x7f); // the first record's length: -64
        assertThatThrownBy(() -> RecordBatch.at(direct, 9).walkRecords(1 << 21, (i, d, t, k, v, h) -> {}))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("Record length -64");
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void walkRecordsReadsRecordsAcrossAndLongerThanItsWindowOfDecompressedBytes(CompressionType type) {
        int[] valueSizes = {1000, 5000, 17, 3 * RecordWalk.WINDOW_BYTES, RecordWalk.WINDOW_BYTES - 4, -1, 0};
        RecordBatchBuilder builder = new RecordBatchBuilder(type);
        Random random = new Random(11);
        for (int i = 0; i < 70; i++) {
            int size = valueSizes[i % valueSizes.length];
            byte[] value = size < 0 ? null : new byte[size];
            if (value != null) {
                random.nextBytes(value);
            }
            builder.append(1_000L + i, ("key-" + i).getBytes(StandardCharsets.UTF_8), value);
        }
        RecordBatch batch = RecordBatch.at(builder.build(), 0);
        assertThat(walked(batch)).hasSize(70).isEqualTo(iterated(batch));
    }

    private static List<String> walked(RecordBatch batch) {
        List<String> walked = new ArrayList<>();
        batch.walkRecords(
                1 << 21,
                (index, offsetDelta, timestamp, keySize, valueSize, headerCount) -> walked.add(index + "/" + offsetDelta
                        + "/" + timestamp + "/" + keySize + "/" + valueSize + "/" + headerCount));
        return walked;
    }

    private static List<String> iterated(RecordBatch batch) {
        List<String> iterated = new ArrayList<>();
        int index = 0;
        var records = batch.iterator(1 << 21);
        while (records.hasNext()) {
            Record r = records.next();
            iterated.add(index++ + "/" + r.offsetDelta() + "/" + r.timestamp() + "/"
                    + (r.hasKey() ? r.key().remaining() : -1) + "/"
                    + (r.value() == null ? -1 : r.value().remaining()) + "/"
                    + r.headers().size());
        }
        return iterated;
    }

    @Test
    void recompressingByReappendingRecordsKeepsEveryRecordAsKafkaReadsIt() {
        TestRecords records = TestRecords.generate(5L, 25);
        RecordBatchBuilder gzip = new RecordBatchBuilder(CompressionType.GZIP).baseOffset(300L);
        records.specs().forEach(s -> gzip.append(s.timestamp(), s.key(), s.value(), s.headers()));
        RecordBatch source = RecordBatch.at(gzip.build(), 0);

        RecordBatchBuilder zstd = new RecordBatchBuilder(CompressionType.ZSTD).baseOffset(source.baseOffset());
        source.forEach(zstd::append);
        ByteBuffer rebuilt = zstd.build();

        DefaultRecordBatch kafka = (DefaultRecordBatch)
                MemoryRecords.readableRecords(rebuilt).batches().iterator().next();
        kafka.ensureValid();
        assertThat(kafka.compressionType().name).isEqualTo("zstd");
        KafkaCompatibilityTest.assertSameRecords(source, kafka);
    }

    @Test
    void writesTheDeleteHorizonAsKafkaReadsIt() {
        ByteBuffer buffer = new RecordBatchBuilder(CompressionType.NONE)
                .deleteHorizonMs(5_000L)
                .append(7_000L, "k".getBytes(), null)
                .append(6_000L, "k2".getBytes(), "v".getBytes())
                .build();
        RecordBatch batch = RecordBatch.at(buffer, 0);
        assertThat(batch.hasDeleteHorizon()).isTrue();
        assertThat(batch.deleteHorizonMs()).isEqualTo(5_000L);
        DefaultRecordBatch kafka = (DefaultRecordBatch)
                MemoryRecords.readableRecords(buffer).batches().iterator().next();
        kafka.ensureValid();
        assertThat(kafka.deleteHorizonMs()).hasValue(5_000L);
        assertThat(kafka.maxTimestamp()).isEqualTo(7_000L);
        List<Long> timestamps = new ArrayList<>();
        kafka.forEach(r -> timestamps.add(r.timestamp()));
        assertThat(timestamps).containsExactly(7_000L, 6_000L);
    }

    @Test
    void headerReadsAndTheRecordWalkOfAnUncompressedBatchAllocateNothingPerRecord() {
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE);
        for (int i = 0; i < 20_000; i++) {
            builder.append(i, ("key" + i).getBytes(), new byte[20], new Header("h", new byte[2]));
        }
        ByteBuffer buffer = builder.build();
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long[] sum = new long[1];
        RecordVisitor visitor = (index, offsetDelta, timestamp, keySize, valueSize, headerCount) ->
                sum[0] += offsetDelta + keySize + valueSize + headerCount;
        for (int warmup = 0; warmup < 3; warmup++) {
            RecordBatch.at(buffer, 0).walkRecords(1 << 20, visitor);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        RecordBatch batch = RecordBatch.at(buffer, 0);
        boolean valid = batch.isValid();
        long header = batch.baseOffset() + batch.lastOffsetDelta() + batch.producerId() + batch.maxTimestamp();
        batch.walkRecords(1 << 20, visitor);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(valid).isTrue();
        assertThat(header).isEqualTo(19_999L - 1L + 19_999L);
        assertThat(allocated).as("bytes allocated for 20000 records").isLessThan(4096L);
    }
}
