package io.fjord.coordinator;

import io.fjord.protocol.message.HeartbeatRequest;
import io.fjord.protocol.message.HeartbeatResponse;
import io.fjord.protocol.message.JoinGroupRequest;
import io.fjord.protocol.message.JoinGroupResponse;
import io.fjord.protocol.message.OffsetCommitRequest;
import io.fjord.protocol.message.OffsetCommitResponse;
import io.fjord.protocol.message.OffsetFetchRequest;
import io.fjord.protocol.message.OffsetFetchResponse;
import io.fjord.protocol.message.SyncGroupRequest;
import io.fjord.protocol.message.SyncGroupResponse;
import io.fjord.testkit.MockTime;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A group coordinator on fakes: {@link MockTime} with a {@link MockScheduler}, an {@link InMemoryCoordinatorLog}
 * and {@link FakeTopicMetadata}. All partitions of the (small) offsets topic are loaded from the log at start
 * and on {@link #restart}, so a restart replays exactly what was committed. Not thread-safe; one per test.
 */
final class GroupCoordinatorTestContext {

    static final int SESSION_TIMEOUT_MS = 10_000;
    static final int REBALANCE_TIMEOUT_MS = 30_000;

    final MockTime time = new MockTime();
    final MockScheduler scheduler = new MockScheduler(time);
    final InMemoryCoordinatorLog log = new InMemoryCoordinatorLog();
    final FakeTopicMetadata topics = new FakeTopicMetadata();
    final GroupCoordinatorConfig config;
    GroupCoordinator coordinator;

    GroupCoordinatorTestContext() {
        this(GroupCoordinatorConfig.defaults().withInitialRebalanceDelayMs(0).withOffsetsTopicNumPartitions(4));
    }

    GroupCoordinatorTestContext(GroupCoordinatorConfig config) {
        this.config = config;
        this.coordinator = newCoordinator();
        loadAll();
    }

    private GroupCoordinator newCoordinator() {
        return new GroupCoordinator(config, log, topics, scheduler, time, new Random(7));
    }

    private void loadAll() {
        for (int p = 0; p < config.offsetsTopicNumPartitions(); p++) {
            coordinator.loadPartition(p, log.entries(p).iterator());
        }
    }

    /** Stops this coordinator and starts a new one from the committed records. */
    void restart() {
        coordinator.shutdown();
        coordinator = newCoordinator();
        loadAll();
    }

    void advance(long ms) {
        scheduler.advance(ms);
    }

    static <T> T done(CompletableFuture<T> future) {
        if (!future.isDone()) {
            throw new AssertionError("expected a completed response");
        }
        try {
            return future.get(0, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    // ---- classic protocol ----

    static List<JoinGroupRequest.JoinGroupRequestProtocol> protocols(String... names) {
        List<JoinGroupRequest.JoinGroupRequestProtocol> list = new ArrayList<>();
        for (String name : names) {
            list.add(new JoinGroupRequest.JoinGroupRequestProtocol()
                    .setName(name)
                    .setMetadata(subscription("orders")));
        }
        return list;
    }

    static JoinGroupRequest joinRequest(String groupId, String memberId, String instanceId, String... protocolNames) {
        return new JoinGroupRequest()
                .setGroupId(groupId)
                .setMemberId(memberId)
                .setGroupInstanceId(instanceId)
                .setSessionTimeoutMs(SESSION_TIMEOUT_MS)
                .setRebalanceTimeoutMs(REBALANCE_TIMEOUT_MS)
                .setProtocolType("consumer")
                .setProtocols(protocols(protocolNames.length == 0 ? new String[] {"range"} : protocolNames));
    }

    CompletableFuture<JoinGroupResponse> join(JoinGroupRequest request) {
        return join(request, (short) 9);
    }

    CompletableFuture<JoinGroupResponse> join(JoinGroupRequest request, short version) {
        return coordinator.joinGroup(request, version, "client", "/127.0.0.1");
    }

    /** A new dynamic member's first JoinGroup (MEMBER_ID_REQUIRED) and the rejoin with that id. */
    CompletableFuture<JoinGroupResponse> joinDynamic(String groupId, String... protocolNames) {
        JoinGroupResponse first = done(join(joinRequest(groupId, "", null, protocolNames)));
        if (first.errorCode() != io.fjord.common.Errors.MEMBER_ID_REQUIRED.code()) {
            throw new AssertionError("expected MEMBER_ID_REQUIRED, got " + first);
        }
        return join(joinRequest(groupId, first.memberId(), null, protocolNames));
    }

    CompletableFuture<SyncGroupResponse> sync(
            String groupId,
            String memberId,
            int generation,
            List<SyncGroupRequest.SyncGroupRequestAssignment> assignments) {
        return coordinator.syncGroup(
                new SyncGroupRequest()
                        .setGroupId(groupId)
                        .setMemberId(memberId)
                        .setGenerationId(generation)
                        .setProtocolType("consumer")
                        .setProtocolName("range")
                        .setAssignments(assignments),
                (short) 5);
    }

    HeartbeatResponse heartbeat(String groupId, String memberId, int generation) {
        return heartbeat(groupId, memberId, generation, null);
    }

    HeartbeatResponse heartbeat(String groupId, String memberId, int generation, String instanceId) {
        return done(coordinator.heartbeat(
                new HeartbeatRequest()
                        .setGroupId(groupId)
                        .setMemberId(memberId)
                        .setGenerationId(generation)
                        .setGroupInstanceId(instanceId),
                (short) 4));
    }

    static SyncGroupRequest.SyncGroupRequestAssignment assignment(String memberId, String text) {
        return new SyncGroupRequest.SyncGroupRequestAssignment()
                .setMemberId(memberId)
                .setAssignment(text.getBytes(StandardCharsets.UTF_8));
    }

    /** ConsumerProtocolSubscription v0 bytes for {@code topics} (what the Java client sends as metadata). */
    static byte[] subscription(String... topics) {
        int size = 2 + 4 + 4;
        for (String t : topics) {
            size += 2 + t.length();
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        buffer.putShort((short) 0).putInt(topics.length);
        for (String t : topics) {
            buffer.putShort((short) t.length()).put(t.getBytes(StandardCharsets.UTF_8));
        }
        buffer.putInt(-1); // null user data
        return buffer.array();
    }

    // ---- offsets ----

    OffsetCommitResponse commit(
            String groupId, String memberId, int generation, String topic, int partition, long offset) {
        return commit(groupId, memberId, generation, topic, partition, offset, "");
    }

    OffsetCommitResponse commit(
            String groupId,
            String memberId,
            int generation,
            String topic,
            int partition,
            long offset,
            String metadata) {
        return done(commitAsync(groupId, memberId, generation, topic, partition, offset, metadata));
    }

    CompletableFuture<OffsetCommitResponse> commitAsync(
            String groupId,
            String memberId,
            int generation,
            String topic,
            int partition,
            long offset,
            String metadata) {
        OffsetCommitRequest request = new OffsetCommitRequest()
                .setGroupId(groupId)
                .setMemberId(memberId)
                .setGenerationIdOrMemberEpoch(generation)
                .setTopics(List.of(new OffsetCommitRequest.OffsetCommitRequestTopic()
                        .setName(topic)
                        .setPartitions(List.of(new OffsetCommitRequest.OffsetCommitRequestPartition()
                                .setPartitionIndex(partition)
                                .setCommittedOffset(offset)
                                .setCommittedMetadata(metadata)))));
        return coordinator.offsetCommit(request, (short) 9);
    }

    static short commitError(OffsetCommitResponse response) {
        return response.topics().get(0).partitions().get(0).errorCode();
    }

    /** OffsetFetch v9 for one group; {@code partitions} null fetches all. */
    OffsetFetchResponse.OffsetFetchResponseGroup fetch(
            String groupId, String topic, List<Integer> partitions, boolean requireStable) {
        OffsetFetchRequest.OffsetFetchRequestGroup group =
                new OffsetFetchRequest.OffsetFetchRequestGroup().setGroupId(groupId);
        group.setTopics(
                partitions == null
                        ? null
                        : List.of(new OffsetFetchRequest.OffsetFetchRequestTopics()
                                .setName(topic)
                                .setPartitionIndexes(partitions)));
        OffsetFetchRequest request =
                new OffsetFetchRequest().setGroups(List.of(group)).setRequireStable(requireStable);
        return done(coordinator.offsetFetch(request, (short) 9)).groups().get(0);
    }

    long fetchOffset(String groupId, String topic, int partition) {
        OffsetFetchResponse.OffsetFetchResponseGroup group = fetch(groupId, topic, List.of(partition), false);
        return group.topics().get(0).partitions().get(0).committedOffset();
    }
}
