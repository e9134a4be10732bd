package io.fjord.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.testkit.MockTime;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The partition side of transactions (KIP-98): ongoing transactions in the producer state, the last
 * stable offset, end-transaction markers and the per-segment index of aborted transactions.
 */
class TransactionalLogTest {

    static final int TRANSACTIONAL = 0x10;

    @TempDir
    Path tmp;

    final MockTime time = new MockTime();
    final List<UnifiedLog> opened = new ArrayList<>();
    UnifiedLog log;

    @AfterEach
    void closeLogs() {
        for (UnifiedLog l : opened) {
            l.close();
        }
    }

    static LogConfig config() {
        return LogConfig.builder()
                .segmentBytes(600)
                .indexIntervalBytes(64)
                .segmentIndexBytes(240)
                .build();
    }

    UnifiedLog open(String dirName, boolean cleanShutdown) {
        UnifiedLog opened = UnifiedLog.open(
                tmp.resolve(dirName), config(), time, null, cleanShutdown, new UnifiedLog.LogCheckpoints(0, 0, 0));
        this.opened.add(opened);
        return opened;
    }

    void reopen(boolean cleanShutdown) {
        log.close();
        opened.remove(log);
        log = open("t-0", cleanShutdown);
    }

    ByteBuffer txnBatch(long pid, int epoch, int seq, int records) {
        TestBatches b = TestBatches.batch().producer(pid, epoch, seq).attributes(TRANSACTIONAL);
        for (int i = 0; i < records; i++) {
            b.record(time.milliseconds(), "k", "v" + (seq + i));
        }
        return b.build();
    }

    /** Appends a transactional batch; returns its first offset. */
    long appendTxn(long pid, int epoch, int seq, int records) {
        return log.appendAsLeader(txnBatch(pid, epoch, seq, records), 0).firstOffset();
    }

    long appendPlain(int records) {
        return log.appendAsLeader(TestBatches.simple(records, time.milliseconds()), 0)
                .firstOffset();
    }

    long marker(long pid, int epoch, boolean commit) {
        return log.appendEndTxnMarkerAsLeader(pid, (short) epoch, 0, commit, 0).firstOffset();
    }

    void commitAll() {
        log.updateHighWatermark(log.logEndOffset());
    }

    static void assertError(Runnable call, Errors error) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.error())
                .isEqualTo(error));
    }

    @Test
    void anOngoingTransactionHoldsTheLastStableOffsetAtItsFirstOffset() {
        log = open("t-0", false);
        appendPlain(2);
        long first = appendTxn(7, 0, 0, 2);
        appendTxn(7, 0, 2, 1);
        appendPlain(1);
        commitAll();
        assertThat(log.highWatermark()).isEqualTo(6);
        assertThat(log.lastStableOffset()).isEqualTo(first).isEqualTo(2);
    }

    @Test
    void aTransactionStaysUnstableUntilItsMarkerIsBelowTheHighWatermark() {
        log = open("t-0", false);
        appendTxn(7, 0, 0, 2);
        commitAll();
        long markerOffset = marker(7, 0, true);
        assertThat(log.lastStableOffset()).isZero();
        log.updateHighWatermark(markerOffset);
        assertThat(log.lastStableOffset()).isZero();
        log.updateHighWatermark(markerOffset + 1);
        assertThat(log.lastStableOffset()).isEqualTo(3);
        assertThat(log.producerState().producers().get(7L).currentTxnFirstOffset)
                .isEqualTo(-1L);
    }

    @Test
    void theLastStableOffsetIsTheHighWatermarkWithoutTransactions() {
        log = open("t-0", false);
        appendPlain(3);
        log.updateHighWatermark(2);
        assertThat(log.lastStableOffset()).isEqualTo(2);
    }

    @Test
    void aMarkerWithoutAnOngoingTransactionIsWrittenAndChangesNothingElse() {
        log = open("t-0", false);
        appendPlain(1);
        long markerOffset = marker(9, 0, false);
        assertThat(markerOffset).isEqualTo(1);
        assertThat(log.logEndOffset()).isEqualTo(2);
        commitAll();
        assertThat(log.lastStableOffset()).isEqualTo(2);
        assertThat(log.abortedTransactions(0, 2)).isEmpty();
    }

    @Test
    void aMarkerWithAnOlderProducerEpochIsRejectedAndANewerOneFencesTheProducer() {
        log = open("t-0", false);
        appendTxn(7, 3, 0, 1);
        assertError(() -> marker(7, 2, false), Errors.INVALID_PRODUCER_EPOCH);
        assertThat(log.logEndOffset()).isEqualTo(1);
        marker(7, 4, false);
        assertError(() -> appendTxn(7, 3, 1, 1), Errors.INVALID_PRODUCER_EPOCH);
        assertThat(log.producerState().producers().get(7L).epoch).isEqualTo((short) 4);
    }

    @Test
    void aMarkerFromAnOlderCoordinatorEpochIsFenced() {
        log = open("t-0", false);
        appendTxn(7, 0, 0, 1);
        log.appendEndTxnMarkerAsLeader(7, (short) 0, 5, true, 0);
        assertError(
                () -> log.appendEndTxnMarkerAsLeader(7, (short) 0, 4, true, 0), Errors.TRANSACTION_COORDINATOR_FENCED);
    }

    @Test
    void aNonTransactionalBatchDuringTheProducersTransactionIsAnInvalidState() {
        log = open("t-0", false);
        appendTxn(7, 0, 0, 1);
        ByteBuffer plain = TestBatches.batch()
                .producer(7, 0, 1)
                .record(time.milliseconds(), "k", "v")
                .build();
        assertError(() -> log.appendAsLeader(plain, 0), Errors.INVALID_TXN_STATE);
    }

    @Test
    void aNonTransactionalBatchAtAHigherEpochDuringTheProducersTransactionIsAnInvalidStateToo() {
        // The epoch bump does not end the transaction; only its marker does (Kafka's ProducerAppendInfo).
        log = open("t-0", false);
        appendTxn(7, 0, 0, 1);
        ByteBuffer plain = TestBatches.batch()
                .producer(7, 1, 0)
                .record(time.milliseconds(), "k", "v")
                .build();
        assertError(() -> log.appendAsLeader(plain, 0), Errors.INVALID_TXN_STATE);
    }

    @Test
    void anAbortIsIndexedWithTheTransactionsRangeAndTheLastStableOffsetOfTheMoment() {
        log = open("t-0", false);
        long first7 = appendTxn(7, 0, 0, 1); // 0
        long first8 = appendTxn(8, 0, 0, 1); // 1
        appendTxn(7, 0, 1, 1); // 2
        long abort7 = marker(7, 0, false); // 3
        long commit8 = marker(8, 0, true); // 4
        commitAll();
        assertThat(log.abortedTransactions(0, 5)).containsExactly(new AbortedTxn(7, first7, abort7, first8));
        assertThat(log.abortedTransactions(4, 5)).isEmpty();
        assertThat(log.abortedTransactions(0, 0)).isEmpty();
        assertThat(log.abortedTransactions(3, 4)).hasSize(1);
        assertThat(commit8).isEqualTo(4);
        assertThat(log.lastStableOffset()).isEqualTo(5);
    }

    @Test
    void lookupsFindAbortsWhoseMarkersLieInLaterSegments() {
        log = open("t-0", false);
        long first = appendTxn(7, 0, 0, 1);
        while (log.numberOfSegments() < 3) {
            appendPlain(3);
        }
        long abort = marker(7, 0, false);
        commitAll();
        assertThat(log.segments().floorKey(abort)).isNotEqualTo(log.segments().firstKey());
        assertThat(log.abortedTransactions(0, 1)).containsExactly(new AbortedTxn(7, first, abort, abort + 1));
    }

    @Test
    void abortedTransactionsSurviveACleanRestart() {
        log = open("t-0", false);
        appendTxn(7, 0, 0, 2);
        marker(7, 0, false);
        appendTxn(8, 0, 0, 1);
        commitAll();
        List<AbortedTxn> before = log.abortedTransactions(0, log.logEndOffset());
        reopen(true);
        log.updateHighWatermark(log.logEndOffset());
        assertThat(before).hasSize(1);
        assertThat(log.abortedTransactions(0, log.logEndOffset())).isEqualTo(before);
        assertThat(log.lastStableOffset())
                .as("producer 8's transaction is still open")
                .isEqualTo(3);
    }

    @Test
    void recoveryRebuildsOngoingTransactionsAndTheAbortIndexFromTheLog() throws IOException {
        log = open("t-0", false);
        long first7 = appendTxn(7, 0, 0, 1);
        while (log.numberOfSegments() < 2) {
            appendPlain(3);
        }
        long abort7 = marker(7, 0, false);
        long first8 = appendTxn(8, 0, 0, 1);
        while (log.numberOfSegments() < 4) {
            appendPlain(3);
        }
        long end = log.logEndOffset();
        log.close();
        opened.remove(log);
        deleteFiles(tmp.resolve("t-0"), "*.{txnindex,snapshot}");
        log = open("t-0", false);
        log.updateHighWatermark(end);
        assertThat(log.abortedTransactions(0, end)).containsExactly(new AbortedTxn(7, first7, abort7, abort7 + 1));
        assertThat(log.lastStableOffset()).isEqualTo(first8);
    }

    @Test
    void aTransactionIndexTornByACrashIsCutToWholeEntriesAndCompletedByReplay() throws IOException {
        log = open("t-0", false);
        long first = appendTxn(7, 0, 0, 1);
        long abort = marker(7, 0, false);
        log.close();
        opened.remove(log);
        Path index = tmp.resolve("t-0").resolve(LogSegment.fileName(0, TransactionIndex.SUFFIX));
        assertThat(Files.size(index)).isEqualTo(TransactionIndex.ENTRY_SIZE);
        Files.write(index, new byte[] {0, 0, 1}, java.nio.file.StandardOpenOption.APPEND);
        log = open("t-0", false);
        log.updateHighWatermark(log.logEndOffset());
        assertThat(log.abortedTransactions(0, 2)).containsExactly(new AbortedTxn(7, first, abort, abort + 1));
        assertThat(Files.size(index)).isEqualTo(TransactionIndex.ENTRY_SIZE);
    }

    @Test
    void truncatingBelowAnAbortMarkerDropsItsEntryAndReopensTheTransaction() {
        log = open("t-0", false);
        long first = appendTxn(7, 0, 0, 1);
        appendPlain(1);
        long abort = marker(7, 0, false);
        appendPlain(1);
        commitAll();
        assertThat(log.abortedTransactions(0, log.logEndOffset())).hasSize(1);
        log.truncateTo(abort);
        assertThat(log.abortedTransactions(0, Long.MAX_VALUE)).isEmpty();
        log.updateHighWatermark(log.logEndOffset());
        assertThat(log.lastStableOffset()).isEqualTo(first);
        reopen(false);
        assertThat(log.abortedTransactions(0, Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void deletedSegmentsTakeTheirTransactionIndexWithThem() throws IOException {
        log = open("t-0", false);
        appendTxn(7, 0, 0, 1);
        long abort = marker(7, 0, false);
        while (log.numberOfSegments() < 3) {
            appendPlain(3);
        }
        commitAll();
        Path index = tmp.resolve("t-0").resolve(LogSegment.fileName(0, TransactionIndex.SUFFIX));
        assertThat(index).exists();
        log.deleteRecordsBefore(log.segments().lastKey());
        assertThat(index).doesNotExist();
        assertThat(log.abortedTransactions(abort, Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void aFollowerReplayingTheLeadersBatchesKnowsItsTransactions() {
        log = open("t-0", false);
        long first7 = appendTxn(7, 0, 0, 2);
        appendTxn(8, 0, 0, 1);
        long abort7 = marker(7, 0, false);
        long first9 = appendTxn(9, 0, 0, 1);
        marker(8, 0, true);
        commitAll();
        FileRecords all =
                log.read(0, Integer.MAX_VALUE, log.logEndOffset(), true).records();
        ByteBuffer copy = ByteBuffer.allocate(all.sizeInBytes());
        all.copyTo(copy);
        copy.flip();
        UnifiedLog follower = open("t-1", false);
        follower.appendAsFollower(copy);
        follower.updateHighWatermark(follower.logEndOffset());
        assertThat(follower.abortedTransactions(0, follower.logEndOffset()))
                .containsExactly(new AbortedTxn(7, first7, abort7, 2));
        assertThat(follower.lastStableOffset()).isEqualTo(first9);
        assertThat(follower.producerState().producers().get(8L).currentTxnFirstOffset)
                .isEqualTo(-1L);
    }

    @Test
    void aReadNamesOnlyTheAbortsOverlappingItsRecords() {
        log = open("t-0", false);
        long first = appendTxn(7, 0, 0, 1); // 0
        long abort = marker(7, 0, false); // 1
        appendPlain(1); // 2
        appendTxn(8, 0, 0, 1); // 3
        marker(8, 0, false); // 4
        commitAll();
        FetchDataInfo firstTwo = log.read(0, Integer.MAX_VALUE, 2, false);
        assertThat(log.abortedTransactions(firstTwo)).containsExactly(new AbortedTxn(7, first, abort, 2));
        FetchDataInfo fromTwo = log.read(2, Integer.MAX_VALUE, 3, false);
        assertThat(log.abortedTransactions(fromTwo)).isEmpty();
    }

    @Test
    void theSnapshotKeepsTheTransactionStateAndVersionOneIsStillRead() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("snap"));
        ProducerStateManager state = new ProducerStateManager(dir);
        state.update(7, (short) 2, 0, 1, 10, 11, 1_000, true);
        state.completeTxn(8, (short) 1, 3, 12, true, 1_001);
        state.takeSnapshot(13, false);
        ProducerStateManager loaded = new ProducerStateManager(dir);
        assertThat(loaded.loadLatestSnapshot(13)).isEqualTo(13);
        assertThat(loaded.firstOngoingTxnOffset()).isEqualTo(10);
        assertThat(loaded.producers().get(8L).coordinatorEpoch).isEqualTo(3);
        assertThat(loaded.producers().get(7L).lastTimestampMs).isEqualTo(1_000);

        ByteBuffer v1 = ByteBuffer.allocate(10 + 14 + 32);
        v1.putShort((short) 1).putInt(0).putInt(1);
        v1.putLong(5).putShort((short) 4).putInt(1);
        v1.putInt(0).putInt(2).putLong(20).putLong(22).putLong(2_000);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(v1.array(), 6, v1.capacity() - 6);
        v1.putInt(2, (int) crc.getValue());
        Path older = Files.createDirectories(tmp.resolve("v1"));
        Files.write(ProducerStateManager.snapshotFile(older, 23), v1.array());
        ProducerStateManager fromV1 = new ProducerStateManager(older);
        assertThat(fromV1.loadLatestSnapshot(23)).isEqualTo(23);
        assertThat(fromV1.producers().get(5L).epoch).isEqualTo((short) 4);
        assertThat(fromV1.producers().get(5L).lastSeq()).isEqualTo(2);
        assertThat(fromV1.producers().get(5L).lastTimestampMs).isEqualTo(2_000);
        assertThat(fromV1.firstOngoingTxnOffset()).isEqualTo(-1);
    }

    @Test
    void aProducerWithAnOngoingTransactionDoesNotExpire() {
        log = open("t-0", false);
        appendTxn(7, 0, 0, 1);
        time.sleep(10_000);
        assertThat(log.removeExpiredProducers(1_000)).isZero();
        marker(7, 0, true);
        time.sleep(10_000);
        assertThat(log.removeExpiredProducers(1_000)).isEqualTo(1);
    }

    @Test
    void compactionDropsAbortedValuesSoTheyNeverShadowCommittedOnesAndStopsAtAnOpenTransaction() {
        try (CleanerTestContext ctx =
                new CleanerTestContext(tmp, CleanerTestContext.compacted().build())) {
            log = ctx.log;
            ctx.append("k", "committed");
            log.appendAsLeader(keyedTxnBatch(7, 0, "k", "aborted"), 0);
            long abort = marker(7, 0, false);
            log.forceRoll();
            long open =
                    log.appendAsLeader(keyedTxnBatch(8, 0, "k", "undecided"), 0).firstOffset();
            ctx.append("k", "after");
            log.forceRoll();
            commitAll();
            assertThat(log.lastStableOffset()).isEqualTo(open);

            ctx.clean();

            assertThat(ctx.readAll())
                    .filteredOn(e -> e.offset() != abort) // the marker stays
                    .extracting(CleanerTestContext.Entry::value)
                    .containsExactly("committed", "undecided", "after");
            assertThat(log.abortedTransactions(0, open)).containsExactly(new AbortedTxn(7, 1, abort, abort + 1));
            log = null;
        }
    }

    ByteBuffer keyedTxnBatch(long pid, int seq, String key, String value) {
        return TestBatches.batch()
                .producer(pid, 0, seq)
                .attributes(TRANSACTIONAL)
                .record(time.milliseconds(), key, value)
                .build();
    }

    private static void deleteFiles(Path dir, String glob) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, glob)) {
            for (Path f : files) {
                Files.delete(f);
            }
        }
    }
}
