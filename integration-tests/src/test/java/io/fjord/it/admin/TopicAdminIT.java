package io.fjord.it.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreatePartitionsOptions;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CreateTopics, listTopics, describeTopics (DescribeTopicPartitions), DeleteTopics and CreatePartitions
 * through the official Admin client, checked against what a Kafka broker answers and what lands on disk.
 */
class TopicAdminIT extends AdminITBase {

    @BeforeAll
    static void start() {
        startBroker(Map.of("num.partitions", "3", "default.replication.factor", "1"));
    }

    @Test
    void createTopicsWithoutPartitionsOrReplicationTakesTheBrokerDefaults() throws Exception {
        CreateTopicsResult result =
                admin.createTopics(List.of(new NewTopic("defaults", Optional.empty(), Optional.empty())));
        result.all().get(15, TimeUnit.SECONDS);

        assertThat(result.numPartitions("defaults").get()).isEqualTo(3);
        assertThat(result.replicationFactor("defaults").get()).isEqualTo(1);
        TopicDescription description = describe("defaults");
        assertThat(description.partitions()).hasSize(3);
        assertThat(description.partitions().get(0).replicas()).hasSize(1);
        assertThat(description.partitions().get(0).leader().id()).isEqualTo(1);
    }

    @Test
    void createTopicsResultCarriesTheTopicIdAndEffectiveConfigs() throws Exception {
        CreateTopicsResult result = admin.createTopics(
                List.of(new NewTopic("with-configs", 2, (short) 1).configs(Map.of("retention.ms", "12345"))));
        result.all().get(15, TimeUnit.SECONDS);

        Uuid id = result.topicId("with-configs").get();
        assertThat(id).isNotEqualTo(Uuid.ZERO_UUID);
        assertThat(describe("with-configs").topicId()).isEqualTo(id);
        assertThat(result.numPartitions("with-configs").get()).isEqualTo(2);
        Config config = result.config("with-configs").get();
        assertThat(config.get("retention.ms").value()).isEqualTo("12345");
        assertThat(config.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(config.get("cleanup.policy").value()).isEqualTo("delete");
        assertThat(config.get("cleanup.policy").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
    }

    @Test
    void explicitTopicConfigsAreDescribedAsDynamicTopicConfig() throws Exception {
        createTopic("explicit", 1, Map.of("cleanup.policy", "compact", "segment.bytes", "1048576"));

        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "explicit");
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);

        assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(config.get("cleanup.policy").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(config.get("segment.bytes").value()).isEqualTo("1048576");
        assertThat(config.get("segment.bytes").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
    }

    @Test
    void validateOnlyCreatesNothing() throws Exception {
        CreateTopicsResult result = admin.createTopics(
                List.of(new NewTopic("validate-only", 4, (short) 1)), new CreateTopicsOptions().validateOnly(true));
        result.all().get(15, TimeUnit.SECONDS);

        assertThat(result.numPartitions("validate-only").get()).isEqualTo(4);
        assertThat(admin.listTopics().names().get()).doesNotContain("validate-only");
        assertThat(Files.exists(dataDir.resolve("validate-only-0"))).isFalse();
        // and a real creation with the same name still works
        createTopic("validate-only", 1, Map.of());
    }

    @Test
    void oneBadTopicInABatchFailsAloneWhileTheOthersAreCreated() throws Exception {
        CreateTopicsResult result = admin.createTopics(List.of(
                new NewTopic("batch-good-1", 1, (short) 1),
                new NewTopic("batch/bad", 1, (short) 1),
                new NewTopic("batch-good-2", 2, (short) 1)));

        assertThat(failureOf(result.values().get("batch/bad"))).isInstanceOf(InvalidTopicException.class);
        result.values().get("batch-good-1").get(15, TimeUnit.SECONDS);
        result.values().get("batch-good-2").get(15, TimeUnit.SECONDS);
        assertThat(admin.listTopics().names().get()).contains("batch-good-1", "batch-good-2");
    }

    @Test
    void creatingAnExistingTopicFailsWithTopicExists() throws Exception {
        createTopic("exists", 1, Map.of());

        Throwable failure = failureOf(admin.createTopics(List.of(new NewTopic("exists", 1, (short) 1)))
                .all());

        assertThat(failure).isInstanceOf(TopicExistsException.class);
    }

    @Test
    void badTopicNamesFailWithInvalidTopic() {
        for (String name : List.of("a/b", "..", ".", "x".repeat(250), "with space")) {
            Throwable failure = failureOf(admin.createTopics(List.of(new NewTopic(name, 1, (short) 1)))
                    .all());
            assertThat(failure).as("name %s", name).isInstanceOf(InvalidTopicException.class);
        }
    }

    @Test
    void aNameCollidingWithAnExistingOneOnDotAndUnderscoreFailsWithInvalidTopic() throws Exception {
        createTopic("metrics_in", 1, Map.of());

        Throwable failure = failureOf(admin.createTopics(List.of(new NewTopic("metrics.in", 1, (short) 1)))
                .all());

        assertThat(failure).isInstanceOf(InvalidTopicException.class).hasMessageContaining("metrics_in");
    }

    @Test
    void explicitReplicaAssignmentsCreateThosePartitionsAndUnknownBrokersAreRejected() throws Exception {
        admin.createTopics(List.of(new NewTopic("assigned", Map.of(0, List.of(1), 1, List.of(1)))))
                .all()
                .get(15, TimeUnit.SECONDS);
        assertThat(describe("assigned").partitions()).hasSize(2);

        Throwable failure =
                failureOf(admin.createTopics(List.of(new NewTopic("assigned-elsewhere", Map.of(0, List.of(2)))))
                        .all());
        assertThat(failure).isInstanceOf(InvalidReplicaAssignmentException.class);
        Throwable grow =
                failureOf(admin.createPartitions(Map.of("assigned", NewPartitions.increaseTo(3, List.of(List.of(7)))))
                        .all());
        assertThat(grow).isInstanceOf(InvalidReplicaAssignmentException.class);
    }

    @Test
    void validateOnlyCreatePartitionsAddsNothing() throws Exception {
        createTopic("validate-grow", 1, Map.of());

        admin.createPartitions(
                        Map.of("validate-grow", NewPartitions.increaseTo(5)),
                        new CreatePartitionsOptions().validateOnly(true))
                .all()
                .get(15, TimeUnit.SECONDS);

        assertThat(describe("validate-grow").partitions()).hasSize(1);
    }

    @Test
    void zeroOrNegativePartitionCountsFailWithInvalidPartitions() {
        for (int count : new int[] {0, -2}) {
            Throwable failure = failureOf(admin.createTopics(List.of(new NewTopic("bad-count", count, (short) 1)))
                    .all());
            assertThat(failure).as("count %d", count).isInstanceOf(InvalidPartitionsException.class);
        }
    }

    @Test
    void anExcessivelyLargeRequestIsRefusedWithPolicyViolationAndCreatesNothing() throws Exception {
        Throwable create = failureOf(admin.createTopics(List.of(new NewTopic("huge", 20_000, (short) 1)))
                .all());
        assertThat(create).isInstanceOf(PolicyViolationException.class);
        assertThat(admin.listTopics().names().get()).doesNotContain("huge");

        createTopic("grows-too-much", 1, Map.of());
        Throwable grow = failureOf(admin.createPartitions(Map.of("grows-too-much", NewPartitions.increaseTo(20_001)))
                .all());
        assertThat(grow).isInstanceOf(PolicyViolationException.class);
        assertThat(describe("grows-too-much").partitions()).hasSize(1);
    }

    @Test
    void replicationFactorAboveTheBrokerCountFailsWithInvalidReplicationFactor() {
        Throwable failure = failureOf(
                admin.createTopics(List.of(new NewTopic("rf3", 1, (short) 3))).all());
        assertThat(failure).isInstanceOf(InvalidReplicationFactorException.class);
        Throwable zero = failureOf(
                admin.createTopics(List.of(new NewTopic("rf0", 1, (short) 0))).all());
        assertThat(zero).isInstanceOf(InvalidReplicationFactorException.class);
    }

    @Test
    void unknownConfigKeysAndBadValuesFailWithInvalidConfiguration() throws Exception {
        Throwable unknown = failureOf(admin.createTopics(
                        List.of(new NewTopic("bad-config", 1, (short) 1).configs(Map.of("no.such.key", "1"))))
                .all());
        assertThat(unknown).isInstanceOf(InvalidConfigurationException.class);

        Throwable badValue = failureOf(admin.createTopics(
                        List.of(new NewTopic("bad-config", 1, (short) 1).configs(Map.of("retention.ms", "soon"))))
                .all());
        assertThat(badValue).isInstanceOf(InvalidConfigurationException.class);

        Throwable badPolicy = failureOf(admin.createTopics(
                        List.of(new NewTopic("bad-config", 1, (short) 1).configs(Map.of("cleanup.policy", "shred"))))
                .all());
        assertThat(badPolicy).isInstanceOf(InvalidConfigurationException.class);
        assertThat(admin.listTopics().names().get()).doesNotContain("bad-config");
    }

    /**
     * The Admin client pages DescribeTopicPartitions with a cursor when the partitions exceed the
     * per-response limit (2000 by default). Creating and closing thousands of partitions takes tens of
     * seconds on a shared machine, so the limit is lowered instead: 25 partitions at 7 per response take
     * four pages, with cursors inside a topic and at topic boundaries.
     */
    @Test
    void describeTopicsPagesThroughPartitionsBeyondTheResponseLimit() throws Exception {
        Map<String, Integer> counts = Map.of("page-a", 10, "page-b", 3, "page-c", 12);
        List<NewTopic> topics = new ArrayList<>();
        counts.forEach((name, count) -> topics.add(new NewTopic(name, count, (short) 1)));
        admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);

        for (int limit : new int[] {1, 7, 2000}) {
            Map<String, TopicDescription> described = admin.describeTopics(
                            counts.keySet(), new DescribeTopicsOptions().partitionSizeLimitPerResponse(limit))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS);

            assertThat(described.keySet()).as("limit %d", limit).isEqualTo(counts.keySet());
            counts.forEach((name, count) -> {
                List<Integer> partitions = described.get(name).partitions().stream()
                        .map(p -> p.partition())
                        .toList();
                assertThat(partitions)
                        .as("%s at limit %d", name, limit)
                        .isEqualTo(java.util.stream.IntStream.range(0, count)
                                .boxed()
                                .toList());
            });
        }
        Set<String> listed = admin.listTopics().names().get();
        assertThat(listed).containsAll(counts.keySet());
    }

    @Test
    void describeTopicsByIdReturnsTheTopic() throws Exception {
        createTopic("by-id", 2, Map.of());
        Uuid id = describe("by-id").topicId();

        Map<Uuid, TopicDescription> byId = admin.describeTopics(TopicCollection.ofTopicIds(List.of(id)))
                .allTopicIds()
                .get();

        assertThat(byId.get(id).name()).isEqualTo("by-id");
        assertThat(byId.get(id).partitions()).hasSize(2);
    }

    @Test
    void describingAnUnknownTopicFailsWithUnknownTopicOrPartition() {
        Throwable byName = failureOf(admin.describeTopics(List.of("nope")).allTopicNames());
        assertThat(byName).isInstanceOf(UnknownTopicOrPartitionException.class);

        Throwable byId = failureOf(admin.describeTopics(TopicCollection.ofTopicIds(List.of(Uuid.randomUuid())))
                .allTopicIds());
        assertThat(byId).isInstanceOf(UnknownTopicIdException.class);
    }

    @Test
    void deleteTopicByNameRemovesItsDataAndARecreatedTopicStartsAfresh() throws Exception {
        createTopic("doomed", 2, Map.of());
        Uuid oldId = describe("doomed").topicId();
        produce("doomed", 0, 10);
        assertThat(Files.isDirectory(dataDir.resolve("doomed-0"))).isTrue();

        admin.deleteTopics(List.of("doomed")).all().get(15, TimeUnit.SECONDS);

        assertThat(admin.listTopics().names().get()).doesNotContain("doomed");
        awaitGone(dataDir.resolve("doomed-0"));
        awaitGone(dataDir.resolve("doomed-1"));
        assertThat(failureOf(admin.describeTopics(List.of("doomed")).allTopicNames()))
                .isInstanceOf(UnknownTopicOrPartitionException.class);

        createTopic("doomed", 2, Map.of());
        assertThat(describe("doomed").topicId()).isNotEqualTo(oldId);
        TopicPartition tp = new TopicPartition("doomed", 0);
        assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.latest()))
                        .partitionResult(tp)
                        .get()
                        .offset())
                .isZero();
        assertThat(produce("doomed", 0, 1).offset()).isZero();
    }

    @Test
    void deleteTopicByIdRemovesIt() throws Exception {
        createTopic("doomed-by-id", 1, Map.of());
        Uuid id = describe("doomed-by-id").topicId();

        admin.deleteTopics(TopicCollection.ofTopicIds(List.of(id))).all().get(15, TimeUnit.SECONDS);

        assertThat(admin.listTopics().names().get()).doesNotContain("doomed-by-id");
        awaitGone(dataDir.resolve("doomed-by-id-0"));
    }

    @Test
    void deletingAnUnknownTopicFailsWithUnknownTopicOrPartition() {
        assertThat(failureOf(admin.deleteTopics(List.of("never-was")).all()))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
        assertThat(failureOf(admin.deleteTopics(TopicCollection.ofTopicIds(List.of(Uuid.randomUuid())))
                        .all()))
                .isInstanceOf(UnknownTopicIdException.class);
    }

    @Test
    void createPartitionsAddsPartitionsAProducerCanWriteTo() throws Exception {
        createTopic("growing", 1, Map.of());

        admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(3)))
                .all()
                .get(15, TimeUnit.SECONDS);

        assertThat(describe("growing").partitions()).hasSize(3);
        assertThat(Files.isDirectory(dataDir.resolve("growing-2"))).isTrue();
        RecordMetadata written = produce("growing", 2, 1);
        assertThat(written.partition()).isEqualTo(2);
        assertThat(written.offset()).isZero();
    }

    @Test
    void createPartitionsToTheSameOrFewerFailsWithInvalidPartitions() throws Exception {
        createTopic("fixed", 2, Map.of());

        assertThat(failureOf(admin.createPartitions(Map.of("fixed", NewPartitions.increaseTo(2)))
                        .all()))
                .isInstanceOf(InvalidPartitionsException.class);
        assertThat(failureOf(admin.createPartitions(Map.of("fixed", NewPartitions.increaseTo(1)))
                        .all()))
                .isInstanceOf(InvalidPartitionsException.class);
        assertThat(failureOf(admin.createPartitions(Map.of("never-was", NewPartitions.increaseTo(4)))
                        .all()))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
        assertThat(describe("fixed").partitions()).hasSize(2);
    }

    static TopicDescription describe(String topic) throws Exception {
        return admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get(15, TimeUnit.SECONDS)
                .get(topic);
    }

    static RecordMetadata produce(String topic, int partition, int count) throws Exception {
        try (KafkaProducer<String, String> producer = newProducer(Map.of())) {
            RecordMetadata last = null;
            for (int i = 0; i < count; i++) {
                last = producer.send(new ProducerRecord<>(topic, partition, "k" + i, "v" + i))
                        .get(15, TimeUnit.SECONDS);
            }
            return last;
        }
    }

    /** Writes one record to partition 0 of {@code topic}, which must succeed. */
    static void produceTo(String topic) throws Exception {
        try (KafkaProducer<String, String> producer =
                newProducer(Map.of("delivery.timeout.ms", 5000, "request.timeout.ms", 4000))) {
            producer.send(new ProducerRecord<>(topic, 0, "k", "v")).get(15, TimeUnit.SECONDS);
        }
    }

    /** Waits until nothing in the data directory is named after {@code dir} (renamed "-delete" copies too). */
    static void awaitGone(Path dir) throws Exception {
        String prefix = dir.getFileName().toString();
        long deadlineMs = System.currentTimeMillis() + 10_000;
        List<String> left = leftovers(dir.getParent(), prefix);
        while (!left.isEmpty() && System.currentTimeMillis() < deadlineMs) {
            Thread.sleep(50);
            left = leftovers(dir.getParent(), prefix);
        }
        assertThat(left).as("left on disk").isEmpty();
    }

    private static List<String> leftovers(Path parent, String prefix) throws Exception {
        try (Stream<Path> entries = Files.list(parent)) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(n -> n.equals(prefix) || n.startsWith(prefix + "."))
                    .toList();
        }
    }
}
