package io.fjord.metadata;

import static io.fjord.metadata.TestImages.ids;
import static io.fjord.metadata.TestImages.incarnation;
import static io.fjord.metadata.TestImages.partition;
import static io.fjord.metadata.TestImages.topicId;
import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReassignmentTest {

    private static final Uuid T = topicId("t");

    private final ControllerLogic logic =
            new ControllerLogic(ControllerConfig.DEFAULT, ConfigValidator.ACCEPT_ALL, new Random(1));

    /** Brokers 0..4 (4 fenced); t-0 on [0, 1] led by 0 with ISR [0, 1]. */
    private MetadataImage image = new TestImages()
            .brokers(0, 1, 2, 3)
            .broker(4, null, true)
            .topic("t")
            .partition("t", 0, ids(0, 1), ids(0, 1), 0)
            .build();

    private final List<MetadataRecord> written = new ArrayList<>();

    /** Reassigns t-0 (null: cancels) on the current image, applies the records, returns the result. */
    private ReassignmentResult reassign(int[] target) {
        return reassign(target, true);
    }

    private ReassignmentResult reassign(int[] target, boolean allowReplicationFactorChange) {
        ControllerResult<List<ReassignmentResult>> result = logic.alterPartitionReassignments(
                image, List.of(new PartitionReassignment("t", 0, target)), allowReplicationFactorChange);
        apply(result.records());
        return result.response().get(0);
    }

    /** The leader of t-0 sends AlterPartition with {@code isr}. */
    private AlterPartitionResult alterIsr(int... isr) {
        PartitionRegistration p = t0();
        ControllerResult<List<AlterPartitionResult>> result = logic.alterPartition(
                image, p.leader(), List.of(new AlterPartitionItem(T, 0, p.leaderEpoch(), p.partitionEpoch(), isr)));
        apply(result.records());
        return result.response().get(0);
    }

    private void apply(List<MetadataRecord> records) {
        written.addAll(records);
        image = TestImages.apply(image, records);
    }

    private PartitionRegistration t0() {
        return partition(image, "t", 0);
    }

    @Test
    void startingAReassignmentAddsTheTargetFirstAndMarksAddingAndRemoving() {
        assertThat(reassign(ids(2, 1)).error()).isEqualTo(Errors.NONE);
        PartitionRegistration p = t0();
        assertThat(p.replicas()).containsExactly(2, 1, 0);
        assertThat(p.addingReplicas()).containsExactly(2);
        assertThat(p.removingReplicas()).containsExactly(0);
        assertThat(p.isr()).containsExactly(0, 1);
        assertThat(p.leader()).isZero();
        assertThat(p.leaderEpoch()).isZero();
        assertThat(p.isReassigning()).isTrue();
    }

    @Test
    void theReassignmentCompletesWhenTheIsrCoversTheAddingReplicasAndTheRemovedLeaderHandsOver() {
        reassign(ids(2, 1));
        assertThat(alterIsr(0, 1).partition().isReassigning()).isTrue(); // no change, still waiting
        AlterPartitionResult answer = alterIsr(0, 1, 2);
        assertThat(answer.error()).isEqualTo(Errors.NONE);
        PartitionRegistration p = t0();
        assertThat(answer.partition()).isEqualTo(p);
        assertThat(p.replicas()).containsExactly(2, 1);
        assertThat(p.isr()).containsExactly(1, 2);
        assertThat(p.addingReplicas()).isEmpty();
        assertThat(p.removingReplicas()).isEmpty();
        // 0 was removed: the first eligible target replica in the ISR leads, in a new leader epoch.
        assertThat(p.leader()).isEqualTo(2);
        assertThat(p.leaderEpoch()).isEqualTo(1);
    }

    @Test
    void aLeaderThatStaysKeepsLeadingWhenTheReassignmentCompletes() {
        reassign(ids(0, 2));
        alterIsr(0, 1, 2);
        PartitionRegistration p = t0();
        assertThat(p.replicas()).containsExactly(0, 2);
        assertThat(p.isr()).containsExactly(0, 2);
        assertThat(p.leader()).isZero();
        assertThat(p.leaderEpoch()).isZero();
    }

    @Test
    void aTargetEqualToTheCurrentReplicasCompletesAtOnceWithoutWritingAnything() {
        assertThat(reassign(ids(0, 1)).error()).isEqualTo(Errors.NONE);
        assertThat(written).isEmpty();
        assertThat(t0().isReassigning()).isFalse();
    }

    @Test
    void shrinkingToReplicasAlreadyInSyncCompletesAtOnce() {
        assertThat(reassign(ids(1)).error()).isEqualTo(Errors.NONE);
        PartitionRegistration p = t0();
        assertThat(p.replicas()).containsExactly(1);
        assertThat(p.isr()).containsExactly(1);
        assertThat(p.leader()).isEqualTo(1);
        assertThat(p.isReassigning()).isFalse();
        assertThat(written).hasSize(1);
    }

    @Test
    void cancellingRevertsToTheOriginalReplicasAndIsr() {
        reassign(ids(2, 3));
        alterIsr(0, 1, 2); // 2 caught up, 3 not yet
        assertThat(t0().isReassigning()).isTrue();
        assertThat(reassign(null).error()).isEqualTo(Errors.NONE);
        PartitionRegistration p = t0();
        assertThat(p.replicas()).containsExactly(0, 1);
        assertThat(p.isr()).containsExactly(0, 1);
        assertThat(p.leader()).isZero();
        assertThat(p.isReassigning()).isFalse();
    }

    @Test
    void cancellingWithoutAReassignmentIsNoReassignmentInProgress() {
        ReassignmentResult result = reassign(null);
        assertThat(result.error()).isEqualTo(Errors.NO_REASSIGNMENT_IN_PROGRESS);
        assertThat(written).isEmpty();
    }

    @Test
    void aNewTargetReplacesTheRunningReassignmentStartingFromTheReplicasAsTheyStand() {
        reassign(ids(2)); // [2, 0, 1], adding 2
        assertThat(reassign(ids(3, 0)).error()).isEqualTo(Errors.NONE);
        PartitionRegistration p = t0();
        // Current replicas were [2, 0, 1]: 0 stays, 3 comes, 2 (added by the first target) and 1 go.
        assertThat(p.replicas()).containsExactly(3, 0, 2, 1);
        assertThat(p.addingReplicas()).containsExactly(3);
        assertThat(p.removingReplicas()).containsExactly(2, 1);
        alterIsr(0, 1, 3);
        assertThat(t0().replicas()).containsExactly(3, 0);
        assertThat(t0().isr()).containsExactly(0, 3);
        assertThat(t0().leader()).isZero();
    }

    @Test
    void aNewTargetWithinTheReplicasAsTheyStandAddsNothingAndCompletesAtOnce() {
        reassign(ids(2, 3)); // [2, 3, 0, 1]
        reassign(ids(0, 3)); // nothing to add (Kafka's rule): 3 stays as an out-of-sync replica
        PartitionRegistration p = t0();
        assertThat(p.replicas()).containsExactly(0, 3);
        assertThat(p.isr()).containsExactly(0);
        assertThat(p.isReassigning()).isFalse();
    }

    @Test
    void invalidTargetsAreInvalidReplicaAssignments() {
        assertThat(reassign(ids()).error()).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT);
        assertThat(reassign(ids(1, 1)).error()).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT);
        assertThat(reassign(ids(0, 9)).error()).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT);
        assertThat(reassign(ids(-1)).error()).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT);
        assertThat(written).isEmpty();
    }

    @Test
    void aFencedButRegisteredBrokerIsAValidTarget() {
        assertThat(reassign(ids(0, 4)).error()).isEqualTo(Errors.NONE);
        assertThat(t0().addingReplicas()).containsExactly(4);
    }

    @Test
    void anUnknownTopicOrPartitionIsReportedPerItem() {
        ControllerResult<List<ReassignmentResult>> result = logic.alterPartitionReassignments(
                image,
                List.of(
                        new PartitionReassignment("nope", 0, ids(0)),
                        new PartitionReassignment("t", 7, ids(0)),
                        new PartitionReassignment("t", 0, ids(1, 0))),
                true);
        assertThat(result.response())
                .extracting(ReassignmentResult::error)
                .containsExactly(Errors.UNKNOWN_TOPIC_OR_PARTITION, Errors.UNKNOWN_TOPIC_OR_PARTITION, Errors.NONE);
        assertThat(result.records()).hasSize(1);
    }

    @Test
    void aReplicationFactorChangeIsRefusedWhenNotAllowed() {
        assertThat(reassign(ids(0, 1, 2), false).error()).isEqualTo(Errors.INVALID_REPLICATION_FACTOR);
        assertThat(reassign(ids(2, 3), false).error()).isEqualTo(Errors.NONE);
        // Headed for two replicas now, although four are assigned while it runs.
        assertThat(reassign(ids(3, 1), false).error()).isEqualTo(Errors.NONE);
        assertThat(reassign(ids(3), false).error()).isEqualTo(Errors.INVALID_REPLICATION_FACTOR);
    }

    @Test
    void cancellingAwayFromTheLeaderElectsAnOriginalReplica() {
        reassign(ids(2));
        alterIsr(0, 1, 2); // completes: 2 leads alone
        assertThat(t0().leader()).isEqualTo(2);
        reassign(ids(2, 0));
        alterIsr(2, 0); // completes: [2, 0]
        reassign(ids(3, 0)); // [3, 0, 2], adding 3, removing 2
        alterIsr(2, 0, 3); // completes, 2 is removed: 3 leads (first in the target)
        assertThat(t0().replicas()).containsExactly(3, 0);
        assertThat(t0().leader()).isEqualTo(3);
        reassign(ids(1, 3)); // [1, 3, 0], adding 1, 3 still leads
        assertThat(reassign(null).error()).isEqualTo(Errors.NONE);
        assertThat(t0().replicas()).containsExactly(3, 0);
        assertThat(t0().leader()).isEqualTo(3);
    }

    @Test
    void cancellingOntoNoInSyncOriginalReplicaNeedsAnUncleanElection() {
        reassign(ids(2, 3)); // [2, 3, 0, 1], adding 2 and 3
        alterIsr(0, 1, 2); // 3 has not caught up
        apply(logic.setBrokerFenced(image, 0, incarnation(0), true).records());
        apply(logic.setBrokerFenced(image, 1, incarnation(1), true).records());
        assertThat(t0().isr()).containsExactly(2);
        assertThat(t0().leader()).isEqualTo(2);

        ReassignmentResult refused = reassign(null);
        assertThat(refused.error()).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT);
        assertThat(refused.message()).contains("unclean leader election");
        assertThat(t0().isReassigning()).isTrue();

        apply(logic.setBrokerFenced(image, 1, incarnation(1), false).records());
        ControllerLogic unclean = new ControllerLogic(
                ControllerConfig.DEFAULT.withUncleanLeaderElection(true), ConfigValidator.ACCEPT_ALL, new Random(1));
        ControllerResult<List<ReassignmentResult>> result =
                unclean.alterPartitionReassignments(image, List.of(new PartitionReassignment("t", 0, null)), true);
        assertThat(result.response().get(0).error()).isEqualTo(Errors.NONE);
        apply(result.records());
        assertThat(t0().replicas()).containsExactly(0, 1);
        assertThat(t0().leader()).isEqualTo(1);
        assertThat(t0().isr()).containsExactly(1);
    }

    @Test
    void aFencedTargetNeverJoinsTheIsrSoItsReassignmentWaitsUntilReplaced() {
        reassign(ids(4, 1)); // 4 is fenced: it can never join the ISR, so this never completes
        assertThat(alterIsr(0, 1).partition().isReassigning()).isTrue();
        // Shrinking onto the in-sync 1 completes at once; the removed leader 0 hands over to 1.
        reassign(ids(1));
        assertThat(t0().replicas()).containsExactly(1);
        assertThat(t0().leader()).isEqualTo(1);
        assertThat(t0().leaderEpoch()).isEqualTo(1);
    }

    @Test
    void aBrokerFencedDuringAReassignmentLeavesTheIsrAndTheReassignmentStillCompletes() {
        reassign(ids(2, 1));
        apply(logic.setBrokerFenced(image, 0, incarnation(0), true).records());
        PartitionRegistration p = t0();
        assertThat(p.leader()).isEqualTo(1);
        assertThat(p.isr()).containsExactly(1);
        assertThat(p.isReassigning()).isTrue();
        alterIsr(1, 2);
        assertThat(t0().replicas()).containsExactly(2, 1);
        assertThat(t0().leader()).isEqualTo(1);
        assertThat(t0().isr()).containsExactly(1, 2);
    }
}
