package io.fjord.broker.quota;

import io.fjord.common.Time;
import io.fjord.common.TopicPartition;
import io.fjord.common.config.ReplicationQuotaConfigs;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One side of the replication throttle (Kafka's ReplicationQuotaManager): the partitions it throttles,
 * per topic (all of a topic's, or a set), and the byte rate of their replication traffic measured over
 * {@code replication.quota.window.num} samples of {@code replication.quota.window.size.seconds}, against
 * a bound in bytes per second (unlimited until a rate is configured). The quota is exceeded while the
 * measured rate is above the bound; recording never blocks, so a fetch already under way may overshoot,
 * and later fetches wait until the rate falls back.
 *
 * <p>Thread-safe: the metadata thread updates the bound and the throttled partitions; fetch handlers and
 * replica fetcher threads test and record. The rate is guarded by this object's monitor, held only for
 * the arithmetic; the throttled-partition lookup takes no lock.
 */
public final class ReplicationQuotaManager {

    private static final Set<Integer> ALL_PARTITIONS = Set.of(-1);

    private final String name;
    private final Time time;
    private final SampledRate rate;
    private final Map<String, Set<Integer>> throttled = new ConcurrentHashMap<>();
    private volatile long boundBytesPerSecond = ReplicationQuotaConfigs.UNLIMITED_BYTES_PER_SECOND;

    /**
     * @param name for logs and messages ({@code leader} or {@code follower})
     * @param samples the samples the rate keeps
     * @param windowMs the length of one sample
     */
    public ReplicationQuotaManager(String name, Time time, int samples, long windowMs) {
        this.name = name;
        this.time = time;
        this.rate = new SampledRate(samples, windowMs);
    }

    /** Sets the bound, in bytes per second; {@link ReplicationQuotaConfigs#UNLIMITED_BYTES_PER_SECOND} for none. */
    public void updateQuota(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException(name + " replication rate must be >= 0, got " + bytesPerSecond);
        }
        boundBytesPerSecond = bytesPerSecond;
    }

    public long quotaBytesPerSecond() {
        return boundBytesPerSecond;
    }

    /** Whether the measured rate is above the bound now. */
    public boolean isQuotaExceeded() {
        long bound = boundBytesPerSecond;
        if (bound == ReplicationQuotaConfigs.UNLIMITED_BYTES_PER_SECOND) {
            return false;
        }
        return measuredBytesPerSecond() > bound;
    }

    /** The measured rate now, in bytes per second. */
    public synchronized double measuredBytesPerSecond() {
        return rate.perSecond(time.milliseconds());
    }

    /** Counts {@code bytes} of throttled replication traffic, even beyond the bound. */
    public synchronized void record(long bytes) {
        rate.record(bytes, time.milliseconds());
    }

    /** Whether this side throttles {@code tp}. */
    public boolean isThrottled(TopicPartition tp) {
        Set<Integer> partitions = throttled.get(tp.topic());
        return partitions != null && (partitions == ALL_PARTITIONS || partitions.contains(tp.partition()));
    }

    /** Throttles these partitions of {@code topic} (replacing what was throttled of it before). */
    public void markThrottled(String topic, Set<Integer> partitions) {
        if (partitions.isEmpty()) {
            throttled.remove(topic);
        } else {
            throttled.put(topic, Set.copyOf(partitions));
        }
    }

    /** Throttles every partition of {@code topic}. */
    public void markAllThrottled(String topic) {
        throttled.put(topic, ALL_PARTITIONS);
    }

    public void removeThrottle(String topic) {
        throttled.remove(topic);
    }

    @Override
    public String toString() {
        return "ReplicationQuotaManager[" + name + ", bound=" + boundBytesPerSecond + " B/s, throttled=" + throttled
                + "]";
    }
}
