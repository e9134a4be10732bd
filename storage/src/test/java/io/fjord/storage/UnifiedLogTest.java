package io.fjord.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.testkit.MockTime;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnifiedLogTest {

    @TempDir
    Path tmp;

    final MockTime time = new MockTime();
    UnifiedLog log;

    UnifiedLog open(LogConfig config) {
        log = UnifiedLog.open(tmp.resolve("topic-0"), config, time);
        return log;
    }

    @AfterEach
    void closeLog() {
        if (log != null) {
            log.close();
        }
    }

    static LogConfig small() {
        return LogConfig.builder()
                .segmentBytes(1024)
                .indexIntervalBytes(100)
                .segmentIndexBytes(120)
                .build();
    }

    @Test
    void appendsAndReadsBackAcrossManyRolledSegments() {
        open(small());
        List<Long> firstOffsets = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            LogAppendInfo info = log.appendAsLeader(TestBatches.simple(3, time.milliseconds()), 1);
            firstOffsets.add(info.firstOffset());
            assertThat(info.lastOffset()).isEqualTo(info.firstOffset() + 2);
            assertThat(info.recordCount()).isEqualTo(3);
        }
        assertThat(firstOffsets.get(0)).isZero();
        assertThat(firstOffsets.get(199)).isEqualTo(597);
        assertThat(log.logEndOffset()).isEqualTo(600);
        assertThat(log.numberOfSegments()).isGreaterThan(10);
        for (long offset = 0; offset < 600; offset++) {
            FetchDataInfo read = log.read(offset, 1, 600, true);
            assertThat(TestBatches.baseOffsets(read.records())).containsExactly(offset - offset % 3);
            assertThat(TestBatches.values(read.records())).containsExactly("v0", "v1", "v2");
        }
    }

    @Test
    void readWalksPastSegmentBoundariesWithinMaxBytes() {
        open(small());
        for (int i = 0; i < 50; i++) {
            log.appendAsLeader(TestBatches.simple(1, time.milliseconds()), 0);
        }
        FetchDataInfo all = log.read(0, Integer.MAX_VALUE, Long.MAX_VALUE, false);
        List<Long> offsets = TestBatches.baseOffsets(all.records());
        // one call returns whole batches from the first segment only
        assertThat(offsets).startsWith(0L, 1L, 2L);
        assertThat(all.records().sizeInBytes()).isLessThanOrEqualTo(1024);
        long next = offsets.get(offsets.size() - 1) + 1;
        assertThat(TestBatches.baseOffsets(log.read(next, 10_000, 50, false).records()))
                .first()
                .isEqualTo(next);
    }

    @Test
    void readReturnsOnlyWholeBatchesWithinMaxBytes() {
        open(LogConfig.DEFAULT);
        int size = TestBatches.simple(2, time.milliseconds()).remaining();
        for (int i = 0; i < 10; i++) {
            log.appendAsLeader(TestBatches.simple(2, time.milliseconds()), 0);
        }
        FetchDataInfo read = log.read(0, size * 3 + size / 2, Long.MAX_VALUE, false);
        assertThat(read.records().sizeInBytes()).isEqualTo(size * 3);
        assertThat(TestBatches.baseOffsets(read.records())).containsExactly(0L, 2L, 4L);
    }

    @Test
    void readReturnsAnOversizedFirstBatchOnlyWithMinOneMessage() {
        open(LogConfig.DEFAULT);
        log.appendAsLeader(TestBatches.simple(5, time.milliseconds()), 0);
        assertThat(log.read(0, 10, Long.MAX_VALUE, false).records().sizeInBytes())
                .isZero();
        assertThat(TestBatches.baseOffsets(log.read(0, 10, Long.MAX_VALUE, true).records()))
                .containsExactly(0L);
    }

    @Test
    void readStopsBeforeMaxOffsetExclusive() {
        open(small());
        for (int i = 0; i < 30; i++) {
            log.appendAsLeader(TestBatches.simple(2, time.milliseconds()), 0);
        }
        FetchDataInfo read = log.read(10, Integer.MAX_VALUE, 20, false);
        List<Long> offsets = TestBatches.baseOffsets(read.records());
        assertThat(offsets).first().isEqualTo(10L);
        assertThat(offsets).allMatch(o -> o < 20);
        assertThat(log.read(20, 1000, 20, false).records().sizeInBytes()).isZero();
    }

    @Test
    void readNeverCrossesAMaxOffsetAtASegmentBoundary() {
        open(small());
        for (int i = 0; i < 30; i++) {
            log.appendAsLeader(TestBatches.simple(2, time.milliseconds()), 0);
        }
        long boundary = log.segments().higherKey(0L);
        long lastBelow = boundary - 2;
        assertThat(TestBatches.baseOffsets(
                        log.read(lastBelow, 1000, boundary, false).records()))
                .containsExactly(lastBelow);
        assertThat(log.read(boundary, 1000, boundary, false).records().sizeInBytes())
                .isZero();
        assertThat(TestBatches.baseOffsets(log.read(0, 100_000, boundary, false).records()))
                .last()
                .isEqualTo(lastBelow);
    }

    @Test
    void readAtLogEndIsEmptyAndBeyondIsOutOfRange() {
        open(LogConfig.DEFAULT);
        log.appendAsLeader(TestBatches.simple(2, time.milliseconds()), 0);
        assertThat(log.read(2, 1000, Long.MAX_VALUE, true).records().sizeInBytes())
                .isZero();
        assertThatThrownBy(() -> log.read(3, 1000, Long.MAX_VALUE, true))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.error()).isEqualTo(Errors.OFFSET_OUT_OF_RANGE));
        assertThatThrownBy(() -> log.read(-1, 1000, Long.MAX_VALUE, true))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.error()).isEqualTo(Errors.OFFSET_OUT_OF_RANGE));
    }

    @Test
    void appendPatchesBaseOffsetAndLeaderEpochInPlaceKeepingTheCrcValid() {
        open(LogConfig.DEFAULT);
        log.appendAsLeader(TestBatches.simple(2, time.milliseconds()), 3);
        ByteBuffer sent = TestBatches.simple(1, time.milliseconds());
        log.appendAsLeader(sent, 4);
        assertThat(sent.getLong(0)).isEqualTo(2L);
        assertThat(sent.getInt(12)).isEqualTo(4);
        FileRecords records = log.read(2, 1000, Long.MAX_VALUE, true).records();
        ByteBuffer stored = ByteBuffer.allocate(records.sizeInBytes());
        records.copyTo(stored);
        assertThat(stored.flip()).isEqualTo(sent.duplicate().position(0));
        assertThat(Batches.isCrcValid(stored, 0, stored.limit())).isTrue();
    }

    @Test
    void rollsWhenTheSegmentIsOlderThanSegmentMs() {
        open(LogConfig.builder().segmentMs(1000).build());
        log.appendAsLeader(TestBatches.simple(1, time.milliseconds()), 0);
        time.advanceMs(500);
        log.appendAsLeader(TestBatches.simple(1, time.milliseconds()), 0);
        assertThat(log.numberOfSegments()).isEqualTo(1);
        time.advanceMs(600);
        log.appendAsLeader(TestBatches.simple(1, time.milliseconds()), 0);
        assertThat(log.numberOfSegments()).isEqualTo(2);
        assertThat(log.activeSegmentBaseOffset()).isEqualTo(2);
    }

    @Test
    void rollsWhenTheIndexIsFull() {
        open(LogConfig.builder().indexIntervalBytes(1).segmentIndexBytes(36).build());
        for (int i = 0; i < 20; i++) {
            log.appendAsLeader(TestBatches.simple(1, time.milliseconds() + i), 0);
        }
        assertThat(log.numberOfSegments()).isGreaterThan(3);
        for (long o = 0; o < 20; o++) {
            assertThat(TestBatches.baseOffsets(log.read(o, 1, 20, true).records()))
                    .containsExactly(o);
        }
    }

    @Test
    void findsTheFirstOffsetAtOrAfterATimestamp() {
        open(small());
        long t0 = time.milliseconds();
        for (int i = 0; i < 100; i++) {
            log.appendAsLeader(
                    TestBatches.batch()
                            .record(t0 + i * 10, "k", "a")
                            .record(t0 + i * 10 + 5, "k", "b")
                            .build(),
                    0);
        }
        assertThat(log.fetchOffsetByTimestamp(t0).orElseThrow().offset()).isZero();
        assertThat(log.fetchOffsetByTimestamp(t0 + 5).orElseThrow().offset()).isEqualTo(1);
        assertThat(log.fetchOffsetByTimestamp(t0 + 6).orElseThrow().offset()).isEqualTo(2);
        TimestampAndOffset mid = log.fetchOffsetByTimestamp(t0 + 503).orElseThrow();
        assertThat(mid.offset()).isEqualTo(101);
        assertThat(mid.timestampMs()).isEqualTo(t0 + 505);
        assertThat(log.fetchOffsetByTimestamp(t0 + 995).orElseThrow().offset()).isEqualTo(199);
        assertThat(log.fetchOffsetByTimestamp(t0 + 996)).isEmpty();
        assertThat(log.fetchOffsetByTimestamp(UnifiedLog.EARLIEST_TIMESTAMP)
                        .orElseThrow()
                        .offset())
                .isZero();
        assertThat(log.fetchOffsetByTimestamp(UnifiedLog.LATEST_TIMESTAMP)
                        .orElseThrow()
                        .offset())
                .isEqualTo(200);
        TimestampAndOffset max =
                log.fetchOffsetByTimestamp(UnifiedLog.MAX_TIMESTAMP).orElseThrow();
        assertThat(max.offset()).isEqualTo(199);
        assertThat(max.timestampMs()).isEqualTo(t0 + 995);
    }

    @Test
    void timestampLookupSurvivesARestart() {
        open(small());
        long t0 = time.milliseconds();
        for (int i = 0; i < 60; i++) {
            log.appendAsLeader(TestBatches.simple(1, t0 + i), 0);
        }
        log.close();
        log = UnifiedLog.open(
                tmp.resolve("topic-0"), small(), time, null, true, new UnifiedLog.LogCheckpoints(60, 0, 60));
        assertThat(log.fetchOffsetByTimestamp(t0 + 42).orElseThrow().offset()).isEqualTo(42);
        assertThat(log.fetchOffsetByTimestamp(UnifiedLog.MAX_TIMESTAMP)
                        .orElseThrow()
                        .offset())
                .isEqualTo(59);
    }

    @Test
    void answersEndOffsetsForLeaderEpochs() {
        open(LogConfig.DEFAULT);
        log.appendAsLeader(TestBatches.simple(2, time.milliseconds()), 1); // 0..1
        log.appendAsLeader(TestBatches.simple(3, time.milliseconds()), 1); // 2..4
        log.appendAsLeader(TestBatches.simple(1, time.milliseconds()), 3); // 5
        log.appendAsLeader(TestBatches.simple(2, time.milliseconds()), 5); // 6..7
        assertThat(log.endOffsetForEpoch(5)).isEqualTo(new EpochEndOffset(5, 8));
        assertThat(log.endOffsetForEpoch(3)).isEqualTo(new EpochEndOffset(3, 6));
        assertThat(log.endOffsetForEpoch(4)).isEqualTo(new EpochEndOffset(3, 6));
        assertThat(log.endOffsetForEpoch(1)).isEqualTo(new EpochEndOffset(1, 5));
        assertThat(log.endOffsetForEpoch(0)).isEqualTo(new EpochEndOffset(0, 0));
        assertThat(log.endOffsetForEpoch(6)).isEqualTo(EpochEndOffset.UNDEFINED);
        assertThat(log.fetchOffsetByTimestamp(UnifiedLog.LATEST_TIMESTAMP)
                        .orElseThrow()
                        .leaderEpoch())
                .isEqualTo(5);
    }

    @Test
    void aTornEpochCheckpointIsRebuiltFromTheBatches() throws Exception {
        open(small());
        for (int i = 0; i < 30; i++) {
            log.appendAsLeader(TestBatches.simple(2, time.milliseconds()), i / 10);
        }
        log.close();
        Files.write(tmp.resolve("topic-0").resolve(LeaderEpochFileCache.FILE_NAME), new byte[0]);
        log = UnifiedLog.open(
                tmp.resolve("topic-0"), small(), time, null, true, new UnifiedLog.LogCheckpoints(60, 0, 60));
        assertThat(log.endOffsetForEpoch(0)).isEqualTo(new EpochEndOffset(0, 20));
        assertThat(log.endOffsetForEpoch(1)).isEqualTo(new EpochEndOffset(1, 40));
        assertThat(log.endOffsetForEpoch(2)).isEqualTo(new EpochEndOffset(2, 60));
    }

    @Test
    void truncationRemovesLaterBatchesAndEpochs() {
        open(small());
        for (int i = 0; i < 40; i++) {
            log.appendAsLeader(TestBatches.simple(2, time.milliseconds()), i < 20 ? 1 : 2);
        }
        log.updateHighWatermark(80);
        assertThat(log.truncateTo(40)).isTrue();
        assertThat(log.logEndOffset()).isEqualTo(40);
        assertThat(log.highWatermark()).isEqualTo(40);
        assertThat(log.endOffsetForEpoch(1)).isEqualTo(new EpochEndOffset(1, 40));
        LogAppendInfo info = log.appendAsLeader(TestBatches.simple(1, time.milliseconds()), 3);
        assertThat(info.firstOffset()).isEqualTo(40);
        assertThat(TestBatches.baseOffsets(log.read(38, 1000, 41, false).records()))
                .containsExactly(38L, 40L);
    }

    @Test
    void followerAppendKeepsTheLeadersOffsets() {
        open(LogConfig.DEFAULT);
        ByteBuffer a = TestBatches.batch()
                .baseOffset(0)
                .record(time.milliseconds(), "k", "x")
                .build();
        ByteBuffer b = TestBatches.batch()
                .baseOffset(5)
                .record(time.milliseconds(), "k", "y")
                .build();
        ByteBuffer both =
                ByteBuffer.allocate(a.remaining() + b.remaining()).put(a).put(b).flip();
        LogAppendInfo info = log.appendAsFollower(both);
        assertThat(info.firstOffset()).isZero();
        assertThat(info.lastOffset()).isEqualTo(5);
        assertThat(log.logEndOffset()).isEqualTo(6);
        ByteBuffer stale = TestBatches.batch()
                .baseOffset(3)
                .record(time.milliseconds(), "k", "z")
                .build();
        assertThatThrownBy(() -> log.appendAsFollower(stale))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.error()).isEqualTo(Errors.INVALID_RECORD));
    }

    @Test
    void aFollowerThatBecomesLeaderKnowsTheReplicatedProducersAndEpochs() {
        open(LogConfig.DEFAULT);
        ByteBuffer replicated = TestBatches.batch()
                .baseOffset(0)
                .producer(11, 0, 0)
                .record(time.milliseconds(), "k", "a")
                .record(time.milliseconds(), "k", "b")
                .build();
        replicated.putInt(12, 6); // the leader's epoch
        TestBatches.fixCrc(replicated);
        log.appendAsFollower(replicated);
        assertThat(log.endOffsetForEpoch(6)).isEqualTo(new EpochEndOffset(6, 2));
        LogAppendInfo retry = log.appendAsLeader(
                TestBatches.batch()
                        .producer(11, 0, 0)
                        .record(time.milliseconds(), "k", "a")
                        .record(time.milliseconds(), "k", "b")
                        .build(),
                7);
        assertThat(retry.firstOffset()).isZero();
        assertThat(log.logEndOffset()).isEqualTo(2);
    }

    @Test
    void truncatingFullyStartsAnEmptyLogAtTheGivenOffset() {
        open(small());
        for (int i = 0; i < 20; i++) {
            log.appendAsLeader(TestBatches.simple(2, time.milliseconds()), 1);
        }
        log.truncateFullyAndStartAt(100);
        assertThat(log.logStartOffset()).isEqualTo(100);
        assertThat(log.logEndOffset()).isEqualTo(100);
        assertThat(log.numberOfSegments()).isEqualTo(1);
        assertThat(log.endOffsetForEpoch(1)).isEqualTo(EpochEndOffset.UNDEFINED);
        assertThat(log.appendAsLeader(TestBatches.simple(1, time.milliseconds()), 2)
                        .firstOffset())
                .isEqualTo(100);
    }

    @Test
    void segmentFilesAreNamedByTwentyDigitBaseOffsets() throws Exception {
        open(small());
        for (int i = 0; i < 30; i++) {
            log.appendAsLeader(TestBatches.simple(2, time.milliseconds()), 0);
        }
        long second = log.segments().higherKey(0L);
        try (Stream<Path> files = Files.list(tmp.resolve("topic-0"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .contains(
                            "00000000000000000000.log", "00000000000000000000.index", "00000000000000000000.timeindex")
                    .contains(String.format("%020d.log", second));
        }
    }
}
