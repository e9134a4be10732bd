package io.fjord.broker.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Errors;
import org.junit.jupiter.api.Test;

/**
 * What a TxnOffsetCommit is told when the transaction coordinator did not verify its partition: the Java producer
 * retries only coordinator errors there and fails for good on anything else, so a coordinator out of reach or busy
 * must come back as one it retries (Kafka's KAFKA-16386).
 */
class TxnOffsetCommitVerificationErrorsTest {

    @Test
    void aTransactionCoordinatorOutOfReachOrBusyIsRetriedWithoutANewGroupCoordinatorLookup() {
        for (Errors error : new Errors[] {
            Errors.NETWORK_EXCEPTION,
            Errors.CONCURRENT_TRANSACTIONS,
            Errors.COORDINATOR_NOT_AVAILABLE,
            Errors.NOT_COORDINATOR
        }) {
            assertThat(GroupHandlers.verificationError(error, (short) 4))
                    .as("%s", error)
                    .isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
        }
        assertThat(GroupHandlers.verificationError(Errors.NOT_ENOUGH_REPLICAS, (short) 4))
                .isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
    }

    @Test
    void aPartitionNotInTheTransactionIsAbortableFromV4AndAnInvalidStateBefore() {
        assertThat(GroupHandlers.verificationError(Errors.TRANSACTION_ABORTABLE, (short) 4))
                .isEqualTo(Errors.TRANSACTION_ABORTABLE);
        assertThat(GroupHandlers.verificationError(Errors.TRANSACTION_ABORTABLE, (short) 3))
                .isEqualTo(Errors.INVALID_TXN_STATE);
        assertThat(GroupHandlers.verificationError(Errors.INVALID_PRODUCER_EPOCH, (short) 4))
                .isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
    }
}
