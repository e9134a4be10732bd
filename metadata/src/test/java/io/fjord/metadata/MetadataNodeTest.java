package io.fjord.metadata;

import static io.fjord.metadata.ControllerTestContext.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import io.fjord.testkit.MockTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataNodeTest {

    @TempDir
    Path logDir;

    private MetadataNode start() throws Exception {
        return MetadataNode.startLocal(
                logDir, ControllerConfig.DEFAULT, ConfigValidator.ACCEPT_ALL, new MockTime(), new Random(1));
    }

    @Test
    void aBrokerPublisherSeesTopicsComeAndGoAndTheirRecoveryAfterRestart() throws Exception {
        List<String> events = new ArrayList<>();
        MetadataPublisher logManager = (delta, image) -> {
            delta.createdTopicIds()
                    .forEach(id ->
                            events.add("create " + image.topics().topic(id).name()));
            delta.deletedTopics().values().forEach(topic -> events.add("delete " + topic.name()));
        };
        try (MetadataNode node = start()) {
            node.loader().installPublisher(logManager);
            get(node.ready());
            get(node.controller()
                    .registerBroker(
                            0,
                            new Uuid(3, 3),
                            List.of(new Endpoint("PLAINTEXT", "localhost", 9092, "PLAINTEXT")),
                            null));
            get(node.controller()
                    .createTopics(List.of(CreatableTopic.of("a", 2, 1), CreatableTopic.of("b", 1, 1)), false));
            get(node.controller().deleteTopics(List.of("a"), List.of()));
        }
        assertThat(events).containsExactly("create a", "create b", "delete a");
        assertThat(MetadataLogDirectory.segmentFile(logDir.resolve(LocalMetadataLog.DIRECTORY_NAME), 0))
                .satisfies(file -> assertThat(Files.size(file)).isPositive());

        events.clear();
        try (MetadataNode node = start()) {
            node.loader().installPublisher(logManager);
            MetadataImage image = get(node.ready());
            assertThat(image.topics().topicsByName()).containsOnlyKeys("b");
            assertThat(events).as("recovery is one update: a never shows up").containsExactly("create b");
        }
    }

    @Test
    void nullTopicNamesAreClientErrorsNotCrashes() throws Exception {
        try (MetadataNode node = start()) {
            get(node.ready());
            List<CreateTopicResult> created = get(node.controller()
                    .createTopics(
                            List.of(new CreatableTopic(null, 1, 1, null, null), CreatableTopic.of("null", 1, 1)),
                            false));
            assertThat(created)
                    .extracting(CreateTopicResult::error)
                    .containsExactly(Errors.INVALID_TOPIC_EXCEPTION, Errors.INVALID_REPLICATION_FACTOR);
            List<DeleteTopicResult> deleted =
                    get(node.controller().deleteTopics(Arrays.asList((String) null), List.of()));
            assertThat(deleted.get(0).error()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
    }
}
