package io.fjord.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.protocol.record.CompressionType;
import io.fjord.protocol.record.RecordBatch;
import io.fjord.protocol.record.RecordBatchBuilder;
import io.fjord.storage.CleanerTestContext.Entry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LogCleanerTest {

    @TempDir
    Path tmp;

    CleanerTestContext ctx;

    @AfterEach
    void close() {
        if (ctx != null) {
            ctx.close();
        }
    }

    CleanerTestContext context(LogConfig.Builder config) {
        ctx = new CleanerTestContext(tmp, config.build());
        return ctx;
    }

    /** Writes {@code updates} single-record batches over {@code keys} keys; returns the last offset per key. */
    Map<String, Long> writeUpdates(int updates, int keys) {
        Map<String, Long> last = new HashMap<>();
        for (int i = 0; i < updates; i++) {
            String key = "key-" + (i % keys);
            last.put(key, ctx.append(key, "value-" + i));
        }
        return last;
    }

    @Test
    void keepsOnlyTheLastValueOfEachKeyAtItsOriginalOffset() {
        context(CleanerTestContext.compacted());
        Map<String, Long> last = writeUpdates(200, 5);
        ctx.log.forceRoll();
        long sizeBefore = ctx.log.size();
        long endBefore = ctx.log.logEndOffset();

        Cleaner.CleanResult result = ctx.clean();

        List<Entry> entries = ctx.readAll();
        assertThat(entries).hasSize(5);
        for (Entry e : entries) {
            assertThat(e.offset()).isEqualTo(last.get(e.key()));
            assertThat(e.value()).isEqualTo("value-" + e.offset());
        }
        assertThat(result.cleanedUpTo()).isEqualTo(endBefore);
        assertThat(ctx.log.size()).isLessThan(sizeBefore / 5);
        assertThat(ctx.log.logEndOffset()).isEqualTo(endBefore);
        ctx.reopen();
        assertThat(ctx.readAll()).isEqualTo(entries);
        assertThat(ctx.log.logEndOffset()).isEqualTo(endBefore);
    }

    @Test
    void keepsTombstonesUntilDeleteRetentionMsAfterTheyWereFirstCleaned() {
        context(CleanerTestContext.compacted().deleteRetentionMs(60_000));
        ctx.append("a", "1");
        ctx.append("b", "2");
        long tombstone = ctx.append("a", null);
        ctx.log.forceRoll();

        ctx.clean();
        assertThat(ctx.readAll()).containsExactly(new Entry(1, "b", "2"), new Entry(tombstone, "a", null));

        ctx.time.advanceMs(59_000);
        ctx.clean();
        assertThat(ctx.readAll()).containsExactly(new Entry(1, "b", "2"), new Entry(tombstone, "a", null));

        ctx.time.advanceMs(1_000);
        Cleaner.CleanResult result = ctx.clean();
        assertThat(ctx.readAll()).containsExactly(new Entry(1, "b", "2"));
        assertThat(result.nextHorizonMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(ctx.log.logEndOffset()).isEqualTo(3); // the emptied last batch keeps the segment's end
    }

    @Test
    void neverCleansPastTheHighWatermarkNorTheActiveSegment() {
        context(CleanerTestContext.compacted());
        ctx.append("a", "old");
        for (int i = 0; i < 40; i++) {
            ctx.append("filler-" + i, "x".repeat(40));
        }
        long newer = ctx.append("a", "new");
        ctx.log.updateHighWatermark(newer); // "new" is not committed yet
        for (int i = 0; i < 40; i++) {
            ctx.log.appendAsLeader(keyed("filler-" + (40 + i), "y".repeat(40)), 0);
        }
        long inActive = ctx.log.appendAsLeader(keyed("b", "in-active"), 0).firstOffset();
        ctx.log.updateHighWatermark(newer);
        assertThat(ctx.log.numberOfSegments()).isGreaterThan(3);

        ctx.clean();
        assertThat(ctx.readAll()).extracting(Entry::offset).contains(0L, newer, inActive);
        assertThat(ctx.checkpoint).isLessThanOrEqualTo(newer);

        ctx.log.updateHighWatermark(ctx.log.logEndOffset());
        ctx.clean();
        assertThat(ctx.readAll()).extracting(Entry::offset).doesNotContain(0L).contains(newer, inActive);
        assertThat(ctx.checkpoint).isLessThanOrEqualTo(ctx.log.activeSegmentBaseOffset());
    }

    @Test
    void leavesSegmentsYoungerThanMinCompactionLagAlone() {
        context(CleanerTestContext.compacted().minCompactionLagMs(60_000));
        writeUpdates(100, 3);
        ctx.log.forceRoll();
        long nowMs = ctx.time.milliseconds();
        assertThat(LogToClean.of(ctx.log, -1, nowMs).dirtyBytes()).isZero();
        ctx.clean();
        assertThat(ctx.readAll()).hasSize(100);

        ctx.time.advanceMs(60_001);
        ctx.clean();
        assertThat(ctx.readAll()).hasSize(3);
    }

    @ParameterizedTest
    @EnumSource(
            value = CompressionType.class,
            names = {"GZIP", "LZ4", "ZSTD", "SNAPPY"})
    void compactsCompressedBatchesAndKeepsTheirCodec(CompressionType codec) {
        context(CleanerTestContext.compacted().segmentBytes(2048));
        List<Entry> written = new ArrayList<>();
        for (int b = 0; b < 30; b++) {
            String[] kv = new String[20];
            for (int i = 0; i < 10; i++) {
                kv[2 * i] = "k" + ((b * 10 + i) % 7);
                kv[2 * i + 1] = "v" + (b * 10 + i);
            }
            long first = ctx.append(codec, kv);
            for (int i = 0; i < 10; i++) {
                written.add(new Entry(first + i, kv[2 * i], kv[2 * i + 1]));
            }
        }
        ctx.log.forceRoll();

        ctx.clean();

        List<Entry> entries = ctx.readAll();
        Map<String, Entry> expected = new HashMap<>();
        for (Entry e : written) {
            expected.put(e.key(), e);
        }
        assertThat(entries).containsExactlyInAnyOrderElementsOf(expected.values());
        for (RecordBatch batch : ctx.batches()) {
            if (batch.recordCount() > 0) {
                assertThat(batch.compressionType()).isEqualTo(codec);
                assertThat(batch.isValid()).isTrue();
            }
        }
    }

    @Test
    void aFullKeyMapCleansOnlyUpToWhereItGot() {
        context(CleanerTestContext.compacted());
        for (int round = 0; round < 4; round++) {
            for (int k = 0; k < 5; k++) {
                ctx.append("k" + k, "r" + round);
            }
        }
        for (int k = 5; k < 25; k++) {
            ctx.append("k" + k, "once");
        }
        ctx.log.forceRoll();
        long mapBytes = 12 * SkimpyOffsetMap.BYTES_PER_SLOT; // 12 slots: 10 keys at load factor 0.9

        Cleaner.CleanResult result = ctx.clean(mapBytes);

        assertThat(result.cleanedUpTo()).isEqualTo(25);
        List<Entry> entries = ctx.readAll();
        assertThat(entries)
                .extracting(Entry::offset)
                .doesNotContain(0L, 5L, 14L)
                .contains(15L, 19L, 20L, 39L);
        assertThat(entries).hasSize(5 + 20);
        assertThat(ctx.clean(mapBytes).cleanedUpTo()).isEqualTo(35);
        assertThat(ctx.clean(mapBytes).cleanedUpTo()).isEqualTo(40);
        assertThat(ctx.readAll()).hasSize(25);
    }

    @Test
    void anEmptiedBatchOfAProducerStaysSoItsSequenceSurvives() throws Exception {
        context(CleanerTestContext.compacted());
        ByteBuffer idempotent = new RecordBatchBuilder(CompressionType.NONE)
                .producer(42L, (short) 0, 0)
                .append(ctx.time.milliseconds(), CleanerTestContext.bytes("k"), CleanerTestContext.bytes("v1"))
                .build();
        ctx.log.appendAsLeader(idempotent, 0);
        ctx.append("k", "v2");
        ctx.log.forceRoll();

        ctx.clean();
        assertThat(ctx.readAll()).containsExactly(new Entry(1, "k", "v2"));
        assertThat(ctx.batches()).anySatisfy(b -> {
            assertThat(b.producerId()).isEqualTo(42L);
            assertThat(b.recordCount()).isZero();
        });

        LogConfig config = ctx.log.config();
        ctx.log.close();
        try (var files = java.nio.file.Files.newDirectoryStream(ctx.dir, "*.snapshot")) {
            for (Path f : files) {
                java.nio.file.Files.delete(f); // the producer state must come back from the log itself
            }
        }
        ctx.log = UnifiedLog.open(ctx.dir, config, ctx.time);
        ByteBuffer outOfOrder = new RecordBatchBuilder(CompressionType.NONE)
                .producer(42L, (short) 0, 5)
                .append(ctx.time.milliseconds(), CleanerTestContext.bytes("k"), CleanerTestContext.bytes("v3"))
                .build();
        assertThatThrownBy(() -> ctx.log.appendAsLeader(outOfOrder, 0))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.error()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER));
        ByteBuffer next = new RecordBatchBuilder(CompressionType.NONE)
                .producer(42L, (short) 0, 1)
                .append(ctx.time.milliseconds(), CleanerTestContext.bytes("k"), CleanerTestContext.bytes("v3"))
                .build();
        assertThat(ctx.log.appendAsLeader(next, 0).firstOffset()).isEqualTo(2);
    }

    @Test
    void aFetchHoldingAReplacedSegmentStillReadsItsBytes() throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            ctx = new CleanerTestContext(tmp, CleanerTestContext.compacted().build());
            ctx.log.close();
            ctx.log = UnifiedLog.open(
                    ctx.dir,
                    CleanerTestContext.compacted().fileDeleteDelayMs(60_000).build(),
                    ctx.time,
                    scheduler,
                    true,
                    UnifiedLog.LogCheckpoints.NONE);
            writeUpdates(50, 2);
            ctx.log.forceRoll();
            FileRecords held = ctx.log.read(0, 1 << 20, Long.MAX_VALUE, true).records();
            ByteBuffer before = ByteBuffer.allocate(held.sizeInBytes());
            held.copyTo(before);

            ctx.clean();

            ByteBuffer after = ByteBuffer.allocate(held.sizeInBytes());
            held.copyTo(after);
            assertThat(after.flip()).isEqualTo(before.flip());
            assertThat(ctx.readAll()).hasSize(2);
        } finally {
            ctx.close();
            ctx = null;
            scheduler.shutdownNow();
        }
    }

    @Test
    void theDirtyRatioDecidesWhichLogTheCleanerTakes() {
        context(CleanerTestContext.compacted().minCleanableDirtyRatio(0.5));
        LogCleaner cleaner = cleanerOfTheLog();
        writeUpdates(40, 40);
        ctx.log.forceRoll();
        assertThat(cleaner.cleanFilthiestLog()).isTrue(); // everything was dirty
        assertThat(cleaner.checkpoint(ctx.log.topicPartition())).isEqualTo(40);

        writeUpdates(8, 8); // updates 8 of 40 keys: a dirty ratio well under 0.5
        ctx.log.forceRoll();
        assertThat(LogToClean.of(ctx.log, 40, ctx.time.milliseconds()).dirtyRatio())
                .isLessThan(0.5);
        assertThat(cleaner.cleanFilthiestLog()).isFalse();

        writeUpdates(60, 60);
        ctx.log.forceRoll();
        assertThat(cleaner.cleanFilthiestLog()).isTrue();
        assertThat(cleaner.checkpoint(ctx.log.topicPartition())).isEqualTo(108);
        assertThat(new LogCleaner(CleanerConfig.DISABLED, List.of(tmp), List::of, ctx.time)
                        .checkpoint(ctx.log.topicPartition()))
                .isEqualTo(108); // read back from cleaner-offset-checkpoint
    }

    @Test
    void maxCompactionLagForcesALogUnderTheDirtyRatio() {
        context(CleanerTestContext.compacted().minCleanableDirtyRatio(0.9).maxCompactionLagMs(60_000));
        LogCleaner cleaner = cleanerOfTheLog();
        writeUpdates(40, 40);
        ctx.log.forceRoll();
        assertThat(cleaner.cleanFilthiestLog()).isTrue();
        writeUpdates(4, 4);
        ctx.log.forceRoll();
        assertThat(cleaner.cleanFilthiestLog()).isFalse();
        ctx.time.advanceMs(60_001);
        assertThat(cleaner.cleanFilthiestLog()).isTrue();
        assertThat(ctx.readAll()).hasSize(40);
    }

    @Test
    void aTombstonePastTheEndOfAFullKeyMapIsKeptEvenAfterItsHorizon() {
        // One big segment; a key map of 10 keys fills long before the tombstone of "a".
        context(CleanerTestContext.compacted().segmentBytes(1 << 20).deleteRetentionMs(1_000));
        ctx.append("a", "old");
        for (int i = 0; i < 40; i++) {
            ctx.append("filler-" + i, "x");
        }
        long tombstone = ctx.append("a", null);
        ctx.append("last", "x");
        ctx.log.forceRoll();
        long mapBytes = 12 * SkimpyOffsetMap.BYTES_PER_SLOT; // 10 keys at load factor 0.9

        ctx.clean(mapBytes); // maps 0..9; the tombstone (past the map) gets its delete horizon
        assertThat(ctx.checkpoint).isLessThan(tombstone);
        ctx.time.advanceMs(2_000); // past delete.retention.ms
        ctx.clean(mapBytes); // maps 10..19: neither "a" nor its tombstone is in the map
        assertThat(ctx.checkpoint).isLessThan(tombstone);

        // Kafka's shouldRetainRecord keeps every record past map.latestOffset(): "a" stays deleted.
        assertThat(CleanerTestContext.lastValues(ctx.readAll())).doesNotContainKey("a");
    }

    @Test
    void aTruncationBelowTheCheckpointLowersItSoWhatIsWrittenThereAgainIsCleaned() {
        context(CleanerTestContext.compacted());
        LogCleaner cleaner = cleanerOfTheLog();
        writeUpdates(80, 40);
        ctx.log.forceRoll();
        assertThat(cleaner.cleanFilthiestLog()).isTrue();
        assertThat(cleaner.checkpoint(ctx.log.topicPartition())).isEqualTo(80);

        // A follower diverged at 50 and takes the leader's records from there: each of ten keys three times,
        // then ten new keys, past the old checkpoint.
        ctx.log.truncateTo(50);
        for (int i = 0; i < 30; i++) {
            ctx.append("key-" + (i % 10), "again-" + i);
        }
        for (int i = 0; i < 10; i++) {
            ctx.append("new-" + i, "x");
        }
        ctx.log.forceRoll();
        assertThat(cleaner.cleanFilthiestLog()).isTrue();

        // Kafka's maybeTruncateCheckpoint: offsets 50-79 are dirty again, so only the last of each key is left.
        assertThat(cleaner.checkpoint(ctx.log.topicPartition())).isEqualTo(90);
        List<Entry> entries = ctx.readAll();
        assertThat(entries.stream().map(Entry::key).distinct().count())
                .as("one record per key: %s", entries)
                .isEqualTo(entries.size());
        assertThat(CleanerTestContext.lastValues(entries)).containsEntry("key-0", "again-20");
    }

    private LogCleaner cleanerOfTheLog() {
        return new LogCleaner(
                new CleanerConfig(true, 1, 10, 1 << 20, Double.MAX_VALUE),
                List.of(tmp),
                () -> List.of(ctx.log),
                ctx.time);
    }

    private ByteBuffer keyed(String key, String value) {
        return new RecordBatchBuilder(CompressionType.NONE)
                .append(ctx.time.milliseconds(), CleanerTestContext.bytes(key), CleanerTestContext.bytes(value))
                .build();
    }
}
