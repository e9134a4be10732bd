package io.fjord.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.testkit.MockTime;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecoveryTest {

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

    static LogConfig config() {
        return LogConfig.builder()
                .segmentBytes(2000)
                .indexIntervalBytes(100)
                .segmentIndexBytes(400)
                .build();
    }

    Path dir() {
        return tmp.resolve("t-0");
    }

    /** Writes 30 batches of 2 records, then closes uncleanly (no marker), returning the active segment file. */
    Path writeAndCrash() {
        log = UnifiedLog.open(dir(), config(), time);
        for (int i = 0; i < 30; i++) {
            log.appendAsLeader(TestBatches.simple(2, time.milliseconds()), 0);
        }
        Path active = LogSegment.logFile(dir(), log.activeSegmentBaseOffset());
        log.close();
        log = null;
        return active;
    }

    UnifiedLog reopenAfterCrash() {
        log = UnifiedLog.open(dir(), config(), time, null, false, new UnifiedLog.LogCheckpoints(0, 0, 0));
        return log;
    }

    static void mutate(Path file, java.util.function.Consumer<FileChannel> change) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            change.accept(ch);
        }
    }

    void assertReadableUpTo(long leo) {
        assertThat(log.logEndOffset()).isEqualTo(leo);
        for (long o = 0; o < leo; o++) {
            assertThat(TestBatches.baseOffsets(log.read(o, 1, leo, true).records()))
                    .containsExactly(o - o % 2);
        }
        LogAppendInfo next = log.appendAsLeader(TestBatches.simple(2, time.milliseconds()), 0);
        assertThat(next.firstOffset()).isEqualTo(leo);
        assertThat(TestBatches.baseOffsets(log.read(leo, 1000, leo + 2, true).records()))
                .containsExactly(leo);
    }

    @Test
    void aCleanLogReopensWithTheSameOffsets() {
        writeAndCrash();
        reopenAfterCrash();
        assertReadableUpTo(60);
    }

    @Test
    void aTornLastBatchIsTruncated() throws Exception {
        Path active = writeAndCrash();
        mutate(active, ch -> {
            try {
                ch.truncate(ch.size() - 10);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        reopenAfterCrash();
        assertReadableUpTo(58);
    }

    @Test
    void garbageAfterTheLastBatchIsTruncated() throws Exception {
        Path active = writeAndCrash();
        mutate(active, ch -> {
            try {
                ch.write(
                        ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17}),
                        ch.size());
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        reopenAfterCrash();
        assertReadableUpTo(60);
    }

    @Test
    void aFlippedByteInTheLastBatchIsTruncatedByTheCrcCheck() throws Exception {
        Path active = writeAndCrash();
        mutate(active, ch -> {
            try {
                ByteBuffer one = ByteBuffer.allocate(1);
                long pos = ch.size() - 3;
                ch.read(one, pos);
                ch.write(ByteBuffer.wrap(new byte[] {(byte) (one.get(0) ^ 0x01)}), pos);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        reopenAfterCrash();
        assertReadableUpTo(58);
    }

    @Test
    void aZeroFilledTailFromPreallocationIsTruncated() throws Exception {
        Path active = writeAndCrash();
        mutate(active, ch -> {
            try {
                ch.write(ByteBuffer.allocate(500), ch.size());
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        reopenAfterCrash();
        assertReadableUpTo(60);
    }

    @Test
    void aLostIndexIsRebuilt() throws Exception {
        writeAndCrash();
        List<Long> bases = LogLoader.segmentBaseOffsets(dir());
        for (long base : bases) {
            java.nio.file.Files.delete(dir().resolve(LogSegment.fileName(base, ".index")));
            java.nio.file.Files.delete(dir().resolve(LogSegment.fileName(base, ".timeindex")));
        }
        reopenAfterCrash();
        assertThat(log.segments().lastEntry().getValue().offsetIndex().entries())
                .isPositive();
        assertReadableUpTo(60);
    }

    @Test
    void indexesDeletedBeforeACleanStartAreRebuilt() throws Exception {
        writeAndCrash();
        long base = log == null ? LogLoader.segmentBaseOffsets(dir()).get(0) : 0;
        java.nio.file.Files.delete(dir().resolve(LogSegment.fileName(base, ".index")));
        java.nio.file.Files.delete(dir().resolve(LogSegment.fileName(base, ".timeindex")));
        log = UnifiedLog.open(dir(), config(), time, null, true, new UnifiedLog.LogCheckpoints(60, 0, 60));
        assertThat(log.segments().get(base).offsetIndex().entries()).isPositive();
        assertThat(log.fetchOffsetByTimestamp(time.milliseconds()).orElseThrow().offset())
                .isZero();
        assertReadableUpTo(60);
    }

    @Test
    void aCrashWithoutCloseLeavesPreallocatedIndexesThatStillLoad() {
        log = UnifiedLog.open(dir(), config(), time);
        for (int i = 0; i < 30; i++) {
            log.appendAsLeader(TestBatches.simple(2, time.milliseconds()), 0);
        }
        UnifiedLog crashed = log;
        long rolledBase = log.activeSegmentBaseOffset();
        // the recovery point is the active segment: only it is scanned, older ones keep their indexes
        log = UnifiedLog.open(dir(), config(), time, null, false, new UnifiedLog.LogCheckpoints(rolledBase, 0, 0));
        assertReadableUpTo(60);
        crashed.closeForDeletion();
    }

    @Test
    void segmentsAfterACorruptOneAreDropped() throws Exception {
        writeAndCrash();
        List<Long> bases = LogLoader.segmentBaseOffsets(dir());
        assertThat(bases).hasSizeGreaterThan(1);
        long first = bases.get(0);
        mutate(LogSegment.logFile(dir(), first), ch -> {
            try {
                ch.truncate(200);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        reopenAfterCrash();
        assertThat(log.numberOfSegments()).isEqualTo(1);
        long leo = log.logEndOffset();
        assertThat(leo).isLessThan(20);
        assertReadableUpTo(leo);
    }
}
