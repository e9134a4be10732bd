package io.fjord.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.testkit.MockTime;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class RecoveryPropertyTest {

    /** Cutting the active segment anywhere keeps exactly the batches that end before the cut. */
    @Property(tries = 40)
    void recoveryKeepsExactlyTheIntactPrefix(
            @ForAll @IntRange(min = 1, max = 60) int batches, @ForAll @IntRange(min = 0, max = 10_000) int cutSeed)
            throws Exception {
        Path dir = Files.createTempDirectory("recovery").resolve("t-0");
        MockTime time = new MockTime();
        LogConfig config =
                LogConfig.builder().segmentBytes(1500).indexIntervalBytes(128).build();
        UnifiedLog log = UnifiedLog.open(dir, config, time);
        List<long[]> ends = new ArrayList<>(); // {end position in active segment, next offset}
        for (int i = 0; i < batches; i++) {
            log.appendAsLeader(TestBatches.simple(1 + i % 4, time.milliseconds()), 0);
        }
        long activeBase = log.activeSegmentBaseOffset();
        LogSegment active = log.segments().lastEntry().getValue();
        FileBatchCursor cursor = new FileBatchCursor(active.channel(), 0, active.sizeInBytes());
        while (cursor.next(false)) {
            ends.add(new long[] {cursor.endOfBatchPosition(), cursor.lastOffset() + 1});
        }
        int size = active.sizeInBytes();
        log.close();
        int cut = size == 0 ? 0 : cutSeed % (size + 1);
        try (FileChannel ch = FileChannel.open(LogSegment.logFile(dir, activeBase), StandardOpenOption.WRITE)) {
            ch.truncate(cut);
        }
        long expected = activeBase;
        for (long[] e : ends) {
            if (e[0] <= cut) {
                expected = e[1];
            }
        }
        UnifiedLog reopened = UnifiedLog.open(dir, config, time);
        try {
            assertThat(reopened.logEndOffset()).isEqualTo(expected);
            assertThat(reopened.appendAsLeader(TestBatches.simple(1, time.milliseconds()), 0)
                            .firstOffset())
                    .isEqualTo(expected);
        } finally {
            reopened.delete();
            Files.deleteIfExists(dir.getParent());
        }
    }
}
