package io.fjord.coordinator;

import static io.fjord.coordinator.GroupCoordinatorTestContext.assignment;
import static io.fjord.coordinator.GroupCoordinatorTestContext.commitError;
import static io.fjord.coordinator.GroupCoordinatorTestContext.done;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.Errors;
import io.fjord.coordinator.record.GroupRecords;
import io.fjord.protocol.message.DescribeGroupsRequest;
import io.fjord.protocol.message.DescribeGroupsResponse;
import io.fjord.protocol.message.JoinGroupResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

class LoadingTest {

    @Test
    void partitionForIsKafkasFormulaIncludingTheMinValueHash() {
        assertThat("polygenelubricants".hashCode()).isEqualTo(Integer.MIN_VALUE);
        assertThat(GroupCoordinator.partitionFor("polygenelubricants", 50)).isZero();
        assertThat(GroupCoordinator.partitionFor("my-group", 50)).isEqualTo(Math.abs("my-group".hashCode()) % 50);
        assertThat(GroupCoordinator.partitionFor("console-consumer-1", 50))
                .isEqualTo(Math.abs("console-consumer-1".hashCode()) % 50);
    }

    @Test
    void reloadingFromTheLogGivesBackGroupsAndOffsets() {
        GroupCoordinatorTestContext ctx = new GroupCoordinatorTestContext(GroupCoordinatorConfig.defaults()
                .withInitialRebalanceDelayMs(100)
                .withOffsetsTopicNumPartitions(4));
        ctx.topics.create("orders", 6);
        CompletableFuture<JoinGroupResponse> a = ctx.joinDynamic("app");
        CompletableFuture<JoinGroupResponse> b = ctx.joinDynamic("app");
        ctx.advance(300);
        JoinGroupResponse leader = done(a).leader().equals(done(a).memberId()) ? done(a) : done(b);
        JoinGroupResponse follower = leader == done(a) ? done(b) : done(a);
        done(ctx.sync(
                "app",
                leader.memberId(),
                1,
                List.of(assignment(leader.memberId(), "orders-0-2"), assignment(follower.memberId(), "orders-3-5"))));
        for (int p = 0; p < 6; p++) {
            assertThat(commitError(ctx.commit("app", leader.memberId(), 1, "orders", p, 10L * p, "m" + p)))
                    .isEqualTo(Errors.NONE.code());
        }
        ctx.commit("tool", "", -1, "orders", 2, 77);
        ctx.commit("tool", "", -1, "orders", 2, 78);
        DescribeGroupsResponse before = describe(ctx, "app", "tool");

        ctx.restart();

        assertThat(describe(ctx, "app", "tool")).isEqualTo(before);
        for (int p = 0; p < 6; p++) {
            assertThat(ctx.fetchOffset("app", "orders", p)).isEqualTo(10L * p);
            assertThat(ctx.fetch("app", "orders", List.of(p), false)
                            .topics()
                            .get(0)
                            .partitions()
                            .get(0)
                            .metadata())
                    .isEqualTo("m" + p);
        }
        assertThat(ctx.fetchOffset("tool", "orders", 2)).isEqualTo(78);
        assertThat(ctx.heartbeat("app", follower.memberId(), 1).errorCode())
                .as("members of a stable group carry on after the move")
                .isEqualTo(Errors.NONE.code());
        // Loaded members still expire if they never come back.
        ctx.advance(GroupCoordinatorTestContext.SESSION_TIMEOUT_MS + 1);
        assertThat(ctx.heartbeat("app", leader.memberId(), 1).errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
    }

    @Test
    void requestsForALoadingPartitionGetLoadInProgressWhileOtherPartitionsServe() {
        GroupCoordinatorTestContext ctx = new GroupCoordinatorTestContext();
        String loading = groupWithOffset5(ctx, 1);
        String other = groupOfPartition(ctx, 2);
        List<CoordinatorLogEntry> records = ctx.log.entries(1);
        ctx.coordinator.unloadPartition(1);
        assertThat(commitError(ctx.commit(loading, "", -1, "orders", 0, 6))).isEqualTo(Errors.NOT_COORDINATOR.code());
        assertThat(ctx.coordinator.coordinatorStatus(loading)).isEqualTo(Errors.NOT_COORDINATOR);

        List<Short> seenWhileLoading = new ArrayList<>();
        Iterator<CoordinatorLogEntry> observing = beforeEachRecord(records, n -> {
            seenWhileLoading.add(ctx.fetch(loading, "orders", List.of(0), false).errorCode());
            seenWhileLoading.add(commitError(ctx.commit(other, "", -1, "orders", 0, 1)));
            seenWhileLoading.add(ctx.coordinator.coordinatorStatus(loading).code());
        });
        ctx.coordinator.loadPartition(1, observing);

        assertThat(seenWhileLoading)
                .containsExactly(
                        Errors.COORDINATOR_LOAD_IN_PROGRESS.code(),
                        Errors.NONE.code(),
                        Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
        assertThat(ctx.fetchOffset(loading, "orders", 0)).isEqualTo(5);
        assertThat(ctx.coordinator.coordinatorStatus(loading)).isEqualTo(Errors.NONE);
    }

    @Test
    void unloadingAnswersWaitingJoinsWithNotCoordinator() {
        GroupCoordinatorTestContext ctx = new GroupCoordinatorTestContext(GroupCoordinatorConfig.defaults()
                .withInitialRebalanceDelayMs(100)
                .withOffsetsTopicNumPartitions(4));
        CompletableFuture<JoinGroupResponse> join = ctx.joinDynamic("app");
        assertThat(join).isNotDone();
        ctx.coordinator.unloadPartition(ctx.coordinator.partitionFor("app"));
        assertThat(done(join).errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code());
    }

    @Test
    void aCorruptRecordIsSkippedAndTheRestLoads() {
        GroupCoordinatorTestContext ctx = new GroupCoordinatorTestContext();
        ctx.topics.create("orders", 1);
        String group = groupOfPartition(ctx, 0);
        ctx.commit(group, "", -1, "orders", 0, 5);
        List<CoordinatorLogEntry> entries = new ArrayList<>();
        entries.add(plain(0, new CoordinatorRecord(new byte[] {0, 99, 1}, new byte[] {1})));
        entries.add(plain(1, new CoordinatorRecord(GroupRecords.offsetKey(group, "orders", 0), new byte[] {0, 0, 1})));
        for (CoordinatorRecord record : ctx.log.records(0)) {
            entries.add(plain(entries.size(), record));
        }
        ctx.coordinator.loadPartition(0, entries.iterator());
        assertThat(ctx.fetchOffset(group, "orders", 0)).isEqualTo(5);
    }

    @Test
    void anUnloadDuringTheReplayStopsItAndThePartitionIsNotServed() throws Exception {
        GroupCoordinatorTestContext ctx = new GroupCoordinatorTestContext();
        ctx.topics.create("orders", 8);
        String group = groupOfPartition(ctx, 1);
        for (int p = 0; p < 8; p++) {
            ctx.commit(group, "", -1, "orders", p, p);
        }
        List<CoordinatorLogEntry> records = ctx.log.entries(1);
        ctx.coordinator.unloadPartition(1);
        int[] consumed = {0};
        Iterator<CoordinatorLogEntry> unloadingOnTheSecond = beforeEachRecord(records, n -> {
            consumed[0] = n;
            if (n == 2) {
                // The metadata thread unloads while the loading thread replays: it must not wait for the
                // whole replay, and the replay must stop.
                CompletableFuture.runAsync(() -> ctx.coordinator.unloadPartition(1))
                        .orTimeout(5, TimeUnit.SECONDS)
                        .join();
            }
        });

        boolean served = ctx.coordinator.loadPartition(1, unloadingOnTheSecond);

        assertThat(served).isFalse();
        assertThat(consumed[0]).as("records read after the unload").isEqualTo(2);
        assertThat(ctx.coordinator.coordinatorStatus(group)).isEqualTo(Errors.NOT_COORDINATOR);
    }

    @Test
    void aLoadScheduledBeforeAnUnloadNeverServesThePartition() {
        GroupCoordinatorTestContext ctx = new GroupCoordinatorTestContext();
        String group = groupWithOffset5(ctx, 1);
        List<CoordinatorLogEntry> records = ctx.log.entries(1);
        ctx.coordinator.unloadPartition(1);

        PartitionLoad queued = ctx.coordinator.scheduleLoad(1);
        assertThat(ctx.coordinator.coordinatorStatus(group)).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
        ctx.coordinator.unloadPartition(1);
        boolean served = queued.run(records.iterator());

        assertThat(served).isFalse();
        assertThat(queued.isCancelled()).isTrue();
        assertThat(ctx.coordinator.coordinatorStatus(group)).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(commitError(ctx.commit(group, "", -1, "orders", 0, 6))).isEqualTo(Errors.NOT_COORDINATOR.code());
    }

    @Test
    void aNewerLoadOfThePartitionCancelsTheQueuedOne() {
        GroupCoordinatorTestContext ctx = new GroupCoordinatorTestContext();
        String group = groupWithOffset5(ctx, 1);
        List<CoordinatorLogEntry> records = ctx.log.entries(1);

        PartitionLoad first = ctx.coordinator.scheduleLoad(1);
        PartitionLoad second = ctx.coordinator.scheduleLoad(1);
        assertThat(first.isCancelled()).as("cancelled by the newer load").isTrue();
        first.cancel(); // and giving it up again leaves the newer load registered

        assertThat(first.run(records.iterator())).isFalse();
        assertThat(ctx.coordinator.coordinatorStatus(group)).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
        assertThat(second.run(records.iterator())).isTrue();
        assertThat(ctx.fetchOffset(group, "orders", 0)).isEqualTo(5);
    }

    @Test
    void aCoordinatorThatWasShutDownLoadsNothingMore() {
        GroupCoordinatorTestContext ctx = new GroupCoordinatorTestContext();
        String group = groupWithOffset5(ctx, 1);
        PartitionLoad queuedBeforeShutdown = ctx.coordinator.scheduleLoad(2);

        ctx.coordinator.shutdown();
        boolean servedAfterShutdown =
                ctx.coordinator.loadPartition(1, ctx.log.entries(1).iterator());

        assertThat(servedAfterShutdown).isFalse();
        assertThat(ctx.coordinator.scheduleLoad(1).isCancelled()).isTrue();
        assertThat(queuedBeforeShutdown.run(ctx.log.entries(2).iterator())).isFalse();
        assertThat(ctx.coordinator.coordinatorStatus(group)).isEqualTo(Errors.NOT_COORDINATOR);
    }

    @Test
    void aLoadWhoseRecordsCannotBeReadLeavesThePartitionUnloaded() {
        GroupCoordinatorTestContext ctx = new GroupCoordinatorTestContext();
        String group = groupOfPartition(ctx, 1);
        Iterator<CoordinatorLogEntry> failing = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public CoordinatorLogEntry next() {
                throw new IllegalStateException("disk gone");
            }
        };

        assertThatThrownBy(() -> ctx.coordinator.loadPartition(1, failing)).hasMessage("disk gone");
        assertThat(ctx.coordinator.coordinatorStatus(group))
                .as("not stuck in COORDINATOR_LOAD_IN_PROGRESS")
                .isEqualTo(Errors.NOT_COORDINATOR);
    }

    private static CoordinatorLogEntry plain(long offset, CoordinatorRecord record) {
        return new CoordinatorLogEntry.Data(offset, CoordinatorLogEntry.NO_PRODUCER_ID, record);
    }

    /** Iterates {@code entries}, calling {@code hook} with the entry's number (from 1) before handing it out. */
    private static Iterator<CoordinatorLogEntry> beforeEachRecord(List<CoordinatorLogEntry> entries, IntConsumer hook) {
        Iterator<CoordinatorLogEntry> inner = entries.iterator();
        return new Iterator<>() {
            private int count;

            @Override
            public boolean hasNext() {
                return inner.hasNext();
            }

            @Override
            public CoordinatorLogEntry next() {
                hook.accept(++count);
                return inner.next();
            }
        };
    }

    /** Creates topic "orders" (one partition) and a group on {@code partition} that committed offset 5 for it. */
    private static String groupWithOffset5(GroupCoordinatorTestContext ctx, int partition) {
        ctx.topics.create("orders", 1);
        String group = groupOfPartition(ctx, partition);
        ctx.commit(group, "", -1, "orders", 0, 5);
        return group;
    }

    private static String groupOfPartition(GroupCoordinatorTestContext ctx, int partition) {
        for (int i = 0; ; i++) {
            if (ctx.coordinator.partitionFor("group-" + i) == partition) {
                return "group-" + i;
            }
        }
    }

    private static DescribeGroupsResponse describe(GroupCoordinatorTestContext ctx, String... groups) {
        return done(ctx.coordinator.describeGroups(new DescribeGroupsRequest().setGroups(List.of(groups)), (short) 5));
    }
}
