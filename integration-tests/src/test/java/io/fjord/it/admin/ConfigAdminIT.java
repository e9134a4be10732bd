package io.fjord.it.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DescribeConfigs and IncrementalAlterConfigs through the Admin client: topic and broker resources,
 * sources and synonyms, each operation, and that a change reaches the log on disk.
 */
class ConfigAdminIT extends AdminITBase {

    static final ConfigResource BROKER = new ConfigResource(ConfigResource.Type.BROKER, "1");

    @BeforeAll
    static void start() {
        startBroker(Map.of(
                "log.retention.hours", "100",
                "ssl.keystore.password", "hunter2",
                "log.retention.check.interval.ms", "200"));
    }

    @Test
    void topicConfigsAreDescribedWithSynonymsAndDocumentation() throws Exception {
        createTopic("described", 1, Map.of("retention.ms", "60000"));
        ConfigResource topic = topic("described");

        Config config = admin.describeConfigs(
                        List.of(topic),
                        new DescribeConfigsOptions().includeSynonyms(true).includeDocumentation(true))
                .all()
                .get()
                .get(topic);

        ConfigEntry retention = config.get("retention.ms");
        assertThat(retention.value()).isEqualTo("60000");
        assertThat(retention.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(retention.documentation()).isNotBlank();
        assertThat(retention.type()).isEqualTo(ConfigEntry.ConfigType.LONG);
        assertThat(retention.synonyms())
                .extracting(ConfigEntry.ConfigSynonym::name, ConfigEntry.ConfigSynonym::source)
                .first()
                .isEqualTo(Tuple.tuple("retention.ms", ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG));
        assertThat(retention.synonyms())
                .extracting(ConfigEntry.ConfigSynonym::name, ConfigEntry.ConfigSynonym::value)
                .contains(Tuple.tuple("log.retention.hours", "100"));
        ConfigEntry segmentBytes = config.get("segment.bytes");
        assertThat(segmentBytes.value()).isEqualTo("1073741824");
        assertThat(segmentBytes.source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(segmentBytes.isDefault()).isTrue();
    }

    @Test
    void aTopicInheritsTheStaticBrokerRetention() throws Exception {
        createTopic("inherits", 1, Map.of());
        ConfigEntry retention = describe(topic("inherits")).get("retention.ms");
        assertThat(retention.value()).isEqualTo(Long.toString(100L * 3600 * 1000));
        assertThat(retention.source()).isEqualTo(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG);
    }

    @Test
    void brokerConfigsAreDescribedWithSensitiveValuesHidden() throws Exception {
        Config config = describe(BROKER);

        assertThat(config.get("log.retention.hours").value()).isEqualTo("100");
        assertThat(config.get("log.retention.hours").source()).isEqualTo(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(config.get("node.id").value()).isEqualTo("1");
        ConfigEntry password = config.get("ssl.keystore.password");
        assertThat(password.isSensitive()).isTrue();
        assertThat(password.value()).isNull();
        assertThat(config.entries()).noneMatch(e -> "hunter2".equals(e.value()));
    }

    @Test
    void describingConfigsOfAnUnknownOrInvalidTopicFailsWithUnknownTopicOrInvalidTopic() {
        ConfigResource missing = topic("missing");
        assertThat(failureOf(admin.describeConfigs(List.of(missing)).all()))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
        assertThat(failureOf(admin.describeConfigs(List.of(topic("a/b"))).all()))
                .isInstanceOf(InvalidTopicException.class);
    }

    @Test
    void setAndDeleteChangeWhatDescribeShows() throws Exception {
        createTopic("set-delete", 1, Map.of());
        ConfigResource topic = topic("set-delete");

        alter(topic, new AlterConfigOp(new ConfigEntry("retention.ms", "3600000"), AlterConfigOp.OpType.SET));
        ConfigEntry set = describe(topic).get("retention.ms");
        assertThat(set.value()).isEqualTo("3600000");
        assertThat(set.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);

        alter(topic, new AlterConfigOp(new ConfigEntry("retention.ms", null), AlterConfigOp.OpType.DELETE));
        ConfigEntry deleted = describe(topic).get("retention.ms");
        assertThat(deleted.value()).isEqualTo(Long.toString(100L * 3600 * 1000));
        assertThat(deleted.source()).isEqualTo(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG);
    }

    @Test
    void appendAndSubtractEditListConfigs() throws Exception {
        createTopic("list-ops", 1, Map.of());
        ConfigResource topic = topic("list-ops");

        alter(topic, new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.APPEND));
        assertThat(describe(topic).get("cleanup.policy").value()).isEqualTo("delete,compact");

        alter(topic, new AlterConfigOp(new ConfigEntry("cleanup.policy", "delete"), AlterConfigOp.OpType.SUBTRACT));
        assertThat(describe(topic).get("cleanup.policy").value()).isEqualTo("compact");
    }

    @Test
    void invalidAlterationsFailAndChangeNothing() throws Exception {
        createTopic("invalid-ops", 1, Map.of());
        ConfigResource topic = topic("invalid-ops");

        assertThat(failureOf(admin.incrementalAlterConfigs(Map.of(
                                topic,
                                List.of(new AlterConfigOp(
                                        new ConfigEntry("no.such.key", "1"), AlterConfigOp.OpType.SET))))
                        .all()))
                .isInstanceOf(InvalidConfigurationException.class);
        assertThat(failureOf(admin.incrementalAlterConfigs(Map.of(
                                topic,
                                List.of(new AlterConfigOp(
                                        new ConfigEntry("retention.ms", "forever"), AlterConfigOp.OpType.SET))))
                        .all()))
                .isInstanceOf(InvalidConfigurationException.class);
        assertThat(failureOf(admin.incrementalAlterConfigs(Map.of(
                                topic,
                                List.of(new AlterConfigOp(
                                        new ConfigEntry("retention.ms", "1"), AlterConfigOp.OpType.APPEND))))
                        .all()))
                .isInstanceOf(InvalidConfigurationException.class);
        assertThat(failureOf(admin.incrementalAlterConfigs(Map.of(
                                topic("missing"),
                                List.of(new AlterConfigOp(
                                        new ConfigEntry("retention.ms", "1"), AlterConfigOp.OpType.SET))))
                        .all()))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
        assertThat(describe(topic).get("retention.ms").source())
                .isEqualTo(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG);
    }

    @Test
    void validateOnlyAlterationsChangeNothing() throws Exception {
        createTopic("validate-alter", 1, Map.of());
        ConfigResource topic = topic("validate-alter");

        admin.incrementalAlterConfigs(
                        Map.of(
                                topic,
                                List.of(new AlterConfigOp(
                                        new ConfigEntry("retention.ms", "1000"), AlterConfigOp.OpType.SET))),
                        new AlterConfigsOptions().validateOnly(true))
                .all()
                .get(15, TimeUnit.SECONDS);

        assertThat(describe(topic).get("retention.ms").source())
                .isEqualTo(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG);
    }

    @Test
    void aSmallerSegmentBytesMakesTheLogRollSmallerSegments() throws Exception {
        createTopic("rolling", 1, Map.of());
        ConfigResource topic = topic("rolling");
        Path dir = dataDir.resolve("rolling-0");
        produce("rolling", 200, 10_000);
        assertThat(segments(dir)).hasSize(1);

        // Kafka 4 allows no segment smaller than 1 MiB
        int segmentBytes = 1024 * 1024;
        alter(
                topic,
                new AlterConfigOp(
                        new ConfigEntry("segment.bytes", Integer.toString(segmentBytes)), AlterConfigOp.OpType.SET));
        produce("rolling", 400, 10_000);

        List<Path> segments = segments(dir);
        assertThat(segments.size()).as("segments %s", segments).isGreaterThanOrEqualTo(4);
        // every closed segment after the first (written under the old size) respects the new size
        for (Path segment : segments.subList(1, segments.size() - 1)) {
            assertThat(Files.size(segment)).as("%s", segment).isLessThanOrEqualTo(segmentBytes);
        }
    }

    @Test
    void brokerDynamicConfigIsDescribedAsDynamicBrokerConfigAndReachesTopics() throws Exception {
        createTopic("broker-dynamic", 1, Map.of());

        alter(BROKER, new AlterConfigOp(new ConfigEntry("log.retention.ms", "7200000"), AlterConfigOp.OpType.SET));
        try {
            ConfigEntry broker = describe(BROKER).get("log.retention.ms");
            assertThat(broker.value()).isEqualTo("7200000");
            assertThat(broker.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG);
            ConfigEntry topicRetention = describe(topic("broker-dynamic")).get("retention.ms");
            assertThat(topicRetention.value()).isEqualTo("7200000");
            assertThat(topicRetention.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG);
            // a topic created while the dynamic setting is in force still gets its partitions
            createTopic("broker-dynamic-later", 1, Map.of());
            TopicAdminIT.produceTo("broker-dynamic-later");
        } finally {
            alter(BROKER, new AlterConfigOp(new ConfigEntry("log.retention.ms", null), AlterConfigOp.OpType.DELETE));
        }
        assertThat(describe(topic("broker-dynamic")).get("retention.ms").source())
                .isEqualTo(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(describe(BROKER).get("log.retention.ms").source())
                .isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
    }

    @Test
    void aClusterWideDynamicDefaultIsDescribedAsDynamicDefaultBrokerConfig() throws Exception {
        ConfigResource clusterDefault = new ConfigResource(ConfigResource.Type.BROKER, "");
        createTopic("cluster-default", 1, Map.of());

        alter(
                clusterDefault,
                new AlterConfigOp(new ConfigEntry("log.retention.ms", "5400000"), AlterConfigOp.OpType.SET));
        try {
            assertThat(describe(clusterDefault).get("log.retention.ms").source())
                    .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
            ConfigEntry onBroker = describe(BROKER).get("log.retention.ms");
            assertThat(onBroker.value()).isEqualTo("5400000");
            assertThat(onBroker.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
            ConfigEntry onTopic = describe(topic("cluster-default")).get("retention.ms");
            assertThat(onTopic.value()).isEqualTo("5400000");
            assertThat(onTopic.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
        } finally {
            alter(
                    clusterDefault,
                    new AlterConfigOp(new ConfigEntry("log.retention.ms", null), AlterConfigOp.OpType.DELETE));
        }
    }

    @Test
    void staticOrInvalidBrokerConfigsCannotBeAlteredAndTopicsKeepWorking() throws Exception {
        for (ConfigEntry bad : List.of(
                new ConfigEntry("log.dirs", "/tmp/elsewhere"),
                new ConfigEntry("log.retention.ms", "soon"),
                new ConfigEntry("log.retention.ms", "-7"),
                new ConfigEntry("log.segment.bytes", "1000"))) {
            assertThat(failureOf(admin.incrementalAlterConfigs(
                                    Map.of(BROKER, List.of(new AlterConfigOp(bad, AlterConfigOp.OpType.SET))))
                            .all()))
                    .as("%s=%s: INVALID_REQUEST, as Kafka's broker answers (KAFKA-13609)", bad.name(), bad.value())
                    .isInstanceOf(InvalidRequestException.class);
        }
        createTopic("after-bad-broker-configs", 1, Map.of());
        TopicAdminIT.produceTo("after-bad-broker-configs");
    }

    @Test
    void topicAndBrokerDynamicConfigsSurviveARestart() throws Exception {
        createTopic("durable-config", 1, Map.of("retention.ms", "86400000"));
        alter(
                topic("durable-config"),
                new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.SET));
        alter(BROKER, new AlterConfigOp(new ConfigEntry("log.retention.bytes", "123456789"), AlterConfigOp.OpType.SET));
        try {
            restartBroker();

            Config topicConfig = describe(topic("durable-config"));
            assertThat(topicConfig.get("retention.ms").value()).isEqualTo("86400000");
            assertThat(topicConfig.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(topicConfig.get("retention.bytes").value()).isEqualTo("123456789");
            assertThat(topicConfig.get("retention.bytes").source())
                    .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG);
            assertThat(describe(BROKER).get("log.retention.bytes").value()).isEqualTo("123456789");
        } finally {
            alter(BROKER, new AlterConfigOp(new ConfigEntry("log.retention.bytes", null), AlterConfigOp.OpType.DELETE));
        }
    }

    @Test
    void aSmallerRetentionBytesDeletesOldSegmentsAndMovesTheEarliestOffset() throws Exception {
        createTopic("retained", 1, Map.of("segment.bytes", Integer.toString(1024 * 1024)));
        Path dir = dataDir.resolve("retained-0");
        produce("retained", 400, 10_000);
        int before = segments(dir).size();
        assertThat(before).isGreaterThanOrEqualTo(4);
        TopicPartition tp = new TopicPartition("retained", 0);

        alter(
                topic("retained"),
                new AlterConfigOp(
                        new ConfigEntry("retention.bytes", Integer.toString(1024 * 1024)), AlterConfigOp.OpType.SET));

        long deadlineMs = System.currentTimeMillis() + 15_000;
        long earliest = 0;
        while (earliest == 0 && System.currentTimeMillis() < deadlineMs) {
            Thread.sleep(100);
            earliest = admin.listOffsets(Map.of(tp, OffsetSpec.earliest()))
                    .partitionResult(tp)
                    .get()
                    .offset();
        }
        assertThat(earliest).isPositive();
        assertThat(segments(dir).size()).isLessThan(before);
        assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.latest()))
                        .partitionResult(tp)
                        .get()
                        .offset())
                .isEqualTo(400);
    }

    static ConfigResource topic(String name) {
        return new ConfigResource(ConfigResource.Type.TOPIC, name);
    }

    static Config describe(ConfigResource resource) throws Exception {
        return admin.describeConfigs(List.of(resource))
                .all()
                .get(15, TimeUnit.SECONDS)
                .get(resource);
    }

    static void alter(ConfigResource resource, AlterConfigOp op) throws Exception {
        admin.incrementalAlterConfigs(Map.of(resource, List.of(op))).all().get(15, TimeUnit.SECONDS);
    }

    static void produce(String topic, int count, int valueBytes) throws Exception {
        try (KafkaProducer<String, String> producer = newProducer(Map.of())) {
            String value = "v".repeat(valueBytes);
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                acks.add(producer.send(new ProducerRecord<>(topic, 0, null, value)));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get(15, TimeUnit.SECONDS);
            }
        }
    }

    static List<Path> segments(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".log"))
                    .sorted()
                    .toList();
        }
    }
}
