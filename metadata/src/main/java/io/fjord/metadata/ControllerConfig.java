package io.fjord.metadata;

/**
 * The controller's settings: the broker defaults {@code num.partitions} and {@code
 * default.replication.factor} used when a CreateTopics request says -1, a bound on the records one
 * request may produce (Kafka's controller has the same limit, 10000), the broker default of {@code
 * unclean.leader.election.enable} (a topic's own config, then the cluster-wide dynamic broker config,
 * override it), and the automatic preferred-leader rebalance settings ({@code auto.leader.rebalance.enable},
 * {@code leader.imbalance.check.interval.seconds} in ms, {@code leader.imbalance.per.broker.percentage}).
 * Immutable.
 */
public record ControllerConfig(
        int defaultNumPartitions,
        int defaultReplicationFactor,
        int maxRecordsPerRequest,
        boolean uncleanLeaderElectionEnable,
        boolean autoLeaderRebalanceEnable,
        long leaderImbalanceCheckIntervalMs,
        int leaderImbalancePerBrokerPercentage) {

    public static final ControllerConfig DEFAULT = new ControllerConfig(1, 1, 10_000);

    /** Kafka's defaults for the election settings: no unclean election, rebalance every 300 s above 10%. */
    public ControllerConfig(int defaultNumPartitions, int defaultReplicationFactor, int maxRecordsPerRequest) {
        this(defaultNumPartitions, defaultReplicationFactor, maxRecordsPerRequest, false, true, 300_000L, 10);
    }

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
        if (leaderImbalanceCheckIntervalMs < 1) {
            throw new IllegalArgumentException(
                    "leader.imbalance.check.interval must be positive, got ms: " + leaderImbalanceCheckIntervalMs);
        }
        if (leaderImbalancePerBrokerPercentage < 0 || leaderImbalancePerBrokerPercentage > 100) {
            throw new IllegalArgumentException("leader.imbalance.per.broker.percentage must be in 0..100, got: "
                    + leaderImbalancePerBrokerPercentage);
        }
    }

    /** This config with the broker default of {@code unclean.leader.election.enable}. */
    public ControllerConfig withUncleanLeaderElection(boolean enable) {
        return new ControllerConfig(
                defaultNumPartitions,
                defaultReplicationFactor,
                maxRecordsPerRequest,
                enable,
                autoLeaderRebalanceEnable,
                leaderImbalanceCheckIntervalMs,
                leaderImbalancePerBrokerPercentage);
    }

    /** This config with the automatic preferred-leader rebalance settings. */
    public ControllerConfig withLeaderRebalance(boolean enable, long checkIntervalMs, int perBrokerPercentage) {
        return new ControllerConfig(
                defaultNumPartitions,
                defaultReplicationFactor,
                maxRecordsPerRequest,
                uncleanLeaderElectionEnable,
                enable,
                checkIntervalMs,
                perBrokerPercentage);
    }
}
