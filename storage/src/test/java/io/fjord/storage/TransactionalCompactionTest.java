package io.fjord.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.protocol.record.Record;
import io.fjord.protocol.record.RecordBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compaction of a log written by transactional producers, as Kafka's cleaner does it: a marker goes once
 * no batch of its transaction is left and its delete horizon (set by the pass that first finds it so) has
 * passed; an aborted transaction's data goes first, then its marker and its index entry; a read_committed
 * reader sees the same values before and after every pass, and a replay of the cleaned log finds no
 * transaction left open.
 */
class TransactionalCompactionTest {

    static final int TRANSACTIONAL = 0x10;
    static final long DELETE_RETENTION_MS = 60_000L;

    @TempDir
    Path tmp;

    CleanerTestContext ctx;
    UnifiedLog log;

    @BeforeEach
    void openLog() {
        ctx = new CleanerTestContext(
                tmp,
                CleanerTestContext.compacted()
                        .deleteRetentionMs(DELETE_RETENTION_MS)
                        .build());
        log = ctx.log;
    }

    @AfterEach
    void closeLog() {
        ctx.close();
    }

    @Test
    void aCommitMarkerWhoseDataIsAllSupersededGetsAHorizonThenGoesAfterIt() {
        txn(7, 0, 0, "a", "1", "b", "1");
        long firstMarker = marker(7, 0, true);
        txn(7, 0, 2, "a", "2", "b", "2");
        long secondMarker = marker(7, 0, true);
        sealAndCommit();
        Map<String, String> expected = Map.of("a", "2", "b", "2");
        assertThat(readCommitted()).isEqualTo(expected);

        long firstPassMs = ctx.time.milliseconds();
        Cleaner.CleanResult first = ctx.clean();

        assertThat(markers()).extracting(RecordBatch::baseOffset).containsExactly(firstMarker, secondMarker);
        RecordBatch horizoned = markers().get(0);
        assertThat(horizoned.hasDeleteHorizon()).isTrue();
        assertThat(horizoned.deleteHorizonMs()).isEqualTo(firstPassMs + DELETE_RETENTION_MS);
        assertThat(horizoned.baseTimestamp()).isEqualTo(firstPassMs + DELETE_RETENTION_MS);
        assertThat(EndTxnMarker.parse(horizoned.slice()))
                .as("the rebuilt marker still reads as a commit")
                .isEqualTo(new EndTxnMarker(true, 0));
        assertThat(markers().get(1).hasDeleteHorizon())
                .as("its transaction's data is still there")
                .isFalse();
        assertThat(first.nextHorizonMs()).isEqualTo(firstPassMs + DELETE_RETENTION_MS);
        assertThat(readCommitted()).isEqualTo(expected);

        ctx.time.sleep(DELETE_RETENTION_MS - 1);
        ctx.clean();
        assertThat(markers()).extracting(RecordBatch::baseOffset).containsExactly(firstMarker, secondMarker);
        assertThat(markers().get(0).deleteHorizonMs()).isEqualTo(firstPassMs + DELETE_RETENTION_MS);

        ctx.time.sleep(1);
        Cleaner.CleanResult afterHorizon = ctx.clean();
        assertThat(markers()).extracting(RecordBatch::baseOffset).containsExactly(secondMarker);
        assertThat(afterHorizon.nextHorizonMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(readCommitted()).isEqualTo(expected);
        assertReplayFindsNoOpenTransaction();
    }

    @Test
    void aMarkerStaysWhileItsTransactionHasARecordLeft() {
        txn(7, 0, 0, "a", "1", "b", "1");
        long marker = marker(7, 0, true);
        txn(8, 0, 0, "a", "2");
        marker(8, 0, true);
        txn(7, 0, 2, "c", "1");
        marker(7, 0, true);
        sealAndCommit();
        Map<String, String> expected = Map.of("a", "2", "b", "1", "c", "1");

        for (int pass = 0; pass < 3; pass++) {
            ctx.clean();
            assertThat(markers())
                    .filteredOn(m -> m.baseOffset() == marker)
                    .singleElement()
                    .satisfies(m -> assertThat(m.hasDeleteHorizon()).isFalse());
            assertThat(readCommitted()).isEqualTo(expected);
            ctx.time.sleep(DELETE_RETENTION_MS + 1);
        }
        assertThat(ctx.readAll()).extracting(CleanerTestContext.Entry::offset).contains(1L);
        assertReplayFindsNoOpenTransaction();
    }

    @Test
    void anAbortedTransactionLosesItsDataThenItsMarkerAndIndexEntry() {
        long abortedData = txn(7, 0, 0, "a", "aborted");
        long abort = marker(7, 0, false);
        txn(7, 0, 1, "b", "1");
        marker(7, 0, true);
        ctx.append("c", "plain");
        sealAndCommit();
        AbortedTxn entry = new AbortedTxn(7, abortedData, abort, abort + 1);
        assertThat(log.abortedTransactions(0, log.logEndOffset())).containsExactly(entry);
        Map<String, String> expected = Map.of("b", "1", "c", "plain");
        assertThat(readCommitted()).isEqualTo(expected);

        ctx.clean();
        assertThat(ctx.readAll()).extracting(CleanerTestContext.Entry::value).doesNotContain("aborted");
        assertThat(markers()).extracting(RecordBatch::baseOffset).contains(abort);
        assertThat(log.abortedTransactions(0, log.logEndOffset()))
                .as("the entry goes with its marker")
                .containsExactly(entry);
        assertThat(readCommitted()).isEqualTo(expected);

        ctx.time.sleep(DELETE_RETENTION_MS);
        ctx.clean();
        assertThat(markers()).extracting(RecordBatch::baseOffset).doesNotContain(abort);
        assertThat(log.abortedTransactions(0, log.logEndOffset())).isEmpty();
        assertThat(readCommitted()).isEqualTo(expected);
        assertReplayFindsNoOpenTransaction();
        assertThat(log.abortedTransactions(0, log.logEndOffset())).isEmpty();
    }

    @Test
    void anAbortedBatchKeptForItsProducersSequenceKeepsItsMarkerAndIndexEntry() {
        txn(7, 0, 0, "a", "aborted");
        long abort = marker(7, 0, false);
        ctx.append("a", "plain");
        sealAndCommit();
        AbortedTxn entry = new AbortedTxn(7, 0, abort, abort + 1);

        for (int pass = 0; pass < 2; pass++) {
            ctx.clean();
            ctx.time.sleep(DELETE_RETENTION_MS + 1);
        }

        assertThat(ctx.batches().get(0).recordCount())
                .as("the producer's newest batch stays, empty")
                .isZero();
        assertThat(markers()).extracting(RecordBatch::baseOffset).containsExactly(abort);
        assertThat(markers().get(0).hasDeleteHorizon()).isFalse();
        assertThat(log.abortedTransactions(0, log.logEndOffset())).containsExactly(entry);
        assertThat(readCommitted()).isEqualTo(Map.of("a", "plain"));
        assertReplayFindsNoOpenTransaction();
    }

    @Test
    void aMarkerThatBumpedItsProducersEpochStaysSoTheEpochSurvivesAReplay() {
        txn(7, 0, 0, "a", "aborted");
        long abort = marker(7, 1, false);
        ctx.append("a", "plain");
        sealAndCommit();

        for (int pass = 0; pass < 2; pass++) {
            ctx.clean();
            ctx.time.sleep(DELETE_RETENTION_MS + 1);
        }

        assertThat(ctx.batches()).extracting(RecordBatch::baseOffset).containsExactly(abort, abort + 1);
        assertThat(log.abortedTransactions(0, log.logEndOffset()))
                .containsExactly(new AbortedTxn(7, 0, abort, abort + 1));
        assertReplayFindsNoOpenTransaction();
        assertThat(log.activeProducers()).singleElement().satisfies(p -> assertThat(p.producerEpoch())
                .isEqualTo((short) 1));
    }

    @Test
    void aCrashAfterTheCleanedFilesBecameSwapFilesKeepsTheCleanedTransactionIndex() throws IOException {
        txn(7, 0, 0, "a", "aborted");
        txn(7, 0, 1, "b", "aborted");
        long abort = marker(7, 0, false);
        ctx.append("a", "plain", "b", "plain");
        sealAndCommit();
        log.close();
        Path oldDir = copy(ctx.dir, tmp.resolve("old"));
        reopenLog();
        log.updateHighWatermark(log.logEndOffset());
        ctx.clean();
        List<CleanerTestContext.Entry> cleanedEntries = ctx.readAll();
        assertThat(ctx.batches().get(0).baseOffset())
                .as("the first aborted batch went, the producer's newest stays empty")
                .isEqualTo(1);
        log.close();
        Path cleanedDir = copy(ctx.dir, tmp.resolve("cleaned"));
        AbortedTxn entry = new AbortedTxn(7, 0, abort, abort + 1);

        Path crash = copy(oldDir, tmp.resolve("crash").resolve("t-0"));
        for (String suffix : new String[] {".index", ".timeindex", TransactionIndex.SUFFIX, ".log"}) {
            Files.copy(
                    cleanedDir.resolve(LogSegment.fileName(0, suffix)),
                    crash.resolve(LogSegment.fileName(0, suffix + LogSegment.SWAP_SUFFIX)),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        try (CleanerTestContext recovered = new CleanerTestContext(crash.getParent(), log.config())) {
            recovered.log.updateHighWatermark(recovered.log.logEndOffset());
            assertThat(recovered.readAll()).isEqualTo(cleanedEntries);
            assertThat(recovered.log.abortedTransactions(0, recovered.log.logEndOffset()))
                    .as("as the cleaner wrote it, not as a replay from the empty batch at 1 would")
                    .containsExactly(entry);
            assertThat(fileNames(crash)).noneMatch(n -> n.endsWith(LogSegment.SWAP_SUFFIX));
        }

        Path renaming = copy(oldDir, tmp.resolve("renaming").resolve("t-0"));
        Path oldLog = renaming.resolve(LogSegment.fileName(0, ".log"));
        Files.move(oldLog, oldLog.resolveSibling(oldLog.getFileName() + LogSegment.DELETED_SUFFIX));
        for (String suffix : new String[] {TransactionIndex.SUFFIX, ".log"}) {
            Files.copy(
                    cleanedDir.resolve(LogSegment.fileName(0, suffix)),
                    renaming.resolve(LogSegment.fileName(0, suffix + LogSegment.SWAP_SUFFIX)));
        }
        try (CleanerTestContext recovered = new CleanerTestContext(renaming.getParent(), log.config())) {
            recovered.log.updateHighWatermark(recovered.log.logEndOffset());
            assertThat(recovered.readAll())
                    .as("the old segment's index file, left while its log was being renamed, is replaced")
                    .isEqualTo(cleanedEntries);
            assertThat(recovered.log.abortedTransactions(0, recovered.log.logEndOffset()))
                    .containsExactly(entry);
        }

        Path early = copy(oldDir, tmp.resolve("early").resolve("t-0"));
        Files.copy(
                cleanedDir.resolve(LogSegment.fileName(0, TransactionIndex.SUFFIX)),
                early.resolve(LogSegment.fileName(0, TransactionIndex.SUFFIX + LogSegment.SWAP_SUFFIX)));
        Files.copy(
                cleanedDir.resolve(LogSegment.fileName(0, ".log")),
                early.resolve(LogSegment.fileName(0, ".log" + LogSegment.CLEANED_SUFFIX)));
        try (CleanerTestContext recovered = new CleanerTestContext(early.getParent(), log.config())) {
            assertThat(recovered.readAll())
                    .extracting(CleanerTestContext.Entry::value)
                    .contains("aborted");
            assertThat(fileNames(early))
                    .noneMatch(n -> n.endsWith(LogSegment.SWAP_SUFFIX) || n.endsWith(LogSegment.CLEANED_SUFFIX));
        }
    }

    /** Appends one transactional batch of alternating keys and values; returns its first offset. */
    long txn(long producerId, int epoch, int sequence, String... keyValues) {
        TestBatches batch =
                TestBatches.batch().producer(producerId, epoch, sequence).attributes(TRANSACTIONAL);
        for (int i = 0; i < keyValues.length; i += 2) {
            batch.record(ctx.time.milliseconds(), keyValues[i], keyValues[i + 1]);
        }
        return log.appendAsLeader(batch.build(), 0).firstOffset();
    }

    long marker(long producerId, int epoch, boolean commit) {
        return log.appendEndTxnMarkerAsLeader(producerId, (short) epoch, 0, commit, 0)
                .firstOffset();
    }

    /** Rolls, so everything written is below the active segment, and moves the high watermark to the end. */
    void sealAndCommit() {
        log.forceRoll();
        log.updateHighWatermark(log.logEndOffset());
        assertThat(log.lastStableOffset()).isEqualTo(log.logEndOffset());
    }

    List<RecordBatch> markers() {
        return ctx.batches().stream().filter(RecordBatch::isControl).toList();
    }

    /**
     * The last committed value of each key as the Java consumer reads at read_committed: the batches up to
     * the last stable offset, skipping a producer's batches from the first offset of an aborted transaction
     * the log names to its ABORT marker.
     */
    Map<String, String> readCommitted() {
        long lso = log.lastStableOffset();
        PriorityQueue<AbortedTxn> aborted = new PriorityQueue<>(Comparator.comparingLong(AbortedTxn::firstOffset));
        aborted.addAll(log.abortedTransactions(log.logStartOffset(), lso));
        Set<Long> abortedProducers = new HashSet<>();
        Map<String, String> values = new LinkedHashMap<>();
        for (RecordBatch batch : ctx.batches()) {
            if (batch.baseOffset() >= lso) {
                break;
            }
            while (!aborted.isEmpty() && aborted.peek().firstOffset() <= batch.lastOffset()) {
                abortedProducers.add(aborted.poll().producerId());
            }
            if (batch.isControl()) {
                EndTxnMarker marker = EndTxnMarker.parse(batch.slice());
                if (marker != null && !marker.committed()) {
                    abortedProducers.remove(batch.producerId());
                }
                continue;
            }
            if (batch.isTransactional() && abortedProducers.contains(batch.producerId())) {
                continue;
            }
            for (Record record : batch) {
                String key = CleanerTestContext.string(record.key());
                String value = CleanerTestContext.string(record.value());
                if (value == null) {
                    values.remove(key);
                } else {
                    values.put(key, value);
                }
            }
        }
        return values;
    }

    /** Reopens the log as after a crash without producer snapshots: the producer state is a replay of it. */
    void assertReplayFindsNoOpenTransaction() {
        log.close();
        try (Stream<Path> files = Files.list(ctx.dir)) {
            for (Path f : files.toList()) {
                if (f.getFileName().toString().endsWith(ProducerStateManager.SNAPSHOT_SUFFIX)) {
                    Files.delete(f);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        reopenLog();
        log.updateHighWatermark(log.logEndOffset());
        assertThat(log.lastStableOffset()).isEqualTo(log.logEndOffset());
        assertThat(log.activeProducers())
                .allSatisfy(p -> assertThat(p.currentTxnStartOffset()).isEqualTo(-1L));
    }

    void reopenLog() {
        ctx.log = UnifiedLog.open(ctx.dir, ctx.log.config(), ctx.time);
        log = ctx.log;
    }

    private static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
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
