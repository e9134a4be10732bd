package io.fjord.common;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A token of one transaction verification (KIP-890 part 1), as Kafka's {@code VerificationGuard}: a partition
 * leader places a new guard in a producer's state when it starts asking the transaction coordinator whether the
 * partition is in the producer's ongoing transaction, and the append that follows a positive answer goes through
 * only if the guard it carries is still the one placed. A transactional batch or marker written in between clears
 * the guard, so an answer that arrives after the transaction ended (the ABA case: verified, aborted, a new
 * transaction that never added the partition) cannot start a transaction the coordinator does not know of.
 *
 * <p>{@link #NONE} is carried by appends that expect the producer's transaction to be ongoing already; it
 * verifies nothing. Guards compare by identity. Immutable and thread-safe.
 */
public final class VerificationGuard {

    /** Carried by an append that started no verification; never verifies anything. */
    public static final VerificationGuard NONE = new VerificationGuard(0);

    private static final AtomicLong NEXT_ID = new AtomicLong();

    private final long id;

    private VerificationGuard(long id) {
        this.id = id;
    }

    /** A guard unlike every other. */
    public static VerificationGuard create() {
        return new VerificationGuard(NEXT_ID.incrementAndGet());
    }

    /** Whether an append carrying {@code carried} may start a transaction this guard was placed for. */
    public boolean verifies(VerificationGuard carried) {
        return this != NONE && carried == this;
    }

    @Override
    public String toString() {
        return "VerificationGuard(" + id + ")";
    }
}
