package io.fjord.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.testkit.MockTime;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerStateTest {

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

    UnifiedLog open(boolean clean) {
        log = UnifiedLog.open(tmp.resolve("t-0"), config(), time, null, clean, new UnifiedLog.LogCheckpoints(0, 0, 0));
        return log;
    }

    static LogConfig config() {
        return LogConfig.builder()
                .segmentBytes(600)
                .indexIntervalBytes(64)
                .segmentIndexBytes(240)
                .build();
    }

    ByteBuffer batch(long pid, int epoch, int seq, int records) {
        TestBatches b = TestBatches.batch().producer(pid, epoch, seq);
        for (int i = 0; i < records; i++) {
            b.record(time.milliseconds(), "k", "s" + (seq + i));
        }
        return b.build();
    }

    void assertRejected(ByteBuffer batch, Errors error) {
        long end = log.logEndOffset();
        assertThatThrownBy(() -> log.appendAsLeader(batch, 0))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.error()).isEqualTo(error));
        assertThat(log.logEndOffset()).isEqualTo(end);
    }

    @Test
    void aRetriedBatchReturnsItsOriginalOffsetsWithoutBeingWrittenAgain() {
        open(false);
        log.appendAsLeader(batch(7, 0, 0, 2), 0);
        LogAppendInfo second = log.appendAsLeader(batch(7, 0, 2, 3), 0);
        log.appendAsLeader(batch(8, 0, 0, 1), 0);
        LogAppendInfo retry = log.appendAsLeader(batch(7, 0, 2, 3), 0);
        assertThat(retry.firstOffset()).isEqualTo(second.firstOffset()).isEqualTo(2);
        assertThat(retry.lastOffset()).isEqualTo(4);
        assertThat(log.logEndOffset()).isEqualTo(6);
    }

    @Test
    void onlyTheLastFiveBatchesAreRememberedAsDuplicatesAndOlderOnesAreDuplicatesWithoutOffsets() {
        open(false);
        for (int i = 0; i < 7; i++) {
            log.appendAsLeader(batch(7, 0, i, 1), 0);
        }
        assertThat(log.appendAsLeader(batch(7, 0, 2, 1), 0).firstOffset()).isEqualTo(2);
        // Written, but too long ago to answer with its offsets: the clients take DUPLICATE_SEQUENCE_NUMBER as
        // written, where OUT_OF_ORDER_SEQUENCE_NUMBER would have them retry it until they time out.
        assertRejected(batch(7, 0, 1, 1), Errors.DUPLICATE_SEQUENCE_NUMBER);
        assertRejected(batch(7, 0, 9, 1), Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
    }

    @Test
    void aRetryBelowWhereAnUnknownProducerWasFirstAcceptedIsOutOfOrderNotADuplicate() {
        open(false);
        // The producer's first request (sequences 0-4) failed before it was appended; its second (5-9) was
        // accepted, the producer being unknown. The retry of 0-4 was never written: it must not be called so.
        log.appendAsLeader(batch(7, 0, 5, 5), 0);
        for (int seq = 10; seq < 16; seq++) {
            log.appendAsLeader(batch(7, 0, seq, 1), 0);
        }
        assertRejected(batch(7, 0, 0, 5), Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
        assertRejected(batch(7, 0, 5, 5), Errors.DUPLICATE_SEQUENCE_NUMBER);
    }

    @Test
    void aSequenceGapIsOutOfOrder() {
        open(false);
        log.appendAsLeader(batch(7, 0, 0, 2), 0);
        assertRejected(batch(7, 0, 3, 1), Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
        assertThat(log.appendAsLeader(batch(7, 0, 2, 1), 0).firstOffset()).isEqualTo(2);
    }

    @Test
    void anOlderEpochIsFenced() {
        open(false);
        log.appendAsLeader(batch(7, 3, 0, 1), 0);
        assertRejected(batch(7, 2, 1, 1), Errors.INVALID_PRODUCER_EPOCH);
    }

    @Test
    void aNewEpochMustStartAtSequenceZero() {
        open(false);
        log.appendAsLeader(batch(7, 0, 0, 5), 0);
        assertRejected(batch(7, 1, 5, 1), Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
        assertThat(log.appendAsLeader(batch(7, 1, 0, 1), 0).firstOffset()).isEqualTo(5);
    }

    @Test
    void anIdleProducerExpiresAndIsThenAcceptedAtAnySequence() {
        open(false);
        log.appendAsLeader(batch(7, 0, 0, 1), 0);
        time.advanceMs(1_000);
        log.appendAsLeader(batch(8, 0, 0, 1), 0);
        assertThat(log.removeExpiredProducers(500)).isEqualTo(1);
        assertThat(log.producerState().producers()).containsOnlyKeys(8L);
        assertThat(log.appendAsLeader(batch(7, 0, 42, 1), 0).firstOffset()).isEqualTo(2);
    }

    @Test
    void sequencesWrapAroundAfterIntegerMaxValue() {
        open(false);
        log.appendAsLeader(batch(7, 0, Integer.MAX_VALUE - 1, 2), 0);
        assertThat(log.appendAsLeader(batch(7, 0, 0, 1), 0).firstOffset()).isEqualTo(2);
    }

    @Test
    void idempotenceSurvivesACleanRestart() {
        open(false);
        for (int i = 0; i < 20; i++) {
            log.appendAsLeader(batch(7, 0, i * 2, 2), 0);
        }
        log.close();
        open(true);
        assertThat(log.logEndOffset()).isEqualTo(40);
        LogAppendInfo retry = log.appendAsLeader(batch(7, 0, 38, 2), 0);
        assertThat(retry.firstOffset()).isEqualTo(38);
        assertThat(log.logEndOffset()).isEqualTo(40);
        assertRejected(batch(7, 0, 41, 1), Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
        assertThat(log.appendAsLeader(batch(7, 0, 40, 1), 0).firstOffset()).isEqualTo(40);
    }

    @Test
    void idempotenceSurvivesACrashByReplayingTheLogTail() {
        open(false);
        for (int i = 0; i < 20; i++) {
            log.appendAsLeader(batch(7, 0, i * 2, 2), 0);
        }
        assertThat(log.numberOfSegments()).isGreaterThan(1);
        UnifiedLog crashed = log; // no close: no final snapshot, no clean marker
        log = null;
        open(false);
        assertThat(log.logEndOffset()).isEqualTo(40);
        assertThat(log.appendAsLeader(batch(7, 0, 36, 2), 0).firstOffset()).isEqualTo(36);
        assertThat(log.logEndOffset()).isEqualTo(40);
        assertRejected(batch(7, 0, 39, 1), Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
        crashed.closeForDeletion();
    }

    @Test
    void aCorruptSnapshotIsIgnoredAndTheLogReplayed() throws Exception {
        open(false);
        for (int i = 0; i < 5; i++) {
            log.appendAsLeader(batch(7, 0, i, 1), 0);
        }
        log.close();
        java.nio.file.Files.write(
                ProducerStateManager.snapshotFile(tmp.resolve("t-0"), 5), new byte[] {0, 1, 2, 3, 4, 5, 6});
        open(true);
        assertThat(log.appendAsLeader(batch(7, 0, 4, 1), 0).firstOffset()).isEqualTo(4);
        assertThat(log.logEndOffset()).isEqualTo(5);
    }

    @Test
    void aCoordinatorRewritesSequenceZeroForAProducerAndEveryBatchIsAppended() {
        open(false);
        for (int i = 0; i < 2; i++) {
            ByteBuffer transactional = TestBatches.batch()
                    .producer(7, 0, 0)
                    .attributes(0x10)
                    .record(time.milliseconds(), "k", "a")
                    .record(time.milliseconds(), "k", "b")
                    .build();
            assertThat(log.appendAsLeader(transactional, 0, AppendOrigin.COORDINATOR)
                            .firstOffset())
                    .isEqualTo(2L * i);
        }
        assertThat(log.logEndOffset()).isEqualTo(4);
    }

    @Test
    void aCoordinatorBatchWithAnOlderEpochIsFenced() {
        open(false);
        log.appendAsLeader(batch(7, 3, 0, 1), 0, AppendOrigin.COORDINATOR);
        long end = log.logEndOffset();
        assertThatThrownBy(() -> log.appendAsLeader(batch(7, 2, 0, 1), 0, AppendOrigin.COORDINATOR))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.error()).isEqualTo(Errors.INVALID_PRODUCER_EPOCH));
        assertThat(log.logEndOffset()).isEqualTo(end);
    }

    @Test
    void onlyACoordinatorMayAppendAControlBatch() {
        open(false);
        ByteBuffer marker = TestBatches.batch()
                .producer(7, 0, -1)
                .attributes(0x30) // transactional control batch
                .record(time.milliseconds(), "\0\0\0\1", "\0\0\0\0\0\0")
                .build();
        assertRejected(marker.duplicate(), Errors.INVALID_RECORD);
        assertThat(log.appendAsLeader(marker, 0, AppendOrigin.COORDINATOR).firstOffset())
                .isEqualTo(0);
        assertThat(log.logEndOffset()).isEqualTo(1);
    }
}
