package io.fjord.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.testkit.MockTime;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogValidatorTest {

    @TempDir
    Path tmp;

    final MockTime time = new MockTime();
    UnifiedLog log;

    @AfterEach
    void closeLog() {
        if (log != null) {
            log.close();
        }
    }

    UnifiedLog open(LogConfig config) {
        log = UnifiedLog.open(tmp.resolve("t-0"), config, time);
        return log;
    }

    void assertRejected(ByteBuffer batch, Errors error) {
        long end = log.logEndOffset();
        assertThatThrownBy(() -> log.appendAsLeader(batch, 0))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.error()).isEqualTo(error));
        assertThat(log.logEndOffset()).isEqualTo(end);
    }

    long now() {
        return time.milliseconds();
    }

    @Test
    void rejectsMagicOtherThanTwo() {
        open(LogConfig.DEFAULT);
        ByteBuffer b = TestBatches.simple(1, now());
        b.put(16, (byte) 1);
        assertRejected(b, Errors.INVALID_RECORD);
    }

    @Test
    void rejectsMoreThanOneBatch() {
        open(LogConfig.DEFAULT);
        ByteBuffer a = TestBatches.simple(1, now());
        ByteBuffer b = TestBatches.simple(1, now());
        assertRejected(
                ByteBuffer.allocate(a.remaining() + b.remaining()).put(a).put(b).flip(), Errors.INVALID_RECORD);
    }

    @Test
    void rejectsAClientBatchWithNonZeroBaseOffset() {
        open(LogConfig.DEFAULT);
        assertRejected(TestBatches.batch().baseOffset(7).record(now(), "k", "v").build(), Errors.INVALID_RECORD);
    }

    @Test
    void rejectsCountsThatDoNotMatchTheOffsets() {
        open(LogConfig.DEFAULT);
        assertRejected(
                TestBatches.batch()
                        .record(now(), "k", "v")
                        .recordCount(0)
                        .lastOffsetDelta(-1)
                        .build(),
                Errors.INVALID_RECORD);
        assertRejected(
                TestBatches.batch()
                        .record(now(), "k", "v")
                        .record(now(), "k", "w")
                        .lastOffsetDelta(2)
                        .build(),
                Errors.INVALID_RECORD);
    }

    @Test
    void rejectsAControlBatchFromAClient() {
        open(LogConfig.DEFAULT);
        assertRejected(
                TestBatches.batch().attributes(0x20).record(now(), "k", "v").build(), Errors.INVALID_RECORD);
    }

    @Test
    void rejectsAProducerIdWithoutSequence() {
        open(LogConfig.DEFAULT);
        assertRejected(
                TestBatches.batch().producer(5, 0, -1).record(now(), "k", "v").build(), Errors.INVALID_RECORD);
    }

    @Test
    void rejectsANullKeyOnACompactedTopic() {
        open(LogConfig.builder().cleanupPolicy("compact").build());
        assertRejected(
                TestBatches.batch()
                        .record(now(), "k", "v")
                        .record(now(), null, "v")
                        .build(),
                Errors.INVALID_RECORD);
        assertThat(log.appendAsLeader(TestBatches.simple(2, now()), 0).lastOffset())
                .isEqualTo(1);
    }

    @Test
    void acceptsANullKeyOnADeleteTopic() {
        open(LogConfig.DEFAULT);
        assertThat(log.appendAsLeader(
                                TestBatches.batch().record(now(), null, "v").build(), 0)
                        .firstOffset())
                .isZero();
    }

    @Test
    void rejectsABatchLargerThanMaxMessageBytes() {
        open(LogConfig.builder().maxMessageBytes(100).build());
        assertRejected(TestBatches.simple(10, now()), Errors.MESSAGE_TOO_LARGE);
    }

    @Test
    void rejectsABatchLargerThanASegment() {
        open(LogConfig.builder().segmentBytes(100).build());
        assertRejected(TestBatches.simple(10, now()), Errors.RECORD_LIST_TOO_LARGE);
    }

    @Test
    void rejectsACrcMismatch() {
        open(LogConfig.DEFAULT);
        ByteBuffer b = TestBatches.simple(2, now());
        b.put(b.limit() - 2, (byte) (b.get(b.limit() - 2) ^ 0x40));
        assertRejected(b, Errors.CORRUPT_MESSAGE);
    }

    @Test
    void rejectsFewerBytesThanAHeaderOrATruncatedBatch() {
        open(LogConfig.DEFAULT);
        assertRejected(ByteBuffer.allocate(60), Errors.CORRUPT_MESSAGE);
        ByteBuffer b = TestBatches.simple(2, now());
        assertRejected(b.limit(b.limit() - 3), Errors.CORRUPT_MESSAGE);
    }

    @Test
    void rejectsMalformedRecordsInsideAValidCrc() {
        open(LogConfig.DEFAULT);
        ByteBuffer b = TestBatches.simple(2, now());
        b.put(61, (byte) 0x7e); // first record claims 63 bytes
        TestBatches.fixCrc(b);
        assertRejected(b, Errors.INVALID_RECORD); // the CRC held: the producer built it wrong, as Kafka answers
    }

    @Test
    void rejectsCreateTimeOutsideTheConfiguredWindow() {
        open(LogConfig.builder()
                .messageTimestampBeforeMaxMs(60_000)
                .messageTimestampAfterMaxMs(1_000)
                .build());
        assertRejected(TestBatches.simple(1, now() + 2_000), Errors.INVALID_TIMESTAMP);
        assertRejected(TestBatches.simple(1, now() - 61_000), Errors.INVALID_TIMESTAMP);
        assertRejected(
                TestBatches.batch()
                        .record(now(), "k", "a")
                        .record(now() - 70_000, "k", "b")
                        .build(),
                Errors.INVALID_TIMESTAMP);
        assertThat(log.appendAsLeader(TestBatches.simple(1, now() + 900), 0).firstOffset())
                .isZero();
    }

    /** The refused records of a batch {@code batch} gets, with Kafka's partition error and message. */
    RecordValidationException refusedRecords(ByteBuffer batch) {
        long end = log.logEndOffset();
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> log.appendAsLeader(batch, 0));
        assertThat(thrown).isInstanceOf(RecordValidationException.class);
        assertThat(log.logEndOffset()).isEqualTo(end);
        return (RecordValidationException) thrown;
    }

    @Test
    void aCompactedTopicNamesEveryRecordWithoutAKeyAsKafkaRecordErrors() {
        open(LogConfig.builder().cleanupPolicy("compact").build());
        RecordValidationException e = refusedRecords(TestBatches.batch()
                .record(now(), "k", "a")
                .record(now(), null, "b")
                .record(now(), "k", "c")
                .record(now(), null, "d")
                .build());
        assertThat(e.error()).isEqualTo(Errors.INVALID_RECORD);
        assertThat(e.recordErrors())
                .extracting(RecordValidationException.RecordError::batchIndex)
                .containsExactly(1, 3);
        assertThat(e.recordErrors().get(0).message())
                .isEqualTo("Compacted topic cannot accept message without key in topic partition t-0.");
        assertThat(e.getMessage())
                .startsWith("One or more records have been rejected due to 2 record errors in total, and only showing"
                        + " the first three errors at most: [RecordError(batchIndex=1, message='Compacted topic");
    }

    @Test
    void aTimestampOutsideTheWindowNamesItsRecordAndWinsOverAMissingKey() {
        open(LogConfig.builder()
                .cleanupPolicy("compact")
                .messageTimestampBeforeMaxMs(60_000)
                .build());
        RecordValidationException e = refusedRecords(TestBatches.batch()
                .record(now(), "k", "a")
                .record(now(), null, "b")
                .record(now() - 70_000, "k", "c")
                .build());
        assertThat(e.error()).isEqualTo(Errors.INVALID_TIMESTAMP);
        assertThat(e.getMessage()).isEqualTo("One or more records have been rejected due to invalid timestamp");
        assertThat(e.recordErrors())
                .extracting(RecordValidationException.RecordError::batchIndex)
                .containsExactly(1, 2);
        assertThat(e.recordErrors().get(1).message())
                .isEqualTo("Timestamp " + (now() - 70_000) + " of message with offset 2 is out of range. The timestamp"
                        + " should be within [" + (now() - 60_000) + ", " + (now() + 3_600_000) + "]");
    }

    @Test
    void aCompressedBatchNamesItsRefusedRecordsToo() {
        open(LogConfig.builder().messageTimestampAfterMaxMs(1_000).build());
        RecordValidationException e = refusedRecords(
                new io.fjord.protocol.record.RecordBatchBuilder(io.fjord.protocol.record.CompressionType.GZIP)
                        .append(now(), new byte[] {'k'}, new byte[] {'v'})
                        .append(now() + 5_000, new byte[] {'k'}, new byte[] {'v'})
                        .build());
        assertThat(e.error()).isEqualTo(Errors.INVALID_TIMESTAMP);
        assertThat(e.recordErrors())
                .extracting(RecordValidationException.RecordError::batchIndex)
                .containsExactly(1);
    }

    @Test
    void aRecordWithoutATimestampIsNotHeldToTheWindowAsInKafka() {
        open(LogConfig.builder()
                .messageTimestampBeforeMaxMs(60_000)
                .messageTimestampAfterMaxMs(1_000)
                .build());
        assertThat(log.appendAsLeader(TestBatches.batch().record(-1L, "k", "v").build(), 0)
                        .firstOffset())
                .isZero();
    }

    @Test
    void checksTheRecordTimestampsOfACompressedBatch() {
        open(LogConfig.builder().messageTimestampAfterMaxMs(1_000).build());
        assertRejected(
                new io.fjord.protocol.record.RecordBatchBuilder(io.fjord.protocol.record.CompressionType.GZIP)
                        .append(now() + 5_000, new byte[] {'k'}, new byte[] {'v'})
                        .build(),
                Errors.INVALID_TIMESTAMP);
    }

    /** {@code count} records of {@code valueBytes} zeros, timestamps now, now + 1, ...: lz4 shrinks them ~250 times. */
    io.fjord.protocol.record.RecordBatchBuilder zeros(
            io.fjord.protocol.record.CompressionType codec, int count, int valueBytes) {
        io.fjord.protocol.record.RecordBatchBuilder builder = new io.fjord.protocol.record.RecordBatchBuilder(codec);
        for (int i = 0; i < count; i++) {
            builder.append(now() + i, null, new byte[valueBytes]);
        }
        return builder;
    }

    @Test
    void aCompressedBatchThatExpandsFarPastMaxMessageBytesIsAcceptedAsInKafka() {
        // The Java producer fills batch.size with compressed bytes as it estimates them: repetitive records make
        // batches that expand hundreds of times. 3 MiB of records, more than 16 x max.message.bytes (the bound of 1
        // MiB here), once refused as CORRUPT_MESSAGE, which the producer retried until its delivery timeout.
        open(LogConfig.builder().maxMessageBytes(64 * 1024).build());
        ByteBuffer batch =
                zeros(io.fjord.protocol.record.CompressionType.LZ4, 3000, 1024).build();
        assertThat(batch.remaining()).isLessThan(64 * 1024);

        assertThat(log.appendAsLeader(batch, 0).lastOffset()).isEqualTo(2999);
        // ListOffsets walks the same records as they are decompressed
        assertThat(log.fetchOffsetByTimestamp(now() + 2500).orElseThrow().offset())
                .isEqualTo(2500);
    }

    @Test
    void recompressingRecordsPastTheBoundIsMessageTooLargeSoTheJavaProducerSplitsTheBatch() {
        open(LogConfig.builder()
                .maxMessageBytes(64 * 1024)
                .compressionType("gzip")
                .build());
        assertRejected(
                zeros(io.fjord.protocol.record.CompressionType.LZ4, 3000, 1024).build(), Errors.MESSAGE_TOO_LARGE);
        // each half of a split, and smaller, is recompressed
        assertThat(log.appendAsLeader(
                                zeros(io.fjord.protocol.record.CompressionType.LZ4, 500, 1024)
                                        .build(),
                                0)
                        .lastOffset())
                .isEqualTo(499);
    }

    @Test
    void rejectsACompressedBatchWhoseRecordsAreNotCompressedAsItsCodecSays() {
        open(LogConfig.DEFAULT);
        // gzip codec bits on records left uncompressed: the records cannot be decoded
        assertRejected(TestBatches.batch().attributes(1).record(now(), "k", "v").build(), Errors.CORRUPT_MESSAGE);
    }

    /** The bytes of the batch stored at offset 0; asserts its CRC holds. */
    ByteBuffer storedBatch() {
        FileRecords records = log.read(0, 1 << 20, Long.MAX_VALUE, true).records();
        ByteBuffer stored = ByteBuffer.allocate(records.sizeInBytes());
        records.copyTo(stored);
        assertThat(Batches.isCrcValid(stored, 0, stored.capacity())).isTrue();
        return stored;
    }

    @Test
    void aCreateTimeBatchCarriesItsRecordsLargestTimestampWhateverTheProducerWroteAsInKafka() {
        open(LogConfig.DEFAULT);
        ByteBuffer b = TestBatches.batch()
                .record(now() - 3_000, "k", "a")
                .record(now() - 1_000, "k", "b")
                .record(now() - 2_000, "k", "c")
                .build();
        b.putLong(35, now() - 5_000); // the header's maxTimestamp, below its records'
        TestBatches.fixCrc(b);

        log.appendAsLeader(b, 0);

        assertThat(storedBatch().getLong(35)).isEqualTo(now() - 1_000);
        // the time index and ListOffsets see the record at now - 1 s, which a max of now - 5 s would hide
        assertThat(log.fetchOffsetByTimestamp(now() - 1_500).orElseThrow().offset())
                .isEqualTo(1);
        assertThat(log.fetchOffsetByTimestamp(-3L).orElseThrow().offset()).isEqualTo(1);
    }

    @Test
    void aCompressedCreateTimeBatchCarriesItsRecordsLargestTimestampToo() {
        open(LogConfig.DEFAULT);
        ByteBuffer b = new io.fjord.protocol.record.RecordBatchBuilder(io.fjord.protocol.record.CompressionType.GZIP)
                .append(now() - 3_000, new byte[] {'k'}, new byte[] {'a'})
                .append(now() - 2_000, new byte[] {'k'}, new byte[] {'b'})
                .build();
        b.putLong(35, now()); // above its records'
        TestBatches.fixCrc(b);

        log.appendAsLeader(b, 0);

        assertThat(storedBatch().getLong(35)).isEqualTo(now() - 2_000);
        assertThat(log.fetchOffsetByTimestamp(-3L).orElseThrow().timestampMs()).isEqualTo(now() - 2_000);
    }

    @Test
    void logAppendTimeOverwritesMaxTimestampAndRecomputesTheCrc() {
        open(LogConfig.builder().messageTimestampType("LogAppendTime").build());
        ByteBuffer b = TestBatches.simple(2, 12345L); // far in the past: not checked under LogAppendTime
        LogAppendInfo info = log.appendAsLeader(b, 0);
        assertThat(info.logAppendTimeMs()).isEqualTo(now());
        FileRecords records = log.read(0, 1000, Long.MAX_VALUE, true).records();
        ByteBuffer stored = ByteBuffer.allocate(records.sizeInBytes());
        records.copyTo(stored);
        assertThat(stored.getLong(35)).isEqualTo(now());
        assertThat(stored.getShort(21) & 0x08).isEqualTo(0x08);
        assertThat(Batches.isCrcValid(stored, 0, stored.capacity())).isTrue();
        assertThat(log.fetchOffsetByTimestamp(now()).orElseThrow().offset()).isZero();
    }
}
