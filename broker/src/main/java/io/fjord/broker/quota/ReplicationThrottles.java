package io.fjord.broker.quota;

import io.fjord.common.Time;
import io.fjord.common.config.BrokerConfig;
import io.fjord.common.config.ReplicationQuotaConfigs;
import io.fjord.common.config.TopicConfigs;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * This broker's two replication throttles, kept in step with the metadata: the leader side (bytes it
 * serves to followers of throttled partitions) and the follower side (bytes its fetchers append of
 * throttled partitions), each with its rate ({@code leader|follower.replication.throttled.rate}, the
 * broker's own dynamic setting, else the cluster default) and its partitions: the entries of the topic's
 * {@code leader|follower.replication.throttled.replicas} that name this broker, as Kafka reads them (on
 * the leader list {@code partition:broker} names the partition's leader, on the follower list the
 * follower), or every partition for {@code *}.
 *
 * <p>Thread-safe: updated on the metadata thread, read by fetch handlers and replica fetcher threads.
 */
public final class ReplicationThrottles {

    private final int localBrokerId;
    private final ReplicationQuotaManager leader;
    private final ReplicationQuotaManager follower;

    public ReplicationThrottles(int localBrokerId, Time time, int samples, long windowMs) {
        this.localBrokerId = localBrokerId;
        this.leader = new ReplicationQuotaManager("leader", time, samples, windowMs);
        this.follower = new ReplicationQuotaManager("follower", time, samples, windowMs);
    }

    /** With the broker's {@code replication.quota.window.*} settings. */
    public static ReplicationThrottles from(BrokerConfig config, Time time) {
        return new ReplicationThrottles(
                config.nodeId(),
                time,
                config.replicationQuotaWindowNum(),
                config.replicationQuotaWindowSizeSeconds() * 1000L);
    }

    /** Kafka's default windows (11 samples of 1 s), no rate set. */
    public static ReplicationThrottles unlimited(int localBrokerId, Time time) {
        return new ReplicationThrottles(localBrokerId, time, 11, 1000L);
    }

    public ReplicationQuotaManager leader() {
        return leader;
    }

    public ReplicationQuotaManager follower() {
        return follower;
    }

    /** Applies the broker's dynamic settings: its own, then the cluster default ({@code ""}). */
    public void onBrokerConfigs(Map<String, String> own, Map<String, String> clusterDefault) {
        leader.updateQuota(ReplicationQuotaConfigs.effectiveRate(
                ReplicationQuotaConfigs.LEADER_REPLICATION_THROTTLED_RATE, own, clusterDefault));
        follower.updateQuota(ReplicationQuotaConfigs.effectiveRate(
                ReplicationQuotaConfigs.FOLLOWER_REPLICATION_THROTTLED_RATE, own, clusterDefault));
    }

    /** Applies {@code topic}'s effective configs (typed, as {@link TopicConfigs#effectiveValues}). */
    public void onTopicConfigs(String topic, Map<String, Object> effective) {
        apply(leader, topic, effective.get(TopicConfigs.LEADER_REPLICATION_THROTTLED_REPLICAS));
        apply(follower, topic, effective.get(TopicConfigs.FOLLOWER_REPLICATION_THROTTLED_REPLICAS));
    }

    /** Forgets a deleted topic. */
    public void onTopicDeleted(String topic) {
        leader.removeThrottle(topic);
        follower.removeThrottle(topic);
    }

    private void apply(ReplicationQuotaManager quota, String topic, Object value) {
        List<?> entries = value instanceof List<?> list ? list : List.of();
        if (entries.size() == 1 && "*".equals(entries.get(0))) {
            quota.markAllThrottled(topic);
            return;
        }
        quota.markThrottled(topic, partitionsOf(entries, localBrokerId));
    }

    /** The partitions of {@code partition:broker} entries that name {@code brokerId}; bad entries are skipped. */
    static Set<Integer> partitionsOf(List<?> entries, int brokerId) {
        Set<Integer> partitions = new HashSet<>();
        for (Object entry : entries) {
            String text = String.valueOf(entry).trim();
            int colon = text.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            try {
                if (Integer.parseInt(text.substring(colon + 1).trim()) == brokerId) {
                    partitions.add(Integer.parseInt(text.substring(0, colon).trim()));
                }
            } catch (NumberFormatException e) {
                // the controller validates the list; an entry that slipped by throttles nothing
            }
        }
        return partitions;
    }
}
