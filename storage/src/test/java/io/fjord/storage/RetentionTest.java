package io.fjord.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.testkit.MockTime;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {

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

    UnifiedLog open(LogConfig.Builder config) {
        log = UnifiedLog.open(
                tmp.resolve("t-0"),
                config.segmentBytes(500).indexIntervalBytes(100).build(),
                time);
        return log;
    }

    void append(int batches) {
        for (int i = 0; i < batches; i++) {
            log.appendAsLeader(TestBatches.simple(1, time.milliseconds()), 0);
        }
        log.updateHighWatermark(log.logEndOffset());
    }

    @Test
    void deletesSegmentsOlderThanRetentionMsAndKeepsOffsetsGoing() {
        open(LogConfig.builder().retentionMs(60_000));
        append(20);
        time.advanceMs(30_000);
        append(20);
        int segmentsBefore = log.numberOfSegments();
        assertThat(log.deleteOldSegments()).isZero();
        time.advanceMs(40_000); // the first 20 batches are now 70 s old, the next 20 only 40 s
        int deleted = log.deleteOldSegments();
        assertThat(deleted).isPositive();
        assertThat(log.numberOfSegments()).isEqualTo(segmentsBefore - deleted);
        assertThat(log.logStartOffset()).isPositive().isLessThanOrEqualTo(20);
        assertThatThrownBy(() -> log.read(0, 1000, 40, true))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.error()).isEqualTo(Errors.OFFSET_OUT_OF_RANGE));
        assertThat(log.appendAsLeader(TestBatches.simple(1, time.milliseconds()), 0)
                        .firstOffset())
                .isEqualTo(40);
    }

    @Test
    void deletingEverySegmentRollsAnEmptyOneAtTheLogEndOffset() {
        open(LogConfig.builder().retentionMs(1_000));
        append(30);
        time.advanceMs(5_000);
        log.deleteOldSegments();
        assertThat(log.numberOfSegments()).isEqualTo(1);
        assertThat(log.logStartOffset()).isEqualTo(30);
        assertThat(log.logEndOffset()).isEqualTo(30);
        assertThat(log.read(30, 1000, 31, true).records().sizeInBytes()).isZero();
        assertThat(log.appendAsLeader(TestBatches.simple(1, time.milliseconds()), 0)
                        .firstOffset())
                .isEqualTo(30);
    }

    @Test
    void doesNotDeleteAboveTheHighWatermark() {
        open(LogConfig.builder().retentionMs(1_000));
        for (int i = 0; i < 30; i++) {
            log.appendAsLeader(TestBatches.simple(1, time.milliseconds()), 0);
        }
        time.advanceMs(5_000);
        assertThat(log.deleteOldSegments()).isZero();
    }

    @Test
    void deletesTheOldestSegmentsBeyondRetentionBytes() {
        open(LogConfig.builder().retentionBytes(1_200));
        append(60);
        assertThat(log.size()).isGreaterThan(1_200);
        assertThat(log.deleteOldSegments()).isPositive();
        // like Kafka: delete whole segments only while at least retention.bytes remain
        assertThat(log.size()).isGreaterThanOrEqualTo(1_200);
        assertThat(log.size() - 1_200)
                .isLessThan(log.segments().firstEntry().getValue().sizeInBytes());
        assertThat(log.logStartOffset()).isEqualTo(log.segments().firstKey()).isPositive();
        assertThat(log.appendAsLeader(TestBatches.simple(1, time.milliseconds()), 0)
                        .firstOffset())
                .isEqualTo(60);
    }

    @Test
    void deleteRecordsBeforeMovesTheLogStartOffsetAndDropsWholeSegments() {
        open(LogConfig.builder());
        append(60);
        long secondSegment = log.segments().higherKey(0L);
        long target = secondSegment + 2;
        assertThat(log.deleteRecordsBefore(target)).isEqualTo(target);
        assertThat(log.logStartOffset()).isEqualTo(target);
        assertThat(log.segments().firstKey()).isEqualTo(secondSegment);
        assertThatThrownBy(() -> log.read(target - 1, 1000, 60, true))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.error()).isEqualTo(Errors.OFFSET_OUT_OF_RANGE));
        assertThat(TestBatches.baseOffsets(log.read(target, 1, 60, true).records()))
                .containsExactly(target);
        assertThat(log.fetchOffsetByTimestamp(UnifiedLog.EARLIEST_TIMESTAMP)
                        .orElseThrow()
                        .offset())
                .isEqualTo(target);
        assertThat(log.fetchOffsetByTimestamp(0).orElseThrow().offset()).isEqualTo(target);
    }

    @Test
    void deleteRecordsBeforeRefusesOffsetsAboveTheHighWatermark() {
        open(LogConfig.builder());
        append(10);
        log.updateHighWatermark(5);
        assertThatThrownBy(() -> log.deleteRecordsBefore(6))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.error()).isEqualTo(Errors.OFFSET_OUT_OF_RANGE));
    }

    @Test
    void deleteRecordsUpToTheEndKeepsTheNextOffset() {
        open(LogConfig.builder());
        append(40);
        log.deleteRecordsBefore(40);
        assertThat(log.logStartOffset()).isEqualTo(40);
        assertThat(log.appendAsLeader(TestBatches.simple(1, time.milliseconds()), 0)
                        .firstOffset())
                .isEqualTo(40);
        assertThat(log.numberOfSegments()).isEqualTo(1);
    }

    @Test
    void aCompactOnlyTopicKeepsOldSegmentsWhateverItsRetention() {
        open(LogConfig.builder().cleanupPolicy("compact").retentionMs(1_000).retentionBytes(100));
        append(30);
        time.advanceMs(5_000);
        int segments = log.numberOfSegments();
        assertThat(log.deleteOldSegments()).isZero();
        assertThat(log.numberOfSegments()).isEqualTo(segments);
        assertThat(log.logStartOffset()).isZero();
    }

    @Test
    void aCompactAndDeleteTopicIsTrimmedByRetention() {
        open(LogConfig.builder().cleanupPolicy("compact,delete").retentionMs(1_000));
        append(30);
        time.advanceMs(5_000);
        assertThat(log.deleteOldSegments()).isPositive();
        assertThat(log.logStartOffset()).isEqualTo(30);
    }

    @Test
    void timestampLookupAfterDeleteRecordsSearchesOnlyFromTheLogStartOffset() {
        open(LogConfig.builder());
        long t0 = time.milliseconds();
        log.appendAsLeader(
                TestBatches.batch()
                        .record(t0 + 5_000, "k", "late-clock") // offset 0
                        .record(t0 + 1_000, "k", "a") // offsets 1..4
                        .record(t0 + 1_000, "k", "b")
                        .record(t0 + 1_000, "k", "c")
                        .record(t0 + 1_000, "k", "d")
                        .record(t0 + 6_000, "k", "e") // offset 5
                        .build(),
                0);
        log.updateHighWatermark(log.logEndOffset());
        log.deleteRecordsBefore(2);

        // Kafka: segment.findOffsetByTimestamp(ts, logStartOffset) -> the first record at or after the log
        // start offset with a timestamp >= the target: offset 5 (t0 + 6000).
        TimestampAndOffset found = log.fetchOffsetByTimestamp(t0 + 4_000).orElseThrow();
        assertThat(found.offset()).isEqualTo(5);
        assertThat(found.timestampMs()).isEqualTo(t0 + 6_000);
    }

    @Test
    void aLogThatRecoversToBelowItsCheckpointedStartOffsetStartsAtThatOffset() throws Exception {
        Path dir = tmp.resolve("t-0");
        open(LogConfig.builder());
        append(4); // one segment: offsets 0..3
        long sizeAfterTwo = log.segments().firstEntry().getValue().sizeInBytes() / 2;
        log.deleteRecordsBefore(4); // every record deleted; log-start-offset-checkpoint says 4
        LogConfig config = log.config();
        log.close();
        log = null;
        // The crash loses the unflushed tail of the active segment: only offsets 0..1 survive.
        try (var ch = java.nio.channels.FileChannel.open(
                LogSegment.logFile(dir, 0), java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(sizeAfterTwo);
        }
        log = UnifiedLog.open(dir, config, time, null, false, new UnifiedLog.LogCheckpoints(0, 4, 4));

        // Kafka's LogLoader.deleteSegmentsIfLogStartGreaterThanLogEnd: every segment goes and the log
        // restarts at the checkpointed log start offset, so offsets 2..3 are never handed out again.
        assertThat(log.logStartOffset()).isEqualTo(4);
        assertThat(log.logEndOffset()).isEqualTo(4);
        assertThat(log.appendAsLeader(TestBatches.simple(1, time.milliseconds()), 0)
                        .firstOffset())
                .isEqualTo(4);
    }
}
