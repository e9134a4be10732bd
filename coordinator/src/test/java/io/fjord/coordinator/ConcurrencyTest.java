package io.fjord.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Errors;
import io.fjord.common.Time;
import io.fjord.protocol.message.JoinGroupResponse;
import io.fjord.protocol.message.OffsetCommitRequest;
import io.fjord.protocol.message.OffsetCommitResponse;
import io.fjord.protocol.message.OffsetFetchRequest;
import io.fjord.protocol.message.OffsetFetchResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Many threads on many shards with the real scheduler and an asynchronously committing log. */
class ConcurrencyTest {

    /** Completes appends on another thread, as the broker does when the high watermark moves. */
    private static final class AsyncLog implements CoordinatorLog {
        private final ExecutorService committer = Executors.newSingleThreadExecutor();

        @Override
        public CompletableFuture<Void> append(int partition, List<CoordinatorRecord> records) {
            return CompletableFuture.runAsync(() -> {}, committer);
        }

        @Override
        public CompletableFuture<Void> appendTransactional(
                int partition,
                long producerId,
                short producerEpoch,
                io.fjord.common.VerificationGuard guard,
                List<CoordinatorRecord> records) {
            return append(partition, records);
        }
    }

    @Test
    void concurrentCommitsToGroupsOnDifferentShardsAreAllVisibleAfterwards() throws Exception {
        FakeTopicMetadata topics = new FakeTopicMetadata();
        topics.create("orders", 1);
        AsyncLog log = new AsyncLog();
        try (ExecutorCoordinatorScheduler scheduler = new ExecutorCoordinatorScheduler("coordinator-timers")) {
            GroupCoordinator coordinator = new GroupCoordinator(
                    GroupCoordinatorConfig.defaults().withOffsetsTopicNumPartitions(8),
                    log,
                    topics,
                    scheduler,
                    Time.SYSTEM,
                    new Random(1));
            for (int p = 0; p < 8; p++) {
                coordinator.loadPartition(p, List.<CoordinatorLogEntry>of().iterator());
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> tasks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                String group = "group-" + t;
                tasks.add(pool.submit(() -> {
                    for (int i = 0; i < 300; i++) {
                        OffsetCommitResponse response = coordinator
                                .offsetCommit(commit(group, i), (short) 9)
                                .join();
                        assertThat(response.topics().get(0).partitions().get(0).errorCode())
                                .isEqualTo(Errors.NONE.code());
                    }
                    return null;
                }));
            }
            for (Future<?> task : tasks) {
                task.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();
            for (int t = 0; t < 8; t++) {
                OffsetFetchRequest fetch = new OffsetFetchRequest()
                        .setGroups(List.of(new OffsetFetchRequest.OffsetFetchRequestGroup()
                                .setGroupId("group-" + t)
                                .setTopics(null)));
                OffsetFetchResponse response =
                        coordinator.offsetFetch(fetch, (short) 9).get(5, TimeUnit.SECONDS);
                assertThat(response.groups()
                                .get(0)
                                .topics()
                                .get(0)
                                .partitions()
                                .get(0)
                                .committedOffset())
                        .isEqualTo(299);
            }
            coordinator.shutdown();
        } finally {
            log.committer.shutdownNow();
        }
    }

    @Test
    void aShardBlockedInAnAppendDoesNotDelayTheSessionTimeoutsOfOtherShards() throws Exception {
        GroupCoordinatorTestContext ctx = new GroupCoordinatorTestContext();
        ctx.topics.create("orders", 1);
        String slowGroup = groupOfPartition(ctx, 1);
        String otherGroup = groupOfPartition(ctx, 2);
        JoinGroupResponse slow = stableMember(ctx, slowGroup); // its session timer falls due first
        JoinGroupResponse other = stableMember(ctx, otherGroup);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            ctx.log.blockAppends(1);
            Future<?> blockedCommit =
                    threads.submit(() -> ctx.commit(slowGroup, slow.memberId(), 1, "orders", 0, 1, ""));
            ctx.log.awaitBlockedAppend(); // shard 1's lock is now held across a stuck append

            Future<?> timers = threads.submit(() -> ctx.advance(GroupCoordinatorTestContext.SESSION_TIMEOUT_MS + 1));
            timers.get(10, TimeUnit.SECONDS);

            assertThat(ctx.heartbeat(otherGroup, other.memberId(), 1).errorCode())
                    .as("expired on time although shard 1 is busy")
                    .isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
            ctx.log.unblockAppends();
            blockedCommit.get(10, TimeUnit.SECONDS);
            ctx.advance(ShardTimers.LOCK_RETRY_MS);
            assertThat(ctx.heartbeat(slowGroup, slow.memberId(), 1).errorCode())
                    .as("the busy shard's timer ran once its lock was free")
                    .isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        } finally {
            ctx.log.unblockAppends();
            threads.shutdownNow();
        }
    }

    private static JoinGroupResponse stableMember(GroupCoordinatorTestContext ctx, String group) {
        JoinGroupResponse join = GroupCoordinatorTestContext.done(ctx.joinDynamic(group));
        GroupCoordinatorTestContext.done(ctx.sync(
                group,
                join.memberId(),
                join.generationId(),
                List.of(GroupCoordinatorTestContext.assignment(join.memberId(), "orders"))));
        return join;
    }

    private static String groupOfPartition(GroupCoordinatorTestContext ctx, int partition) {
        for (int i = 0; ; i++) {
            if (ctx.coordinator.partitionFor("group-" + i) == partition) {
                return "group-" + i;
            }
        }
    }

    private static OffsetCommitRequest commit(String group, long offset) {
        return new OffsetCommitRequest()
                .setGroupId(group)
                .setTopics(List.of(new OffsetCommitRequest.OffsetCommitRequestTopic()
                        .setName("orders")
                        .setPartitions(List.of(new OffsetCommitRequest.OffsetCommitRequestPartition()
                                .setPartitionIndex(0)
                                .setCommittedOffset(offset)))));
    }
}
