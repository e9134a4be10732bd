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
        assertRecoversTo(oldSegmentsWithCleanedFiles(".log.cleaned", ".index.cleaned"), oldEntries);
    }

    @Test
    void aCrashWhileRenamingToSwapKeepsTheOldSegments() throws IOException {
        assertRecoversTo(oldSegmentsWithCleanedFiles(".index.swap", ".timeindex.swap", ".log.cleaned"), oldEntries);
    }

    @Test
    void aCrashOnceTheLogFileIsASwapFileCompletesTheSwap() throws IOException {
        assertRecoversTo(oldSegmentsWithCleanedFiles(".index.swap", ".timeindex.swap", ".log.swap"), cleanedEntries);
    }

    @Test
    void aCrashWhileTheOldSegmentsAreRenamedForDeletionCompletesTheSwap() throws IOException {
        Path dir = oldSegmentsWithCleanedFiles(".log.swap");
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
        addCleanedFiles(dir, ".index", ".timeindex", ".log.swap");
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

    /** A copy of the old segments with the cleaned segment's files beside them, as {@link #addCleanedFiles}. */
    private Path oldSegmentsWithCleanedFiles(String... fileSuffixes) throws IOException {
        Path dir = copy(oldDir, tmp.resolve("crash").resolve("t-0"));
        addCleanedFiles(dir, fileSuffixes);
        return dir;
    }

    /**
     * Copies the cleaned segment's files into {@code dir}, in this order, each named with its suffix: ".index.swap"
     * is the cleaned ".index" file renamed with ".swap", ".log" is the cleaned ".log" file under its final name.
     */
    private void addCleanedFiles(Path dir, String... fileSuffixes) throws IOException {
        for (String fileSuffix : fileSuffixes) {
            int secondDot = fileSuffix.indexOf('.', 1);
            String cleanedSuffix = secondDot < 0 ? fileSuffix : fileSuffix.substring(0, secondDot);
            Files.copy(
                    cleanedDir.resolve(LogSegment.fileName(0, cleanedSuffix)),
                    dir.resolve(LogSegment.fileName(0, fileSuffix)),
                    StandardCopyOption.REPLACE_EXISTING);
        }
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
