package io.fjord.coordinator;

import java.util.List;

/**
 * The group coordinator's settings, with Kafka's broker config names and defaults. Immutable.
 *
 * @param offsetsTopicNumPartitions {@code offsets.topic.num.partitions} (50)
 * @param initialRebalanceDelayMs {@code group.initial.rebalance.delay.ms} (3000): how long a classic group that
 *     was empty waits for more members before its first generation
 * @param minSessionTimeoutMs {@code group.min.session.timeout.ms} (6000)
 * @param maxSessionTimeoutMs {@code group.max.session.timeout.ms} (1800000)
 * @param groupMaxSize {@code group.max.size} (unbounded): members per classic group
 * @param offsetMetadataMaxBytes {@code offset.metadata.max.bytes} (4096)
 * @param offsetsRetentionMs {@code offsets.retention.minutes} (7 days) in milliseconds
 * @param offsetsRetentionCheckIntervalMs {@code offsets.retention.check.interval.ms} (600000)
 * @param consumerSessionTimeoutMs {@code group.consumer.session.timeout.ms} (45000)
 * @param consumerHeartbeatIntervalMs {@code group.consumer.heartbeat.interval.ms} (5000)
 * @param consumerMaxSize {@code group.consumer.max.size} (unbounded)
 * @param consumerAssignors {@code group.consumer.assignors} ("uniform", "range"); the first is the default
 */
public record GroupCoordinatorConfig(
        int offsetsTopicNumPartitions,
        long initialRebalanceDelayMs,
        int minSessionTimeoutMs,
        int maxSessionTimeoutMs,
        int groupMaxSize,
        int offsetMetadataMaxBytes,
        long offsetsRetentionMs,
        long offsetsRetentionCheckIntervalMs,
        int consumerSessionTimeoutMs,
        int consumerHeartbeatIntervalMs,
        int consumerMaxSize,
        List<String> consumerAssignors) {

    public GroupCoordinatorConfig {
        if (offsetsTopicNumPartitions <= 0) {
            throw new IllegalArgumentException(
                    "offsets.topic.num.partitions must be positive: " + offsetsTopicNumPartitions);
        }
        if (consumerAssignors.isEmpty()) {
            throw new IllegalArgumentException("group.consumer.assignors must not be empty");
        }
        for (String name : consumerAssignors) {
            if (!name.equals("uniform") && !name.equals("range")) {
                throw new IllegalArgumentException("unknown group.consumer.assignors entry: " + name);
            }
        }
        consumerAssignors = List.copyOf(consumerAssignors);
    }

    /** Kafka's defaults. */
    public static GroupCoordinatorConfig defaults() {
        return new GroupCoordinatorConfig(
                50,
                3000,
                6000,
                1800000,
                Integer.MAX_VALUE,
                4096,
                7L * 24 * 60 * 60 * 1000,
                600000,
                45000,
                5000,
                Integer.MAX_VALUE,
                List.of("uniform", "range"));
    }

    public GroupCoordinatorConfig withOffsetsTopicNumPartitions(int value) {
        return new GroupCoordinatorConfig(
                value,
                initialRebalanceDelayMs,
                minSessionTimeoutMs,
                maxSessionTimeoutMs,
                groupMaxSize,
                offsetMetadataMaxBytes,
                offsetsRetentionMs,
                offsetsRetentionCheckIntervalMs,
                consumerSessionTimeoutMs,
                consumerHeartbeatIntervalMs,
                consumerMaxSize,
                consumerAssignors);
    }

    public GroupCoordinatorConfig withInitialRebalanceDelayMs(long value) {
        return new GroupCoordinatorConfig(
                offsetsTopicNumPartitions,
                value,
                minSessionTimeoutMs,
                maxSessionTimeoutMs,
                groupMaxSize,
                offsetMetadataMaxBytes,
                offsetsRetentionMs,
                offsetsRetentionCheckIntervalMs,
                consumerSessionTimeoutMs,
                consumerHeartbeatIntervalMs,
                consumerMaxSize,
                consumerAssignors);
    }

    public GroupCoordinatorConfig withGroupMaxSize(int value) {
        return new GroupCoordinatorConfig(
                offsetsTopicNumPartitions,
                initialRebalanceDelayMs,
                minSessionTimeoutMs,
                maxSessionTimeoutMs,
                value,
                offsetMetadataMaxBytes,
                offsetsRetentionMs,
                offsetsRetentionCheckIntervalMs,
                consumerSessionTimeoutMs,
                consumerHeartbeatIntervalMs,
                consumerMaxSize,
                consumerAssignors);
    }

    public GroupCoordinatorConfig withOffsetsRetentionMs(long value) {
        return new GroupCoordinatorConfig(
                offsetsTopicNumPartitions,
                initialRebalanceDelayMs,
                minSessionTimeoutMs,
                maxSessionTimeoutMs,
                groupMaxSize,
                offsetMetadataMaxBytes,
                value,
                offsetsRetentionCheckIntervalMs,
                consumerSessionTimeoutMs,
                consumerHeartbeatIntervalMs,
                consumerMaxSize,
                consumerAssignors);
    }

    public GroupCoordinatorConfig withOffsetsRetentionCheckIntervalMs(long value) {
        return new GroupCoordinatorConfig(
                offsetsTopicNumPartitions,
                initialRebalanceDelayMs,
                minSessionTimeoutMs,
                maxSessionTimeoutMs,
                groupMaxSize,
                offsetMetadataMaxBytes,
                offsetsRetentionMs,
                value,
                consumerSessionTimeoutMs,
                consumerHeartbeatIntervalMs,
                consumerMaxSize,
                consumerAssignors);
    }
}
