package io.fjord.metadata;

import static io.fjord.metadata.TestImages.ids;
import static io.fjord.metadata.TestImages.partition;
import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LeaderElectionControlTest {

    private final ControllerLogic logic =
            new ControllerLogic(ControllerConfig.DEFAULT, ConfigValidator.ACCEPT_ALL, new Random(1));

    /**
     * Brokers 0..2 (2 fenced). t-0 [0,1] led by 1 (preferred 0 in ISR), t-1 [0,1] led by 0, t-2 [2,1] led
     * by 1 (preferred fenced), t-3 [2,0] leaderless with ISR [2], t-4 [2] leaderless with ISR [2].
     */
    private final MetadataImage image = new TestImages()
            .brokers(0, 1)
            .broker(2, null, true)
            .topic("t")
            .partition("t", 0, ids(0, 1), ids(0, 1), 1)
            .partition("t", 1, ids(0, 1), ids(0, 1), 0)
            .partition("t", 2, ids(2, 1), ids(2, 1), 1)
            .partition("t", 3, ids(2, 0), ids(2), PartitionRecord.NO_LEADER)
            .partition("t", 4, ids(2), ids(2), PartitionRecord.NO_LEADER)
            .build();

    private List<Errors> errors(ElectionType type, int... partitions) {
        List<TopicPartition> wanted = new java.util.ArrayList<>();
        for (int p : partitions) {
            wanted.add(new TopicPartition("t", p));
        }
        wanted.add(new TopicPartition("missing", 0));
        return logic.electLeaders(image, type, wanted).response().stream()
                .map(ElectLeadersResult::error)
                .toList();
    }

    @Test
    void preferredElectionGivesEachPartitionKafkasOutcome() {
        assertThat(errors(ElectionType.PREFERRED, 0, 1, 2, 9))
                .containsExactly(
                        Errors.NONE,
                        Errors.ELECTION_NOT_NEEDED,
                        Errors.PREFERRED_LEADER_NOT_AVAILABLE,
                        Errors.UNKNOWN_TOPIC_OR_PARTITION,
                        Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    @Test
    void preferredElectionMovesLeadershipToTheFirstReplica() {
        ControllerResult<List<ElectLeadersResult>> result =
                logic.electLeaders(image, ElectionType.PREFERRED, List.of(new TopicPartition("t", 0)));
        MetadataImage after = TestImages.apply(image, result.records());
        assertThat(partition(after, "t", 0).leader()).isZero();
        assertThat(partition(after, "t", 0).leaderEpoch()).isEqualTo(1);
        assertThat(partition(after, "t", 0).isr()).containsExactly(0, 1);
    }

    @Test
    void uncleanElectionOnlyElectsLeaderlessPartitionsAndFromAnyLiveReplica() {
        assertThat(errors(ElectionType.UNCLEAN, 0, 3, 4))
                .containsExactly(
                        Errors.ELECTION_NOT_NEEDED,
                        Errors.NONE,
                        Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE,
                        Errors.UNKNOWN_TOPIC_OR_PARTITION);
        MetadataImage after = TestImages.apply(
                image,
                logic.electLeaders(image, ElectionType.UNCLEAN, List.of(new TopicPartition("t", 3)))
                        .records());
        assertThat(partition(after, "t", 3).leader()).isZero();
        assertThat(partition(after, "t", 3).isr()).containsExactly(0);
    }

    @Test
    void electingEveryPartitionReportsOnlyThoseThatNeededIt() {
        ControllerResult<List<ElectLeadersResult>> result = logic.electLeaders(image, ElectionType.PREFERRED, null);
        assertThat(result.response())
                .extracting(ElectLeadersResult::partitionId, ElectLeadersResult::error)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0, Errors.NONE),
                        org.assertj.core.groups.Tuple.tuple(2, Errors.PREFERRED_LEADER_NOT_AVAILABLE),
                        org.assertj.core.groups.Tuple.tuple(3, Errors.PREFERRED_LEADER_NOT_AVAILABLE),
                        org.assertj.core.groups.Tuple.tuple(4, Errors.PREFERRED_LEADER_NOT_AVAILABLE));
        assertThat(result.records()).hasSize(1);
    }

    @Test
    void theRebalanceElectsWhereABrokerLeadsTooFewOfItsPreferredPartitions() {
        // Broker 0 prefers t-0 and t-1 and leads one of them: 50% off.
        assertThat(ControllerLogic.imbalancedPartitions(image, 10)).containsExactly(new TopicPartition("t", 0));
        assertThat(ControllerLogic.imbalancedPartitions(image, 50)).isEmpty();
        MetadataImage balanced = TestImages.apply(
                image,
                logic.electLeaders(image, ElectionType.PREFERRED, List.of(new TopicPartition("t", 0)))
                        .records());
        assertThat(ControllerLogic.imbalancedPartitions(balanced, 0)).isEmpty();
    }
}
