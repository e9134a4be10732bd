package io.fjord.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicConfigsTest {

    @Test
    void knowsEveryKafkaTopicKeyWithKafkasDefaults() {
        Map<String, Object> defaults = TopicConfigs.effectiveValues(Map.of(), Map.of(), Map.of());
        assertThat(defaults)
                .containsEntry("cleanup.policy", List.of("delete"))
                .containsEntry("compression.type", "producer")
                .containsEntry("delete.retention.ms", 86_400_000L)
                .containsEntry("file.delete.delay.ms", 60_000L)
                .containsEntry("flush.messages", Long.MAX_VALUE)
                .containsEntry("flush.ms", Long.MAX_VALUE)
                .containsEntry("index.interval.bytes", 4096)
                .containsEntry("max.compaction.lag.ms", Long.MAX_VALUE)
                .containsEntry("max.message.bytes", 1_048_588)
                .containsEntry("message.timestamp.type", "CreateTime")
                .containsEntry("message.timestamp.before.max.ms", Long.MAX_VALUE)
                .containsEntry("message.timestamp.after.max.ms", 3_600_000L)
                .containsEntry("min.cleanable.dirty.ratio", 0.5)
                .containsEntry("min.compaction.lag.ms", 0L)
                .containsEntry("min.insync.replicas", 1)
                .containsEntry("preallocate", false)
                .containsEntry("retention.bytes", -1L)
                .containsEntry("retention.ms", 604_800_000L)
                .containsEntry("segment.bytes", 1_073_741_824)
                .containsEntry("segment.index.bytes", 10_485_760)
                .containsEntry("segment.jitter.ms", 0L)
                .containsEntry("segment.ms", 604_800_000L)
                .containsEntry("unclean.leader.election.enable", false)
                .containsEntry("compression.gzip.level", -1)
                .containsEntry("compression.lz4.level", 9)
                .containsEntry("compression.zstd.level", 3);
        assertThat(TopicConfigs.names()).doesNotContain("message.downconversion.enable", "message.format.version");
    }

    @Test
    void validateNamesTheKeyAndTheReason() {
        assertThat(TopicConfigs.validate("retention.ms", "-1")).isEmpty();
        assertThat(TopicConfigs.validate("retention.ms", "-2"))
                .contains("Invalid value -2 for configuration retention.ms: Value must be at least -1");
        assertThat(TopicConfigs.validate("segment.bytes", "1000"))
                .contains("Invalid value 1000 for configuration segment.bytes: Value must be at least 1048576");
        assertThat(TopicConfigs.validate("cleanup.policy", "compact,delete")).isEmpty();
        assertThat(TopicConfigs.validate("cleanup.policy", "forever"))
                .contains(
                        "Invalid value forever for configuration cleanup.policy: String must be one of: compact, delete");
        assertThat(TopicConfigs.validate("compression.type", "uncompressed")).isEmpty();
        assertThat(TopicConfigs.validate("compression.type", "brotli"))
                .get()
                .asString()
                .startsWith(
                        "Invalid value brotli for configuration compression.type: String must be one of: uncompressed");
        assertThat(TopicConfigs.validate("message.timestamp.type", "logappendtime"))
                .isPresent();
        assertThat(TopicConfigs.validate("min.cleanable.dirty.ratio", "1.1")).isPresent();
        assertThat(TopicConfigs.validate("min.insync.replicas", "0")).isPresent();
        assertThat(TopicConfigs.validate("preallocate", "maybe")).isPresent();
        assertThat(TopicConfigs.validate("max.message.bytes", "x"))
                .contains("Invalid value x for configuration max.message.bytes: Not a number of type INT");
        assertThat(TopicConfigs.validate("retention.hours", "1"))
                .contains("Unknown topic config name: retention.hours");
    }

    @Test
    void compressionLevelsFollowEachCodecsRange() {
        assertThat(TopicConfigs.validate("compression.gzip.level", "-1")).isEmpty();
        assertThat(TopicConfigs.validate("compression.gzip.level", "0")).isPresent();
        assertThat(TopicConfigs.validate("compression.gzip.level", "10")).isPresent();
        assertThat(TopicConfigs.validate("compression.lz4.level", "18")).isPresent();
        assertThat(TopicConfigs.validate("compression.zstd.level", "-131072")).isEmpty();
        assertThat(TopicConfigs.validate("compression.zstd.level", "23")).isPresent();
    }

    @Test
    void throttledReplicasAcceptStarOrPartitionBrokerPairs() {
        assertThat(TopicConfigs.validate("leader.replication.throttled.replicas", "*"))
                .isEmpty();
        assertThat(TopicConfigs.validate("leader.replication.throttled.replicas", "0:1,1:2"))
                .isEmpty();
        assertThat(TopicConfigs.validate("follower.replication.throttled.replicas", "0-1"))
                .isPresent();
    }

    @Test
    void validateAllRejectsMinCompactionLagAboveMax() {
        assertThat(TopicConfigs.validateAll(Map.of("min.compaction.lag.ms", "10", "max.compaction.lag.ms", "5")))
                .contains("conflict topic config setting min.compaction.lag.ms (10) > max.compaction.lag.ms (5)");
        assertThat(TopicConfigs.validateAll(Map.of("min.compaction.lag.ms", "5")))
                .isEmpty();
    }

    @Test
    void brokerSynonymsAreListedHighestPrecedenceFirst() {
        assertThat(TopicConfigs.brokerSynonyms("retention.ms"))
                .extracting(TopicConfigs.BrokerSynonym::name)
                .containsExactly("log.retention.ms", "log.retention.minutes", "log.retention.hours");
        assertThat(TopicConfigs.brokerSynonyms("segment.ms"))
                .extracting(TopicConfigs.BrokerSynonym::name)
                .containsExactly("log.roll.ms", "log.roll.hours");
        assertThat(TopicConfigs.brokerSynonyms("max.message.bytes"))
                .extracting(TopicConfigs.BrokerSynonym::name)
                .containsExactly("message.max.bytes");
        assertThat(TopicConfigs.brokerSynonyms("segment.bytes"))
                .extracting(TopicConfigs.BrokerSynonym::name)
                .containsExactly("log.segment.bytes");
        assertThat(TopicConfigs.brokerSynonyms("leader.replication.throttled.replicas"))
                .isEmpty();
    }

    @Test
    void aTopicSettingWinsOverEveryBrokerSetting() {
        ConfigEntry e = TopicConfigs.resolve(
                "retention.ms",
                Map.of("retention.ms", "1000"),
                Map.of("log.retention.ms", "2000"),
                Map.of("log.retention.hours", "1"));
        assertThat(e.value()).isEqualTo("1000");
        assertThat(e.source()).isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(e.isDefault()).isFalse();
        // No DEFAULT_CONFIG synonym: log.retention.ms, the broker key Kafka names it after, has no default.
        assertThat(e.synonyms())
                .extracting(ConfigEntry.Synonym::source)
                .containsExactly(
                        ConfigSource.DYNAMIC_TOPIC_CONFIG,
                        ConfigSource.DYNAMIC_BROKER_CONFIG,
                        ConfigSource.STATIC_BROKER_CONFIG);
    }

    @Test
    void theDefaultSynonymIsTheBrokerKeyWithItsDefaultAsKafkaListsIt() {
        ConfigEntry cleanup = TopicConfigs.resolve("cleanup.policy", Map.of(), Map.of(), Map.of());
        assertThat(cleanup.value()).isEqualTo("delete");
        assertThat(cleanup.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(cleanup.synonyms())
                .containsExactly(new ConfigEntry.Synonym("log.cleanup.policy", "delete", ConfigSource.DEFAULT_CONFIG));
        ConfigEntry maxBytes =
                TopicConfigs.resolve("max.message.bytes", Map.of("max.message.bytes", "2000"), Map.of(), Map.of());
        assertThat(maxBytes.synonyms())
                .containsExactly(
                        new ConfigEntry.Synonym("max.message.bytes", "2000", ConfigSource.DYNAMIC_TOPIC_CONFIG),
                        new ConfigEntry.Synonym("message.max.bytes", "1048588", ConfigSource.DEFAULT_CONFIG));
        ConfigEntry gzip = TopicConfigs.resolve("compression.gzip.level", Map.of(), Map.of(), Map.of());
        assertThat(gzip.synonyms())
                .containsExactly(new ConfigEntry.Synonym("compression.gzip.level", "-1", ConfigSource.DEFAULT_CONFIG));
    }

    @Test
    void aDefaultWithoutABrokerKeyDefaultListsNoSynonym() {
        for (String name : List.of("retention.ms", "segment.ms", "flush.ms", "leader.replication.throttled.replicas")) {
            ConfigEntry e = TopicConfigs.resolve(name, Map.of(), Map.of(), Map.of());
            assertThat(e.source()).as(name).isEqualTo(ConfigSource.DEFAULT_CONFIG);
            assertThat(e.isDefault()).as(name).isTrue();
            assertThat(e.value())
                    .as(name)
                    .isEqualTo(TopicConfigs.definition().key(name).defaultText());
            assertThat(e.synonyms()).as(name).isEmpty();
        }
    }

    @Test
    void aDynamicBrokerSettingWinsOverTheStaticOneOfTheSameKey() {
        ConfigEntry e = TopicConfigs.resolve(
                "segment.bytes",
                Map.of(),
                Map.of("log.segment.bytes", "2097152"),
                Map.of("log.segment.bytes", "4194304"));
        assertThat(e.value()).isEqualTo("2097152");
        assertThat(e.source()).isEqualTo(ConfigSource.DYNAMIC_BROKER_CONFIG);
    }

    @Test
    void staticBrokerHoursAreConvertedToMilliseconds() {
        ConfigEntry e = TopicConfigs.resolve("retention.ms", Map.of(), Map.of(), Map.of("log.retention.hours", "2"));
        assertThat(e.value()).isEqualTo("7200000");
        assertThat(e.source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
        ConfigEntry minutes = TopicConfigs.resolve(
                "retention.ms", Map.of(), Map.of(), Map.of("log.retention.minutes", "3", "log.retention.hours", "2"));
        assertThat(minutes.value()).isEqualTo("180000");
        ConfigEntry forever =
                TopicConfigs.resolve("retention.ms", Map.of(), Map.of(), Map.of("log.retention.hours", "-5"));
        assertThat(forever.value()).isEqualTo("-1");
        ConfigEntry roll = TopicConfigs.resolve("segment.ms", Map.of(), Map.of(), Map.of("log.roll.hours", "1"));
        assertThat(roll.value()).isEqualTo("3600000");
    }

    @Test
    void anUnsetKeyReportsKafkasDefault() {
        ConfigEntry e = TopicConfigs.resolve("max.message.bytes", Map.of(), Map.of(), Map.of());
        assertThat(e.value()).isEqualTo("1048588");
        assertThat(e.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(e.isDefault()).isTrue();
        assertThat(e.readOnly()).isFalse();
        assertThat(e.isSensitive()).isFalse();
    }

    @Test
    void effectiveValuesAreTyped() {
        Map<String, Object> v = TopicConfigs.effectiveValues(
                Map.of("cleanup.policy", "compact"), Map.of(), Map.of("message.max.bytes", "2000000"));
        assertThat(v).containsEntry("cleanup.policy", List.of("compact")).containsEntry("max.message.bytes", 2_000_000);
        assertThat(TopicConfigs.resolveAll(Map.of(), Map.of(), Map.of()))
                .hasSize(TopicConfigs.names().size());
    }

    @Test
    void sourceIdsMatchTheWire() {
        assertThat(ConfigSource.DYNAMIC_TOPIC_CONFIG.id()).isEqualTo((byte) 1);
        assertThat(ConfigSource.STATIC_BROKER_CONFIG.id()).isEqualTo((byte) 4);
        assertThat(ConfigSource.DEFAULT_CONFIG.id()).isEqualTo((byte) 5);
    }
}
