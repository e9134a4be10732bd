package io.fjord.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.protocol.record.CompressionType;
import io.fjord.protocol.record.Header;
import io.fjord.protocol.record.Record;
import io.fjord.protocol.record.RecordBatch;
import io.fjord.protocol.record.RecordBatchBuilder;
import io.fjord.protocol.record.RecordBatches;
import io.fjord.protocol.record.TimestampType;
import io.fjord.testkit.MockTime;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compressed batches through {@link UnifiedLog#appendAsLeader}: every record is checked (null keys on a
 * compacted topic, CreateTime bounds), a topic's compression.type re-encodes batches of another codec
 * keeping every producer and record field, and ListOffsets by timestamp finds the exact record inside a
 * compressed batch.
 */
class CompressedBatchTest {

    private static final long HOUR_MS = 3_600_000L;

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

    private UnifiedLog open(LogConfig config) {
        log = UnifiedLog.open(tmp.resolve("t-0"), config, time);
        return log;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Ten keyed records with a header each, timestamps {@code baseMs + i}. */
    private static ByteBuffer tenRecords(CompressionType codec, long baseMs) {
        return tenRecords(codec, baseMs, 7);
    }

    /** Ten records from producer 42, epoch 3, starting at {@code baseSequence}. */
    private static ByteBuffer tenRecords(CompressionType codec, long baseMs, int baseSequence) {
        RecordBatchBuilder b = new RecordBatchBuilder(codec).producer(42L, (short) 3, baseSequence);
        for (int i = 0; i < 10; i++) {
            b.append(baseMs + i, utf8("k" + i), utf8("v" + i), new Header("h", utf8("x" + i)));
        }
        return b.build();
    }

    private void assertRejected(ByteBuffer batch, Errors error) {
        long end = log.logEndOffset();
        assertThatThrownBy(() -> log.appendAsLeader(batch, 0))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.error()).isEqualTo(error));
        assertThat(log.logEndOffset()).isEqualTo(end);
    }

    /** The batches stored in the log, read back from the segment files. */
    private List<RecordBatch> storedBatches() {
        var records = log.read(log.logStartOffset(), Integer.MAX_VALUE, Long.MAX_VALUE, true)
                .records();
        ByteBuffer bytes = ByteBuffer.allocate(records.sizeInBytes());
        records.copyTo(bytes);
        bytes.flip();
        List<RecordBatch> batches = new ArrayList<>();
        RecordBatches.iterate(bytes).forEachRemaining(batches::add);
        return batches;
    }

    @ParameterizedTest
    @EnumSource(
            value = CompressionType.class,
            names = {"GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void rejectsANullKeyInsideACompressedBatchOnACompactedTopic(CompressionType codec) {
        open(LogConfig.builder().compact(true).build());
        ByteBuffer batch = new RecordBatchBuilder(codec)
                .append(time.milliseconds(), utf8("k"), utf8("v"))
                .append(time.milliseconds(), (byte[]) null, utf8("no key"))
                .build();
        assertRejected(batch, Errors.INVALID_RECORD);
    }

    @Test
    void acceptsACompressedBatchWhoseRecordsAllHaveKeysOnACompactedTopic() {
        open(LogConfig.builder().compact(true).build());
        assertThat(log.appendAsLeader(tenRecords(CompressionType.LZ4, time.milliseconds()), 0)
                        .lastOffset())
                .isEqualTo(9L);
    }

    @Test
    void rejectsACompressedBatchWithOneRecordOlderThanTheTimestampBound() {
        open(LogConfig.builder().messageTimestampBeforeMaxMs(HOUR_MS).build());
        long now = time.milliseconds();
        // first and max timestamps are fine; only the middle record is two hours old
        ByteBuffer batch = new RecordBatchBuilder(CompressionType.ZSTD)
                .append(now, utf8("a"), utf8("1"))
                .append(now - 2 * HOUR_MS, utf8("b"), utf8("2"))
                .append(now, utf8("c"), utf8("3"))
                .build();
        assertRejected(batch, Errors.INVALID_TIMESTAMP);
    }

    @Test
    void aCompressedRecordLongerThanTheDecompressionBoundIsMessageTooLarge() {
        // one record of 2 MiB: more than the 1 MiB the broker holds decompressed at once; the Java producer fails
        // it at once with RecordTooLargeException instead of retrying a CORRUPT_MESSAGE until its delivery timeout
        open(LogConfig.builder().maxMessageBytes(1000).build());
        ByteBuffer batch = new RecordBatchBuilder(CompressionType.ZSTD)
                .append(time.milliseconds(), utf8("k"), new byte[2 << 20])
                .build();
        assertThat(batch.remaining()).isLessThan(1000);
        assertRejected(batch, Errors.MESSAGE_TOO_LARGE);
    }

    @Test
    void recompressesABatchToTheTopicCodecKeepingEveryField() {
        open(LogConfig.builder().compressionType("zstd").build());
        long now = time.milliseconds();
        var info = log.appendAsLeader(tenRecords(CompressionType.LZ4, now - 100), 5);
        assertThat(info.firstOffset()).isEqualTo(0L);
        assertThat(info.lastOffset()).isEqualTo(9L);

        List<RecordBatch> batches = storedBatches();
        assertThat(batches).hasSize(1);
        RecordBatch stored = batches.get(0);
        assertThat(stored.isValid()).isTrue();
        assertThat(stored.compressionType()).isEqualTo(CompressionType.ZSTD);
        assertThat(stored.producerId()).isEqualTo(42L);
        assertThat(stored.producerEpoch()).isEqualTo((short) 3);
        assertThat(stored.baseSequence()).isEqualTo(7);
        assertThat(stored.partitionLeaderEpoch()).isEqualTo(5);
        assertThat(stored.maxTimestamp()).isEqualTo(now - 91);
        int i = 0;
        for (Record r : stored) {
            assertThat(r.offset()).isEqualTo(i);
            assertThat(r.timestamp()).isEqualTo(now - 100 + i);
            assertThat(text(r.key())).isEqualTo("k" + i);
            assertThat(text(r.value())).isEqualTo("v" + i);
            assertThat(r.headers()).containsExactly(new Header("h", utf8("x" + i)));
            i++;
        }
        assertThat(i).isEqualTo(10);
    }

    @Test
    void uncompressedTopicDecompressesAGzipBatch() {
        open(LogConfig.builder().compressionType("uncompressed").build());
        log.appendAsLeader(tenRecords(CompressionType.GZIP, time.milliseconds()), 0);
        RecordBatch stored = storedBatches().get(0);
        assertThat(stored.compressionType()).isEqualTo(CompressionType.NONE);
        assertThat(stored.recordCount()).isEqualTo(10);
    }

    @Test
    void producerCompressionTypeKeepsTheBatchBytesAsSent() {
        open(LogConfig.builder().compressionType("producer").build());
        ByteBuffer sent = tenRecords(CompressionType.SNAPPY, time.milliseconds());
        ByteBuffer original =
                ByteBuffer.allocate(sent.remaining()).put(sent.duplicate()).flip();
        log.appendAsLeader(sent, 0);
        RecordBatch stored = storedBatches().get(0);
        assertThat(stored.compressionType()).isEqualTo(CompressionType.SNAPPY);
        assertThat(stored.slice().position(21)).isEqualTo(original.position(21));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "lz4", "zstd", "snappy"})
    void aCompressedTopicCompressesAnUncompressedBatch(String codec) {
        open(LogConfig.builder().compressionType(codec).build());
        log.appendAsLeader(tenRecords(CompressionType.NONE, time.milliseconds()), 0);
        RecordBatch stored = storedBatches().get(0);
        assertThat(stored.compressionType()).isEqualTo(CompressionType.forName(codec));
        assertThat(stored.recordCount()).isEqualTo(10);
    }

    @Test
    void aRetriedBatchThatWasRecompressedGetsItsOriginalOffsets() {
        open(LogConfig.builder().compressionType("gzip").build());
        ByteBuffer batch = tenRecords(CompressionType.LZ4, time.milliseconds());
        ByteBuffer retry =
                ByteBuffer.allocate(batch.remaining()).put(batch.duplicate()).flip();
        log.appendAsLeader(batch, 0);
        var again = log.appendAsLeader(retry, 0);
        assertThat(again.firstOffset()).isEqualTo(0L);
        assertThat(log.logEndOffset()).isEqualTo(10L);
    }

    @Test
    void refusesABatchThatRecompressionMakesLargerThanMaxMessageBytes() {
        open(LogConfig.builder()
                .compressionType("uncompressed")
                .maxMessageBytes(2_000)
                .build());
        ByteBuffer batch = new RecordBatchBuilder(CompressionType.GZIP)
                .append(time.milliseconds(), utf8("k"), new byte[10_000])
                .build();
        assertThat(batch.remaining()).isLessThan(2_000);
        assertRejected(batch, Errors.MESSAGE_TOO_LARGE);
    }

    @Test
    void recompressionUnderLogAppendTimeStampsTheBatch() {
        open(LogConfig.builder()
                .compressionType("zstd")
                .messageTimestampType("LogAppendTime")
                .build());
        time.sleep(1_000);
        long now = time.milliseconds();
        var info = log.appendAsLeader(tenRecords(CompressionType.LZ4, now - 500), 0);
        assertThat(info.logAppendTimeMs()).isEqualTo(now);
        RecordBatch stored = storedBatches().get(0);
        assertThat(stored.compressionType()).isEqualTo(CompressionType.ZSTD);
        assertThat(stored.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(stored.maxTimestamp()).isEqualTo(now);
    }

    @ParameterizedTest
    @EnumSource(
            value = CompressionType.class,
            names = {"NONE", "GZIP", "LZ4", "ZSTD"})
    void listOffsetsByTimestampFindsTheExactRecordInsideACompressedBatch(CompressionType codec) {
        open(LogConfig.DEFAULT);
        long base = time.milliseconds();
        log.appendAsLeader(tenRecords(codec, base), 0);
        log.appendAsLeader(tenRecords(codec, base + 100, 17), 0);
        var found = log.fetchOffsetByTimestamp(base + 5).orElseThrow();
        assertThat(found.offset()).isEqualTo(5L);
        assertThat(found.timestampMs()).isEqualTo(base + 5);
        var inSecond = log.fetchOffsetByTimestamp(base + 103).orElseThrow();
        assertThat(inSecond.offset()).isEqualTo(13L);
        assertThat(inSecond.timestampMs()).isEqualTo(base + 103);
        assertThat(log.fetchOffsetByTimestamp(base + 50).orElseThrow().offset()).isEqualTo(10L);
    }
}
