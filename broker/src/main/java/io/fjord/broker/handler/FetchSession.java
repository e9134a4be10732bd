package io.fjord.broker.handler;

import io.fjord.common.Uuid;
import io.fjord.protocol.message.FetchResponse;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * One incremental fetch session (KIP-227): its partitions with the fetch state the client last sent, the
 * high watermark, last stable offset and log start offset last sent back for each, and the epoch the
 * next incremental request must carry. A partition is answered when it has records, an error, a diverging
 * epoch or a preferred replica, when any of those sent offsets changed, or when the client added it. A new
 * fetch offset alone is no news, as in Kafka: a consumer that read a partition's records moves its offset
 * past them, and the Java client treats a partition it did not expect in a response (one in flight when it
 * closes the session) as an invalid response. Partitions that returned records move to the end of the
 * iteration order so the others get the response bytes first next time (Kafka's round robin).
 *
 * <p>Thread-safe: every method holds the session's monitor, so pipelined requests of its connection
 * apply one after another.
 */
final class FetchSession {

    /** A session partition: by topic id (v13+, {@code topic} null) or by name ({@code topicId} zero). */
    record Key(Uuid topicId, String topic, int partition) {}

    private static final class Cached {
        FetchHandler.PartitionFetch fetch;
        /** -1 until first sent: a read always has a high watermark of 0 or more, so a new partition is news. */
        long sentHighWatermark = -1L;

        long sentLastStableOffset = -1L;
        long sentLogStartOffset = -1L;

        Cached(FetchHandler.PartitionFetch fetch) {
            this.fetch = fetch;
        }

        /** Records what the response says of this partition; whether the response must carry it. */
        boolean record(FetchResponse.PartitionData data) {
            boolean respond = false;
            if (data.records() != null && data.records().sizeInBytes() > 0) {
                respond = true;
            }
            if (data.highWatermark() != sentHighWatermark) {
                respond = true;
                sentHighWatermark = data.highWatermark();
            }
            if (data.lastStableOffset() != sentLastStableOffset) {
                respond = true;
                sentLastStableOffset = data.lastStableOffset();
            }
            if (data.logStartOffset() != sentLogStartOffset) {
                respond = true;
                sentLogStartOffset = data.logStartOffset();
            }
            if (data.errorCode() != 0) {
                respond = true;
                sentHighWatermark = -1L; // the recovery is news too
            }
            if (data.preferredReadReplica() >= 0
                    || (data.divergingEpoch() != null && data.divergingEpoch().epoch() >= 0)) {
                respond = true;
            }
            return respond;
        }
    }

    private final int id;
    private final boolean privileged;
    private final boolean usesTopicIds;
    private final long createdMs;
    private final LinkedHashMap<Key, Cached> partitions = new LinkedHashMap<>();
    private int nextEpoch = 1;
    private long lastUsedMs;

    /** @param privileged whether a replica's fetch opened it (it then outranks consumers' sessions in the cache) */
    FetchSession(
            int id, boolean privileged, boolean usesTopicIds, List<FetchHandler.PartitionFetch> fetches, long nowMs) {
        this.id = id;
        this.privileged = privileged;
        this.usesTopicIds = usesTopicIds;
        this.createdMs = nowMs;
        this.lastUsedMs = nowMs;
        for (FetchHandler.PartitionFetch fetch : fetches) {
            partitions.put(keyOf(fetch), new Cached(fetch));
        }
    }

    int id() {
        return id;
    }

    boolean privileged() {
        return privileged;
    }

    boolean usesTopicIds() {
        return usesTopicIds;
    }

    long createdMs() {
        return createdMs;
    }

    synchronized long lastUsedMs() {
        return lastUsedMs;
    }

    synchronized int size() {
        return partitions.size();
    }

    /** The key of a partition in a session of this kind. */
    Key keyOf(FetchHandler.PartitionFetch fetch) {
        return usesTopicIds
                ? new Key(fetch.topicId(), null, fetch.partition())
                : new Key(Uuid.ZERO, fetch.topic(), fetch.partition());
    }

    /**
     * Applies an incremental request: checks its epoch, adds or alters the partitions it names, drops the
     * forgotten ones. Returns every partition of the session in fetch order, or null when the epoch is
     * not the expected one (the session is then unchanged).
     */
    synchronized List<FetchHandler.PartitionFetch> update(
            int epoch, List<FetchHandler.PartitionFetch> changed, Collection<Key> forgotten, long nowMs) {
        if (epoch != nextEpoch) {
            return null;
        }
        nextEpoch = nextEpoch == Integer.MAX_VALUE ? 1 : nextEpoch + 1;
        lastUsedMs = nowMs;
        for (FetchHandler.PartitionFetch fetch : changed) {
            Key key = keyOf(fetch);
            Cached cached = partitions.get(key);
            if (cached == null) {
                partitions.put(key, new Cached(fetch));
            } else {
                cached.fetch = fetch;
            }
        }
        for (Key key : forgotten) {
            partitions.remove(key);
        }
        List<FetchHandler.PartitionFetch> all = new ArrayList<>(partitions.size());
        for (Cached cached : partitions.values()) {
            all.add(cached.fetch);
        }
        return all;
    }

    /**
     * Records a read of {@code fetches} (answered by {@code data}, index by index) as sent, and says which
     * partitions the response carries: all of them for a full response, else only the changed ones.
     */
    synchronized boolean[] select(
            List<FetchHandler.PartitionFetch> fetches, List<FetchResponse.PartitionData> data, boolean full) {
        boolean[] included = new boolean[fetches.size()];
        List<Key> served = new ArrayList<>();
        for (int i = 0; i < fetches.size(); i++) {
            Key key = keyOf(fetches.get(i));
            Cached cached = partitions.get(key);
            FetchResponse.PartitionData partition = data.get(i);
            included[i] = (cached != null && cached.record(partition)) || full;
            if (cached != null
                    && partition.records() != null
                    && partition.records().sizeInBytes() > 0) {
                served.add(key);
            }
        }
        for (Key key : served) {
            partitions.put(key, partitions.remove(key));
        }
        return included;
    }
}
