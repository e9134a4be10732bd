package io.fjord.coordinator;

import static io.fjord.coordinator.GroupCoordinatorTestContext.assignment;
import static io.fjord.coordinator.GroupCoordinatorTestContext.commitError;
import static io.fjord.coordinator.GroupCoordinatorTestContext.done;
import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import io.fjord.protocol.message.ConsumerGroupHeartbeatRequest;
import io.fjord.protocol.message.DeleteGroupsRequest;
import io.fjord.protocol.message.DeleteGroupsResponse;
import io.fjord.protocol.message.JoinGroupResponse;
import io.fjord.protocol.message.ListGroupsRequest;
import io.fjord.protocol.message.ListGroupsResponse;
import io.fjord.protocol.message.OffsetCommitRequest;
import io.fjord.protocol.message.OffsetCommitResponse;
import io.fjord.protocol.message.OffsetDeleteRequest;
import io.fjord.protocol.message.OffsetDeleteResponse;
import io.fjord.protocol.message.OffsetFetchRequest;
import io.fjord.protocol.message.OffsetFetchResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class OffsetTest {

    private static final String GROUP = "billing";

    private static GroupCoordinatorTestContext contextWithTopic() {
        GroupCoordinatorTestContext ctx = new GroupCoordinatorTestContext();
        ctx.topics.create("orders", 6);
        return ctx;
    }

    /** A one-member classic group, stable at generation 1. */
    private static JoinGroupResponse stableMember(GroupCoordinatorTestContext ctx) {
        JoinGroupResponse join = done(ctx.joinDynamic(GROUP));
        done(ctx.sync(GROUP, join.memberId(), join.generationId(), List.of(assignment(join.memberId(), "orders"))));
        return join;
    }

    @Test
    void groupCommitsAreCheckedAgainstGenerationAndMember() {
        GroupCoordinatorTestContext ctx = contextWithTopic();
        JoinGroupResponse member = stableMember(ctx);
        assertThat(commitError(ctx.commit(GROUP, member.memberId(), 1, "orders", 0, 42)))
                .isEqualTo(Errors.NONE.code());
        assertThat(commitError(ctx.commit(GROUP, member.memberId(), 0, "orders", 0, 43)))
                .isEqualTo(Errors.ILLEGAL_GENERATION.code());
        assertThat(commitError(ctx.commit(GROUP, "stranger", 1, "orders", 0, 44)))
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(commitError(ctx.commit(GROUP, "", -1, "orders", 0, 45)))
                .as("a simple commit into a group with members")
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(ctx.fetchOffset(GROUP, "orders", 0)).isEqualTo(42);
    }

    @Test
    void simpleCommitCreatesAnEmptyGroupThatListsWithoutProtocolType() {
        GroupCoordinatorTestContext ctx = contextWithTopic();
        assertThat(commitError(ctx.commit("manual", "", -1, "orders", 3, 7, "checkpoint")))
                .isEqualTo(Errors.NONE.code());
        OffsetFetchResponse.OffsetFetchResponseGroup fetched = ctx.fetch("manual", "orders", List.of(3, 4), false);
        assertThat(fetched.topics().get(0).partitions())
                .extracting(p -> p.committedOffset())
                .containsExactly(7L, -1L);
        assertThat(fetched.topics().get(0).partitions().get(0).metadata()).isEqualTo("checkpoint");

        ListGroupsResponse listed = done(ctx.coordinator.listGroups(new ListGroupsRequest(), (short) 5));
        assertThat(listed.groups()).singleElement().satisfies(g -> {
            assertThat(g.groupId()).isEqualTo("manual");
            assertThat(g.groupState()).isEqualTo("Empty");
            assertThat(g.protocolType()).isEmpty();
            assertThat(g.groupType()).isEqualTo("classic");
        });
    }

    @Test
    void commitToAnAbsentGroupWithAGenerationFails() {
        GroupCoordinatorTestContext ctx = contextWithTopic();
        assertThat(commitError(ctx.commit("ghost", "m", 3, "orders", 0, 1)))
                .isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        OffsetCommitRequest request = new OffsetCommitRequest()
                .setGroupId("ghost")
                .setMemberId("m")
                .setGenerationIdOrMemberEpoch(3)
                .setTopics(List.of(new OffsetCommitRequest.OffsetCommitRequestTopic()
                        .setName("orders")
                        .setPartitions(
                                List.of(new OffsetCommitRequest.OffsetCommitRequestPartition().setPartitionIndex(0)))));
        assertThat(commitError(done(ctx.coordinator.offsetCommit(request, (short) 8))))
                .isEqualTo(Errors.ILLEGAL_GENERATION.code());
    }

    @Test
    void metadataLongerThanTheLimitAndUnknownPartitionsAreRejectedPerPartition() {
        GroupCoordinatorTestContext ctx = contextWithTopic();
        assertThat(commitError(ctx.commit(GROUP, "", -1, "orders", 0, 1, "x".repeat(4097))))
                .isEqualTo(Errors.OFFSET_METADATA_TOO_LARGE.code());
        assertThat(commitError(ctx.commit(GROUP, "", -1, "orders", 6, 1)))
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(commitError(ctx.commit(GROUP, "", -1, "missing", 0, 1)))
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(commitError(ctx.commit(GROUP, "", -1, "orders", 0, 1, "x".repeat(4096))))
                .isEqualTo(Errors.NONE.code());
    }

    @Test
    void topicIdVersionsResolveIdsAndRejectUnknownOnes() {
        GroupCoordinatorTestContext ctx = contextWithTopic();
        Uuid ordersId = ctx.topics.topicId("orders");
        OffsetCommitRequest request = new OffsetCommitRequest()
                .setGroupId(GROUP)
                .setTopics(List.of(
                        new OffsetCommitRequest.OffsetCommitRequestTopic()
                                .setTopicId(ordersId)
                                .setPartitions(List.of(new OffsetCommitRequest.OffsetCommitRequestPartition()
                                        .setPartitionIndex(1)
                                        .setCommittedOffset(99))),
                        new OffsetCommitRequest.OffsetCommitRequestTopic()
                                .setTopicId(new Uuid(1, 2))
                                .setPartitions(List.of(
                                        new OffsetCommitRequest.OffsetCommitRequestPartition().setPartitionIndex(0)))));
        OffsetCommitResponse response = done(ctx.coordinator.offsetCommit(request, (short) 10));
        assertThat(response.topics().get(0).topicId()).isEqualTo(ordersId);
        assertThat(response.topics().get(0).partitions().get(0).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(response.topics().get(1).partitions().get(0).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_ID.code());

        OffsetFetchRequest fetch = new OffsetFetchRequest()
                .setGroups(List.of(new OffsetFetchRequest.OffsetFetchRequestGroup()
                        .setGroupId(GROUP)
                        .setTopics(null)));
        OffsetFetchResponse.OffsetFetchResponseGroup all =
                done(ctx.coordinator.offsetFetch(fetch, (short) 10)).groups().get(0);
        assertThat(all.topics()).singleElement().satisfies(t -> {
            assertThat(t.topicId()).isEqualTo(ordersId);
            assertThat(t.partitions().get(0).committedOffset()).isEqualTo(99);
        });
    }

    @Test
    void requireStableReportsCommitsNotYetCommittedToTheLog() {
        GroupCoordinatorTestContext ctx = contextWithTopic();
        ctx.commit(GROUP, "", -1, "orders", 0, 10);
        ctx.log.holdCommits();
        CompletableFuture<OffsetCommitResponse> inFlight = ctx.commitAsync(GROUP, "", -1, "orders", 0, 11, "");
        assertThat(inFlight).as("the response waits for the commit").isNotDone();

        OffsetFetchResponse.OffsetFetchResponseGroup stable = ctx.fetch(GROUP, "orders", List.of(0), true);
        assertThat(stable.topics().get(0).partitions().get(0).errorCode())
                .isEqualTo(Errors.UNSTABLE_OFFSET_COMMIT.code());
        assertThat(ctx.fetchOffset(GROUP, "orders", 0))
                .as("reads see committed state only")
                .isEqualTo(10);

        ctx.log.commitAll();
        assertThat(commitError(done(inFlight))).isEqualTo(Errors.NONE.code());
        assertThat(ctx.fetchOffset(GROUP, "orders", 0)).isEqualTo(11);
    }

    @Test
    void aFailedAppendFailsTheCommitWithACoordinatorError() {
        GroupCoordinatorTestContext ctx = contextWithTopic();
        ctx.log.holdCommits();
        CompletableFuture<OffsetCommitResponse> commit = ctx.commitAsync(GROUP, "", -1, "orders", 0, 5, "");
        ctx.log.failPending(new ApiException(Errors.NOT_LEADER_OR_FOLLOWER, "leadership moved"));
        assertThat(commitError(done(commit))).isEqualTo(Errors.NOT_COORDINATOR.code());
        assertThat(ctx.fetchOffset(GROUP, "orders", 0)).isEqualTo(-1);
    }

    @Test
    void fetchVersionEightAnswersSeveralGroupsAtOnce() {
        GroupCoordinatorTestContext ctx = contextWithTopic();
        for (int i = 0; i < 5; i++) {
            ctx.commit("g" + i, "", -1, "orders", 0, 100 + i);
        }
        OffsetFetchRequest request = new OffsetFetchRequest();
        for (int i = 0; i < 5; i++) {
            request.groups()
                    .add(new OffsetFetchRequest.OffsetFetchRequestGroup()
                            .setGroupId("g" + i)
                            .setTopics(List.of(new OffsetFetchRequest.OffsetFetchRequestTopics()
                                    .setName("orders")
                                    .setPartitionIndexes(List.of(0)))));
        }
        OffsetFetchResponse response = done(ctx.coordinator.offsetFetch(request, (short) 8));
        assertThat(response.groups())
                .extracting(g -> g.topics().get(0).partitions().get(0).committedOffset())
                .containsExactly(100L, 101L, 102L, 103L, 104L);
    }

    @Test
    void offsetDeleteRefusesTopicsTheGroupSubscribesToAndDeletesOthers() {
        GroupCoordinatorTestContext ctx = contextWithTopic();
        ctx.topics.create("audit", 1);
        JoinGroupResponse member = stableMember(ctx); // subscribes to "orders"
        ctx.commit(GROUP, member.memberId(), 1, "orders", 0, 5);
        ctx.commit(GROUP, member.memberId(), 1, "audit", 0, 6);
        OffsetDeleteResponse response = done(ctx.coordinator.offsetDelete(
                new OffsetDeleteRequest().setGroupId(GROUP).setTopics(List.of(topic("orders", 0), topic("audit", 0))),
                (short) 0));
        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(response.topics().get(0).partitions().get(0).errorCode())
                .isEqualTo(Errors.GROUP_SUBSCRIBED_TO_TOPIC.code());
        assertThat(response.topics().get(1).partitions().get(0).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(ctx.fetchOffset(GROUP, "audit", 0)).isEqualTo(-1);
        assertThat(ctx.fetchOffset(GROUP, "orders", 0)).isEqualTo(5);

        OffsetDeleteResponse missing = done(ctx.coordinator.offsetDelete(
                new OffsetDeleteRequest().setGroupId("nope").setTopics(List.of(topic("orders", 0))), (short) 0));
        assertThat(missing.errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
    }

    @Test
    void deletedOffsetsStayUntilTheirTombstonesAreCommittedAndAllStayIfTheAppendFails() {
        GroupCoordinatorTestContext ctx = contextWithTopic();
        ctx.commit("idle", "", -1, "orders", 0, 5);
        ctx.log.holdCommits();

        CompletableFuture<OffsetDeleteResponse> delete = ctx.coordinator.offsetDelete(
                new OffsetDeleteRequest().setGroupId("idle").setTopics(List.of(topic("orders", 0))), (short) 0);

        assertThat(delete).isNotDone();
        assertThat(ctx.fetchOffset("idle", "orders", 0)).as("not yet deleted").isEqualTo(5);
        ctx.log.failPending(new ApiException(Errors.NOT_ENOUGH_REPLICAS, "no replicas"));
        assertThat(done(delete).errorCode()).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE.code());
        assertThat(ctx.fetchOffset("idle", "orders", 0)).as("the delete failed").isEqualTo(5);

        ctx.log.holdCommits();
        delete = ctx.coordinator.offsetDelete(
                new OffsetDeleteRequest().setGroupId("idle").setTopics(List.of(topic("orders", 0))), (short) 0);
        ctx.log.commitAll();
        assertThat(done(delete).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(ctx.fetchOffset("idle", "orders", 0)).isEqualTo(-1);
    }

    @Test
    void offsetsOfADeletedGroupStayIfTheTombstonesFailToAppend() {
        GroupCoordinatorTestContext ctx = contextWithTopic();
        ctx.commit("idle", "", -1, "orders", 0, 5);
        ctx.log.holdCommits();

        CompletableFuture<DeleteGroupsResponse> delete =
                ctx.coordinator.deleteGroups(new DeleteGroupsRequest().setGroupsNames(List.of("idle")), (short) 2);
        assertThat(ctx.fetchOffset("idle", "orders", 0)).isEqualTo(5);
        ctx.log.failPending(new ApiException(Errors.NOT_LEADER_OR_FOLLOWER, "leadership moved"));

        assertThat(done(delete).results().get(0).errorCode()).isEqualTo(Errors.NOT_COORDINATOR.code());
        assertThat(ctx.fetchOffset("idle", "orders", 0)).isEqualTo(5);
    }

    /** Offsets kept 60 s, checked every 10 s. */
    private static GroupCoordinatorTestContext retentionContext() {
        return new GroupCoordinatorTestContext(GroupCoordinatorConfig.defaults()
                .withInitialRebalanceDelayMs(0)
                .withOffsetsTopicNumPartitions(4)
                .withOffsetsRetentionMs(60_000)
                .withOffsetsRetentionCheckIntervalMs(10_000));
    }

    @Test
    void expiredOffsetsStayIfTheirTombstonesFailToAppendAndExpireAtTheNextCheck() {
        GroupCoordinatorTestContext ctx = retentionContext();
        ctx.topics.create("orders", 1);
        ctx.commit("simple", "", -1, "orders", 0, 9);
        ctx.advance(55_000);
        ctx.log.holdCommits();

        ctx.advance(10_000); // the check at 60 s expires the offset; its tombstone waits
        assertThat(ctx.log.pendingCount()).isPositive();
        assertThat(ctx.fetchOffset("simple", "orders", 0))
                .as("tombstone not committed")
                .isEqualTo(9);
        ctx.log.failPending(new ApiException(Errors.NOT_ENOUGH_REPLICAS, "no replicas"));
        assertThat(ctx.fetchOffset("simple", "orders", 0))
                .as("tombstone failed")
                .isEqualTo(9);

        ctx.advance(10_000);
        assertThat(ctx.fetchOffset("simple", "orders", 0)).isEqualTo(-1);
        ctx.restart();
        assertThat(ctx.fetchOffset("simple", "orders", 0))
                .as("the tombstone is in the log")
                .isEqualTo(-1);
    }

    private static OffsetDeleteRequest.OffsetDeleteRequestTopic topic(String name, int partition) {
        return new OffsetDeleteRequest.OffsetDeleteRequestTopic()
                .setName(name)
                .setPartitions(
                        List.of(new OffsetDeleteRequest.OffsetDeleteRequestPartition().setPartitionIndex(partition)));
    }

    @Test
    void offsetsOfAnEmptyGroupExpireAfterTheRetentionAndTheGroupGoesWithThem() {
        GroupCoordinatorTestContext ctx = retentionContext();
        ctx.topics.create("orders", 6);
        JoinGroupResponse member = stableMember(ctx);
        ctx.topics.create("audit", 1);
        ctx.commit(GROUP, member.memberId(), 1, "orders", 0, 5);
        ctx.commit(GROUP, member.memberId(), 1, "audit", 0, 5);
        ctx.commit("simple", "", -1, "orders", 0, 9);
        for (int i = 0; i < 12; i++) {
            ctx.advance(5_000);
            ctx.heartbeat(GROUP, member.memberId(), 1);
        }
        assertThat(ctx.fetchOffset(GROUP, "orders", 0))
                .as("a group with members keeps its offsets")
                .isEqualTo(5);
        assertThat(ctx.fetchOffset("simple", "orders", 0))
                .as("expired 60 s after the commit")
                .isEqualTo(-1);

        done(ctx.coordinator.leaveGroup(
                new io.fjord.protocol.message.LeaveGroupRequest()
                        .setGroupId(GROUP)
                        .setMemberId(member.memberId()),
                (short) 1));
        ctx.advance(50_000);
        assertThat(ctx.fetchOffset(GROUP, "orders", 0)).isEqualTo(5);
        ctx.advance(20_000);
        assertThat(ctx.fetchOffset(GROUP, "orders", 0))
                .as("60 s after the group emptied")
                .isEqualTo(-1);
        assertThat(done(ctx.coordinator.listGroups(new ListGroupsRequest(), (short) 4))
                        .groups())
                .isEmpty();
    }

    @Test
    void deleteGroupsDeletesOnlyEmptyGroupsWithTheirOffsets() {
        GroupCoordinatorTestContext ctx = contextWithTopic();
        stableMember(ctx);
        ctx.commit("idle", "", -1, "orders", 0, 1);
        DeleteGroupsResponse response = done(ctx.coordinator.deleteGroups(
                new DeleteGroupsRequest().setGroupsNames(List.of(GROUP, "idle", "never")), (short) 2));
        assertThat(response.results())
                .extracting(r -> r.errorCode())
                .containsExactly(Errors.NON_EMPTY_GROUP.code(), Errors.NONE.code(), Errors.GROUP_ID_NOT_FOUND.code());
        assertThat(ctx.fetchOffset("idle", "orders", 0)).isEqualTo(-1);
        ctx.restart();
        assertThat(ctx.fetchOffset("idle", "orders", 0))
                .as("the tombstones are in the log")
                .isEqualTo(-1);
    }

    @Test
    void listGroupsFiltersByStateAndTypeIgnoringCase() {
        GroupCoordinatorTestContext ctx = contextWithTopic();
        stableMember(ctx);
        ctx.commit("idle", "", -1, "orders", 0, 1);
        ListGroupsResponse stable =
                done(ctx.coordinator.listGroups(new ListGroupsRequest().setStatesFilter(List.of("STABLE")), (short) 4));
        assertThat(stable.groups()).extracting(g -> g.groupId()).containsExactly(GROUP);
        ListGroupsResponse consumerType = done(
                ctx.coordinator.listGroups(new ListGroupsRequest().setTypesFilter(List.of("Consumer")), (short) 5));
        assertThat(consumerType.groups()).isEmpty();
        ListGroupsResponse classic =
                done(ctx.coordinator.listGroups(new ListGroupsRequest().setTypesFilter(List.of("classic")), (short) 5));
        assertThat(classic.groups()).extracting(g -> g.groupId()).containsExactly(GROUP, "idle");
    }

    @Test
    void offsetsOfAnEmptiedConsumerProtocolGroupExpireByTheirCommitTimeAsInKafka() {
        GroupCoordinatorTestContext ctx = retentionContext();
        ctx.topics.create("orders", 1);
        ConsumerGroupHeartbeatRequest join = new ConsumerGroupHeartbeatRequest()
                .setGroupId(GROUP)
                .setMemberId("member-a")
                .setMemberEpoch(0)
                .setRebalanceTimeoutMs(30_000)
                .setSubscribedTopicNames(List.of("orders"))
                .setTopicPartitions(List.of());
        int epoch = done(ctx.coordinator.consumerGroupHeartbeat(join, (short) 1, "client", "/10.0.0.1"))
                .memberEpoch();
        assertThat(commitError(ctx.commit(GROUP, "member-a", epoch, "orders", 0, 5)))
                .isEqualTo(Errors.NONE.code());
        for (int i = 0; i < 10; i++) { // 50 s of heartbeats, no further commit
            ctx.advance(5_000);
            heartbeat(ctx, "member-a", epoch);
        }
        assertThat(ctx.fetchOffset(GROUP, "orders", 0))
                .as("kept while subscribed")
                .isEqualTo(5);
        heartbeat(ctx, "member-a", -1);
        ctx.advance(20_000); // t = 70 s: 70 s after the commit, 20 s after the group emptied
        // Kafka's ConsumerGroup.offsetExpirationCondition counts from the commit only.
        assertThat(ctx.fetchOffset(GROUP, "orders", 0)).isEqualTo(-1);
    }

    private static void heartbeat(GroupCoordinatorTestContext ctx, String memberId, int epoch) {
        ConsumerGroupHeartbeatRequest request = new ConsumerGroupHeartbeatRequest()
                .setGroupId(GROUP)
                .setMemberId(memberId)
                .setMemberEpoch(epoch);
        done(ctx.coordinator.consumerGroupHeartbeat(request, (short) 1, "client", "/10.0.0.1"));
    }

    @Test
    void theOffsetsOfADeletedTopicAreDeletedInEveryGroupAndStayDeletedAfterARestart() {
        GroupCoordinatorTestContext ctx = contextWithTopic();
        ctx.topics.create("payments", 2);
        assertThat(commitError(ctx.commit("manual", "", -1, "orders", 3, 7))).isEqualTo(Errors.NONE.code());
        assertThat(commitError(ctx.commit("manual", "", -1, "payments", 1, 8))).isEqualTo(Errors.NONE.code());
        JoinGroupResponse member = stableMember(ctx);
        assertThat(commitError(ctx.commit(GROUP, member.memberId(), 1, "orders", 0, 42)))
                .isEqualTo(Errors.NONE.code());

        ctx.topics.delete("orders");
        ctx.coordinator.onTopicsDeleted(Set.of("orders"));

        // As Kafka's onPartitionsDeleted: a topic created again under the name starts without a committed offset.
        assertThat(ctx.fetchOffset("manual", "orders", 3)).isEqualTo(-1);
        assertThat(ctx.fetchOffset(GROUP, "orders", 0)).isEqualTo(-1);
        assertThat(ctx.fetchOffset("manual", "payments", 1))
                .as("other topics keep theirs")
                .isEqualTo(8);
        ctx.topics.create("orders", 6);
        ctx.restart();
        assertThat(ctx.fetchOffset("manual", "orders", 3))
                .as("the tombstones are in the log")
                .isEqualTo(-1);
        assertThat(ctx.fetchOffset(GROUP, "orders", 0)).isEqualTo(-1);
        assertThat(ctx.fetchOffset("manual", "payments", 1)).isEqualTo(8);
    }
}
