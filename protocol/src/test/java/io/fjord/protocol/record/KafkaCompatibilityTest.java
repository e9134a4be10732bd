package io.fjord.protocol.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Our codec against kafka-clients' MemoryRecordsBuilder / MemoryRecords, in both directions. */
class KafkaCompatibilityTest {

    private static final long LOG_APPEND_TIME = 1_800_000_000_123L;

    /** Every codec x both timestamp types x (plain, idempotent, transactional). */
    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (CompressionType type : CompressionType.values()) {
            for (TimestampType timestampType : TimestampType.values()) {
                for (String producer : List.of("plain", "idempotent", "transactional")) {
                    cases.add(Arguments.of(type, timestampType, producer));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void readsKafkaBuiltBatchesWithEveryFieldEqual(CompressionType type, TimestampType timestampType, String producer) {
        boolean hasProducer = !producer.equals("plain");
        TestRecords records = TestRecords.generate(type.ordinal() * 31L + timestampType.ordinal(), 40);
        MemoryRecordsBuilder kafka = KafkaOracle.builder(
                type,
                timestampType,
                1234L,
                timestampType == TimestampType.LOG_APPEND_TIME ? LOG_APPEND_TIME : -1L,
                hasProducer ? 987_654L : -1L,
                hasProducer ? (short) 7 : (short) -1,
                hasProducer ? Integer.MAX_VALUE - 10 : -1,
                producer.equals("transactional"),
                false,
                42);
        for (TestRecords.Spec spec : records.specs()) {
            kafka.append(spec.timestamp(), spec.key(), spec.value(), kafkaHeaders(spec.headers()));
        }
        MemoryRecords built = kafka.build();
        ByteBuffer buffer = built.buffer();
        DefaultRecordBatch expected =
                (DefaultRecordBatch) built.batches().iterator().next();

        BatchIterator batches = RecordBatches.iterate(buffer);
        RecordBatch batch = batches.next();
        assertThat(batches.hasNext()).isFalse();
        assertThat(batches.stop()).isEqualTo(BatchIterator.Stop.END);
        assertThat(batches.validBytes()).isEqualTo(buffer.remaining());

        assertSameHeader(batch, expected);
        assertThat(batch.compressionType()).isEqualTo(type);
        assertThat(batch.timestampType()).isEqualTo(timestampType);
        assertThat(batch.partitionLeaderEpoch()).isEqualTo(42);
        assertSameRecords(batch, expected);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void kafkaReadsOurBatchesWithValidCrcAndEveryRecordEqual(
            CompressionType type, TimestampType timestampType, String producer) {
        boolean hasProducer = !producer.equals("plain");
        TestRecords records = TestRecords.generate(100 + type.ordinal() * 7L + timestampType.ordinal(), 40);
        RecordBatchBuilder builder = new RecordBatchBuilder(type)
                .baseOffset(5000L)
                .timestampType(timestampType)
                .logAppendTimeMs(LOG_APPEND_TIME)
                .partitionLeaderEpoch(3)
                .transactional(producer.equals("transactional"));
        if (hasProducer) {
            builder.producer(55L, (short) 2, 17);
        }
        for (TestRecords.Spec spec : records.specs()) {
            builder.append(spec.timestamp(), spec.key(), spec.value(), spec.headers());
        }
        ByteBuffer buffer = builder.build();

        MemoryRecords kafka = MemoryRecords.readableRecords(buffer.duplicate());
        List<MutableRecordBatch> kafkaBatches = new ArrayList<>();
        kafka.batches().forEach(kafkaBatches::add);
        assertThat(kafkaBatches).hasSize(1);
        DefaultRecordBatch kafkaBatch = (DefaultRecordBatch) kafkaBatches.get(0);
        kafkaBatch.ensureValid();
        assertThat(kafkaBatch.isValid()).isTrue();
        assertThat((int) kafkaBatch.compressionType().id).isEqualTo(type.id());
        assertThat(kafkaBatch.timestampType()).isEqualTo(KafkaOracle.kafkaTimestampType(timestampType));
        assertThat(kafkaBatch.baseOffset()).isEqualTo(5000L);
        assertThat(kafkaBatch.lastOffset()).isEqualTo(5039L);
        assertThat(kafkaBatch.partitionLeaderEpoch()).isEqualTo(3);
        assertThat(kafkaBatch.isTransactional()).isEqualTo(producer.equals("transactional"));
        assertThat(kafkaBatch.producerId()).isEqualTo(hasProducer ? 55L : -1L);
        assertThat(kafkaBatch.producerEpoch()).isEqualTo(hasProducer ? (short) 2 : (short) -1);
        assertThat(kafkaBatch.baseSequence()).isEqualTo(hasProducer ? 17 : -1);
        assertThat(kafkaBatch.maxTimestamp())
                .isEqualTo(timestampType == TimestampType.LOG_APPEND_TIME ? LOG_APPEND_TIME : records.maxTimestamp());
        assertThat(kafkaBatch.baseTimestamp()).isEqualTo(records.specs().get(0).timestamp());

        Iterator<org.apache.kafka.common.record.internal.Record> kafkaRecords = kafkaBatch.iterator();
        long offset = 5000L;
        for (TestRecords.Spec spec : records.specs()) {
            org.apache.kafka.common.record.internal.Record record = kafkaRecords.next();
            record.ensureValid();
            assertThat(record.offset()).isEqualTo(offset++);
            assertThat(record.timestamp())
                    .isEqualTo(timestampType == TimestampType.LOG_APPEND_TIME ? LOG_APPEND_TIME : spec.timestamp());
            assertThat(bytes(record.key())).isEqualTo(spec.key());
            assertThat(bytes(record.value())).isEqualTo(spec.value());
            assertThat(ourHeaders(record.headers())).containsExactly(spec.headers());
        }
        assertThat(kafkaRecords.hasNext()).isFalse();
    }

    static void assertSameHeader(RecordBatch batch, DefaultRecordBatch expected) {
        assertThat(batch.baseOffset()).isEqualTo(expected.baseOffset());
        assertThat(batch.lastOffset()).isEqualTo(expected.lastOffset());
        assertThat(batch.nextOffset()).isEqualTo(expected.nextOffset());
        assertThat(batch.sizeInBytes()).isEqualTo(expected.sizeInBytes());
        assertThat(batch.partitionLeaderEpoch()).isEqualTo(expected.partitionLeaderEpoch());
        assertThat(batch.magic()).isEqualTo(expected.magic());
        assertThat(batch.checksum()).isEqualTo(expected.checksum());
        assertThat(batch.computeChecksum()).isEqualTo(expected.checksum());
        assertThat(batch.isValid()).isTrue();
        assertThat(batch.compressionType().id()).isEqualTo((int) expected.compressionType().id);
        assertThat(batch.timestampType()).isEqualTo(TimestampType.forTitle(expected.timestampType().name));
        assertThat(batch.isTransactional()).isEqualTo(expected.isTransactional());
        assertThat(batch.isControl()).isEqualTo(expected.isControlBatch());
        assertThat(batch.baseTimestamp()).isEqualTo(expected.baseTimestamp());
        assertThat(batch.maxTimestamp()).isEqualTo(expected.maxTimestamp());
        assertThat(batch.producerId()).isEqualTo(expected.producerId());
        assertThat(batch.hasProducerId()).isEqualTo(expected.hasProducerId());
        assertThat(batch.producerEpoch()).isEqualTo(expected.producerEpoch());
        assertThat(batch.baseSequence()).isEqualTo(expected.baseSequence());
        assertThat(batch.lastSequence()).isEqualTo(expected.lastSequence());
        assertThat(batch.recordCount()).isEqualTo(expected.countOrNull());
        assertThat(batch.hasDeleteHorizon())
                .isEqualTo(expected.deleteHorizonMs().isPresent());
    }

    static void assertSameRecords(RecordBatch batch, DefaultRecordBatch expected) {
        Iterator<org.apache.kafka.common.record.internal.Record> kafkaRecords = expected.iterator();
        int count = 0;
        for (Record record : batch) {
            org.apache.kafka.common.record.internal.Record want = kafkaRecords.next();
            assertThat(record.offset()).isEqualTo(want.offset());
            assertThat(record.timestamp()).isEqualTo(want.timestamp());
            assertThat(record.sizeInBytes()).isEqualTo(want.sizeInBytes());
            assertThat(record.hasKey()).isEqualTo(want.hasKey());
            assertThat(record.key()).isEqualTo(want.key());
            assertThat(record.value()).isEqualTo(want.value());
            assertThat(record.headers()).containsExactly(ourHeaders(want.headers()));
            count++;
        }
        assertThat(kafkaRecords.hasNext()).isFalse();
        assertThat(count).isEqualTo(batch.recordCount());
    }

    static org.apache.kafka.common.header.Header[] kafkaHeaders(Header[] headers) {
        org.apache.kafka.common.header.Header[] kafka = new org.apache.kafka.common.header.Header[headers.length];
        for (int i = 0; i < headers.length; i++) {
            kafka[i] = new RecordHeader(headers[i].key(), headers[i].value());
        }
        return kafka;
    }

    static Header[] ourHeaders(org.apache.kafka.common.header.Header[] headers) {
        Header[] ours = new Header[headers.length];
        for (int i = 0; i < headers.length; i++) {
            ours[i] = new Header(headers[i].key(), headers[i].value());
        }
        return ours;
    }

    static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
