package io.fjord.broker.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.common.Uuid;
import io.fjord.metadata.AlterPartitionItem;
import io.fjord.metadata.AlterPartitionResult;
import io.fjord.metadata.PartitionRegistration;
import io.fjord.protocol.MemoryRecords;
import io.fjord.protocol.record.CompressionType;
import io.fjord.protocol.record.RecordBatchBuilder;
import io.fjord.storage.EpochEndOffset;
import io.fjord.storage.LogConfig;
import io.fjord.storage.UnifiedLog;
import io.fjord.testkit.MockTime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The leader's high watermark and ISR rules, on a real log with a fake controller and MockTime. */
class PartitionTest {

    static final TopicPartition TP = new TopicPartition("t", 0);
    static final Uuid TOPIC_ID = new Uuid(3, 5);
    static final long LAG_MS = 10_000;
    static final long RETRY_MS = 1_000;

    @TempDir
    Path dir;

    final MockTime time = new MockTime();
    final FakeController controller = new FakeController();
    final List<String> wakeUps = new ArrayList<>();
    final List<UnifiedLog> logs = new ArrayList<>();

    @BeforeEach
    void setUp() {
        controller.eligible.addAll(List.of(1, 2, 3));
    }

    @AfterEach
    void tearDown() {
        logs.forEach(UnifiedLog::close);
    }

    /** A fake controller: records each AlterPartition and lets the test answer it. */
    static final class FakeController implements AlterPartitionChannel {
        final List<AlterPartitionItem> sent = new ArrayList<>();
        final List<CompletableFuture<AlterPartitionResult>> pending = new ArrayList<>();
        final Set<Integer> eligible = new HashSet<>();

        @Override
        public CompletableFuture<AlterPartitionResult> alterPartition(AlterPartitionItem item) {
            sent.add(item);
            CompletableFuture<AlterPartitionResult> future = new CompletableFuture<>();
            pending.add(future);
            return future;
        }

        @Override
        public boolean isEligibleForIsr(int brokerId) {
            return eligible.contains(brokerId);
        }

        /** Accepts the last request as the controller would: the ISR asked, the partition epoch plus one. */
        void acceptLast(int[] replicas, int leader) {
            AlterPartitionItem item = sent.get(sent.size() - 1);
            PartitionRegistration committed = new PartitionRegistration(
                    replicas, item.newIsr(), leader, item.leaderEpoch(), item.partitionEpoch() + 1);
            pending.get(pending.size() - 1)
                    .complete(new AlterPartitionResult(item.topicId(), item.partitionId(), Errors.NONE, committed));
        }

        void answerLast(Errors error) {
            AlterPartitionItem item = sent.get(sent.size() - 1);
            pending.get(pending.size() - 1)
                    .complete(new AlterPartitionResult(item.topicId(), item.partitionId(), error, null));
        }
    }

    Partition newPartition(int localBrokerId) {
        UnifiedLog log = UnifiedLog.open(dir.resolve("b" + localBrokerId).resolve("t-0"), LogConfig.DEFAULT, time);
        logs.add(log);
        return new Partition(
                TP,
                TOPIC_ID,
                log,
                localBrokerId,
                time,
                new Partition.IsrSettings(LAG_MS, RETRY_MS),
                new Partition.Listener() {
                    @Override
                    public void onHighWatermarkMoved(TopicPartition tp) {
                        wakeUps.add("hw");
                    }

                    @Override
                    public void onLogEndOffsetMoved(TopicPartition tp) {
                        wakeUps.add("leo");
                    }

                    @Override
                    public void onLowWatermarkMoved(TopicPartition tp) {
                        wakeUps.add("lw");
                    }
                },
                controller);
    }

    static PartitionRegistration registration(
            int[] replicas, int[] isr, int leader, int leaderEpoch, int partitionEpoch) {
        return new PartitionRegistration(replicas, isr, leader, leaderEpoch, partitionEpoch);
    }

    static MemoryRecords batch(int records, String prefix) {
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE);
        for (int i = 0; i < records; i++) {
            builder.append(1_700_000_000_000L, null, (prefix + i).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.of(builder.build());
    }

    static final int[] ALL = {1, 2, 3};

    @Test
    void aLeaderAloneInItsIsrCommitsEachAppendAtOnce() {
        Partition p = newPartition(1);
        p.makeLeader(registration(new int[] {1}, new int[] {1}, 1, 0, 0), 1);

        p.appendAsLeader(batch(3, "a"), (short) -1);

        assertThat(p.highWatermark()).isEqualTo(3);
        assertThat(p.acksAllStatus(3)).isEqualTo(Errors.NONE);
        assertThat(wakeUps).containsExactly("hw");
    }

    @Test
    void theHighWatermarkIsTheSmallestLogEndOffsetOverTheIsr() {
        Partition p = newPartition(1);
        p.makeLeader(registration(ALL, ALL, 1, 0, 0), 2);
        p.appendAsLeader(batch(5, "a"), (short) -1);
        assertThat(p.highWatermark()).isZero();
        assertThat(wakeUps).containsExactly("leo");
        assertThat(p.acksAllStatus(5)).isNull();

        p.updateFollowerFetchState(2, 5, 0);
        assertThat(p.highWatermark())
                .as("follower 3 has not fetched in this epoch")
                .isZero();

        p.updateFollowerFetchState(3, 3, 0);
        assertThat(p.highWatermark()).isEqualTo(3);

        p.updateFollowerFetchState(3, 5, 0);
        assertThat(p.highWatermark()).isEqualTo(5);
        assertThat(p.acksAllStatus(5)).isEqualTo(Errors.NONE);
    }

    @Test
    void theHighWatermarkNeverMovesBack() {
        Partition p = newPartition(1);
        p.makeLeader(registration(ALL, ALL, 1, 0, 0), 1);
        p.appendAsLeader(batch(5, "a"), (short) 1);
        p.updateFollowerFetchState(2, 5, 0);
        p.updateFollowerFetchState(3, 5, 0);
        assertThat(p.highWatermark()).isEqualTo(5);

        p.updateFollowerFetchState(3, 2, 0); // a follower that truncated and refetches

        assertThat(p.highWatermark()).isEqualTo(5);
    }

    @Test
    void aNewLeaderRecordsTheStartOfItsEpochAndWaitsForItsFollowersBeforeMovingTheHighWatermark() {
        Partition p = newPartition(1);
        p.makeLeader(registration(ALL, new int[] {1}, 1, 0, 0), 1);
        p.appendAsLeader(batch(4, "a"), (short) 1);
        assertThat(p.highWatermark()).isEqualTo(4);
        p.makeFollower(registration(ALL, ALL, 2, 1, 1), 1);

        p.makeLeader(registration(ALL, ALL, 1, 2, 2), 1);
        p.appendAsLeader(batch(2, "b"), (short) 1);

        assertThat(p.log().endOffsetForEpoch(0)).isEqualTo(new EpochEndOffset(0, 4));
        assertThat(p.log().endOffsetForEpoch(2)).isEqualTo(new EpochEndOffset(2, 6));
        assertThat(p.highWatermark()).isEqualTo(4);
        p.updateFollowerFetchState(2, 6, 0);
        assertThat(p.highWatermark()).isEqualTo(4);
        p.updateFollowerFetchState(3, 6, 0);
        assertThat(p.highWatermark()).isEqualTo(6);
    }

    @Test
    void aLeaderThatStaysLeaderInANewEpochKeepsWhatItsFollowersFetched() {
        Partition p = newPartition(1);
        p.makeLeader(registration(ALL, ALL, 1, 0, 0), 1);
        p.appendAsLeader(batch(7, "a"), (short) 1);
        p.updateFollowerFetchState(2, 7, 0);
        p.updateFollowerFetchState(3, 5, 0);
        assertThat(p.highWatermark()).isEqualTo(5);

        assertThat(p.makeLeader(registration(ALL, ALL, 1, 1, 1), 1)).isTrue();
        p.updateFollowerFetchState(3, 7, 0);

        assertThat(p.highWatermark())
                .as("follower 2's offset 7 from epoch 0 still counts")
                .isEqualTo(7);
    }

    @Test
    void aFollowerJoinsTheIsrOnceItReachesTheHighWatermarkAndTheEpochStart() {
        Partition p = newPartition(1);
        p.makeLeader(registration(new int[] {1, 2}, new int[] {1}, 1, 4, 7), 1);
        p.appendAsLeader(batch(5, "a"), (short) 1);

        p.updateFollowerFetchState(2, 3, 0);
        assertThat(controller.sent).as("below the high watermark").isEmpty();

        p.updateFollowerFetchState(2, 5, 0);
        assertThat(controller.sent).hasSize(1);
        AlterPartitionItem item = controller.sent.get(0);
        assertThat(item.newIsr()).containsExactly(1, 2);
        assertThat(item.leaderEpoch()).isEqualTo(4);
        assertThat(item.partitionEpoch()).isEqualTo(7);

        p.updateFollowerFetchState(2, 5, 0);
        assertThat(controller.sent).as("one AlterPartition in flight at most").hasSize(1);

        controller.acceptLast(new int[] {1, 2}, 1);
        assertThat(p.isr()).containsExactly(1, 2);
        assertThat(p.state().partitionEpoch()).isEqualTo(8);
        assertThat(p.state().pendingIsr()).isNull();
    }

    @Test
    void aFencedBrokerDoesNotJoinTheIsr() {
        Partition p = newPartition(1);
        controller.eligible.remove(2);
        p.makeLeader(registration(new int[] {1, 2}, new int[] {1}, 1, 0, 0), 1);

        p.updateFollowerFetchState(2, 0, 0);

        assertThat(controller.sent).isEmpty();
    }

    @Test
    void whileAnExpansionIsPendingTheHighWatermarkWaitsForTheJoiningReplica() {
        Partition p = newPartition(1);
        p.makeLeader(registration(new int[] {1, 2}, new int[] {1}, 1, 0, 0), 1);
        p.appendAsLeader(batch(2, "a"), (short) 1);
        p.updateFollowerFetchState(2, 2, 0);
        assertThat(controller.sent).hasSize(1);

        p.appendAsLeader(batch(3, "b"), (short) 1);

        assertThat(p.highWatermark())
                .as("replica 2 may be in the ISR any moment")
                .isEqualTo(2);
        p.updateFollowerFetchState(2, 5, 0);
        assertThat(p.highWatermark()).isEqualTo(5);
    }

    @Test
    void aFollowerThatLagsLongerThanTheLagTimeLeavesTheIsrAndTheHighWatermarkMovesOn() {
        Partition p = newPartition(1);
        p.makeLeader(registration(ALL, ALL, 1, 0, 0), 2);
        p.appendAsLeader(batch(5, "a"), (short) -1);
        p.updateFollowerFetchState(2, 5, 0);
        time.advanceMs(LAG_MS);
        p.maybeShrinkIsr();
        assertThat(controller.sent).as("exactly the lag time is still in sync").isEmpty();

        time.advanceMs(1);
        p.updateFollowerFetchState(2, 5, 0);
        p.maybeShrinkIsr();

        assertThat(controller.sent).hasSize(1);
        assertThat(controller.sent.get(0).newIsr()).containsExactly(1, 2);
        assertThat(p.highWatermark()).as("the committed ISR still holds 3").isZero();
        controller.acceptLast(ALL, 1);
        assertThat(p.isr()).containsExactly(1, 2);
        assertThat(p.highWatermark()).isEqualTo(5);
        assertThat(p.acksAllStatus(5)).isEqualTo(Errors.NONE);
    }

    @Test
    void aProduceCommittedBeforeTheIsrShrankBelowMinIsrGetsNotEnoughReplicasAfterAppend() {
        Partition p = newPartition(1);
        p.makeLeader(registration(ALL, ALL, 1, 0, 0), 3);
        p.appendAsLeader(batch(1, "a"), (short) -1);
        p.updateFollowerFetchState(2, 1, 0);
        p.updateFollowerFetchState(3, 1, 0);
        assertThat(p.highWatermark()).isEqualTo(1);
        p.appendAsLeader(batch(1, "b"), (short) 1);
        time.advanceMs(LAG_MS + 1);
        p.updateFollowerFetchState(2, 2, 0);
        p.maybeShrinkIsr();
        controller.acceptLast(ALL, 1);

        assertThat(p.isr()).containsExactly(1, 2);
        assertThat(p.acksAllStatus(1)).isEqualTo(Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
        assertThatThrownBy(() -> p.appendAsLeader(batch(1, "c"), (short) -1))
                .isInstanceOf(ApiException.class)
                .extracting(e -> ((ApiException) e).error())
                .isEqualTo(Errors.NOT_ENOUGH_REPLICAS);
        assertThat(p.logEndOffset()).as("nothing appended").isEqualTo(2);
    }

    @Test
    void aProduceNotYetReplicatedWhenTheIsrShrankBelowMinIsrWaitsInsteadOfCommitting() {
        Partition p = newPartition(1);
        p.makeLeader(registration(ALL, ALL, 1, 0, 0), 3);
        p.appendAsLeader(batch(1, "a"), (short) -1);
        time.advanceMs(LAG_MS + 1);
        p.updateFollowerFetchState(2, 1, 0);
        p.maybeShrinkIsr();
        controller.acceptLast(ALL, 1);

        assertThat(p.isr()).containsExactly(1, 2);
        assertThat(p.highWatermark())
                .as("Kafka's maybeIncrementLeaderHW: no progress while under min ISR")
                .isZero();
        assertThat(p.acksAllStatus(1))
                .as("waits, and times out unless the ISR grows back")
                .isNull();
    }

    @Test
    void theHighWatermarkDoesNotMoveWhileTheIsrIsBelowMinInsyncReplicas() {
        Partition p = newPartition(1);
        p.makeLeader(registration(ALL, new int[] {1}, 1, 0, 0), 2);
        p.appendAsLeader(batch(3, "a"), (short) 1); // acks=1 is still accepted

        assertThat(p.highWatermark()).as("consumers must not see it yet").isZero();

        p.updateFollowerFetchState(2, 3, 0);
        assertThat(controller.sent).hasSize(1);
        assertThat(p.highWatermark()).as("the expansion is not committed yet").isZero();
        controller.acceptLast(ALL, 1);
        assertThat(p.highWatermark()).isEqualTo(3);
    }

    @Test
    void minInsyncReplicasAboveTheReplicationFactorCountsAsTheReplicationFactor() {
        Partition p = newPartition(1);
        p.makeLeader(registration(new int[] {1}, new int[] {1}, 1, 0, 0), 2);

        p.appendAsLeader(batch(1, "a"), (short) -1);

        assertThat(p.highWatermark()).isEqualTo(1);
        assertThat(p.acksAllStatus(1)).isEqualTo(Errors.NONE);
    }

    @Test
    void aCaughtUpFollowerOutsideTheIsrHoldsTheHighWatermarkSoThatItCanJoinUnderSteadyLoad() {
        Partition p = newPartition(1);
        p.makeLeader(registration(new int[] {1, 2}, new int[] {1}, 1, 0, 0), 1);
        p.appendAsLeader(batch(5, "a"), (short) 1);
        p.updateFollowerFetchState(2, 0, 0); // reads 0..4
        p.appendAsLeader(batch(3, "b"), (short) 1);
        p.updateFollowerFetchState(2, 5, 0); // reached the leader's end of its last fetch: caught up
        assertThat(controller.sent).as("5 is below the high watermark 8").isEmpty();

        p.appendAsLeader(batch(3, "c"), (short) 1);
        assertThat(p.highWatermark())
                .as("Kafka's shouldWaitForReplicaToJoinIsr holds it for the caught-up follower")
                .isEqualTo(8);

        p.updateFollowerFetchState(2, 8, 0);
        assertThat(controller.sent).hasSize(1);
        assertThat(controller.sent.get(0).newIsr()).containsExactly(1, 2);
    }

    @Test
    void aRefusedChangeWithStaleEpochsWaitsForTheNextMetadata() {
        Partition p = newPartition(1);
        p.makeLeader(registration(ALL, ALL, 1, 0, 0), 1);
        time.advanceMs(LAG_MS + 1);
        p.maybeShrinkIsr();
        controller.answerLast(Errors.INVALID_UPDATE_VERSION);

        time.advanceMs(LAG_MS);
        p.maybeShrinkIsr();
        assertThat(controller.sent).as("still pending until new metadata").hasSize(1);

        p.makeLeader(registration(ALL, new int[] {1, 2}, 1, 0, 1), 1);
        assertThat(p.state().pendingIsr()).isNull();
        assertThat(p.isr()).containsExactly(1, 2);
        p.maybeShrinkIsr();
        assertThat(controller.sent).hasSize(2);
        assertThat(controller.sent.get(1).partitionEpoch()).isEqualTo(1);
    }

    @Test
    void aFailedChangeIsRetriedAfterTheBackoff() {
        Partition p = newPartition(1);
        p.makeLeader(registration(new int[] {1, 2}, new int[] {1}, 1, 0, 0), 1);
        p.updateFollowerFetchState(2, 0, 0);
        controller.answerLast(Errors.UNSUPPORTED_VERSION);
        assertThat(p.state().pendingIsr()).isNull();

        p.updateFollowerFetchState(2, 0, 0);
        assertThat(controller.sent).hasSize(1);

        time.advanceMs(RETRY_MS);
        p.updateFollowerFetchState(2, 0, 0);
        assertThat(controller.sent).hasSize(2);
    }

    @Test
    void metadataWithTheSamePartitionEpochKeepsTheChangeInFlight() {
        Partition p = newPartition(1);
        PartitionRegistration current = registration(new int[] {1, 2}, new int[] {1}, 1, 0, 0);
        p.makeLeader(current, 1);
        p.updateFollowerFetchState(2, 0, 0);

        p.makeLeader(current, 1); // another partition of the topic changed: the same registration again

        assertThat(p.state().pendingIsr()).containsExactly(1, 2);
        controller.acceptLast(new int[] {1, 2}, 1);
        assertThat(p.isr()).containsExactly(1, 2);
    }

    @Test
    void theLowWatermarkIsTheLeastLogStartOffsetOverTheLeaderAndItsLiveFollowers() {
        Partition p = newPartition(1);
        p.makeLeader(registration(ALL, ALL, 1, 0, 0), 1);
        p.appendAsLeader(batch(10, "a"), (short) 1);
        assertThat(p.lowWatermarkIfLeader())
                .as("followers that have not fetched in this epoch")
                .isEqualTo(-1);
        p.updateFollowerFetchState(2, 10, 0);
        p.updateFollowerFetchState(3, 10, 0);
        p.log().deleteRecordsBefore(5);
        assertThat(p.lowWatermarkIfLeader()).isZero();
        wakeUps.clear();

        p.updateFollowerFetchState(2, 10, 5);
        assertThat(p.lowWatermarkIfLeader()).as("follower 3 still starts at 0").isZero();
        assertThat(wakeUps).containsExactly("lw");

        p.updateFollowerFetchState(3, 10, 5);
        assertThat(p.lowWatermarkIfLeader()).isEqualTo(5);
        p.updateFollowerFetchState(3, 10, 5);
        assertThat(wakeUps).as("a fetch that moves no log start wakes nothing").containsExactly("lw", "lw");
    }

    @Test
    void aFollowerWhoseBrokerIsFencedDoesNotHoldTheLowWatermarkBack() {
        Partition p = newPartition(1);
        p.makeLeader(registration(ALL, ALL, 1, 0, 0), 1);
        p.appendAsLeader(batch(10, "a"), (short) 1);
        p.updateFollowerFetchState(2, 10, 0);
        p.updateFollowerFetchState(3, 10, 0);
        p.log().deleteRecordsBefore(5);
        p.updateFollowerFetchState(2, 10, 5);

        controller.eligible.remove(3);

        assertThat(p.lowWatermarkIfLeader()).isEqualTo(5);
    }

    @Test
    void onlyTheLeaderHasALowWatermark() {
        Partition p = newPartition(2);
        p.makeFollower(registration(ALL, ALL, 1, 0, 0), 1);

        assertThatThrownBy(p::lowWatermarkIfLeader)
                .extracting(e -> ((ApiException) e).error())
                .isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
    }

    @Test
    void aFetchFromABrokerThatIsNotAReplicaIsRefused() {
        Partition p = newPartition(1);
        p.makeLeader(registration(new int[] {1, 2}, new int[] {1, 2}, 1, 0, 0), 1);

        assertThatThrownBy(() -> p.updateFollowerFetchState(9, 0, 0))
                .extracting(e -> ((ApiException) e).error())
                .isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
    }

    @Test
    void aLeaderThatBecomesAFollowerRefusesAppendsAndFailsWaitingWrites() {
        Partition p = newPartition(1);
        p.makeLeader(registration(ALL, ALL, 1, 0, 0), 1);
        p.appendAsLeader(batch(1, "a"), (short) -1);

        assertThat(p.makeFollower(registration(ALL, new int[] {2, 3}, 2, 1, 1), 1))
                .isTrue();

        assertThat(p.acksAllStatus(1)).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThatThrownBy(() -> p.appendAsLeader(batch(1, "b"), (short) 1))
                .extracting(e -> ((ApiException) e).error())
                .isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(p.makeFollower(registration(ALL, new int[] {2}, 2, 1, 2), 1))
                .as("same leader and epoch: nothing to restart")
                .isFalse();
    }

    @Test
    void theLeaderNamesTheEpochWhereAFetchersHistoryDiverged() {
        Partition p = newPartition(1);
        p.makeLeader(registration(ALL, new int[] {1}, 1, 1, 0), 1);
        p.appendAsLeader(batch(5, "a"), (short) 1); // epoch 1: offsets 0..4
        p.makeLeader(registration(ALL, new int[] {1}, 1, 3, 1), 1);
        p.appendAsLeader(batch(2, "b"), (short) 1); // epoch 3: offsets 5..6

        assertThat(p.divergingEpoch(1, 5)).isNull();
        assertThat(p.divergingEpoch(3, 7)).isNull();
        assertThat(p.divergingEpoch(-1, 7)).isNull();
        assertThat(p.divergingEpoch(1, 7)).isEqualTo(new EpochEndOffset(1, 5));
        assertThat(p.divergingEpoch(2, 6)).as("epoch 2 never wrote here").isEqualTo(new EpochEndOffset(1, 5));
    }

    @Test
    void aConsumerIsSentToTheInSyncFollowerOfItsRack() {
        Partition p = newPartition(1);
        p.makeLeader(registration(ALL, ALL, 1, 0, 0), 1);
        p.appendAsLeader(batch(5, "a"), (short) 1);
        java.util.function.IntFunction<String> racks = id -> "r" + id;
        p.updateFollowerFetchState(2, 5, 0);
        p.updateFollowerFetchState(3, 2, 0);

        assertThat(p.preferredReadReplica("r2", 4, racks, id -> true)).isEqualTo(2);
        assertThat(p.preferredReadReplica("r1", 4, racks, id -> true))
                .as("the leader's own rack")
                .isEqualTo(-1);
        assertThat(p.preferredReadReplica("", 4, racks, id -> true)).isEqualTo(-1);
        assertThat(p.preferredReadReplica("r3", 4, racks, id -> true))
                .as("3 lacks offset 4")
                .isEqualTo(-1);
        assertThat(p.preferredReadReplica("r2", 4, racks, id -> id != 2))
                .as("2 is fenced")
                .isEqualTo(-1);
    }
}
