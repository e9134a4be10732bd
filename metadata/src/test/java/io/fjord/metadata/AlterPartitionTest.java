package io.fjord.metadata;

import static io.fjord.metadata.TestImages.ids;
import static io.fjord.metadata.TestImages.incarnation;
import static io.fjord.metadata.TestImages.topicId;
import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AlterPartitionTest {

    private static final Uuid T = topicId("t");

    private final ControllerLogic logic =
            new ControllerLogic(ControllerConfig.DEFAULT, ConfigValidator.ACCEPT_ALL, new Random(1));

    /** Brokers 0..3 (3 fenced); t-0 on [0, 1, 2] led by 0 with ISR [0, 1]. */
    private final MetadataImage image = new TestImages()
            .brokers(0, 1, 2)
            .broker(3, null, true)
            .topic("t")
            .partition("t", 0, ids(0, 1, 2), ids(0, 1), 0)
            .build();

    private AlterPartitionResult alter(int brokerId, int leaderEpoch, int partitionEpoch, int... newIsr) {
        return alter(image, brokerId, new AlterPartitionItem(T, 0, leaderEpoch, partitionEpoch, newIsr));
    }

    private AlterPartitionResult alter(MetadataImage on, int brokerId, AlterPartitionItem item) {
        return logic.alterPartition(on, brokerId, List.of(item)).response().get(0);
    }

    @Test
    void theLeaderExpandsTheIsrAndGetsTheNewRegistration() {
        ControllerResult<List<AlterPartitionResult>> result =
                logic.alterPartition(image, 0, List.of(new AlterPartitionItem(T, 0, 0, 0, ids(0, 1, 2))));
        AlterPartitionResult answer = result.response().get(0);
        assertThat(answer.error()).isEqualTo(Errors.NONE);
        assertThat(answer.partition().isr()).containsExactly(0, 1, 2);
        assertThat(answer.partition().partitionEpoch()).isEqualTo(1);
        assertThat(answer.partition().leaderEpoch()).isZero();
        MetadataImage after = TestImages.apply(image, result.records());
        assertThat(after.topics().topic("t").partition(0)).isEqualTo(answer.partition());
    }

    @Test
    void theLeaderShrinksTheIsr() {
        AlterPartitionResult answer = alter(0, 0, 0, 0);
        assertThat(answer.error()).isEqualTo(Errors.NONE);
        assertThat(answer.partition().isr()).containsExactly(0);
    }

    @Test
    void anUnchangedIsrWritesNothingAndAnswersTheCurrentState() {
        ControllerResult<List<AlterPartitionResult>> result =
                logic.alterPartition(image, 0, List.of(new AlterPartitionItem(T, 0, 0, 0, ids(0, 1))));
        assertThat(result.records()).isEmpty();
        assertThat(result.response().get(0).partition())
                .isEqualTo(image.topics().topic("t").partition(0));
    }

    @Test
    void aStaleLeaderEpochIsFenced() {
        assertThat(alter(0, 1, 0, 0, 1, 2).error()).isEqualTo(Errors.FENCED_LEADER_EPOCH);
        assertThat(alter(1, 7, 0, 1).error()).isEqualTo(Errors.FENCED_LEADER_EPOCH);
    }

    @Test
    void aSenderThatIsNotTheLeaderIsRefused() {
        assertThat(alter(1, 0, 0, 0, 1).error()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
    }

    @Test
    void aStalePartitionEpochIsAnInvalidUpdateVersion() {
        assertThat(alter(0, 0, 3, 0, 1, 2).error()).isEqualTo(Errors.INVALID_UPDATE_VERSION);
    }

    @Test
    void anIsrWithoutTheLeaderOrWithANonReplicaOrADuplicateIsInvalid() {
        assertThat(alter(0, 0, 0, 1).error()).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(alter(0, 0, 0, 0, 5).error()).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(alter(0, 0, 0, 0, 1, 1).error()).isEqualTo(Errors.INVALID_REQUEST);
    }

    @Test
    void addingAFencedOrShuttingDownReplicaIsIneligible() {
        MetadataImage fenced = TestImages.apply(
                image, logic.setBrokerFenced(image, 2, incarnation(2), true).records());
        assertThat(alter(fenced, 0, new AlterPartitionItem(T, 0, 0, 0, ids(0, 1, 2)))
                        .error())
                .isEqualTo(Errors.INELIGIBLE_REPLICA);
        MetadataImage shuttingDown = TestImages.apply(
                image, logic.controlledShutdown(image, 2, incarnation(2)).records());
        assertThat(alter(shuttingDown, 0, new AlterPartitionItem(T, 0, 0, 0, ids(0, 1, 2)))
                        .error())
                .isEqualTo(Errors.INELIGIBLE_REPLICA);
    }

    @Test
    void anUnknownTopicOrPartitionIsReported() {
        assertThat(alter(image, 0, new AlterPartitionItem(new Uuid(1, 1), 0, 0, 0, ids(0)))
                        .error())
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(alter(image, 0, new AlterPartitionItem(T, 4, 0, 0, ids(0))).error())
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    @Test
    void itemsAreDecidedInOrderEachOnTopOfTheOnesBefore() {
        ControllerResult<List<AlterPartitionResult>> result = logic.alterPartition(
                image,
                0,
                List.of(
                        new AlterPartitionItem(T, 0, 0, 0, ids(0)),
                        new AlterPartitionItem(T, 0, 0, 0, ids(0, 1)),
                        new AlterPartitionItem(T, 0, 0, 1, ids(0, 2))));
        assertThat(result.response())
                .extracting(AlterPartitionResult::error)
                .containsExactly(Errors.NONE, Errors.INVALID_UPDATE_VERSION, Errors.NONE);
        assertThat(result.response().get(2).partition().isr()).containsExactly(0, 2);
        assertThat(result.records()).hasSize(2);
    }

    @Test
    void theSingleNodeControllerAnswersAlterPartitionWithTheCommittedRegistration(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        try (ControllerTestContext context = ControllerTestContext.open(dir, 1, ConfigValidator.ACCEPT_ALL)) {
            CreateTopicResult created = context.createTopic("one", 1, 1);
            List<AlterPartitionResult> results = ControllerTestContext.get(context.controller.alterPartition(
                    0,
                    List.of(
                            new AlterPartitionItem(created.topicId(), 0, 0, 0, ids(0)),
                            new AlterPartitionItem(created.topicId(), 0, 1, 0, ids(0)))));
            assertThat(results)
                    .extracting(AlterPartitionResult::error)
                    .containsExactly(Errors.NONE, Errors.FENCED_LEADER_EPOCH);
            assertThat(results.get(0).partition().leader()).isZero();
        }
    }
}
