package io.fjord.metadata;

import static io.fjord.metadata.ControllerTestContext.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControllerTest {

    /** Accepts every key but "bogus", and only digits for retention.ms. */
    static final ConfigValidator VALIDATOR = (type, name, value) -> {
        if (name.equals("bogus")) {
            return Optional.of("Unknown topic config name: bogus");
        }
        if (name.equals("retention.ms") && !value.matches("-?\\d+")) {
            return Optional.of("Invalid value " + value + " for configuration retention.ms: Not a number of type LONG");
        }
        return Optional.empty();
    };

    @TempDir
    Path dir;

    ControllerTestContext context;

    @AfterEach
    void tearDown() {
        if (context != null) {
            context.close();
        }
    }

    ControllerTestContext open(int brokers) throws Exception {
        context = ControllerTestContext.open(dir, brokers, VALIDATOR);
        return context;
    }

    @Test
    void createsATopicWhoseImageTheBrokerSeesWhenTheResponseCompletes() throws Exception {
        open(3);
        CreateTopicResult result = context.createTopic("orders", 6, 2);

        assertThat(result.error()).isEqualTo(Errors.NONE);
        assertThat(result.numPartitions()).isEqualTo(6);
        assertThat(result.replicationFactor()).isEqualTo(2);
        TopicImage topic = context.image().topics().topic("orders");
        assertThat(topic.id()).isEqualTo(result.topicId()).isNotEqualTo(Uuid.ZERO);
        assertThat(topic.partitions()).hasSize(6);
        for (PartitionRegistration p : topic.partitions().values()) {
            assertThat(p.replicas()).hasSize(2).doesNotHaveDuplicates();
            assertThat(p.isr()).containsExactly(p.replicas());
            assertThat(p.leader()).isEqualTo(p.replicas()[0]);
            assertThat(p.leaderEpoch()).isZero();
        }
    }

    @Test
    void placementSpreadsLeadersRoundRobinOverTheBrokers() throws Exception {
        open(3);
        context.createTopic("orders", 6, 3);
        int[] leaders = new int[3];
        for (PartitionRegistration p :
                context.image().topics().topic("orders").partitions().values()) {
            leaders[p.leader()]++;
        }
        assertThat(leaders).containsExactly(2, 2, 2);
    }

    @Test
    void minusOneTakesTheControllerDefaults() throws Exception {
        context = ControllerTestContext.open(dir, 2, new ControllerConfig(4, 2, 10_000), VALIDATOR);
        CreateTopicResult result = context.createTopic(CreatableTopic.withDefaults("orders"));

        assertThat(result.numPartitions()).isEqualTo(4);
        assertThat(result.replicationFactor()).isEqualTo(2);
        assertThat(context.image().topics().topic("orders").partitions()).hasSize(4);
    }

    @Test
    void rejectsIllegalTopicNames() throws Exception {
        open(1);
        for (String name : List.of("", ".", "..", "a b", "caf\u00e9", "x".repeat(250))) {
            CreateTopicResult result = context.createTopic(name, 1, 1);
            assertThat(result.error()).as("name '%s'", name).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION);
            assertThat(result.message()).isNotBlank();
        }
        assertThat(context.createTopic("x".repeat(249), 1, 1).error()).isEqualTo(Errors.NONE);
        assertThat(context.createTopic("A-b_c.9", 1, 1).error()).isEqualTo(Errors.NONE);
    }

    @Test
    void rejectsAnExistingTopicAndOneThatCollidesOnDotAndUnderscore() throws Exception {
        open(1);
        context.createTopic("metrics.cpu", 1, 1);

        assertThat(context.createTopic("metrics.cpu", 1, 1).error()).isEqualTo(Errors.TOPIC_ALREADY_EXISTS);
        CreateTopicResult collision = context.createTopic("metrics_cpu", 1, 1);
        assertThat(collision.error()).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION);
        assertThat(collision.message()).isEqualTo("Topic 'metrics_cpu' collides with existing topic: metrics.cpu");
    }

    @Test
    void rejectsCollidingAndDuplicateTopicsWithinOneRequest() throws Exception {
        open(1);
        List<CreateTopicResult> results = get(context.controller.createTopics(
                List.of(
                        CreatableTopic.of("a.b", 1, 1),
                        CreatableTopic.of("a_b", 1, 1),
                        CreatableTopic.of("dup", 1, 1),
                        CreatableTopic.of("dup", 1, 1)),
                false));

        assertThat(results)
                .extracting(CreateTopicResult::error)
                .containsExactly(
                        Errors.NONE, Errors.INVALID_TOPIC_EXCEPTION, Errors.INVALID_REQUEST, Errors.INVALID_REQUEST);
        assertThat(context.image().topics().topicsByName()).containsOnlyKeys("a.b");
    }

    @Test
    void rejectsBadPartitionCountsAndReplicationFactors() throws Exception {
        open(2);
        assertThat(context.createTopic("t", 0, 1).error()).isEqualTo(Errors.INVALID_PARTITIONS);
        assertThat(context.createTopic("t", -2, 1).error()).isEqualTo(Errors.INVALID_PARTITIONS);
        assertThat(context.createTopic("t", 1, 0).error()).isEqualTo(Errors.INVALID_REPLICATION_FACTOR);
        assertThat(context.createTopic("t", 1, -5).error()).isEqualTo(Errors.INVALID_REPLICATION_FACTOR);
        CreateTopicResult tooMany = context.createTopic("t", 1, 3);
        assertThat(tooMany.error()).isEqualTo(Errors.INVALID_REPLICATION_FACTOR);
        assertThat(tooMany.message()).contains("only 2 broker(s) are registered");
        assertThat(context.image().topics().isEmpty()).isTrue();
    }

    @Test
    void refusesARequestThatWouldWriteTooManyRecords() throws Exception {
        open(1);
        CreateTopicResult result = context.createTopic("huge", 1_000_000, 1);
        assertThat(result.error()).isEqualTo(Errors.POLICY_VIOLATION);
    }

    @Test
    void validatesTopicConfigsThroughTheInjectedValidator() throws Exception {
        open(1);
        CreateTopicResult unknown = context.createTopicWithConfigs("t", Map.of("bogus", "1"));
        assertThat(unknown.error()).isEqualTo(Errors.INVALID_CONFIG);
        assertThat(unknown.message()).isEqualTo("Unknown topic config name: bogus");
        assertThat(context.createTopicWithConfigs("t", Map.of("retention.ms", "soon"))
                        .error())
                .isEqualTo(Errors.INVALID_CONFIG);
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("retention.ms", null);
        assertThat(context.createTopicWithConfigs("t", nullValue).error()).isEqualTo(Errors.INVALID_CONFIG);

        CreateTopicResult ok = context.createTopicWithConfigs("t", Map.of("retention.ms", "1000"));
        assertThat(ok.error()).isEqualTo(Errors.NONE);
        assertThat(ok.configs()).containsExactly(Map.entry("retention.ms", "1000"));
        assertThat(context.image().configs().configs(ConfigResource.topic("t")))
                .containsExactly(Map.entry("retention.ms", "1000"));
    }

    @Test
    void validateOnlyChecksEverythingButWritesNothing() throws Exception {
        open(1);
        long offsetBefore = context.image().offset();
        List<CreateTopicResult> results = get(context.controller.createTopics(
                List.of(CreatableTopic.of("ok", 3, 1), CreatableTopic.of("bad", 1, 2)), true));

        assertThat(results)
                .extracting(CreateTopicResult::error)
                .containsExactly(Errors.NONE, Errors.INVALID_REPLICATION_FACTOR);
        assertThat(results.get(0).numPartitions()).isEqualTo(3);
        assertThat(context.image().topics().isEmpty()).isTrue();
        assertThat(context.image().offset()).isEqualTo(offsetBefore);
    }

    @Test
    void acceptsAValidManualAssignmentAndRejectsBadOnes() throws Exception {
        open(3);
        Map<Integer, int[]> good = Map.of(0, new int[] {2, 0}, 1, new int[] {1, 2});
        CreateTopicResult created = context.createTopic(new CreatableTopic("manual", -1, -1, good, Map.of()));
        assertThat(created.error()).isEqualTo(Errors.NONE);
        assertThat(context.image().topics().topic("manual").partition(0).replicas())
                .containsExactly(2, 0);
        assertThat(context.image().topics().topic("manual").partition(0).leader())
                .isEqualTo(2);

        List<Map<Integer, int[]>> bad = List.of(
                Map.of(0, new int[] {0}, 2, new int[] {1}), // not consecutive
                Map.of(0, new int[] {0, 0}), // duplicate broker
                Map.of(0, new int[] {7}), // unknown broker
                Map.of(0, new int[] {}), // empty
                Map.of(0, new int[] {0}, 1, new int[] {0, 1})); // inconsistent replication factor
        for (Map<Integer, int[]> assignment : bad) {
            CreateTopicResult result = context.createTopic(new CreatableTopic("bad", -1, -1, assignment, Map.of()));
            assertThat(result.error())
                    .as("%s", assignment.values().stream().map(Arrays::toString).toList())
                    .isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT);
        }
        assertThat(context.createTopic(new CreatableTopic("both", 1, -1, good, Map.of()))
                        .error())
                .isEqualTo(Errors.INVALID_REQUEST);
    }

    @Test
    void deletingAndRecreatingATopicGivesItANewId() throws Exception {
        open(1);
        Uuid first = context.createTopicWithConfigs("orders", Map.of("retention.ms", "5"))
                .topicId();

        List<DeleteTopicResult> deleted = get(context.controller.deleteTopics(List.of("orders"), List.of()));
        assertThat(deleted).containsExactly(new DeleteTopicResult("orders", first, Errors.NONE, null));
        assertThat(context.image().topics().topic("orders")).isNull();
        assertThat(context.image().configs().configs(ConfigResource.topic("orders")))
                .isEmpty();

        Uuid second = context.createTopic("orders", 1, 1).topicId();
        assertThat(second).isNotEqualTo(first);
        assertThat(context.image().topics().topic("orders").id()).isEqualTo(second);
    }

    @Test
    void deletesByIdAndReportsUnknownNamesAndIds() throws Exception {
        open(1);
        Uuid id = context.createTopic("orders", 1, 1).topicId();
        Uuid unknown = new Uuid(5, 5);

        List<DeleteTopicResult> results = get(context.controller.deleteTopics(List.of("nope"), List.of(id, unknown)));

        assertThat(results)
                .containsExactly(
                        new DeleteTopicResult(
                                "nope",
                                Uuid.ZERO,
                                Errors.UNKNOWN_TOPIC_OR_PARTITION,
                                Errors.UNKNOWN_TOPIC_OR_PARTITION.message()),
                        new DeleteTopicResult("orders", id, Errors.NONE, null),
                        new DeleteTopicResult(
                                null, unknown, Errors.UNKNOWN_TOPIC_ID, Errors.UNKNOWN_TOPIC_ID.message()));
        assertThat(context.image().topics().isEmpty()).isTrue();
    }

    @Test
    void createPartitionsAddsPartitionsWithTheTopicsReplicationFactor() throws Exception {
        open(3);
        context.createTopic("orders", 2, 2);
        List<CreatePartitionsResult> results =
                get(context.controller.createPartitions(List.of(new CreatePartitionsTopic("orders", 5, null)), false));

        assertThat(results).containsExactly(new CreatePartitionsResult("orders", Errors.NONE, null));
        TopicImage topic = context.image().topics().topic("orders");
        assertThat(topic.partitions().keySet()).containsExactly(0, 1, 2, 3, 4);
        assertThat(topic.partition(4).replicationFactor()).isEqualTo(2);
    }

    @Test
    void createPartitionsRejectsNoIncreaseUnknownTopicsAndBadAssignments() throws Exception {
        open(2);
        context.createTopic("orders", 3, 1);
        List<CreatePartitionsResult> results = get(context.controller.createPartitions(
                List.of(new CreatePartitionsTopic("orders", 3, null), new CreatePartitionsTopic("nope", 5, null)),
                false));
        assertThat(results)
                .extracting(CreatePartitionsResult::error)
                .containsExactly(Errors.INVALID_PARTITIONS, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(get(context.controller.createPartitions(
                                List.of(new CreatePartitionsTopic("orders", 2, null)), false))
                        .get(0)
                        .error())
                .isEqualTo(Errors.INVALID_PARTITIONS);
        assertThat(get(context.controller.createPartitions(
                                List.of(new CreatePartitionsTopic("orders", 5, List.of(new int[] {1}))), false))
                        .get(0)
                        .error())
                .isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT);
        assertThat(get(context.controller.createPartitions(
                                List.of(new CreatePartitionsTopic("orders", 4, List.of(new int[] {1}))), true))
                        .get(0)
                        .error())
                .isEqualTo(Errors.NONE);
        assertThat(context.image().topics().topic("orders").numPartitions()).isEqualTo(3);
    }

    @Test
    void incrementalAlterConfigsSetsDeletesAppendsAndSubtracts() throws Exception {
        open(1);
        context.createTopic("orders", 1, 1);
        ConfigResource orders = ConfigResource.topic("orders");
        alter(
                orders,
                new AlterConfigOp("retention.ms", AlterConfigOp.OpType.SET, "1000"),
                new AlterConfigOp("cleanup.policy", AlterConfigOp.OpType.APPEND, "delete"));
        assertThat(context.image().configs().configs(orders))
                .containsOnly(Map.entry("retention.ms", "1000"), Map.entry("cleanup.policy", "delete"));

        alter(orders, new AlterConfigOp("cleanup.policy", AlterConfigOp.OpType.APPEND, "compact,delete"));
        assertThat(context.image().configs().configs(orders)).containsEntry("cleanup.policy", "delete,compact");
        alter(
                orders,
                new AlterConfigOp("cleanup.policy", AlterConfigOp.OpType.SUBTRACT, "delete"),
                new AlterConfigOp("retention.ms", AlterConfigOp.OpType.DELETE, null));
        assertThat(context.image().configs().configs(orders)).containsOnly(Map.entry("cleanup.policy", "compact"));
    }

    @Test
    void appendToAnUnsetListConfigStartsFromItsDefault() throws Exception {
        ConfigValidator withDefaults = new ConfigValidator() {
            @Override
            public Optional<String> validate(ConfigResourceType type, String name, String value) {
                return Optional.empty();
            }

            @Override
            public String defaultValue(ConfigResourceType type, String name) {
                return name.equals("cleanup.policy") ? "delete" : null;
            }
        };
        context = ControllerTestContext.open(dir, 1, withDefaults);
        context.createTopic("orders", 1, 1);
        alter(
                ConfigResource.topic("orders"),
                new AlterConfigOp("cleanup.policy", AlterConfigOp.OpType.APPEND, "compact"));

        assertThat(context.image().configs().configs(ConfigResource.topic("orders")))
                .containsExactly(Map.entry("cleanup.policy", "delete,compact"));
    }

    @Test
    void incrementalAlterConfigsReportsErrorsPerResourceAndValidateOnlyWritesNothing() throws Exception {
        open(1);
        context.createTopic("orders", 1, 1);
        List<AlterConfigsResult> results = get(context.controller.incrementalAlterConfigs(
                List.of(
                        new AlterConfigsResource(ConfigResource.topic("nope"), List.of(set("retention.ms", "1"))),
                        new AlterConfigsResource(ConfigResource.topic("orders"), List.of(set("retention.ms", "x"))),
                        new AlterConfigsResource(ConfigResource.broker("one"), List.of(set("a", "1"))),
                        new AlterConfigsResource(ConfigResource.broker("0"), List.of(set("a", "1"), set("a", "2"))),
                        new AlterConfigsResource(ConfigResource.broker(""), List.of(set("log.retention.ms", "9")))),
                false));
        assertThat(results)
                .extracting(AlterConfigsResult::error)
                .containsExactly(
                        Errors.UNKNOWN_TOPIC_OR_PARTITION,
                        Errors.INVALID_CONFIG,
                        Errors.INVALID_REQUEST,
                        Errors.INVALID_REQUEST,
                        Errors.NONE);
        assertThat(results.get(1).message()).contains("Not a number");
        assertThat(context.image().configs().configs(ConfigResource.broker(""))).containsEntry("log.retention.ms", "9");

        get(context.controller.incrementalAlterConfigs(
                List.of(new AlterConfigsResource(ConfigResource.topic("orders"), List.of(set("retention.ms", "7")))),
                true));
        assertThat(context.image().configs().configs(ConfigResource.topic("orders")))
                .isEmpty();
    }

    @Test
    void legacyAlterConfigsReplacesTheWholeSetAndValidatesBeforeWriting() throws Exception {
        open(1);
        context.createTopic("orders", 1, 1);
        ConfigResource orders = ConfigResource.topic("orders");
        alter(orders, set("cleanup.policy", "compact"), set("retention.ms", "1000"));

        List<AlterConfigsResult> results = get(context.controller.alterConfigs(
                List.of(new AlterConfigsResource(orders, List.of(set("retention.ms", "2000"), set("segment.ms", "9")))),
                false));
        assertThat(results).extracting(AlterConfigsResult::error).containsExactly(Errors.NONE);
        assertThat(context.image().configs().configs(orders))
                .containsOnly(Map.entry("retention.ms", "2000"), Map.entry("segment.ms", "9"));

        // validateOnly and a failed replacement leave the set as it was
        get(context.controller.alterConfigs(List.of(new AlterConfigsResource(orders, List.of())), true));
        results = get(context.controller.alterConfigs(
                List.of(
                        new AlterConfigsResource(orders, List.of(set("retention.ms", "soon"))),
                        new AlterConfigsResource(ConfigResource.topic("nope"), List.of())),
                false));
        assertThat(results)
                .extracting(AlterConfigsResult::error)
                .containsExactly(Errors.INVALID_CONFIG, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(context.image().configs().configs(orders))
                .containsOnly(Map.entry("retention.ms", "2000"), Map.entry("segment.ms", "9"));

        get(context.controller.alterConfigs(List.of(new AlterConfigsResource(orders, List.of())), false));
        assertThat(context.image().configs().configs(orders)).isEmpty();
    }

    @Test
    void concurrentCreatesOfOneNameSucceedOnlyOnce() throws Exception {
        open(1);
        List<CompletableFuture<List<CreateTopicResult>>> futures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            futures.add(context.controller.createTopics(List.of(CreatableTopic.of("race", 1, 1)), false));
        }
        List<Errors> errors = new ArrayList<>();
        for (CompletableFuture<List<CreateTopicResult>> future : futures) {
            errors.add(get(future).get(0).error());
        }
        assertThat(errors).containsOnlyOnce(Errors.NONE);
        assertThat(errors).filteredOn(e -> e != Errors.NONE).containsOnly(Errors.TOPIC_ALREADY_EXISTS);
    }

    @Test
    void aRestartedControllerOnTheSameDirectoryHasTheSameImage() throws Exception {
        open(3);
        context.createTopicWithConfigs("a", Map.of("retention.ms", "1"));
        context.createTopic("b", 4, 3);
        get(context.controller.createPartitions(List.of(new CreatePartitionsTopic("a", 3, null)), false));
        get(context.controller.deleteTopics(List.of("b"), List.of()));
        context.createTopic("b", 2, 2);
        MetadataImage before = context.image();
        assertThat(get(context.controller.committedImage())).isEqualTo(before);
        context.close();

        context = ControllerTestContext.open(dir, 3, VALIDATOR);
        assertThat(context.image()).isEqualTo(before);
        assertThat(get(context.controller.committedImage())).isEqualTo(before);
        assertThat(context.createTopic("a", 1, 1).error()).isEqualTo(Errors.TOPIC_ALREADY_EXISTS);
    }

    @Test
    void reRegisteringABrokerReplacesItsRegistrationAndReturnsANewEpoch() throws Exception {
        open(1);
        long first = context.image().offset();
        long epoch = get(context.controller.registerBroker(
                0, new Uuid(7, 7), List.of(new Endpoint("PLAINTEXT", "otherhost", 9092, "PLAINTEXT")), "r1"));

        assertThat(epoch).isGreaterThan(first);
        assertThat(context.image().cluster().broker(0).incarnationId()).isEqualTo(new Uuid(7, 7));
        assertThat(context.image().cluster().broker(0).rack()).isEqualTo("r1");
        assertThatThrownBy(() -> get(context.controller.registerBroker(-1, new Uuid(1, 1), List.of(), null)))
                .hasCauseInstanceOf(ApiException.class);
    }

    @Test
    void operationsAfterCloseFailWithNotController() throws Exception {
        open(1);
        context.controller.close();
        assertThatThrownBy(() -> get(context.controller.createTopics(List.of(CreatableTopic.of("t", 1, 1)), false)))
                .hasCauseInstanceOf(ApiException.class)
                .hasMessageContaining("shut down");
    }

    private void alter(ConfigResource resource, AlterConfigOp... ops) throws Exception {
        List<AlterConfigsResult> results = get(context.controller.incrementalAlterConfigs(
                List.of(new AlterConfigsResource(resource, List.of(ops))), false));
        assertThat(results.get(0).error()).as(results.get(0).message()).isEqualTo(Errors.NONE);
    }

    private static AlterConfigOp set(String name, String value) {
        return new AlterConfigOp(name, AlterConfigOp.OpType.SET, value);
    }
}
