package io.fjord.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.VerificationGuard;
import io.fjord.testkit.MockTime;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transaction verification on the partition side (KIP-890 part 1): the guard a leader places before it asks the
 * transaction coordinator, and the append that must still find it.
 */
class TransactionVerificationLogTest {

    private static final long PID = 7;

    @TempDir
    Path tmp;

    private final MockTime time = new MockTime();
    private UnifiedLog log;

    @AfterEach
    void closeLog() {
        if (log != null) {
            log.close();
        }
    }

    private UnifiedLog open(String dirName, boolean cleanShutdown) {
        return UnifiedLog.open(
                tmp.resolve(dirName),
                TransactionalLogTest.config(),
                time,
                null,
                cleanShutdown,
                new UnifiedLog.LogCheckpoints(0, 0, 0));
    }

    private ByteBuffer txnBatch(long pid, int epoch, int seq, int records) {
        TestBatches b = TestBatches.batch().producer(pid, epoch, seq).attributes(TransactionalLogTest.TRANSACTIONAL);
        for (int i = 0; i < records; i++) {
            b.record(time.milliseconds(), "k", "v" + (seq + i));
        }
        return b.build();
    }

    private void appendPlain(int records) {
        log.appendAsLeader(TestBatches.simple(records, time.milliseconds()), 0);
    }

    private void marker(long pid, int epoch, boolean commit) {
        log.appendEndTxnMarkerAsLeader(pid, (short) epoch, 0, commit, 0);
    }

    private void commitAll() {
        log.updateHighWatermark(log.logEndOffset());
    }

    private static void assertError(Runnable call, Errors error) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.error())
                .isEqualTo(error));
    }

    private long appendVerified(ByteBuffer batch, VerificationGuard guard) {
        return log.appendAsLeader(batch, 0, AppendOrigin.CLIENT, guard).firstOffset();
    }

    @Test
    void theFirstBatchOfATransactionNeedsTheGuardPlacedForItsProducer() {
        log = open("t-0", false);
        VerificationGuard guard = log.maybeStartTransactionVerification(PID, 0, (short) 0);
        assertThat(guard).isNotSameAs(VerificationGuard.NONE);

        assertError(() -> appendVerified(txnBatch(PID, 0, 0, 1), VerificationGuard.NONE), Errors.INVALID_TXN_STATE);
        assertError(() -> appendVerified(txnBatch(PID, 0, 0, 1), VerificationGuard.create()), Errors.INVALID_TXN_STATE);
        assertThat(log.logEndOffset()).isZero();

        assertThat(appendVerified(txnBatch(PID, 0, 0, 2), guard)).isZero();
        assertThat(log.producerState().verificationGuard(PID))
                .as("the transaction is ongoing: the guard is cleared")
                .isSameAs(VerificationGuard.NONE);
        assertThat(log.maybeStartTransactionVerification(PID, 2, (short) 0))
                .as("a later batch of the ongoing transaction needs no verification")
                .isSameAs(VerificationGuard.NONE);
        assertThat(appendVerified(txnBatch(PID, 0, 2, 1), VerificationGuard.NONE))
                .isEqualTo(2);
    }

    @Test
    void aMarkerWrittenWhileTheCoordinatorIsAskedMakesTheLateAppendFail() {
        log = open("t-0", false);
        appendPlain(1);
        VerificationGuard guard = log.maybeStartTransactionVerification(PID, 0, (short) 0);
        // Meanwhile the transaction is aborted: the coordinator's marker reaches the partition first.
        marker(PID, 0, false);
        commitAll();
        long endBefore = log.logEndOffset();

        assertError(() -> appendVerified(txnBatch(PID, 0, 0, 1), guard), Errors.INVALID_TXN_STATE);
        assertThat(log.logEndOffset()).isEqualTo(endBefore);
        assertThat(log.lastStableOffset()).as("no transaction hangs").isEqualTo(endBefore);
    }

    @Test
    void aGuardOfAnEndedVerificationDoesNotVerifyTheNextOne() {
        log = open("t-0", false);
        VerificationGuard stale = log.maybeStartTransactionVerification(PID, 0, (short) 0);
        marker(PID, 0, false);
        VerificationGuard fresh = log.maybeStartTransactionVerification(PID, 0, (short) 0);
        assertThat(fresh).isNotSameAs(stale);

        assertError(() -> appendVerified(txnBatch(PID, 0, 0, 1), stale), Errors.INVALID_TXN_STATE);
        assertThat(appendVerified(txnBatch(PID, 0, 0, 1), fresh)).isEqualTo(1);
    }

    @Test
    void batchesWaitingOnOneVerificationShareItsGuardAndOnlyTheLowestSequenceStartsTheTransaction() {
        log = open("t-0", false);
        VerificationGuard first = log.maybeStartTransactionVerification(PID, 0, (short) 0);
        VerificationGuard second = log.maybeStartTransactionVerification(PID, 2, (short) 0);
        assertThat(second).isSameAs(first);

        assertError(() -> appendVerified(txnBatch(PID, 0, 2, 1), second), Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
        assertThat(appendVerified(txnBatch(PID, 0, 0, 2), first)).isZero();
        assertThat(appendVerified(txnBatch(PID, 0, 2, 1), second)).isEqualTo(2);
    }

    @Test
    void aRetriedBatchIsStillAnsweredWithItsOffsetsAfterTheTransactionEnded() {
        log = open("t-0", false);
        VerificationGuard guard = log.maybeStartTransactionVerification(PID, 0, (short) 0);
        assertThat(appendVerified(txnBatch(PID, 0, 0, 2), guard)).isZero();
        marker(PID, 0, true);

        assertThat(appendVerified(txnBatch(PID, 0, 0, 2), VerificationGuard.NONE))
                .as("a duplicate appends nothing")
                .isZero();
        assertThat(log.logEndOffset()).isEqualTo(3);
    }

    @Test
    void withoutAGuardArgumentNothingIsVerified() {
        log = open("t-0", false);
        assertThat(log.appendAsLeader(txnBatch(PID, 0, 0, 1), 0).firstOffset()).isZero();
    }

    @Test
    void aVerificationLeftUnansweredExpiresWithTheIdleProducers() {
        log = open("t-0", false);
        log.maybeStartTransactionVerification(PID, 0, (short) 0);
        time.sleep(1_000);
        log.removeExpiredProducers(1_000);
        assertThat(log.producerState().verificationGuard(PID)).isSameAs(VerificationGuard.NONE);
    }
}
