package io.fjord.common.config;

import static io.fjord.common.config.ConfigDef.Importance.MEDIUM;
import static io.fjord.common.config.ConfigDef.Range.atLeast;
import static io.fjord.common.config.ConfigDef.Type.LONG;

import java.util.List;
import java.util.Map;

/**
 * The replication throttle's rates, which Kafka defines only as dynamic broker configurations (set per
 * broker or as the cluster default {@code ""} through IncrementalAlterConfigs, never in
 * server.properties): {@code leader.replication.throttled.rate} bounds the bytes per second a leader
 * serves to followers of its throttled partitions, {@code follower.replication.throttled.rate} the bytes
 * per second a follower appends of its throttled partitions. Which partitions are throttled is the topic
 * configs {@code leader.replication.throttled.replicas} and {@code follower.replication.throttled.replicas}
 * ({@link TopicConfigs}). Stateless; safe from any thread.
 */
public final class ReplicationQuotaConfigs {

    public static final String LEADER_REPLICATION_THROTTLED_RATE = "leader.replication.throttled.rate";
    public static final String FOLLOWER_REPLICATION_THROTTLED_RATE = "follower.replication.throttled.rate";

    /** No throttle: Kafka's default rate. */
    public static final long UNLIMITED_BYTES_PER_SECOND = Long.MAX_VALUE;

    private static final ConfigDef DEF = new ConfigDef()
            .define(
                    LEADER_REPLICATION_THROTTLED_RATE,
                    LONG,
                    Long.toString(UNLIMITED_BYTES_PER_SECOND),
                    atLeast(0),
                    MEDIUM,
                    "Bytes per second a leader sends to the followers of its throttled replicas "
                            + "(leader.replication.throttled.replicas).")
            .define(
                    FOLLOWER_REPLICATION_THROTTLED_RATE,
                    LONG,
                    Long.toString(UNLIMITED_BYTES_PER_SECOND),
                    atLeast(0),
                    MEDIUM,
                    "Bytes per second a follower fetches of its throttled replicas "
                            + "(follower.replication.throttled.replicas).");

    private ReplicationQuotaConfigs() {}

    /** The definitions of the throttle rates. */
    public static ConfigDef definition() {
        return DEF;
    }

    /** True when {@code name} is one of the throttle rates. */
    public static boolean isKnown(String name) {
        return DEF.key(name) != null;
    }

    /**
     * The rate {@code name} in effect on a broker: its own dynamic setting, else the cluster default, else
     * unlimited. The values were validated by the controller; one that does not parse counts as unset.
     */
    public static long effectiveRate(String name, Map<String, String> own, Map<String, String> clusterDefault) {
        for (Map<String, String> source : List.of(own, clusterDefault)) {
            String raw = source.get(name);
            if (raw == null) {
                continue;
            }
            try {
                return (Long) DEF.key(name).parse(raw);
            } catch (ConfigException e) {
                // a value the controller accepted before the validator knew this key: fall through
            }
        }
        return UNLIMITED_BYTES_PER_SECOND;
    }
}
