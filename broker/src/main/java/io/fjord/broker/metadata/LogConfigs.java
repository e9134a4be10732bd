package io.fjord.broker.metadata;

import io.fjord.common.config.BrokerConfig;
import io.fjord.common.config.ConfigEntry;
import io.fjord.common.config.TopicConfigs;
import io.fjord.metadata.ConfigResource;
import io.fjord.metadata.ConfigResourceType;
import io.fjord.metadata.MetadataImage;
import io.fjord.storage.LogConfig;
import java.util.List;
import java.util.Map;

/**
 * Turns a topic's effective configuration (its own overrides, then this broker's dynamic and static
 * settings, then Kafka's defaults) into the storage layer's {@link LogConfig}. Stateless.
 */
public final class LogConfigs {

    private LogConfigs() {}

    /** The effective typed topic configs of {@code topic} in {@code image}. */
    public static Map<String, Object> effectiveValues(BrokerConfig config, MetadataImage image, String topic) {
        Map<String, String> topicConfigs = image.configs().configs(new ConfigResource(ConfigResourceType.TOPIC, topic));
        return TopicConfigs.effectiveValues(
                topicConfigs, ownDynamicConfigs(config, image), clusterDynamicDefaults(image), config.originals());
    }

    /** Every topic config's effective value with its source and synonyms, for DescribeConfigs. */
    public static List<ConfigEntry> describe(
            BrokerConfig config, MetadataImage image, Map<String, String> topicConfigs) {
        return TopicConfigs.resolveAll(
                topicConfigs, ownDynamicConfigs(config, image), clusterDynamicDefaults(image), config.originals());
    }

    /** This broker's own dynamic settings (broker resource named by its node id). */
    public static Map<String, String> ownDynamicConfigs(BrokerConfig config, MetadataImage image) {
        return image.configs()
                .configs(new ConfigResource(ConfigResourceType.BROKER, Integer.toString(config.nodeId())));
    }

    /** The cluster-wide dynamic defaults (broker resource ""). */
    public static Map<String, String> clusterDynamicDefaults(MetadataImage image) {
        return image.configs().configs(new ConfigResource(ConfigResourceType.BROKER, ""));
    }

    /** The broker-wide defaults, for logs whose topic is not (yet) known. */
    public static LogConfig defaults(BrokerConfig config) {
        return fromEffective(config.topicDefaults());
    }

    static LogConfig fromEffective(Map<String, Object> v) {
        @SuppressWarnings("unchecked")
        List<String> cleanup = (List<String>) v.get(TopicConfigs.CLEANUP_POLICY);
        return LogConfig.builder()
                .segmentBytes(intValue(v, TopicConfigs.SEGMENT_BYTES))
                .segmentMs(longValue(v, TopicConfigs.SEGMENT_MS))
                .retentionMs(longValue(v, TopicConfigs.RETENTION_MS))
                .retentionBytes(longValue(v, TopicConfigs.RETENTION_BYTES))
                .maxMessageBytes(intValue(v, TopicConfigs.MAX_MESSAGE_BYTES))
                .indexIntervalBytes(intValue(v, TopicConfigs.INDEX_INTERVAL_BYTES))
                .segmentIndexBytes(intValue(v, TopicConfigs.SEGMENT_INDEX_BYTES))
                .flushMessages(longValue(v, TopicConfigs.FLUSH_MESSAGES))
                .flushMs(longValue(v, TopicConfigs.FLUSH_MS))
                .cleanupPolicy(cleanup == null ? "delete" : String.join(",", cleanup))
                .messageTimestampType((String) v.get(TopicConfigs.MESSAGE_TIMESTAMP_TYPE))
                .messageTimestampBeforeMaxMs(longValue(v, TopicConfigs.MESSAGE_TIMESTAMP_BEFORE_MAX_MS))
                .messageTimestampAfterMaxMs(longValue(v, TopicConfigs.MESSAGE_TIMESTAMP_AFTER_MAX_MS))
                .compressionType((String) v.get(TopicConfigs.COMPRESSION_TYPE))
                .fileDeleteDelayMs(longValue(v, TopicConfigs.FILE_DELETE_DELAY_MS))
                .minCleanableDirtyRatio(((Number) v.get(TopicConfigs.MIN_CLEANABLE_DIRTY_RATIO)).doubleValue())
                .deleteRetentionMs(longValue(v, TopicConfigs.DELETE_RETENTION_MS))
                .minCompactionLagMs(longValue(v, TopicConfigs.MIN_COMPACTION_LAG_MS))
                .maxCompactionLagMs(longValue(v, TopicConfigs.MAX_COMPACTION_LAG_MS))
                .build();
    }

    public static int minInsyncReplicas(Map<String, Object> effective) {
        return intValue(effective, TopicConfigs.MIN_IN_SYNC_REPLICAS);
    }

    private static int intValue(Map<String, Object> v, String name) {
        return ((Number) v.get(name)).intValue();
    }

    private static long longValue(Map<String, Object> v, String name) {
        return ((Number) v.get(name)).longValue();
    }
}
