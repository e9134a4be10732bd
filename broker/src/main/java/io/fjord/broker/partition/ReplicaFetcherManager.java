package io.fjord.broker.partition;

import io.fjord.broker.quota.ReplicationQuotaManager;
import io.fjord.common.Time;
import io.fjord.common.TopicPartition;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The replica fetcher threads of this broker: {@code num.replica.fetchers} per leader broker at most, a
 * partition assigned to one of them by its hash (Kafka's rule), each thread started on its first
 * partition and stopped when it has none left.
 *
 * <p>Thread-safe: every method is synchronized; called from the metadata thread and at shutdown.
 */
final class ReplicaFetcherManager {

    private record FetcherKey(int sourceBrokerId, int fetcherId) {}

    private final int localBrokerId;
    private final ReplicaFetcherSettings settings;
    private final IntFunction<InetSocketAddress> endpoints;
    private final Time time;
    private final ReplicationQuotaManager followerQuota;
    private final Map<FetcherKey, ReplicaFetcherThread> fetchers = new HashMap<>();
    private final Map<TopicPartition, FetcherKey> assigned = new HashMap<>();
    private boolean shutdown;

    ReplicaFetcherManager(
            int localBrokerId,
            ReplicaFetcherSettings settings,
            IntFunction<InetSocketAddress> endpoints,
            Time time,
            ReplicationQuotaManager followerQuota) {
        this.followerQuota = followerQuota;
        this.localBrokerId = localBrokerId;
        this.settings = settings;
        this.endpoints = endpoints;
        this.time = time;
    }

    /** Starts fetching {@code partition} from {@code leaderId} in {@code leaderEpoch}, replacing any earlier fetch. */
    synchronized void addPartition(Partition partition, int leaderId, int leaderEpoch) {
        TopicPartition tp = partition.topicPartition();
        removePartition(tp);
        if (shutdown) {
            return; // the broker is stopping: metadata that still arrives starts no new fetcher
        }
        int fetcherId = Math.floorMod(31 * tp.topic().hashCode() + tp.partition(), settings.numFetchers());
        FetcherKey key = new FetcherKey(leaderId, fetcherId);
        ReplicaFetcherThread fetcher = fetchers.get(key);
        if (fetcher == null) {
            fetcher = new ReplicaFetcherThread(
                    fetcherId, leaderId, localBrokerId, settings, endpoints, time, followerQuota);
            fetchers.put(key, fetcher);
            fetcher.start();
        }
        fetcher.addPartition(partition, leaderEpoch);
        assigned.put(tp, key);
    }

    /** Stops fetching {@code tp}; once this returns no fetcher writes to it. */
    synchronized void removePartition(TopicPartition tp) {
        FetcherKey key = assigned.remove(tp);
        if (key == null) {
            return;
        }
        ReplicaFetcherThread fetcher = fetchers.get(key);
        fetcher.removePartitions(List.of(tp));
        if (fetcher.partitionCount() == 0) {
            fetchers.remove(key);
            fetcher.shutdown();
        }
    }

    /** The partitions being fetched, for tests and diagnostics. */
    synchronized List<TopicPartition> fetchedPartitions() {
        return new ArrayList<>(assigned.keySet());
    }

    synchronized void shutdown() {
        shutdown = true;
        for (Iterator<ReplicaFetcherThread> it = fetchers.values().iterator(); it.hasNext(); ) {
            ReplicaFetcherThread fetcher = it.next();
            it.remove();
            fetcher.shutdown();
        }
        assigned.clear();
    }
}
