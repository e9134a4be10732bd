package io.fjord.broker.handler;

import io.fjord.common.Time;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The broker's incremental fetch sessions (KIP-227), by session id, at most {@code maxSlots} of them
 * ({@code max.incremental.fetch.session.cache.slots}). A new session first evicts the sessions idle for
 * {@code min.incremental.fetch.session.eviction.ms}; when the cache is still full it is refused and the
 * fetch is answered sessionless (session id 0), as Kafka does for a client that may not evict. Ids are
 * positive, unique in the cache and drawn from the given random source.
 *
 * <p>Thread-safe: every method holds the cache's monitor; a session's own state has its own lock.
 */
public final class FetchSessionCache {

    private final int maxSlots;
    private final long evictionMs;
    private final Time time;
    private final RandomGenerator random;
    /** In order of last use, least recent first. */
    private final LinkedHashMap<Integer, FetchSession> sessions = new LinkedHashMap<>(16, 0.75f, true);

    private long opened;

    public FetchSessionCache(int maxSlots, long evictionMs, Time time, RandomGenerator random) {
        this.maxSlots = maxSlots;
        this.evictionMs = evictionMs;
        this.time = time;
        this.random = random;
    }

    /** A new session over these partitions, or null when the cache has no room. */
    synchronized FetchSession create(boolean usesTopicIds, List<FetchHandler.PartitionFetch> fetches) {
        long nowMs = time.milliseconds();
        evictIdle(nowMs);
        if (sessions.size() >= maxSlots) {
            return null;
        }
        int id;
        do {
            id = random.nextInt(1, Integer.MAX_VALUE);
        } while (sessions.containsKey(id));
        FetchSession session = new FetchSession(id, usesTopicIds, fetches, nowMs);
        sessions.put(id, session);
        opened++;
        return session;
    }

    /** The session with this id (now its most recently used), or null. */
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

    private void evictIdle(long nowMs) {
        Iterator<Map.Entry<Integer, FetchSession>> it = sessions.entrySet().iterator();
        while (it.hasNext()) {
            FetchSession session = it.next().getValue();
            if (nowMs - session.lastUsedMs() < evictionMs) {
                // Least recent first, but a session's use time is set after its lookup: check them all.
                continue;
            }
            it.remove();
        }
    }
}
