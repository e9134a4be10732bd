package io.fjord.broker.partition;

import static io.fjord.broker.partition.PartitionTest.batch;
import static io.fjord.broker.partition.PartitionTest.registration;
import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.protocol.MemoryRecords;
import io.fjord.storage.EpochEndOffset;
import io.fjord.storage.FetchDataInfo;
import io.fjord.storage.LogConfig;
import io.fjord.storage.UnifiedLog;
import io.fjord.testkit.MockTime;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leader changes and the follower's truncation: two replicas, each a real {@link Partition} on its own log,
 * go through a history of leader epochs; then the follower fetches from the leader exactly as the replica
 * fetcher does (last fetched epoch, the leader's diverging epoch, {@link FollowerTruncation}, append) and
 * must end with the leader's log byte for byte, never keeping a record the leader does not have.
 */
class ReplicaDivergenceTest {

    private static final int[] REPLICAS = {1, 2};
    private static final int MAX_ROUNDS = 20;

    @TempDir
    Path dir;

    private final MockTime time = new MockTime();
    private final List<UnifiedLog> logs = new ArrayList<>();
    private final PartitionTest.FakeController controller = new PartitionTest.FakeController();

    /** Broker 1 leads epoch 1 and both replicas hold its records 0..2. */
    private Partition one;

    private Partition two;

    @BeforeEach
    void bothReplicasHoldThreeRecordsOfEpochOne() {
        one = replica(1);
        two = replica(2);
        lead(one, 1, 1);
        follow(two, 1, 1);
        one.appendAsLeader(batch(3, "a"), (short) 1);
        sync(two, 2, one);
    }

    @AfterEach
    void tearDown() {
        logs.forEach(UnifiedLog::close);
    }

    private Partition replica(int brokerId) {
        UnifiedLog log = UnifiedLog.open(dir.resolve("b" + brokerId).resolve("t-0"), LogConfig.DEFAULT, time);
        logs.add(log);
        return new Partition(
                PartitionTest.TP,
                PartitionTest.TOPIC_ID,
                log,
                brokerId,
                time,
                new Partition.IsrSettings(10_000, 1_000),
                new Partition.Listener() {
                    @Override
                    public void onHighWatermarkMoved(io.fjord.common.TopicPartition tp) {}

                    @Override
                    public void onLogEndOffsetMoved(io.fjord.common.TopicPartition tp) {}

                    @Override
                    public void onLowWatermarkMoved(io.fjord.common.TopicPartition tp) {}
                },
                controller);
    }

    private static void lead(Partition p, int brokerId, int epoch) {
        p.makeLeader(registration(REPLICAS, new int[] {brokerId}, brokerId, epoch, epoch), 1);
    }

    private static void follow(Partition p, int leaderId, int epoch) {
        p.makeFollower(registration(REPLICAS, new int[] {leaderId}, leaderId, epoch, epoch), 1);
    }

    /** Fetches from {@code leader} into {@code follower} until caught up; returns the rounds it took. */
    private static int sync(Partition follower, int followerId, Partition leader) {
        for (int round = 1; round <= MAX_ROUNDS; round++) {
            long offset = follower.logEndOffset();
            EpochEndOffset diverging = leader.divergingEpoch(follower.log().latestEpoch(), offset);
            if (diverging != null) {
                FollowerTruncation.onDivergingEpoch(follower, diverging.leaderEpoch(), diverging.endOffset());
                continue;
            }
            leader.updateFollowerFetchState(followerId, offset, follower.log().logStartOffset());
            if (offset == leader.logEndOffset()) {
                follower.updateFollowerHighWatermark(leader.highWatermark());
                return round;
            }
            FetchDataInfo read = leader.log().read(offset, 1 << 20, leader.logEndOffset(), true);
            ByteBuffer copy = ByteBuffer.allocate(read.records().sizeInBytes());
            read.records().copyTo(copy);
            follower.appendAsFollower(MemoryRecords.of(copy.flip()));
        }
        throw new AssertionError("the follower did not converge in " + MAX_ROUNDS + " rounds");
    }

    private static byte[] bytes(Partition p) {
        FetchDataInfo read = p.log().read(p.log().logStartOffset(), Integer.MAX_VALUE, p.logEndOffset(), true);
        ByteBuffer copy = ByteBuffer.allocate(read.records().sizeInBytes());
        read.records().copyTo(copy);
        return copy.array();
    }

    private static void assertSameLog(Partition follower, Partition leader) {
        assertThat(follower.logEndOffset()).isEqualTo(leader.logEndOffset());
        assertThat(bytes(follower)).isEqualTo(bytes(leader));
    }

    @Test
    void aFormerLeaderDropsItsUncommittedTailAndTakesTheNewLeadersRecords() {
        one.appendAsLeader(batch(2, "lost"), (short) 1); // never reached broker 2

        lead(two, 2, 2); // broker 1 died; broker 2 leads epoch 2
        two.appendAsLeader(batch(3, "c"), (short) 1);
        follow(one, 2, 2);
        sync(one, 1, two);

        assertSameLog(one, two);
        assertThat(one.logEndOffset()).isEqualTo(6);
        assertThat(one.log().endOffsetForEpoch(1)).isEqualTo(new EpochEndOffset(1, 3));
        assertThat(one.highWatermark()).isLessThanOrEqualTo(one.logEndOffset());
    }

    @Test
    void aFollowerTruncatesRecordsOfAnEpochTheLeaderNeverSaw() {
        lead(two, 2, 2);
        two.appendAsLeader(batch(2, "unseen"), (short) 1);

        lead(one, 1, 3);
        one.appendAsLeader(batch(1, "e"), (short) 1);
        follow(two, 1, 3);
        sync(two, 2, one);

        assertSameLog(two, one);
        assertThat(two.log().endOffsetForEpoch(2).leaderEpoch())
                .as("epoch 2 is gone")
                .isNotEqualTo(2);
    }

    @Test
    void anEpochStartedWithoutRecordsDoesNotMakeTheFollowerDivergeForever() {
        lead(two, 2, 2); // led epoch 2 for a moment, wrote nothing

        lead(one, 1, 3);
        one.appendAsLeader(batch(2, "f"), (short) 1);
        follow(two, 1, 3);
        int rounds = sync(two, 2, one);

        assertSameLog(two, one);
        assertThat(rounds).isLessThanOrEqualTo(4);
    }

    @Test
    void aFollowerThatDoesNotKnowTheLeadersEpochCutsBackStepByStep() {
        lead(two, 2, 4);
        two.appendAsLeader(batch(2, "x"), (short) 1); // epoch 4 on broker 2 only: 3..4

        lead(one, 1, 3);
        one.appendAsLeader(batch(3, "y"), (short) 1); // epoch 3 on broker 1 only: 3..5
        lead(one, 1, 5);
        one.appendAsLeader(batch(1, "z"), (short) 1); // epoch 5: 6
        follow(two, 1, 5);
        sync(two, 2, one);

        assertSameLog(two, one);
        assertThat(two.log().endOffsetForEpoch(3)).isEqualTo(new EpochEndOffset(3, 6));
    }

    @Test
    void aFollowerThatIsMerelyBehindAppendsWithoutTruncating() {
        lead(one, 1, 2);
        one.appendAsLeader(batch(4, "b"), (short) 1);
        follow(two, 1, 2);

        int rounds = sync(two, 2, one);

        assertSameLog(two, one);
        assertThat(rounds).isEqualTo(2);
    }

    @Test
    void aNewReplicaWhoseLogStartsInsideTheLeadersFirstBatchTakesTheWholeBatch() {
        one.appendAsLeader(batch(10, "d"), (short) 1); // one batch: 3..12
        one.log().deleteRecordsBefore(7); // DeleteRecords inside the batch
        Partition three = replica(3);
        follow(three, 1, 1);
        // What FollowerTruncation.onOutOfRange does when the leader's log starts past ours.
        three.truncateFullyAndStartAt(one.log().logStartOffset());

        FetchDataInfo read = one.log().read(7, 1 << 20, one.logEndOffset(), true);
        ByteBuffer copy = ByteBuffer.allocate(read.records().sizeInBytes());
        read.records().copyTo(copy);
        three.appendAsFollower(MemoryRecords.of(copy.flip()));
        three.updateFollowerHighWatermark(one.highWatermark());
        three.maybeAdvanceLogStartOffset(one.log().logStartOffset());

        assertThat(three.logEndOffset()).isEqualTo(13);
        assertThat(three.log().logStartOffset()).isEqualTo(7);
    }
}
