package io.fjord.metadata;

import static io.fjord.metadata.TestImages.ids;
import static io.fjord.metadata.TestImages.incarnation;
import static io.fjord.metadata.TestImages.partition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BrokerLifecycleControlTest {

    private static final List<Endpoint> ENDPOINTS = List.of(new Endpoint("PLAINTEXT", "localhost", 9999, "PLAINTEXT"));

    private final ControllerLogic logic = logic(ControllerConfig.DEFAULT);

    private static ControllerLogic logic(ControllerConfig config) {
        return new ControllerLogic(config, ConfigValidator.ACCEPT_ALL, new Random(1));
    }

    private static MetadataImage threeBrokersOnePartition(int[] isr, int leader) {
        return new TestImages()
                .brokers(0, 1, 2)
                .topic("t")
                .partition("t", 0, ids(0, 1, 2), isr, leader)
                .build();
    }

    private static MetadataImage apply(MetadataImage image, ControllerResult<?> result) {
        return TestImages.apply(image, result.records());
    }

    @Test
    void fencingTheLeaderMovesLeadershipToTheFirstLiveIsrMemberAndDropsItFromTheIsr() {
        MetadataImage image = threeBrokersOnePartition(ids(0, 1, 2), 0);
        MetadataImage after = apply(image, logic.setBrokerFenced(image, 0, incarnation(0), true));
        assertThat(after.cluster().broker(0).fenced()).isTrue();
        PartitionRegistration p = partition(after, "t", 0);
        assertThat(p.leader()).isEqualTo(1);
        assertThat(p.isr()).containsExactly(1, 2);
        assertThat(p.leaderEpoch()).isEqualTo(1);
        assertThat(p.partitionEpoch()).isEqualTo(1);
    }

    @Test
    void fencingAFollowerOnlyShrinksTheIsrAndKeepsTheLeaderEpoch() {
        MetadataImage image = threeBrokersOnePartition(ids(0, 1, 2), 0);
        MetadataImage after = apply(image, logic.setBrokerFenced(image, 2, incarnation(2), true));
        PartitionRegistration p = partition(after, "t", 0);
        assertThat(p.leader()).isZero();
        assertThat(p.isr()).containsExactly(0, 1);
        assertThat(p.leaderEpoch()).isZero();
    }

    @Test
    void fencingTheLastIsrMemberLeavesThePartitionLeaderlessWithItsIsr() {
        MetadataImage image = threeBrokersOnePartition(ids(0), 0);
        MetadataImage after = apply(image, logic.setBrokerFenced(image, 0, incarnation(0), true));
        PartitionRegistration p = partition(after, "t", 0);
        assertThat(p.leader()).isEqualTo(PartitionRecord.NO_LEADER);
        assertThat(p.isr()).containsExactly(0);
        assertThat(p.leaderEpoch()).isEqualTo(1);
    }

    @Test
    void aTopicThatAllowsUncleanElectionGetsAnyLiveReplicaAsLeaderWithAnIsrOfJustIt() {
        MetadataImage image = new TestImages()
                .brokers(0, 1, 2)
                .topic("t")
                .partition("t", 0, ids(0, 1, 2), ids(0), 0)
                .config(ConfigResource.topic("t"), "unclean.leader.election.enable", "true")
                .build();
        MetadataImage after = apply(image, logic.setBrokerFenced(image, 0, incarnation(0), true));
        assertThat(partition(after, "t", 0).leader()).isEqualTo(1);
        assertThat(partition(after, "t", 0).isr()).containsExactly(1);
    }

    @Test
    void theBrokerDefaultForUncleanElectionAppliesWhenTheTopicSaysNothingAndATopicFalseOverridesIt() {
        MetadataImage image = new TestImages()
                .brokers(0, 1)
                .topic("a")
                .partition("a", 0, ids(0, 1), ids(0), 0)
                .topic("b")
                .partition("b", 0, ids(0, 1), ids(0), 0)
                .config(ConfigResource.topic("b"), "unclean.leader.election.enable", "false")
                .build();
        ControllerLogic unclean = logic(ControllerConfig.DEFAULT.withUncleanLeaderElection(true));
        MetadataImage after = apply(image, unclean.setBrokerFenced(image, 0, incarnation(0), true));
        assertThat(partition(after, "a", 0).leader()).isEqualTo(1);
        assertThat(partition(after, "b", 0).leader()).isEqualTo(PartitionRecord.NO_LEADER);
    }

    @Test
    void unfencingElectsTheBrokerForLeaderlessPartitionsWhoseIsrHoldsIt() {
        MetadataImage image = threeBrokersOnePartition(ids(0), 0);
        image = apply(image, logic.setBrokerFenced(image, 0, incarnation(0), true));
        MetadataImage after = apply(image, logic.setBrokerFenced(image, 0, incarnation(0), false));
        PartitionRegistration p = partition(after, "t", 0);
        assertThat(p.leader()).isZero();
        assertThat(p.isr()).containsExactly(0);
        assertThat(p.leaderEpoch()).isEqualTo(2);
    }

    @Test
    void unfencingABrokerOutsideTheIsrLeavesThePartitionLeaderlessUnlessUncleanIsAllowed() {
        MetadataImage image = new TestImages()
                .broker(0, null, true)
                .broker(1, null, true)
                .topic("t")
                .partition("t", 0, ids(0, 1), ids(0), PartitionRecord.NO_LEADER)
                .build();
        MetadataImage after = apply(image, logic.setBrokerFenced(image, 1, incarnation(1), false));
        assertThat(partition(after, "t", 0).leader()).isEqualTo(PartitionRecord.NO_LEADER);
        ControllerLogic unclean = logic(ControllerConfig.DEFAULT.withUncleanLeaderElection(true));
        after = apply(image, unclean.setBrokerFenced(image, 1, incarnation(1), false));
        assertThat(partition(after, "t", 0).leader()).isEqualTo(1);
        assertThat(partition(after, "t", 0).isr()).containsExactly(1);
    }

    @Test
    void aFenceForAnOldIncarnationOrAnUnchangedStateWritesNothing() {
        MetadataImage image = threeBrokersOnePartition(ids(0, 1, 2), 0);
        assertThat(logic.setBrokerFenced(image, 0, new Uuid(1, 1), true).records())
                .isEmpty();
        assertThat(logic.setBrokerFenced(image, 0, incarnation(0), false).records())
                .isEmpty();
        assertThat(logic.setBrokerFenced(image, 9, incarnation(9), true).records())
                .isEmpty();
    }

    @Test
    void aReRegistrationWithANewIncarnationEndsTheOldSessionFirst() {
        MetadataImage image = threeBrokersOnePartition(ids(0, 1, 2), 0);
        Uuid restarted = new Uuid(5, 5);
        MetadataImage after = apply(image, logic.registerBroker(image, 0, restarted, ENDPOINTS, null));
        BrokerRegistration broker = after.cluster().broker(0);
        assertThat(broker.incarnationId()).isEqualTo(restarted);
        assertThat(broker.fenced()).isFalse();
        PartitionRegistration p = partition(after, "t", 0);
        assertThat(p.leader()).isEqualTo(1);
        assertThat(p.isr()).containsExactly(1, 2);
    }

    @Test
    void aRestartedSoleIsrMemberLeadsAgainUnderANewLeaderEpoch() {
        MetadataImage image = threeBrokersOnePartition(ids(0), 0);
        MetadataImage after = apply(image, logic.registerBroker(image, 0, new Uuid(5, 5), ENDPOINTS, null));
        PartitionRegistration p = partition(after, "t", 0);
        assertThat(p.leader()).isZero();
        assertThat(p.leaderEpoch()).isEqualTo(2);
    }

    @Test
    void aRegistrationRetryOfTheSameIncarnationChangesNoPartition() {
        MetadataImage image = threeBrokersOnePartition(ids(0, 1, 2), 0);
        List<MetadataRecord> records =
                logic.registerBroker(image, 0, incarnation(0), ENDPOINTS, null).records();
        assertThat(records).hasSize(1).first().isInstanceOf(RegisterBrokerRecord.class);
    }

    private MetadataImage allowUnclean(MetadataImage image, ConfigResource resource) {
        AlterConfigOp set = new AlterConfigOp("unclean.leader.election.enable", AlterConfigOp.OpType.SET, "true");
        return apply(
                image,
                logic.incrementalAlterConfigs(image, List.of(new AlterConfigsResource(resource, List.of(set))), false));
    }

    @Test
    void settingUncleanElectionToTrueElectsTheLeaderlessPartitionsOfThatTopic() {
        MetadataImage image = new TestImages()
                .broker(0, null, true)
                .brokers(1)
                .topic("t")
                .partition("t", 0, ids(0, 1), ids(0), PartitionRecord.NO_LEADER)
                .topic("u")
                .partition("u", 0, ids(0, 1), ids(0), PartitionRecord.NO_LEADER)
                .build();
        MetadataImage after = allowUnclean(image, ConfigResource.topic("t"));
        assertThat(partition(after, "t", 0).leader()).isEqualTo(1);
        assertThat(partition(after, "t", 0).isr()).containsExactly(1);
        assertThat(partition(after, "u", 0).leader()).isEqualTo(PartitionRecord.NO_LEADER);
    }

    @Test
    void theClusterWideDynamicDefaultAlsoAllowsUncleanElection() {
        MetadataImage image = new TestImages()
                .broker(0, null, true)
                .brokers(1)
                .topic("t")
                .partition("t", 0, ids(0, 1), ids(0), PartitionRecord.NO_LEADER)
                .build();
        assertThat(partition(allowUnclean(image, ConfigResource.broker("")), "t", 0)
                        .leader())
                .isEqualTo(1);
    }

    @Test
    void controlledShutdownMovesLeadershipsAndIsrMembershipsAwayAndAnswersTrue() {
        MetadataImage image = new TestImages()
                .brokers(0, 1, 2)
                .topic("t")
                .partition("t", 0, ids(0, 1, 2), ids(0, 1, 2), 0)
                .partition("t", 1, ids(1, 0, 2), ids(1, 0), 1)
                .partition("t", 2, ids(0, 2, 1), ids(0), 0)
                .build();
        ControllerResult<Boolean> result = logic.controlledShutdown(image, 0, incarnation(0));
        assertThat(result.response()).isTrue();
        MetadataImage after = apply(image, result);
        assertThat(after.cluster().broker(0).inControlledShutdown()).isTrue();
        assertThat(after.cluster().broker(0).fenced()).isFalse();
        assertThat(partition(after, "t", 0).leader()).isEqualTo(1);
        assertThat(partition(after, "t", 0).isr()).containsExactly(1, 2);
        assertThat(partition(after, "t", 1).isr()).containsExactly(1);
        // No other ISR member: it cannot move, and the shutting-down broker may not keep leading.
        assertThat(partition(after, "t", 2).leader()).isEqualTo(PartitionRecord.NO_LEADER);
        assertThat(logic.controlledShutdown(after, 0, incarnation(0)).records()).isEmpty();
    }

    @Test
    void aBrokerInControlledShutdownIsNotElectedUntilItRegistersAgain() {
        // Partition 0 can move to broker 1; partition 1 has only broker 0 in its ISR, which stays there.
        MetadataImage image = new TestImages()
                .brokers(0, 1, 2)
                .topic("t")
                .partition("t", 0, ids(0, 1, 2), ids(0, 1), 1)
                .partition("t", 1, ids(0, 1, 2), ids(0), 0)
                .build();
        image = apply(image, logic.controlledShutdown(image, 0, incarnation(0)));
        assertThat(partition(image, "t", 1).leader()).isEqualTo(PartitionRecord.NO_LEADER);
        assertThat(partition(image, "t", 1).isr()).containsExactly(0);
        // Broker 1 dies: broker 0 left partition 0's ISR, so it has no leader either.
        MetadataImage afterFence = apply(image, logic.setBrokerFenced(image, 1, incarnation(1), true));
        assertThat(partition(afterFence, "t", 0).leader()).isEqualTo(PartitionRecord.NO_LEADER);
        // A fenced-then-unfenced shutting-down broker stays ineligible: it does not take partition 1 back.
        image = apply(afterFence, logic.setBrokerFenced(afterFence, 0, incarnation(0), true));
        image = apply(image, logic.setBrokerFenced(image, 0, incarnation(0), false));
        assertThat(image.cluster().broker(0).inControlledShutdown()).isTrue();
        assertThat(image.cluster().eligibleBrokerIds()).containsExactly(2);
        assertThat(partition(image, "t", 1).leader()).isEqualTo(PartitionRecord.NO_LEADER);
        // Registering again (a new process) makes it eligible, and it leads partition 1 again.
        image = apply(image, logic.registerBroker(image, 0, new Uuid(9, 9), ENDPOINTS, null));
        assertThat(image.cluster().broker(0).eligible()).isTrue();
        assertThat(partition(image, "t", 1).leader()).isZero();
    }

    @Test
    void controlledShutdownOfAnUnknownOrStaleBrokerFails() {
        MetadataImage image = threeBrokersOnePartition(ids(0, 1, 2), 0);
        assertThatThrownBy(() -> logic.controlledShutdown(image, 7, incarnation(7)))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.error()).isEqualTo(Errors.BROKER_ID_NOT_REGISTERED));
        assertThatThrownBy(() -> logic.controlledShutdown(image, 0, new Uuid(1, 2)))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.error()).isEqualTo(Errors.STALE_BROKER_EPOCH));
    }

    @Test
    void newReplicasAreNotPlacedOnFencedOrShuttingDownBrokers() {
        MetadataImage image =
                new TestImages().brokers(0, 1, 2).broker(3, null, true).build();
        image = apply(image, logic.controlledShutdown(image, 2, incarnation(2)));
        ControllerResult<List<CreateTopicResult>> result =
                logic.createTopics(image, List.of(CreatableTopic.of("t", 8, 2)), false);
        MetadataImage after = apply(image, result);
        for (PartitionRegistration p : after.topics().topic("t").partitions().values()) {
            assertThat(p.replicas()).doesNotContain(2, 3);
        }
    }
}
