package io.fjord.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.storage.CleanerTestContext.Entry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash at each step of the cleaner's swap, played by laying out the files as the step leaves them: the
 * log reopens with either every old segment or the cleaned one, never a mix or a hole.
 */
class LogCleanerRecoveryTest {

    @TempDir
    Path tmp;

    Path oldDir;
    Path cleanedDir;
    List<Entry> oldEntries;
    List<Entry> cleanedEntries;
    long logEndOffset;
    LogConfig config = CleanerTestContext.compacted().segmentBytes(64 * 1024).build();

    @BeforeEach
    void cleanOnce() throws IOException {
        CleanerTestContext ctx = new CleanerTestContext(
                tmp.resolve("work"), CleanerTestContext.compacted().build());
        for (int i = 0; i < 100; i++) {
            ctx.append("key-" + (i % 3), "value-" + i);
        }
        ctx.log.forceRoll();
        logEndOffset = ctx.log.logEndOffset();
        oldEntries = ctx.readAll();
        ctx.log.close();
        assertThat(LogLoader.segmentBaseOffsets(ctx.dir).size()).isGreaterThan(3);
        oldDir = copy(ctx.dir, tmp.resolve("old"));

        ctx.log = UnifiedLog.open(ctx.dir, config, ctx.time);
        ctx.log.updateHighWatermark(ctx.log.logEndOffset());
        ctx.clean();
        cleanedEntries = ctx.readAll();
        ctx.close();
        assertThat(LogLoader.segmentBaseOffsets(ctx.dir)).containsExactly(0L, logEndOffset);
        assertThat(cleanedEntries).hasSize(3);
        cleanedDir = copy(ctx.dir, tmp.resolve("cleaned"));
    }

    @Test
    void aCrashWhileWritingTheCleanedFilesKeepsTheOldSegments() throws IOException {
        Path dir = copy(oldDir, tmp.resolve("crash").resolve("t-0"));
        cleanedFile(".log", dir, ".log.cleaned");
        cleanedFile(".index", dir, ".index.cleaned");
        assertRecoversTo(dir, oldEntries);
    }

    @Test
    void aCrashWhileRenamingToSwapKeepsTheOldSegments() throws IOException {
        Path dir = copy(oldDir, tmp.resolve("crash").resolve("t-0"));
        cleanedFile(".index", dir, ".index.swap");
        cleanedFile(".timeindex", dir, ".timeindex.swap");
        cleanedFile(".log", dir, ".log.cleaned");
        assertRecoversTo(dir, oldEntries);
    }

    @Test
    void aCrashOnceTheLogFileIsASwapFileCompletesTheSwap() throws IOException {
        Path dir = copy(oldDir, tmp.resolve("crash").resolve("t-0"));
        cleanedFile(".index", dir, ".index.swap");
        cleanedFile(".timeindex", dir, ".timeindex.swap");
        cleanedFile(".log", dir, ".log.swap");
        assertRecoversTo(dir, cleanedEntries);
    }

    @Test
    void aCrashWhileTheOldSegmentsAreRenamedForDeletionCompletesTheSwap() throws IOException {
        Path dir = copy(oldDir, tmp.resolve("crash").resolve("t-0"));
        cleanedFile(".log", dir, ".log.swap");
        List<Long> bases = LogLoader.segmentBaseOffsets(dir);
        for (long base : bases.subList(0, 2)) {
            renameForDeletion(dir, base);
        }
        assertRecoversTo(dir, cleanedEntries);
    }

    @Test
    void aCrashWhileRenamingTheSwapFilesToTheirFinalNamesCompletesTheSwap() throws IOException {
        Path dir = copy(oldDir, tmp.resolve("crash").resolve("t-0"));
        for (long base : LogLoader.segmentBaseOffsets(dir)) {
            if (base != logEndOffset) {
                renameForDeletion(dir, base);
            }
        }
        cleanedFile(".index", dir, ".index");
        cleanedFile(".timeindex", dir, ".timeindex");
        cleanedFile(".log", dir, ".log.swap");
        assertRecoversTo(dir, cleanedEntries);
    }

    private void assertRecoversTo(Path dir, List<Entry> expected) {
        CleanerTestContext reopened = new CleanerTestContext(dir.getParent(), config);
        try {
            assertThat(reopened.readAll()).isEqualTo(expected);
            assertThat(reopened.log.logEndOffset()).isEqualTo(logEndOffset);
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .noneMatch(n -> n.endsWith(".swap") || n.endsWith(".cleaned") || n.endsWith(".deleted"));
            }
            reopened.log.appendAsLeader(
                    new io.fjord.protocol.record.RecordBatchBuilder(io.fjord.protocol.record.CompressionType.NONE)
                            .append(0L, CleanerTestContext.bytes("k"), CleanerTestContext.bytes("v"))
                            .build(),
                    0);
            assertThat(reopened.log.logEndOffset()).isEqualTo(logEndOffset + 1);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            reopened.close();
        }
    }

    /** What {@link LogSegment#markForDeletion()} does to an old segment's files. */
    private static void renameForDeletion(Path dir, long base) throws IOException {
        for (String suffix : new String[] {".log", ".index", ".timeindex"}) {
            Path f = dir.resolve(LogSegment.fileName(base, suffix));
            Files.move(f, f.resolveSibling(f.getFileName() + LogSegment.DELETED_SUFFIX));
        }
    }

    /** Copies the cleaned segment's file with {@code suffix} into {@code dir} as {@code newSuffix}. */
    private void cleanedFile(String suffix, Path dir, String newSuffix) throws IOException {
        Files.copy(
                cleanedDir.resolve(LogSegment.fileName(0, suffix)),
                dir.resolve(LogSegment.fileName(0, newSuffix)),
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return to;
    }
}
