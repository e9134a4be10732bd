package io.fjord.metadata;

import static io.fjord.metadata.ControllerTestContext.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Errors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * A seeded random sequence of controller operations checked against a simple model of topics and
 * partition counts, with invariants on the image, then a restart that must rebuild the same image.
 */
class ControllerSimulationTest {

    private static final List<String> NAMES = List.of("a", "b", "c", "d", "e.f", "e_f");

    @Property(seed = "20261122", tries = 15)
    void randomOperationsKeepTheImageConsistentAcrossARestart(@ForAll long seed) throws Exception {
        Random random = new Random(seed);
        Path dir = Files.createTempDirectory("controller-sim");
        Map<String, Integer> model = new HashMap<>();
        Map<String, Map<String, String>> configModel = new HashMap<>();
        try {
            MetadataImage before;
            try (ControllerTestContext context = ControllerTestContext.open(dir, 3, ConfigValidator.ACCEPT_ALL)) {
                for (int step = 0; step < 40; step++) {
                    step(context, random, model, configModel);
                }
                before = context.image();
                checkInvariants(before, model, configModel);
            }
            try (ControllerTestContext context = ControllerTestContext.open(dir, 3, ConfigValidator.ACCEPT_ALL)) {
                assertThat(context.image()).isEqualTo(before);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void step(
            ControllerTestContext context,
            Random random,
            Map<String, Integer> model,
            Map<String, Map<String, String>> configModel)
            throws Exception {
        String name = NAMES.get(random.nextInt(NAMES.size()));
        Controller controller = context.controller;
        switch (random.nextInt(4)) {
            case 0 -> {
                int partitions = random.nextInt(5) - 1; // -1 .. 3
                int replicationFactor = random.nextInt(5) - 1; // -1 .. 3
                CreateTopicResult result = context.createTopic(name, partitions, replicationFactor);
                boolean collides = model.keySet().stream()
                        .anyMatch(t -> !t.equals(name) && t.replace('.', '_').equals(name.replace('.', '_')));
                Errors expected = model.containsKey(name)
                        ? Errors.TOPIC_ALREADY_EXISTS
                        : collides
                                ? Errors.INVALID_TOPIC_EXCEPTION
                                : partitions == 0
                                        ? Errors.INVALID_PARTITIONS
                                        : replicationFactor == 0 ? Errors.INVALID_REPLICATION_FACTOR : Errors.NONE;
                assertThat(result.error())
                        .as("create %s %d %d", name, partitions, replicationFactor)
                        .isEqualTo(expected);
                if (expected == Errors.NONE) {
                    model.put(name, partitions == -1 ? 1 : partitions);
                }
            }
            case 1 -> {
                DeleteTopicResult result =
                        get(controller.deleteTopics(List.of(name), List.of())).get(0);
                assertThat(result.error())
                        .isEqualTo(model.containsKey(name) ? Errors.NONE : Errors.UNKNOWN_TOPIC_OR_PARTITION);
                model.remove(name);
                configModel.remove(name);
            }
            case 2 -> {
                int total = 1 + random.nextInt(6);
                CreatePartitionsResult result = get(controller.createPartitions(
                                List.of(new CreatePartitionsTopic(name, total, null)), false))
                        .get(0);
                Integer current = model.get(name);
                Errors expected = current == null
                        ? Errors.UNKNOWN_TOPIC_OR_PARTITION
                        : total <= current ? Errors.INVALID_PARTITIONS : Errors.NONE;
                assertThat(result.error()).isEqualTo(expected);
                if (expected == Errors.NONE) {
                    model.put(name, total);
                }
            }
            default -> {
                String key = "k" + random.nextInt(3);
                boolean delete = random.nextBoolean();
                AlterConfigOp op = delete
                        ? new AlterConfigOp(key, AlterConfigOp.OpType.DELETE, null)
                        : new AlterConfigOp(key, AlterConfigOp.OpType.SET, "v" + random.nextInt(100));
                AlterConfigsResult result = get(controller.incrementalAlterConfigs(
                                List.of(new AlterConfigsResource(ConfigResource.topic(name), List.of(op))), false))
                        .get(0);
                assertThat(result.error())
                        .isEqualTo(model.containsKey(name) ? Errors.NONE : Errors.UNKNOWN_TOPIC_OR_PARTITION);
                if (model.containsKey(name)) {
                    Map<String, String> configs = configModel.computeIfAbsent(name, n -> new HashMap<>());
                    if (delete) {
                        configs.remove(key);
                    } else {
                        configs.put(key, op.value());
                    }
                }
            }
        }
    }

    private static void checkInvariants(
            MetadataImage image, Map<String, Integer> model, Map<String, Map<String, String>> configModel) {
        assertThat(image.topics().topicsByName().keySet()).isEqualTo(model.keySet());
        Set<Object> ids = new HashSet<>();
        for (TopicImage topic : image.topics().topicsById().values()) {
            assertThat(ids.add(topic.id())).as("topic ids are unique").isTrue();
            assertThat(topic.numPartitions()).isEqualTo(model.get(topic.name()));
            assertThat(topic.partitions().keySet())
                    .containsExactlyElementsOf(
                            IntStream.range(0, topic.numPartitions()).boxed().toList());
            int replicationFactor = topic.partition(0).replicationFactor();
            for (PartitionRegistration p : topic.partitions().values()) {
                assertThat(p.replicationFactor()).isEqualTo(replicationFactor);
                assertThat(p.replicas()).doesNotHaveDuplicates();
                for (int replica : p.replicas()) {
                    assertThat(image.cluster().broker(replica)).isNotNull();
                }
                assertThat(p.isr()).contains(p.leader());
            }
            assertThat(image.configs().configs(ConfigResource.topic(topic.name())))
                    .isEqualTo(configModel.getOrDefault(topic.name(), Map.of()));
        }
    }
}
