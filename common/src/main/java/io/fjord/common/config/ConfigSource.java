package io.fjord.common.config;

/**
 * Where the effective value of a configuration came from, as DescribeConfigs reports it (v1+). The ids
 * are the wire values of {@code DescribeConfigsResponse ... ConfigSource}.
 */
public enum ConfigSource {
    UNKNOWN(0),
    /** Set on the topic itself (CreateTopics or IncrementalAlterConfigs). */
    DYNAMIC_TOPIC_CONFIG(1),
    /** Set dynamically for this broker. */
    DYNAMIC_BROKER_CONFIG(2),
    /** Set dynamically as the cluster-wide broker default. */
    DYNAMIC_DEFAULT_BROKER_CONFIG(3),
    /** Set in the broker's properties file or a command-line override. */
    STATIC_BROKER_CONFIG(4),
    /** Nobody set it: Kafka's default. */
    DEFAULT_CONFIG(5),
    DYNAMIC_BROKER_LOGGER_CONFIG(6);

    private final byte id;

    ConfigSource(int id) {
        this.id = (byte) id;
    }

    /** The wire id (int8). */
    public byte id() {
        return id;
    }
}
