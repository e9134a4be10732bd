package io.fjord.storage;

import java.util.HashSet;
import java.util.Set;

/**
 * What one cleaning pass knows of the transactions in the log it rewrites, as Kafka's {@code
 * CleanedTransactionMetadata}: walking every batch from the log start in offset order, it remembers which
 * producers' current transactions still have a data batch in the cleaned log (kept whole, rebuilt, or kept
 * empty for the producer's sequence or the segment's end). A producer has at most one transaction open, and
 * its marker follows all of its data, so at the marker this says whether the transaction left anything
 * behind. A marker whose transaction left nothing may go once its delete horizon has passed ({@link
 * BatchFilter#filterMarker}); one whose transaction left a batch must stay, or a replay of the log (recovery,
 * a new replica) would see that batch open a transaction that never ends and hold the last stable offset
 * there. The cleaner stops at the last stable offset, so every marker it meets ends a transaction whose
 * batches it has already walked.
 *
 * <p>Not thread-safe: one pass of one cleaner. It must see every batch of the pass, in offset order.
 */
final class CleanedTransactions {

    private final Set<Long> producersWithRetainedData = new HashSet<>();

    /** A data batch was walked; {@code retained}: whether the cleaned log holds it, even empty. */
    void onDataBatch(FileBatchCursor batch, boolean retained) {
        if (retained && batch.isTransactional()) {
            producersWithRetainedData.add(batch.producerId());
        }
    }

    /**
     * The control batch {@code marker} was walked: it ends its producer's transaction. Returns whether a
     * data batch of that transaction is in the cleaned log.
     */
    boolean onMarker(FileBatchCursor marker) {
        return producersWithRetainedData.remove(marker.producerId());
    }
}
