package io.fjord.metadata;

import static io.fjord.metadata.ControllerTestContext.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import io.fjord.testkit.MockTime;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How the controller's view of in-flight writes behaves when the log fails or another node writes. */
class ControllerInFlightTest {

    final MockMetadataLog log = new MockMetadataLog();
    Controller controller;

    @BeforeEach
    void setUp() throws Exception {
        controller = Controller.start(
                ControllerConfig.DEFAULT, log, ConfigValidator.ACCEPT_ALL, new MockTime(), new Random(7));
        get(controller.ready());
        CompletableFuture<Long> registered = controller.registerBroker(
                0, new Uuid(1, 1), List.of(new Endpoint("PLAINTEXT", "localhost", 9092, "PLAINTEXT")), null);
        log.commitNext();
        get(registered);
    }

    @AfterEach
    void tearDown() {
        controller.close();
    }

    private CompletableFuture<List<CreateTopicResult>> create(String name) {
        return controller.createTopics(List.of(CreatableTopic.of(name, 1, 1)), false);
    }

    @Test
    void aSecondRequestSeesTheFirstBeforeItCommits() throws Exception {
        CompletableFuture<List<CreateTopicResult>> first = create("t");
        log.awaitPending(1);
        CompletableFuture<List<CreateTopicResult>> second = create("t");

        assertThat(get(second).get(0).error()).isEqualTo(Errors.TOPIC_ALREADY_EXISTS);
        assertThat(first).isNotDone();
        log.commitNext();
        assertThat(get(first).get(0).error()).isEqualTo(Errors.NONE);
    }

    @Test
    void aFailedAppendFailsTheRequestAndForgetsItsRecords() throws Exception {
        CompletableFuture<List<CreateTopicResult>> first = create("t");
        log.failNext(new IOException("disk full"));
        assertThatThrownBy(() -> get(first)).hasRootCauseInstanceOf(IOException.class);

        CompletableFuture<List<CreateTopicResult>> retry = create("t");
        log.commitNext();
        assertThat(get(retry).get(0).error()).isEqualTo(Errors.NONE);
        assertThat(get(controller.committedImage()).topics().topic("t")).isNotNull();
    }

    @Test
    void aBatchWrittenByAnotherNodeReplacesTheInFlightView() throws Exception {
        CompletableFuture<List<CreateTopicResult>> ours = create("mine");
        log.awaitPending(1);
        log.commitForeign(List.of(new TopicRecord("theirs", new Uuid(9, 9))));
        log.failNext(new IllegalStateException("not the leader"));
        assertThatThrownBy(() -> get(ours)).hasRootCauseInstanceOf(IllegalStateException.class);

        assertThat(get(create("theirs")).get(0).error()).isEqualTo(Errors.TOPIC_ALREADY_EXISTS);
        CompletableFuture<List<CreateTopicResult>> again = create("mine");
        log.commitNext();
        assertThat(get(again).get(0).error()).isEqualTo(Errors.NONE);
        assertThat(get(controller.committedImage()).topics().topicsByName()).containsOnlyKeys("mine", "theirs");
    }
}
