package io.fjord.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.testkit.MockTime;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batches built by the official client go in, and what comes out parses and validates with it. */
class KafkaClientsCompatibilityTest {

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

    SimpleRecord record(String key, String value) {
        return new SimpleRecord(
                time.milliseconds(),
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }

    ByteBuffer kafkaBatch(Compression compression, long producerId, int sequence, String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = record("k" + i, values[i]);
        }
        MemoryRecords built = producerId < 0
                ? MemoryRecords.withRecords(compression, records)
                : MemoryRecords.withIdempotentRecords(compression, producerId, (short) 0, sequence, records);
        return built.buffer();
    }

    List<RecordBatch> readAllWithKafka() {
        FileRecords slice = log.read(log.logStartOffset(), Integer.MAX_VALUE, Long.MAX_VALUE, true)
                .records();
        ByteBuffer buf = ByteBuffer.allocate(slice.sizeInBytes());
        slice.copyTo(buf);
        List<RecordBatch> batches = new ArrayList<>();
        MemoryRecords.readableRecords(buf.flip()).batches().forEach(batches::add);
        return batches;
    }

    @Test
    void kafkaBuiltBatchesGetOffsetsAndStayValidForKafka() {
        log = UnifiedLog.open(tmp.resolve("t-0"), LogConfig.DEFAULT, time);
        log.appendAsLeader(kafkaBatch(Compression.NONE, -1, -1, "a", "b", "c"), 4);
        log.appendAsLeader(kafkaBatch(Compression.gzip().build(), -1, -1, "d", "e"), 4);
        log.appendAsLeader(kafkaBatch(Compression.NONE, 77, 0, "f"), 5);
        List<RecordBatch> batches = readAllWithKafka();
        assertThat(batches).hasSize(3);
        for (RecordBatch batch : batches) {
            batch.ensureValid();
        }
        assertThat(batches.get(0).baseOffset()).isZero();
        assertThat(batches.get(1).baseOffset()).isEqualTo(3);
        assertThat(batches.get(1).partitionLeaderEpoch()).isEqualTo(4);
        assertThat(batches.get(2).baseOffset()).isEqualTo(5);
        assertThat(batches.get(2).partitionLeaderEpoch()).isEqualTo(5);
        assertThat(batches.get(2).producerId()).isEqualTo(77);
        List<Long> offsets = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (RecordBatch batch : batches) {
            for (Record r : batch) {
                offsets.add(r.offset());
                values.add(StandardCharsets.UTF_8.decode(r.value()).toString());
            }
        }
        assertThat(offsets).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(values).containsExactly("a", "b", "c", "d", "e", "f");
    }

    @Test
    void logAppendTimeStampingIsWhatKafkaExpects() {
        log = UnifiedLog.open(
                tmp.resolve("t-0"),
                LogConfig.builder().messageTimestampType("LogAppendTime").build(),
                time);
        time.advanceMs(10_000);
        log.appendAsLeader(kafkaBatch(Compression.gzip().build(), -1, -1, "x", "y"), 0);
        RecordBatch batch = readAllWithKafka().get(0);
        batch.ensureValid();
        assertThat(batch.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(batch.maxTimestamp()).isEqualTo(time.milliseconds());
        for (Record r : batch) {
            assertThat(r.timestamp()).isEqualTo(time.milliseconds());
        }
    }

    @Test
    void aKafkaBuiltIdempotentRetryIsDeduplicated() {
        log = UnifiedLog.open(tmp.resolve("t-0"), LogConfig.DEFAULT, time);
        log.appendAsLeader(kafkaBatch(Compression.NONE, 5, 0, "a", "b"), 0);
        LogAppendInfo retry = log.appendAsLeader(kafkaBatch(Compression.NONE, 5, 0, "a", "b"), 0);
        assertThat(retry.firstOffset()).isZero();
        assertThat(retry.lastOffset()).isEqualTo(1);
        assertThat(log.logEndOffset()).isEqualTo(2);
        assertThatThrownBy(() -> log.appendAsLeader(kafkaBatch(Compression.NONE, 5, 3, "c"), 0))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.error()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER));
    }

    @Test
    void kafkaReadsTheSegmentFileAsItsOwn() throws Exception {
        log = UnifiedLog.open(tmp.resolve("t-0"), LogConfig.DEFAULT, time);
        for (int i = 0; i < 20; i++) {
            log.appendAsLeader(kafkaBatch(Compression.NONE, -1, -1, "v" + i), 0);
        }
        log.flush();
        try (org.apache.kafka.common.record.internal.FileRecords file =
                org.apache.kafka.common.record.internal.FileRecords.open(
                        LogSegment.logFile(tmp.resolve("t-0"), 0).toFile())) {
            long expected = 0;
            for (RecordBatch batch : file.batches()) {
                batch.ensureValid();
                assertThat(batch.baseOffset()).isEqualTo(expected++);
            }
            assertThat(expected).isEqualTo(20);
        }
    }
}
