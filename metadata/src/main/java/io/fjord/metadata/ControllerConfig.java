package io.fjord.metadata;

/**
 * The controller's settings: the broker defaults {@code num.partitions} and {@code
 * default.replication.factor} used when a CreateTopics request says -1, and a bound on the records one
 * request may produce (Kafka's controller has the same limit, 10000). Immutable.
 */
public record ControllerConfig(int defaultNumPartitions, int defaultReplicationFactor, int maxRecordsPerRequest) {

    public static final ControllerConfig DEFAULT = new ControllerConfig(1, 1, 10_000);

    public ControllerConfig {
        if (defaultNumPartitions < 1) {
            throw new IllegalArgumentException("num.partitions must be at least 1, got: " + defaultNumPartitions);
        }
        if (defaultReplicationFactor < 1) {
            throw new IllegalArgumentException(
                    "default.replication.factor must be at least 1, got: " + defaultReplicationFactor);
        }
        if (maxRecordsPerRequest < 1) {
            throw new IllegalArgumentException("maxRecordsPerRequest must be at least 1, got: " + maxRecordsPerRequest);
        }
    }
}
