package io.fjord.storage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tells, for batches walked in offset order, which data batches belong to an aborted transaction: a
 * transactional batch of producer P lies in an aborted transaction of P when that transaction starts at
 * or before the batch and its ABORT marker comes after it. The log cleaner leaves such batches out of its
 * key map and drops their records, as Kafka's cleaner does, so an aborted value never shadows a committed
 * one.
 *
 * <p>Not thread-safe: one walk of one cleaner.
 */
final class AbortedBatches {

    private final List<AbortedTxn> byFirstOffset;
    /** Producer id to the marker offset of its aborted transaction that started last. */
    private final Map<Long, Long> started = new HashMap<>();

    private int next;

    /** {@code aborted}: the aborted transactions overlapping the range to be walked, in any order. */
    AbortedBatches(List<AbortedTxn> aborted) {
        this.byFirstOffset = new ArrayList<>(aborted);
        byFirstOffset.sort(Comparator.comparingLong(AbortedTxn::firstOffset));
    }

    /** Whether {@code batch}, the next in offset order, is a data batch of an aborted transaction. */
    boolean isAborted(FileBatchCursor batch) {
        long base = batch.baseOffset();
        while (next < byFirstOffset.size() && byFirstOffset.get(next).firstOffset() <= base) {
            AbortedTxn txn = byFirstOffset.get(next++);
            started.put(txn.producerId(), txn.lastOffset());
        }
        if (!batch.isTransactional() || batch.isControl()) {
            return false;
        }
        Long marker = started.get(batch.producerId());
        return marker != null && marker > base;
    }
}
