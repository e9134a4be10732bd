package io.fjord.broker.handler;

import io.fjord.common.Time;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The broker's incremental fetch sessions (KIP-227), by session id, at most {@code maxSlots} of them
 * ({@code max.incremental.fetch.session.cache.slots}). When the cache is full a new session may evict one, by
 * Kafka's rules (its FetchSessionCache.tryEvict): the least recently used session if it has been idle for more than
 * {@code min.incremental.fetch.session.eviction.ms}; else the least valuable of those it may evict, if the new one is
 * worth more. Value orders a replica's (privileged) session above a consumer's, then by partition count;
 * a consumer's new session may evict only sessions older than the eviction time, a replica's any consumer's session
 * too. Otherwise the fetch is answered sessionless (session id 0), as Kafka does. Ids are positive, unique in the
 * cache and drawn from the given random source.
 *
 * <p>Thread-safe: every method holds the cache's monitor; a session's own state has its own lock.
 */
public final class FetchSessionCache {

    private final int maxSlots;
    private final long evictionMs;
    private final Time time;
    private final RandomGenerator random;
    private final Map<Integer, FetchSession> sessions = new HashMap<>();

    private long opened;

    public FetchSessionCache(int maxSlots, long evictionMs, Time time, RandomGenerator random) {
        this.maxSlots = maxSlots;
        this.evictionMs = evictionMs;
        this.time = time;
        this.random = random;
    }

    /**
     * A new session over these partitions, for a replica's fetch when {@code privileged}, or null when the cache is
     * full and evicts none for it.
     */
    synchronized FetchSession create(
            boolean privileged, boolean usesTopicIds, List<FetchHandler.PartitionFetch> fetches) {
        long nowMs = time.milliseconds();
        if (sessions.size() >= maxSlots && !tryEvict(privileged, fetches.size(), nowMs)) {
            return null;
        }
        int id;
        do {
            id = random.nextInt(1, Integer.MAX_VALUE);
        } while (sessions.containsKey(id));
        FetchSession session = new FetchSession(id, privileged, usesTopicIds, fetches, nowMs);
        sessions.put(id, session);
        opened++;
        return session;
    }

    /** The session with this id, or null. */
    synchronized FetchSession get(int sessionId) {
        return sessions.get(sessionId);
    }

    synchronized void remove(int sessionId) {
        sessions.remove(sessionId);
    }

    /** The sessions held now. */
    public synchronized int size() {
        return sessions.size();
    }

    /** The sessions opened since start. */
    public synchronized long opened() {
        return opened;
    }

    /** Evicts one session for a new one of {@code size} partitions, by the rules above; returns whether it did. */
    private boolean tryEvict(boolean privileged, int size, long nowMs) {
        FetchSession leastRecent = null;
        long leastRecentMs = Long.MAX_VALUE;
        FetchSession leastValuable = null;
        int leastValuableSize = 0;
        for (FetchSession session : sessions.values()) {
            long lastUsedMs = session.lastUsedMs();
            if (lastUsedMs < leastRecentMs || (lastUsedMs == leastRecentMs && session.id() < leastRecent.id())) {
                leastRecent = session;
                leastRecentMs = lastUsedMs;
            }
            boolean old = nowMs - session.createdMs() > evictionMs;
            if (!(old || (privileged && !session.privileged()))) {
                continue;
            }
            int sessionSize = session.size();
            if (leastValuable == null
                    || compareValue(session.privileged(), sessionSize, session.id(), leastValuable, leastValuableSize)
                            < 0) {
                leastValuable = session;
                leastValuableSize = sessionSize;
            }
        }
        if (leastRecent == null) {
            return false;
        }
        if (nowMs - leastRecentMs > evictionMs) {
            sessions.remove(leastRecent.id());
            return true;
        }
        if (leastValuable == null || compareValue(privileged, size, 0, leastValuable, leastValuableSize) < 0) {
            return false;
        }
        sessions.remove(leastValuable.id());
        return true;
    }

    /** Kafka's EvictableKey order: privileged above not, then more partitions above fewer, then by id. */
    private static int compareValue(boolean privileged, int size, int id, FetchSession other, int otherSize) {
        int byPrivilege = Boolean.compare(privileged, other.privileged());
        if (byPrivilege != 0) {
            return byPrivilege;
        }
        int bySize = Integer.compare(size, otherSize);
        return bySize != 0 ? bySize : Integer.compare(id, other.id());
    }
}
