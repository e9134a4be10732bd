package io.fjord.coordinator;

import static io.fjord.coordinator.GroupCoordinatorTestContext.assignment;
import static io.fjord.coordinator.GroupCoordinatorTestContext.commitError;
import static io.fjord.coordinator.GroupCoordinatorTestContext.done;
import static io.fjord.coordinator.GroupCoordinatorTestContext.joinRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Errors;
import io.fjord.protocol.message.ConsumerGroupDescribeRequest;
import io.fjord.protocol.message.ConsumerGroupDescribeResponse;
import io.fjord.protocol.message.ConsumerGroupHeartbeatRequest;
import io.fjord.protocol.message.ConsumerGroupHeartbeatResponse;
import io.fjord.protocol.message.JoinGroupResponse;
import io.fjord.protocol.message.OffsetFetchRequest;
import io.fjord.protocol.message.OffsetFetchResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Big or misbehaving groups do not disturb others; limits and member checks of the admin and fetch paths. */
class IsolationTest {

    @Test
    void aGroupOfAThousandMembersCompletesOneGenerationAndLeavesOtherGroupsAlone() {
        GroupCoordinatorTestContext ctx = new GroupCoordinatorTestContext(GroupCoordinatorConfig.defaults()
                .withInitialRebalanceDelayMs(1_000)
                .withOffsetsTopicNumPartitions(4));
        ctx.topics.create("orders", 1);
        List<CompletableFuture<JoinGroupResponse>> joins = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            joins.add(ctx.joinDynamic("crowd"));
        }
        CompletableFuture<JoinGroupResponse> quietJoin = ctx.join(joinRequest("quiet", "", null), (short) 3);
        ctx.advance(1_000);
        JoinGroupResponse quiet = done(quietJoin);
        assertThat(quiet.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(joins.get(0))
                .as("the crowd's initial delay is extended while members keep coming")
                .isNotDone();
        assertThat(done(ctx.sync(
                                "quiet",
                                quiet.memberId(),
                                quiet.generationId(),
                                List.of(assignment(quiet.memberId(), "all"))))
                        .errorCode())
                .isEqualTo(Errors.NONE.code());
        ctx.advance(2_000);
        JoinGroupResponse leader = null;
        for (CompletableFuture<JoinGroupResponse> join : joins) {
            JoinGroupResponse response = done(join);
            assertThat(response.generationId()).isEqualTo(1);
            if (response.leader().equals(response.memberId())) {
                leader = response;
            }
        }
        assertThat(leader.members()).hasSize(1_000);
        assertThat(commitError(ctx.commit("quiet", quiet.memberId(), quiet.generationId(), "orders", 0, 1)))
                .isEqualTo(Errors.NONE.code());
    }

    @Test
    void aMemberThatNeverHeartbeatsOnlyAffectsItsOwnGroup() {
        GroupCoordinatorTestContext ctx = new GroupCoordinatorTestContext();
        JoinGroupResponse silent = done(ctx.joinDynamic("flaky"));
        done(ctx.sync("flaky", silent.memberId(), 1, List.of(assignment(silent.memberId(), "x"))));
        JoinGroupResponse steady = done(ctx.joinDynamic("steady"));
        done(ctx.sync("steady", steady.memberId(), 1, List.of(assignment(steady.memberId(), "y"))));
        for (int i = 0; i < 10; i++) {
            ctx.advance(3_000);
            assertThat(ctx.heartbeat("steady", steady.memberId(), 1).errorCode())
                    .isEqualTo(Errors.NONE.code());
        }
        assertThat(ctx.heartbeat("flaky", silent.memberId(), 1).errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(done(ctx.coordinator.describeGroups(
                                new io.fjord.protocol.message.DescribeGroupsRequest()
                                        .setGroups(List.of("steady", "flaky")),
                                (short) 5))
                        .groups())
                .extracting(g -> g.groupState())
                .containsExactly("Stable", "Empty");
    }

    @Test
    void consumerGroupsRefuseMembersBeyondTheirMaximumSize() {
        GroupCoordinatorTestContext ctx = new GroupCoordinatorTestContext(new GroupCoordinatorConfig(
                4,
                0,
                6000,
                1800000,
                Integer.MAX_VALUE,
                4096,
                60_000,
                10_000,
                45_000,
                5_000,
                2,
                List.of("uniform", "range")));
        ctx.topics.create("orders", 2);
        assertThat(consumerJoin(ctx, "a").errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(consumerJoin(ctx, "b").errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(consumerJoin(ctx, "c").errorCode()).isEqualTo(Errors.GROUP_MAX_SIZE_REACHED.code());
    }

    @Test
    void offsetFetchOfAConsumerGroupChecksTheMemberEpochWhenGiven() {
        GroupCoordinatorTestContext ctx = new GroupCoordinatorTestContext();
        ctx.topics.create("orders", 2);
        ConsumerGroupHeartbeatResponse joined = consumerJoin(ctx, "a");
        OffsetFetchResponse.OffsetFetchResponseGroup ok = fetchAsMember(ctx, "a", joined.memberEpoch());
        assertThat(ok.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(fetchAsMember(ctx, "a", joined.memberEpoch() + 1).errorCode())
                .isEqualTo(Errors.STALE_MEMBER_EPOCH.code());
        assertThat(fetchAsMember(ctx, "zz", 1).errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());

        ConsumerGroupDescribeResponse described = done(ctx.coordinator.consumerGroupDescribe(
                new ConsumerGroupDescribeRequest().setGroupIds(List.of("cg", "missing")), (short) 0));
        assertThat(described.groups())
                .extracting(g -> g.errorCode())
                .containsExactly(Errors.NONE.code(), Errors.GROUP_ID_NOT_FOUND.code());
    }

    private static OffsetFetchResponse.OffsetFetchResponseGroup fetchAsMember(
            GroupCoordinatorTestContext ctx, String memberId, int epoch) {
        OffsetFetchRequest request = new OffsetFetchRequest()
                .setGroups(List.of(new OffsetFetchRequest.OffsetFetchRequestGroup()
                        .setGroupId("cg")
                        .setMemberId(memberId)
                        .setMemberEpoch(epoch)
                        .setTopics(null)));
        return done(ctx.coordinator.offsetFetch(request, (short) 9)).groups().get(0);
    }

    private static ConsumerGroupHeartbeatResponse consumerJoin(GroupCoordinatorTestContext ctx, String memberId) {
        return done(ctx.coordinator.consumerGroupHeartbeat(
                new ConsumerGroupHeartbeatRequest()
                        .setGroupId("cg")
                        .setMemberId(memberId)
                        .setMemberEpoch(0)
                        .setRebalanceTimeoutMs(30_000)
                        .setSubscribedTopicNames(List.of("orders"))
                        .setTopicPartitions(List.of()),
                (short) 1,
                "client",
                "/10.0.0.1"));
    }
}
