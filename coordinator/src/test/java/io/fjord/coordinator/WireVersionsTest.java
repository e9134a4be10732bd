package io.fjord.coordinator;

import static io.fjord.coordinator.GroupCoordinatorTestContext.assignment;
import static io.fjord.coordinator.GroupCoordinatorTestContext.done;
import static io.fjord.coordinator.GroupCoordinatorTestContext.joinRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Errors;
import io.fjord.protocol.ByteBufferReadable;
import io.fjord.protocol.ByteBufferWritable;
import io.fjord.protocol.Message;
import io.fjord.protocol.message.ConsumerGroupDescribeRequest;
import io.fjord.protocol.message.ConsumerGroupHeartbeatRequest;
import io.fjord.protocol.message.DeleteGroupsRequest;
import io.fjord.protocol.message.DescribeGroupsRequest;
import io.fjord.protocol.message.HeartbeatRequest;
import io.fjord.protocol.message.JoinGroupResponse;
import io.fjord.protocol.message.LeaveGroupRequest;
import io.fjord.protocol.message.ListGroupsRequest;
import io.fjord.protocol.message.OffsetCommitRequest;
import io.fjord.protocol.message.OffsetDeleteRequest;
import io.fjord.protocol.message.OffsetFetchRequest;
import io.fjord.protocol.message.SyncGroupRequest;
import io.fjord.protocol.message.TxnOffsetCommitRequest;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Every response the coordinator builds can be written at the version of the request it answers: no null
 * in a non-nullable field, no non-default value in a field the version lacks.
 */
class WireVersionsTest {

    private static <T extends Message> void assertWritable(
            T message, short version, BiFunction<ByteBufferReadable, Short, T> reader) {
        ByteBuffer buffer = ByteBuffer.allocate(message.size(version));
        message.write(new ByteBufferWritable(buffer), version);
        assertThat(buffer.remaining())
                .as("%s v%d fills its size", message.getClass().getSimpleName(), version)
                .isZero();
        buffer.flip();
        reader.apply(new ByteBufferReadable(buffer), version);
    }

    @Test
    void classicGroupResponsesAreWritableAtEveryVersion() {
        for (short v = 0; v <= 9; v++) {
            GroupCoordinatorTestContext ctx = new GroupCoordinatorTestContext();
            JoinGroupResponse first = done(ctx.join(joinRequest("g", "", null), v));
            assertWritable(first, v, JoinGroupResponse::new);
            JoinGroupResponse join = v >= 4 ? done(ctx.join(joinRequest("g", first.memberId(), null), v)) : first;
            assertThat(join.errorCode()).isEqualTo(Errors.NONE.code());
            assertWritable(join, v, JoinGroupResponse::new);
            assertWritable(done(ctx.join(joinRequest("g", "nobody", null), v)), v, JoinGroupResponse::new);
            JoinGroupResponse staticJoin = done(ctx.join(joinRequest("s", "", "inst"), v));
            assertWritable(staticJoin, v, JoinGroupResponse::new);
            done(ctx.sync(
                    "s",
                    staticJoin.memberId(),
                    staticJoin.generationId(),
                    List.of(assignment(staticJoin.memberId(), "x"))));
            assertWritable(done(ctx.join(joinRequest("s", "", "inst"), v)), v, JoinGroupResponse::new);

            short syncVersion = (short) Math.min(v, 5);
            SyncGroupRequest sync = new SyncGroupRequest()
                    .setGroupId("g")
                    .setMemberId(join.memberId())
                    .setGenerationId(join.generationId())
                    .setAssignments(List.of(assignment(join.memberId(), "a")));
            assertWritable(
                    done(ctx.coordinator.syncGroup(sync, syncVersion)),
                    syncVersion,
                    io.fjord.protocol.message.SyncGroupResponse::new);
            short hbVersion = (short) Math.min(v, 4);
            assertWritable(
                    done(ctx.coordinator.heartbeat(
                            new HeartbeatRequest()
                                    .setGroupId("g")
                                    .setMemberId(join.memberId())
                                    .setGenerationId(join.generationId()),
                            hbVersion)),
                    hbVersion,
                    io.fjord.protocol.message.HeartbeatResponse::new);
            short describeVersion = (short) Math.min(v, 6);
            assertWritable(
                    done(ctx.coordinator.describeGroups(
                            new DescribeGroupsRequest().setGroups(List.of("g", "x", "")), describeVersion)),
                    describeVersion,
                    io.fjord.protocol.message.DescribeGroupsResponse::new);
            short listVersion = (short) Math.min(v, 5);
            assertWritable(
                    done(ctx.coordinator.listGroups(new ListGroupsRequest(), listVersion)),
                    listVersion,
                    io.fjord.protocol.message.ListGroupsResponse::new);
            short leaveVersion = (short) Math.min(v, 5);
            LeaveGroupRequest leave = leaveVersion >= 3
                    ? new LeaveGroupRequest()
                            .setGroupId("g")
                            .setMembers(List.of(new LeaveGroupRequest.MemberIdentity().setMemberId(join.memberId())))
                    : new LeaveGroupRequest().setGroupId("g").setMemberId(join.memberId());
            assertWritable(
                    done(ctx.coordinator.leaveGroup(leave, leaveVersion)),
                    leaveVersion,
                    io.fjord.protocol.message.LeaveGroupResponse::new);
            short deleteVersion = (short) Math.min(v, 3);
            assertWritable(
                    done(ctx.coordinator.deleteGroups(
                            new DeleteGroupsRequest().setGroupsNames(List.of("g", "zz")), deleteVersion)),
                    deleteVersion,
                    io.fjord.protocol.message.DeleteGroupsResponse::new);
        }
    }

    @Test
    void offsetResponsesAreWritableAtEveryVersion() {
        GroupCoordinatorTestContext ctx = new GroupCoordinatorTestContext();
        ctx.topics.create("orders", 2);
        for (short v = 2; v <= 10; v++) {
            OffsetCommitRequest.OffsetCommitRequestTopic topic = new OffsetCommitRequest.OffsetCommitRequestTopic()
                    .setPartitions(List.of(new OffsetCommitRequest.OffsetCommitRequestPartition()
                            .setPartitionIndex(0)
                            .setCommittedOffset(v)));
            if (v >= 10) {
                topic.setTopicId(ctx.topics.topicId("orders"));
            } else {
                topic.setName("orders");
            }
            OffsetCommitRequest commit =
                    new OffsetCommitRequest().setGroupId("g").setTopics(List.of(topic));
            assertWritable(
                    done(ctx.coordinator.offsetCommit(commit, v)),
                    v,
                    io.fjord.protocol.message.OffsetCommitResponse::new);
        }
        for (short v = 1; v <= 10; v++) {
            OffsetFetchRequest fetch = new OffsetFetchRequest();
            if (v < 8) {
                fetch.setGroupId("g")
                        .setTopics(List.of(new OffsetFetchRequest.OffsetFetchRequestTopic()
                                .setName("orders")
                                .setPartitionIndexes(List.of(0, 1))));
            } else {
                OffsetFetchRequest.OffsetFetchRequestTopics t =
                        new OffsetFetchRequest.OffsetFetchRequestTopics().setPartitionIndexes(List.of(0, 1));
                if (v >= 10) {
                    t.setTopicId(ctx.topics.topicId("orders"));
                } else {
                    t.setName("orders");
                }
                fetch.setGroups(List.of(
                        new OffsetFetchRequest.OffsetFetchRequestGroup()
                                .setGroupId("g")
                                .setTopics(List.of(t)),
                        new OffsetFetchRequest.OffsetFetchRequestGroup()
                                .setGroupId("g")
                                .setTopics(null),
                        new OffsetFetchRequest.OffsetFetchRequestGroup()
                                .setGroupId("")
                                .setTopics(null)));
            }
            assertWritable(
                    done(ctx.coordinator.offsetFetch(fetch, v)), v, io.fjord.protocol.message.OffsetFetchResponse::new);
        }
        for (short v = 0; v <= 6; v++) {
            TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic topic =
                    new TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic()
                            .setPartitions(List.of(
                                    new TxnOffsetCommitRequest.TxnOffsetCommitRequestPartition()
                                            .setPartitionIndex(0)
                                            .setCommittedOffset(v),
                                    new TxnOffsetCommitRequest.TxnOffsetCommitRequestPartition().setPartitionIndex(7)));
            if (v >= 6) {
                topic.setTopicId(ctx.topics.topicId("orders"));
            } else {
                topic.setName("orders");
            }
            for (String group : List.of("g", "")) {
                TxnOffsetCommitRequest commit = new TxnOffsetCommitRequest()
                        .setTransactionalId("t")
                        .setGroupId(group)
                        .setProducerId(5)
                        .setTopics(List.of(topic));
                assertWritable(
                        done(ctx.coordinator.txnOffsetCommit(commit, v)),
                        v,
                        io.fjord.protocol.message.TxnOffsetCommitResponse::new);
            }
        }
        OffsetDeleteRequest delete = new OffsetDeleteRequest()
                .setGroupId("g")
                .setTopics(List.of(new OffsetDeleteRequest.OffsetDeleteRequestTopic()
                        .setName("orders")
                        .setPartitions(
                                List.of(new OffsetDeleteRequest.OffsetDeleteRequestPartition().setPartitionIndex(0)))));
        assertWritable(
                done(ctx.coordinator.offsetDelete(delete, (short) 0)),
                (short) 0,
                io.fjord.protocol.message.OffsetDeleteResponse::new);
    }

    @Test
    void consumerGroupResponsesAreWritableAtEveryVersion() {
        GroupCoordinatorTestContext ctx = new GroupCoordinatorTestContext();
        ctx.topics.create("orders", 2);
        for (short v = 0; v <= 1; v++) {
            ConsumerGroupHeartbeatRequest join = new ConsumerGroupHeartbeatRequest()
                    .setGroupId("cg")
                    .setMemberId(v == 0 ? "" : "m1")
                    .setMemberEpoch(0)
                    .setRebalanceTimeoutMs(30_000)
                    .setSubscribedTopicNames(List.of("orders"))
                    .setTopicPartitions(List.of());
            assertWritable(
                    done(ctx.coordinator.consumerGroupHeartbeat(join, v, "c", "/h")),
                    v,
                    io.fjord.protocol.message.ConsumerGroupHeartbeatResponse::new);
            ConsumerGroupHeartbeatRequest bad = new ConsumerGroupHeartbeatRequest()
                    .setGroupId("cg")
                    .setMemberId("zz")
                    .setMemberEpoch(3);
            assertWritable(
                    done(ctx.coordinator.consumerGroupHeartbeat(bad, v, "c", "/h")),
                    v,
                    io.fjord.protocol.message.ConsumerGroupHeartbeatResponse::new);
            assertWritable(
                    done(ctx.coordinator.consumerGroupDescribe(
                            new ConsumerGroupDescribeRequest().setGroupIds(List.of("cg", "none", "")), v)),
                    v,
                    io.fjord.protocol.message.ConsumerGroupDescribeResponse::new);
        }
    }
}
