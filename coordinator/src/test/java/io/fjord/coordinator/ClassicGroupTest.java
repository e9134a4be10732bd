package io.fjord.coordinator;

import static io.fjord.coordinator.GroupCoordinatorTestContext.assignment;
import static io.fjord.coordinator.GroupCoordinatorTestContext.done;
import static io.fjord.coordinator.GroupCoordinatorTestContext.joinRequest;
import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Errors;
import io.fjord.protocol.message.DescribeGroupsRequest;
import io.fjord.protocol.message.DescribeGroupsResponse;
import io.fjord.protocol.message.JoinGroupRequest;
import io.fjord.protocol.message.JoinGroupResponse;
import io.fjord.protocol.message.LeaveGroupRequest;
import io.fjord.protocol.message.LeaveGroupResponse;
import io.fjord.protocol.message.SyncGroupResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ClassicGroupTest {

    private static final String GROUP = "orders-app";

    /** Three members join within the initial delay, the leader assigns, everyone gets its share. */
    private static Stable threeMemberGroup(GroupCoordinatorTestContext ctx) {
        CompletableFuture<JoinGroupResponse> a = ctx.joinDynamic(GROUP);
        CompletableFuture<JoinGroupResponse> b = ctx.joinDynamic(GROUP);
        CompletableFuture<JoinGroupResponse> c = ctx.joinDynamic(GROUP);
        ctx.advance(ctx.config.initialRebalanceDelayMs() * 3);
        List<JoinGroupResponse> joins = List.of(done(a), done(b), done(c));
        JoinGroupResponse leader = joins.stream()
                .filter(j -> j.leader().equals(j.memberId()))
                .findFirst()
                .orElseThrow();
        CompletableFuture<SyncGroupResponse> leaderSync = ctx.sync(
                GROUP,
                leader.memberId(),
                leader.generationId(),
                List.of(
                        assignment(joins.get(0).memberId(), "orders-0,orders-1"),
                        assignment(joins.get(1).memberId(), "orders-2,orders-3"),
                        assignment(joins.get(2).memberId(), "orders-4,orders-5")));
        assertThat(done(leaderSync).errorCode()).isEqualTo(Errors.NONE.code());
        return new Stable(joins, leader);
    }

    private record Stable(List<JoinGroupResponse> joins, JoinGroupResponse leader) {
        String member(int i) {
            return joins.get(i).memberId();
        }

        int generation() {
            return leader.generationId();
        }
    }

    private static GroupCoordinatorTestContext withInitialDelay() {
        return new GroupCoordinatorTestContext(GroupCoordinatorConfig.defaults()
                .withInitialRebalanceDelayMs(100)
                .withOffsetsTopicNumPartitions(4));
    }

    @Test
    void threeMembersJoinSyncAndHeartbeatInOneGeneration() {
        GroupCoordinatorTestContext ctx = withInitialDelay();
        CompletableFuture<JoinGroupResponse> a = ctx.joinDynamic(GROUP);
        CompletableFuture<JoinGroupResponse> b = ctx.joinDynamic(GROUP);
        CompletableFuture<JoinGroupResponse> c = ctx.joinDynamic(GROUP);
        assertThat(a).isNotDone();
        ctx.advance(300);
        List<JoinGroupResponse> joins = List.of(done(a), done(b), done(c));

        assertThat(joins).allSatisfy(j -> {
            assertThat(j.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(j.generationId()).isEqualTo(1);
            assertThat(j.protocolName()).isEqualTo("range");
            assertThat(j.leader()).isEqualTo(joins.get(0).leader());
        });
        JoinGroupResponse leader = joins.stream()
                .filter(j -> j.leader().equals(j.memberId()))
                .findFirst()
                .orElseThrow();
        assertThat(leader.members())
                .extracting(m -> m.memberId())
                .containsExactlyInAnyOrderElementsOf(
                        joins.stream().map(JoinGroupResponse::memberId).toList());
        assertThat(joins.stream().filter(j -> j != leader))
                .allSatisfy(j -> assertThat(j.members()).isEmpty());

        List<JoinGroupResponse> followers =
                joins.stream().filter(j -> j != leader).toList();
        CompletableFuture<SyncGroupResponse> followerSync =
                ctx.sync(GROUP, followers.get(0).memberId(), 1, List.of());
        assertThat(followerSync)
                .as("a follower waits for the leader's assignment")
                .isNotDone();
        SyncGroupResponse leaderSync = done(ctx.sync(
                GROUP,
                leader.memberId(),
                1,
                List.of(
                        assignment(leader.memberId(), "orders-0,orders-1"),
                        assignment(followers.get(0).memberId(), "orders-2,orders-3"),
                        assignment(followers.get(1).memberId(), "orders-4,orders-5"))));
        SyncGroupResponse lateFollowerSync =
                done(ctx.sync(GROUP, followers.get(1).memberId(), 1, List.of()));

        assertThat(new String(leaderSync.assignment(), StandardCharsets.UTF_8)).isEqualTo("orders-0,orders-1");
        assertThat(new String(done(followerSync).assignment(), StandardCharsets.UTF_8))
                .isEqualTo("orders-2,orders-3");
        assertThat(new String(lateFollowerSync.assignment(), StandardCharsets.UTF_8))
                .isEqualTo("orders-4,orders-5");
        for (JoinGroupResponse j : joins) {
            assertThat(ctx.heartbeat(GROUP, j.memberId(), 1).errorCode()).isEqualTo(Errors.NONE.code());
        }
        assertThat(describe(ctx).groupState()).isEqualTo("Stable");
    }

    @Test
    void firstJoinSinceVersionFourGetsMemberIdRequiredAndOlderVersionsJoinDirectly() {
        GroupCoordinatorTestContext ctx = new GroupCoordinatorTestContext();
        JoinGroupResponse v4 = done(ctx.join(joinRequest(GROUP, "", null), (short) 4));
        assertThat(v4.errorCode()).isEqualTo(Errors.MEMBER_ID_REQUIRED.code());
        assertThat(v4.memberId()).startsWith("client-");

        JoinGroupResponse v3 = done(ctx.join(joinRequest("other-group", "", null), (short) 3));
        assertThat(v3.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(v3.memberId()).startsWith("client-");
        assertThat(v3.generationId()).isEqualTo(1);
    }

    @Test
    void memberThatStopsHeartbeatingIsRemovedAfterSessionTimeoutAndTheGroupRebalances() {
        GroupCoordinatorTestContext ctx = withInitialDelay();
        Stable group = threeMemberGroup(ctx);
        String alive1 = group.member(0);
        String alive2 = group.member(1);
        for (int i = 0; i < 3; i++) {
            ctx.advance(3_000);
            assertThat(ctx.heartbeat(GROUP, alive1, group.generation()).errorCode())
                    .isEqualTo(Errors.NONE.code());
            assertThat(ctx.heartbeat(GROUP, alive2, group.generation()).errorCode())
                    .isEqualTo(Errors.NONE.code());
        }
        assertThat(describe(ctx).groupState()).isEqualTo("Stable");
        // More than the 10 s session timeout without a heartbeat from member 2: gone; the others must rejoin.
        ctx.advance(2_000);
        assertThat(describe(ctx).groupState()).isEqualTo("PreparingRebalance");
        assertThat(ctx.heartbeat(GROUP, alive1, group.generation()).errorCode())
                .isEqualTo(Errors.REBALANCE_IN_PROGRESS.code());
        assertThat(ctx.heartbeat(GROUP, group.member(2), group.generation()).errorCode())
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());

        CompletableFuture<JoinGroupResponse> rejoin1 = ctx.join(joinRequest(GROUP, alive1, null));
        CompletableFuture<JoinGroupResponse> rejoin2 = ctx.join(joinRequest(GROUP, alive2, null));
        assertThat(done(rejoin1).generationId()).isEqualTo(group.generation() + 1);
        assertThat(done(rejoin2).generationId()).isEqualTo(group.generation() + 1);
        JoinGroupResponse leader = done(rejoin1).leader().equals(alive1) ? done(rejoin1) : done(rejoin2);
        assertThat(leader.members()).extracting(m -> m.memberId()).containsExactlyInAnyOrder(alive1, alive2);
    }

    @Test
    void memberThatNeverRejoinsIsDroppedWhenTheRebalanceTimesOut() {
        GroupCoordinatorTestContext ctx = withInitialDelay();
        Stable group = threeMemberGroup(ctx);
        CompletableFuture<JoinGroupResponse> rejoin =
                ctx.join(joinRequest(GROUP, group.leader().memberId(), null));
        assertThat(rejoin).isNotDone();
        // The other two keep heartbeating (told to rejoin) but never do.
        for (int i = 0; i < 10; i++) {
            ctx.advance(3_000);
            ctx.heartbeat(GROUP, group.leader().memberId(), group.generation());
        }
        ctx.advance(REBALANCE_SLACK_MS);
        JoinGroupResponse response = done(rejoin);
        assertThat(response.generationId()).isEqualTo(group.generation() + 1);
        assertThat(response.members())
                .extracting(m -> m.memberId())
                .containsExactly(group.leader().memberId());
    }

    private static final long REBALANCE_SLACK_MS = 1_000;

    @Test
    void staticMemberRestartKeepsItsAssignmentWithoutARebalanceAndFencesTheOldId() {
        GroupCoordinatorTestContext ctx = withInitialDelay();
        CompletableFuture<JoinGroupResponse> a = ctx.join(joinRequest(GROUP, "", "instance-a"));
        CompletableFuture<JoinGroupResponse> b = ctx.join(joinRequest(GROUP, "", "instance-b"));
        ctx.advance(300);
        JoinGroupResponse ja = done(a);
        JoinGroupResponse jb = done(b);
        assertThat(ja.errorCode())
                .as("static members need no MEMBER_ID_REQUIRED round")
                .isEqualTo(Errors.NONE.code());
        assertThat(ja.memberId()).startsWith("instance-a-");
        JoinGroupResponse leader = ja.leader().equals(ja.memberId()) ? ja : jb;
        JoinGroupResponse follower = leader == ja ? jb : ja;
        String followerInstance = follower == ja ? "instance-a" : "instance-b";
        done(ctx.sync(
                GROUP,
                leader.memberId(),
                1,
                List.of(assignment(leader.memberId(), "orders-0"), assignment(follower.memberId(), "orders-1"))));

        JoinGroupResponse restarted = done(ctx.join(joinRequest(GROUP, "", followerInstance)));
        assertThat(restarted.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(restarted.generationId()).as("no rebalance").isEqualTo(1);
        assertThat(restarted.memberId()).isNotEqualTo(follower.memberId());
        assertThat(describe(ctx).groupState()).isEqualTo("Stable");
        SyncGroupResponse sync = done(ctx.sync(GROUP, restarted.memberId(), 1, List.of()));
        assertThat(new String(sync.assignment(), StandardCharsets.UTF_8)).isEqualTo("orders-1");

        assertThat(ctx.heartbeat(GROUP, follower.memberId(), 1, followerInstance)
                        .errorCode())
                .isEqualTo(Errors.FENCED_INSTANCE_ID.code());
        assertThat(ctx.heartbeat(GROUP, restarted.memberId(), 1, followerInstance)
                        .errorCode())
                .isEqualTo(Errors.NONE.code());
    }

    @Test
    void staticMemberRestartWithNewSubscriptionBytesForTheSameProtocolDoesNotRebalance() {
        GroupCoordinatorTestContext ctx = withInitialDelay();
        CompletableFuture<JoinGroupResponse> a = ctx.join(joinRequest(GROUP, "", "instance-a"));
        CompletableFuture<JoinGroupResponse> b = ctx.join(joinRequest(GROUP, "", "instance-b"));
        ctx.advance(300);
        JoinGroupResponse ja = done(a);
        JoinGroupResponse jb = done(b);
        JoinGroupResponse leader = ja.leader().equals(ja.memberId()) ? ja : jb;
        JoinGroupResponse follower = leader == ja ? jb : ja;
        String followerInstance = follower == ja ? "instance-a" : "instance-b";
        done(ctx.sync(
                GROUP,
                leader.memberId(),
                1,
                List.of(assignment(leader.memberId(), "orders-0"), assignment(follower.memberId(), "orders-1"))));

        // The Java client's subscription embeds owned partitions and generation: a restart changes the bytes.
        JoinGroupRequest rejoin = joinRequest(GROUP, "", followerInstance);
        rejoin.protocols().get(0).setMetadata("owned=[];generation=-1".getBytes(StandardCharsets.UTF_8));
        JoinGroupResponse restarted = done(ctx.join(rejoin));
        assertThat(restarted.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(restarted.generationId()).as("no rebalance").isEqualTo(1);
        assertThat(describe(ctx).groupState()).isEqualTo("Stable");
        SyncGroupResponse sync = done(ctx.sync(GROUP, restarted.memberId(), 1, List.of()));
        assertThat(new String(sync.assignment(), StandardCharsets.UTF_8)).isEqualTo("orders-1");
    }

    @Test
    void heartbeatsAndSyncsWithAStaleGenerationOrUnknownMemberGetKafkasErrors() {
        GroupCoordinatorTestContext ctx = withInitialDelay();
        Stable group = threeMemberGroup(ctx);
        assertThat(ctx.heartbeat(GROUP, group.member(0), group.generation() - 1).errorCode())
                .isEqualTo(Errors.ILLEGAL_GENERATION.code());
        assertThat(ctx.heartbeat(GROUP, "nobody", group.generation()).errorCode())
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(ctx.heartbeat("no-such-group", "nobody", 1).errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(done(ctx.sync(GROUP, group.member(0), 99, List.of())).errorCode())
                .isEqualTo(Errors.ILLEGAL_GENERATION.code());
        assertThat(done(ctx.join(joinRequest(GROUP, "unknown-member", null))).errorCode())
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());

        // A member's rejoin starts a rebalance: syncs get REBALANCE_IN_PROGRESS until it completes.
        ctx.join(joinRequest(GROUP, group.leader().memberId(), null));
        assertThat(done(ctx.sync(GROUP, group.member(1), group.generation(), List.of()))
                        .errorCode())
                .isEqualTo(Errors.REBALANCE_IN_PROGRESS.code());
    }

    @Test
    void joinIsRejectedForBadSessionTimeoutEmptyGroupIdAndIncompatibleProtocols() {
        GroupCoordinatorTestContext ctx = new GroupCoordinatorTestContext();
        JoinGroupResponse badTimeout =
                done(ctx.join(joinRequest(GROUP, "", null).setSessionTimeoutMs(10)));
        assertThat(badTimeout.errorCode()).isEqualTo(Errors.INVALID_SESSION_TIMEOUT.code());
        assertThat(done(ctx.join(joinRequest("", "", null))).errorCode()).isEqualTo(Errors.INVALID_GROUP_ID.code());

        done(ctx.joinDynamic(GROUP, "range"));
        JoinGroupResponse other = done(ctx.join(joinRequest(GROUP, "", null, "roundrobin")));
        assertThat(other.errorCode()).isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL.code());
        JoinGroupResponse otherType = done(ctx.join(joinRequest(GROUP, "", null).setProtocolType("connect")));
        assertThat(otherType.errorCode()).isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL.code());
    }

    @Test
    void theProtocolEveryMemberSupportsIsChosenSoEagerAndCooperativeMembersCanMix() {
        GroupCoordinatorTestContext ctx = withInitialDelay();
        CompletableFuture<JoinGroupResponse> cooperative = ctx.joinDynamic(GROUP, "cooperative-sticky", "range");
        CompletableFuture<JoinGroupResponse> eager = ctx.joinDynamic(GROUP, "range");
        ctx.advance(300);
        assertThat(done(cooperative).protocolName()).isEqualTo("range");
        assertThat(done(eager).protocolName()).isEqualTo("range");
    }

    @Test
    void groupMaxSizeRejectsTheMemberThatWouldExceedIt() {
        GroupCoordinatorTestContext ctx = new GroupCoordinatorTestContext(GroupCoordinatorConfig.defaults()
                .withInitialRebalanceDelayMs(100)
                .withGroupMaxSize(2)
                .withOffsetsTopicNumPartitions(4));
        ctx.joinDynamic(GROUP);
        ctx.joinDynamic(GROUP);
        JoinGroupResponse first = done(ctx.join(joinRequest(GROUP, "", null)));
        JoinGroupResponse third = done(ctx.join(joinRequest(GROUP, first.memberId(), null)));
        assertThat(third.errorCode()).isEqualTo(Errors.GROUP_MAX_SIZE_REACHED.code());
    }

    @Test
    void batchedLeaveRemovesMembersAndReportsUnknownOnesPerMember() {
        GroupCoordinatorTestContext ctx = withInitialDelay();
        Stable group = threeMemberGroup(ctx);
        LeaveGroupResponse response = done(ctx.coordinator.leaveGroup(
                new LeaveGroupRequest()
                        .setGroupId(GROUP)
                        .setMembers(List.of(
                                new LeaveGroupRequest.MemberIdentity().setMemberId(group.member(1)),
                                new LeaveGroupRequest.MemberIdentity().setMemberId("ghost"))),
                (short) 5));
        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(response.members())
                .extracting(m -> m.errorCode())
                .containsExactly(Errors.NONE.code(), Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(describe(ctx).groupState()).isEqualTo("PreparingRebalance");
        assertThat(describe(ctx).members()).extracting(m -> m.memberId()).doesNotContain(group.member(1));

        LeaveGroupResponse v0 = done(ctx.coordinator.leaveGroup(
                new LeaveGroupRequest().setGroupId(GROUP).setMemberId("ghost"), (short) 0));
        assertThat(v0.errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
    }

    @Test
    void lastMemberLeavingEmptiesTheGroupAndBumpsTheGeneration() {
        GroupCoordinatorTestContext ctx = new GroupCoordinatorTestContext();
        JoinGroupResponse join = done(ctx.joinDynamic(GROUP));
        done(ctx.sync(GROUP, join.memberId(), join.generationId(), List.of(assignment(join.memberId(), "all"))));
        done(ctx.coordinator.leaveGroup(
                new LeaveGroupRequest().setGroupId(GROUP).setMemberId(join.memberId()), (short) 2));
        DescribeGroupsResponse.DescribedGroup described = describe(ctx);
        assertThat(described.groupState()).isEqualTo("Empty");
        assertThat(described.members()).isEmpty();
    }

    @Test
    void describeShowsMembersWithMetadataAndAssignmentWhenStable() {
        GroupCoordinatorTestContext ctx = withInitialDelay();
        Stable group = threeMemberGroup(ctx);
        DescribeGroupsResponse.DescribedGroup described = describe(ctx);
        assertThat(described.protocolType()).isEqualTo("consumer");
        assertThat(described.protocolData()).isEqualTo("range");
        assertThat(described.members()).hasSize(3);
        assertThat(described.members().stream()
                        .map(m -> new String(m.memberAssignment(), StandardCharsets.UTF_8))
                        .collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("orders-0,orders-1", "orders-2,orders-3", "orders-4,orders-5");
        assertThat(group.leader().generationId()).isEqualTo(1);

        DescribeGroupsResponse unknown =
                done(ctx.coordinator.describeGroups(new DescribeGroupsRequest().setGroups(List.of("nope")), (short) 6));
        assertThat(unknown.groups().get(0).errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        DescribeGroupsResponse unknownV5 =
                done(ctx.coordinator.describeGroups(new DescribeGroupsRequest().setGroups(List.of("nope")), (short) 5));
        assertThat(unknownV5.groups().get(0).groupState()).isEqualTo("Dead");
    }

    static DescribeGroupsResponse.DescribedGroup describe(GroupCoordinatorTestContext ctx) {
        return done(ctx.coordinator.describeGroups(new DescribeGroupsRequest().setGroups(List.of(GROUP)), (short) 5))
                .groups()
                .get(0);
    }
}
