package io.fjord.coordinator;

import static io.fjord.coordinator.GroupCoordinatorTestContext.done;
import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import io.fjord.protocol.message.ConsumerGroupDescribeRequest;
import io.fjord.protocol.message.ConsumerGroupDescribeResponse;
import io.fjord.protocol.message.ConsumerGroupHeartbeatRequest;
import io.fjord.protocol.message.ConsumerGroupHeartbeatResponse;
import io.fjord.protocol.message.JoinGroupResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConsumerGroupTest {

    private static final String GROUP = "stream-app";

    /**
     * A consumer-protocol client as the Java client behaves: it keeps what the coordinator assigned, drops
     * revoked partitions at once and reports what it owns on every heartbeat.
     */
    private static final class Client {
        final String memberId;
        int epoch;
        Set<String> owned = new TreeSet<>();
        final List<String> topics;
        final String regex;
        final String assignor;
        /** The topics the client's principal may describe, as the broker would pass them along. */
        Predicate<String> describable = ConsumerMember.ALL_TOPICS;

        Client(String memberId, List<String> topics, String regex, String assignor) {
            this.memberId = memberId;
            this.topics = topics;
            this.regex = regex;
            this.assignor = assignor;
        }
    }

    private final GroupCoordinatorTestContext ctx = new GroupCoordinatorTestContext();
    private final Map<Uuid, String> names = new HashMap<>();

    private Uuid topic(String name, int partitions) {
        Uuid id = ctx.topics.create(name, partitions);
        names.put(id, name);
        return id;
    }

    private Client join(String memberId, List<String> topics) {
        return join(memberId, topics, null, null);
    }

    private Client join(String memberId, List<String> topics, String regex, String assignor) {
        return join(new Client(memberId, topics, regex, assignor));
    }

    private Client join(Client client) {
        ConsumerGroupHeartbeatResponse response = heartbeat(client, 0);
        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        return client;
    }

    private ConsumerGroupHeartbeatResponse heartbeat(Client client) {
        return heartbeat(client, client.epoch);
    }

    private ConsumerGroupHeartbeatResponse heartbeat(Client client, int epoch) {
        ConsumerGroupHeartbeatRequest request = new ConsumerGroupHeartbeatRequest()
                .setGroupId(GROUP)
                .setMemberId(client.memberId)
                .setMemberEpoch(epoch)
                .setRebalanceTimeoutMs(epoch == 0 ? 30_000 : -1)
                .setSubscribedTopicNames(epoch == 0 ? client.topics : null)
                .setSubscribedTopicRegex(epoch == 0 ? client.regex : null)
                .setServerAssignor(client.assignor)
                .setTopicPartitions(epoch == 0 ? List.of() : owned(client));
        ConsumerGroupHeartbeatResponse response = done(
                ctx.coordinator.consumerGroupHeartbeat(request, (short) 1, "client", "/10.0.0.1", client.describable));
        if (response.errorCode() == Errors.NONE.code()) {
            client.epoch = response.memberEpoch();
            if (response.assignment() != null) {
                Set<String> assigned = new TreeSet<>();
                for (ConsumerGroupHeartbeatResponse.TopicPartitions tp :
                        response.assignment().topicPartitions()) {
                    tp.partitions().forEach(p -> assigned.add(names.get(tp.topicId()) + "-" + p));
                }
                client.owned = assigned;
            }
        }
        return response;
    }

    private List<ConsumerGroupHeartbeatRequest.TopicPartitions> owned(Client client) {
        Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
        for (String tp : client.owned) {
            int dash = tp.lastIndexOf('-');
            byTopic.computeIfAbsent(tp.substring(0, dash), t -> new ArrayList<>())
                    .add(Integer.parseInt(tp.substring(dash + 1)));
        }
        List<ConsumerGroupHeartbeatRequest.TopicPartitions> result = new ArrayList<>();
        byTopic.forEach((name, partitions) -> result.add(new ConsumerGroupHeartbeatRequest.TopicPartitions()
                .setTopicId(ctx.topics.topicId(name))
                .setPartitions(partitions)));
        return result;
    }

    /** Heartbeats every client in turn until nothing changes, checking no partition is ever owned twice. */
    private void reconcile(List<Client> clients) {
        for (int round = 0; round < 20; round++) {
            boolean changed = false;
            for (Client c : clients) {
                Set<String> before = new TreeSet<>(c.owned);
                int epochBefore = c.epoch;
                assertThat(heartbeat(c).errorCode()).isEqualTo(Errors.NONE.code());
                changed |= !before.equals(c.owned) || epochBefore != c.epoch;
                assertNoPartitionOwnedTwice(clients);
            }
            if (!changed) {
                return;
            }
        }
        throw new AssertionError("the group did not converge");
    }

    private static void assertNoPartitionOwnedTwice(List<Client> clients) {
        Set<String> seen = new HashSet<>();
        for (Client c : clients) {
            for (String tp : c.owned) {
                assertThat(seen.add(tp)).as("%s is owned by two members", tp).isTrue();
            }
        }
    }

    private ConsumerGroupDescribeResponse.DescribedGroup describe() {
        return done(ctx.coordinator.consumerGroupDescribe(
                        new ConsumerGroupDescribeRequest().setGroupIds(List.of(GROUP)), (short) 1))
                .groups()
                .get(0);
    }

    @Test
    void threeMembersOnSixPartitionsGetTwoEach() {
        topic("orders", 6);
        Client a = join("member-a", List.of("orders"));
        assertThat(a.owned).hasSize(6);
        Client b = join("member-b", List.of("orders"));
        Client c = join("member-c", List.of("orders"));
        List<Client> clients = List.of(a, b, c);
        reconcile(clients);

        assertThat(clients).allSatisfy(client -> assertThat(client.owned).hasSize(2));
        Set<String> all = new TreeSet<>();
        clients.forEach(client -> all.addAll(client.owned));
        assertThat(all).hasSize(6);
        ConsumerGroupDescribeResponse.DescribedGroup described = describe();
        assertThat(described.groupState()).isEqualTo("Stable");
        assertThat(described.assignorName()).isEqualTo("uniform");
        assertThat(described.members()).allSatisfy(m -> {
            assertThat(m.memberEpoch()).isEqualTo(described.assignmentEpoch());
            assertThat(m.assignment()).isEqualTo(m.targetAssignment());
        });
    }

    @Test
    void aPartitionIsRevokedFromItsOwnerBeforeAnotherMemberGetsIt() {
        topic("orders", 6);
        Client a = join("member-a", List.of("orders"));
        int epochBefore = a.epoch;
        Client b = join("member-b", List.of("orders"));
        assertThat(b.owned).as("b waits until a releases").isEmpty();

        ConsumerGroupHeartbeatResponse revoke = heartbeat(a);
        assertThat(revoke.memberEpoch()).as("a keeps its epoch while revoking").isEqualTo(epochBefore);
        assertThat(a.owned).hasSize(3);
        assertThat(describe().groupState()).isEqualTo("Reconciling");

        heartbeat(b);
        assertThat(b.owned)
                .as("nothing is handed over before a confirms the revocation")
                .isEmpty();

        heartbeat(a); // reports owning only its 3
        assertThat(a.epoch).isGreaterThan(epochBefore);
        heartbeat(b);
        assertThat(b.owned).hasSize(3);
        assertNoPartitionOwnedTwice(List.of(a, b));
    }

    @Test
    void rangeAssignorGivesContiguousRanges() {
        topic("orders", 6);
        Client a = join("member-a", List.of("orders"), null, "range");
        Client b = join("member-b", List.of("orders"), null, "range");
        Client c = join("member-c", List.of("orders"), null, "range");
        reconcile(List.of(a, b, c));
        assertThat(a.owned).containsExactly("orders-0", "orders-1");
        assertThat(b.owned).containsExactly("orders-2", "orders-3");
        assertThat(c.owned).containsExactly("orders-4", "orders-5");
        assertThat(describe().assignorName()).isEqualTo("range");
    }

    @Test
    void aSeventhMemberOnSixPartitionsIsIdle() {
        topic("orders", 6);
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            clients.add(join("member-" + i, List.of("orders")));
        }
        reconcile(clients);
        assertThat(clients.stream().filter(c -> c.owned.isEmpty()).count()).isEqualTo(1);
        assertThat(clients.stream().mapToInt(c -> c.owned.size()).sum()).isEqualTo(6);
    }

    @Test
    void aMemberThatStopsHeartbeatingLosesItsPartitionsAfterTheSessionTimeout() {
        topic("orders", 6);
        Client a = join("member-a", List.of("orders"));
        Client b = join("member-b", List.of("orders"));
        reconcile(List.of(a, b));
        for (int i = 0; i < 10; i++) {
            ctx.advance(5_000);
            heartbeat(a);
        }
        reconcile(List.of(a));
        assertThat(a.owned).hasSize(6);
        assertThat(heartbeat(b).errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
    }

    @Test
    void leavingWithEpochMinusOneHandsThePartitionsToTheOthers() {
        topic("orders", 4);
        Client a = join("member-a", List.of("orders"));
        Client b = join("member-b", List.of("orders"));
        reconcile(List.of(a, b));
        ConsumerGroupHeartbeatResponse leave = heartbeat(b, -1);
        assertThat(leave.memberEpoch()).isEqualTo(-1);
        reconcile(List.of(a));
        assertThat(a.owned).hasSize(4);
        assertThat(describe().members()).hasSize(1);
    }

    @Test
    void theAdminClientRemovesMembersWithLeaveGroup() {
        topic("orders", 4);
        Client a = join("member-a", List.of("orders"));
        Client b = join("member-b", List.of("orders"));
        reconcile(List.of(a, b));
        io.fjord.protocol.message.LeaveGroupResponse response = done(ctx.coordinator.leaveGroup(
                new io.fjord.protocol.message.LeaveGroupRequest()
                        .setGroupId(GROUP)
                        .setMembers(List.of(
                                new io.fjord.protocol.message.LeaveGroupRequest.MemberIdentity()
                                        .setMemberId("member-b"),
                                new io.fjord.protocol.message.LeaveGroupRequest.MemberIdentity().setMemberId("ghost"))),
                (short) 5));
        assertThat(response.members())
                .extracting(m -> m.errorCode())
                .containsExactly(Errors.NONE.code(), Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(heartbeat(b).errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        reconcile(List.of(a));
        assertThat(a.owned).hasSize(4);
    }

    @Test
    void regularExpressionSubscriptionsFollowTopicsAsTheyAppear() {
        topic("events-eu", 2);
        topic("other", 2);
        Client a = join("member-a", null, "events-.*", null);
        assertThat(a.owned).containsExactly("events-eu-0", "events-eu-1");
        topic("events-us", 1);
        reconcile(List.of(a));
        assertThat(a.owned).containsExactly("events-eu-0", "events-eu-1", "events-us-0");
    }

    @Test
    void aRegexMemberGetsNoTopicItsPrincipalMayNotDescribeNotEvenRightAfterARestart() {
        topic("events-eu", 2);
        topic("events-secret", 1);
        Client a = new Client("member-a", null, "events-.*", null);
        a.describable = name -> !name.equals("events-secret");
        join(a);
        Client b = join("member-b", List.of("events-eu"));
        reconcile(List.of(a, b));
        ConsumerGroupDescribeResponse.DescribedGroup before = describe();
        assertThat(before.members()).allSatisfy(m -> assertThat(m.assignment().topicPartitions())
                .extracting(ConsumerGroupDescribeResponse.TopicPartitions::topicName)
                .doesNotContain("events-secret"));

        ctx.restart();

        // member-b heartbeats first: the group's subscriptions are resolved again before member-a says who it is.
        assertThat(heartbeat(b).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(describe()).isEqualTo(before);
        reconcile(List.of(a, b));
        assertThat(describe()).isEqualTo(before);
    }

    @Test
    void heartbeatErrorsMatchKafka() {
        topic("orders", 2);
        Client a = join("member-a", List.of("orders"));
        assertThat(heartbeat(new Client("stranger", List.of("orders"), null, null), 3)
                        .errorCode())
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(heartbeat(a, a.epoch + 5).errorCode()).isEqualTo(Errors.FENCED_MEMBER_EPOCH.code());
        assertThat(join0(new ConsumerGroupHeartbeatRequest().setServerAssignor("sticky"))
                        .errorCode())
                .isEqualTo(Errors.UNSUPPORTED_ASSIGNOR.code());
        assertThat(join0(new ConsumerGroupHeartbeatRequest().setRebalanceTimeoutMs(-1))
                        .errorCode())
                .isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(join0(new ConsumerGroupHeartbeatRequest().setSubscribedTopicRegex("("))
                        .errorCode())
                .isEqualTo(Errors.INVALID_REGULAR_EXPRESSION.code());
    }

    private ConsumerGroupHeartbeatResponse join0(ConsumerGroupHeartbeatRequest base) {
        if (base.rebalanceTimeoutMs() == -1 && base.serverAssignor() == null && base.subscribedTopicRegex() == null) {
            base.setSubscribedTopicNames(List.of("orders"));
        } else {
            base.setRebalanceTimeoutMs(30_000);
            if (base.subscribedTopicRegex() == null) {
                base.setSubscribedTopicNames(List.of("orders"));
            }
        }
        base.setGroupId(GROUP).setMemberId("new-member").setMemberEpoch(0).setTopicPartitions(List.of());
        return done(ctx.coordinator.consumerGroupHeartbeat(base, (short) 1, "client", "/10.0.0.1"));
    }

    @Test
    void aClassicJoinToAnActiveConsumerGroupIsRefused() {
        topic("orders", 2);
        join("member-a", List.of("orders"));
        JoinGroupResponse classic = done(ctx.join(GroupCoordinatorTestContext.joinRequest(GROUP, "", null)));
        assertThat(classic.errorCode()).isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL.code());
    }

    @ParameterizedTest(name = "coordinator restarted before the commits: {0}")
    @ValueSource(booleans = {false, true})
    void aCommitWithAnOlderEpochIsAcceptedOnlyForPartitionsOwnedSinceThatEpoch(boolean restart) {
        topic("orders", 6);
        Client a = join("member-a", List.of("orders"));
        reconcile(List.of(a));
        int firstEpoch = a.epoch;
        Client b = join("member-b", List.of("orders"));
        reconcile(List.of(a, b));
        assertThat(a.epoch).as("a moved to a new epoch").isGreaterThan(firstEpoch);
        int kept = Integer.parseInt(a.owned.iterator().next().substring("orders-".length()));
        int lost = -1;
        for (int p = 0; p < 6; p++) {
            if (!a.owned.contains("orders-" + p)) {
                lost = p;
                break;
            }
        }
        if (restart) {
            ctx.restart(); // the epochs partitions were assigned at are loaded with the member
        }
        // KIP-1251: a commit racing the epoch bump is fine for a partition a kept ...
        assertThat(GroupCoordinatorTestContext.commitError(
                        ctx.commit(GROUP, "member-a", firstEpoch, "orders", kept, 5)))
                .isEqualTo(Errors.NONE.code());
        // ... but not for one it gave away, nor with an epoch newer than its own.
        assertThat(GroupCoordinatorTestContext.commitError(
                        ctx.commit(GROUP, "member-a", firstEpoch, "orders", lost, 5)))
                .isEqualTo(Errors.STALE_MEMBER_EPOCH.code());
        assertThat(GroupCoordinatorTestContext.commitError(
                        ctx.commit(GROUP, "member-a", a.epoch + 1, "orders", kept, 6)))
                .isEqualTo(Errors.STALE_MEMBER_EPOCH.code());
        assertThat(ctx.fetchOffset(GROUP, "orders", kept)).isEqualTo(5);
    }

    @Test
    void consumerGroupsAndTheirCommitsSurviveARestart() {
        topic("orders", 6);
        Client a = join("member-a", List.of("orders"));
        Client b = join("member-b", List.of("orders"));
        reconcile(List.of(a, b));
        ConsumerGroupDescribeResponse.DescribedGroup before = describe();
        assertThat(GroupCoordinatorTestContext.commitError(ctx.commit(GROUP, "member-a", a.epoch, "orders", 0, 33)))
                .isEqualTo(Errors.NONE.code());
        assertThat(GroupCoordinatorTestContext.commitError(ctx.commit(GROUP, "member-a", a.epoch + 1, "orders", 0, 34)))
                .isEqualTo(Errors.STALE_MEMBER_EPOCH.code());

        ctx.restart();

        assertThat(describe()).isEqualTo(before);
        assertThat(ctx.fetchOffset(GROUP, "orders", 0)).isEqualTo(33);
        Set<String> ownedBefore = new TreeSet<>(a.owned);
        int epochBefore = a.epoch;
        reconcile(List.of(a, b));
        assertThat(a.owned).as("assignments are sticky across the move").isEqualTo(ownedBefore);
        assertThat(a.epoch).as("nothing changed, so no new epoch").isEqualTo(epochBefore);
    }

    private ConsumerGroupHeartbeatResponse staticHeartbeat(
            String memberId, String instanceId, int epoch, List<ConsumerGroupHeartbeatRequest.TopicPartitions> owned) {
        ConsumerGroupHeartbeatRequest request = new ConsumerGroupHeartbeatRequest()
                .setGroupId(GROUP)
                .setMemberId(memberId)
                .setInstanceId(instanceId)
                .setMemberEpoch(epoch)
                .setRebalanceTimeoutMs(epoch == 0 ? 30_000 : -1)
                .setSubscribedTopicNames(epoch == 0 ? List.of("orders") : null)
                .setTopicPartitions(epoch == 0 ? List.of() : owned);
        return done(ctx.coordinator.consumerGroupHeartbeat(request, (short) 1, "client", "/10.0.0.1"));
    }

    private static List<ConsumerGroupHeartbeatRequest.TopicPartitions> ownedOf(ConsumerGroupHeartbeatResponse r) {
        List<ConsumerGroupHeartbeatRequest.TopicPartitions> owned = new ArrayList<>();
        for (ConsumerGroupHeartbeatResponse.TopicPartitions tp : r.assignment().topicPartitions()) {
            owned.add(new ConsumerGroupHeartbeatRequest.TopicPartitions()
                    .setTopicId(tp.topicId())
                    .setPartitions(tp.partitions()));
        }
        return owned;
    }

    @Test
    void aStaticMemberThatRejoinedWithANewMemberIdIsStillInTheGroupAfterARestart() {
        topic("orders", 4);
        ConsumerGroupHeartbeatResponse first = staticHeartbeat("instance-1-a", "instance-1", 0, null);
        assertThat(first.errorCode()).isEqualTo(Errors.NONE.code());
        List<ConsumerGroupHeartbeatRequest.TopicPartitions> owned = ownedOf(first);
        assertThat(staticHeartbeat("instance-1-a", "instance-1", first.memberEpoch(), owned)
                        .errorCode())
                .isEqualTo(Errors.NONE.code());
        // The instance shuts down (static leave, epoch -2) and comes back with a new member id (KIP-345/848).
        assertThat(staticHeartbeat("instance-1-a", "instance-1", -2, owned).errorCode())
                .isEqualTo(Errors.NONE.code());
        ConsumerGroupHeartbeatResponse rejoin = staticHeartbeat("instance-1-b", "instance-1", 0, null);
        assertThat(rejoin.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(rejoin.assignment().topicPartitions()).isNotEmpty();
        ConsumerGroupDescribeResponse.DescribedGroup before = describe();
        assertThat(before.members())
                .extracting(ConsumerGroupDescribeResponse.Member::memberId)
                .containsExactly("instance-1-b");

        ctx.restart();

        // Kafka wrote the new member's records with the old one's tombstones: it is still the member after a load.
        assertThat(describe().members())
                .extracting(ConsumerGroupDescribeResponse.Member::memberId)
                .containsExactly("instance-1-b");
        assertThat(staticHeartbeat("instance-1-b", "instance-1", rejoin.memberEpoch(), ownedOf(rejoin))
                        .errorCode())
                .isEqualTo(Errors.NONE.code());
    }

    @Test
    void aStaticLeaveReleasesThePartitionsTheMemberWasStillToRevoke() {
        topic("orders", 4);
        ConsumerGroupHeartbeatResponse a0 = staticHeartbeat("instance-1-a", "instance-1", 0, null);
        List<ConsumerGroupHeartbeatRequest.TopicPartitions> aOwned = ownedOf(a0);
        assertThat(aOwned.get(0).partitions()).hasSize(4);
        Client b = join("member-b", List.of("orders"));
        assertThat(b.owned).as("b waits until a releases").isEmpty();
        // a is asked to revoke two partitions, but shuts down (static leave) instead of confirming.
        ConsumerGroupHeartbeatResponse revoke = staticHeartbeat("instance-1-a", "instance-1", a0.memberEpoch(), aOwned);
        assertThat(revoke.assignment().topicPartitions().get(0).partitions()).hasSize(2);
        assertThat(staticHeartbeat("instance-1-a", "instance-1", -2, aOwned).errorCode())
                .isEqualTo(Errors.NONE.code());

        // Kafka writes the -2 member with no partitions pending revocation: b gets them on its next heartbeat.
        heartbeat(b);
        heartbeat(b);
        assertThat(b.owned).hasSize(2);
    }

    @ParameterizedTest(name = "coordinator restarted while the member revokes: {0}")
    @ValueSource(booleans = {false, true})
    void aMemberThatDoesNotRevokeWithinItsRebalanceTimeoutIsFencedEvenAfterARestart(boolean restart) {
        topic("orders", 6);
        Client a = join("member-a", List.of("orders")); // rebalance timeout 30 s, session 45 s
        Client b = join("member-b", List.of("orders"));
        heartbeat(a); // a is asked to revoke 3 partitions (UNREVOKED_PARTITIONS) and never confirms
        assertThat(a.owned).hasSize(3);
        if (restart) {
            ctx.restart();
        }
        for (int i = 0; i < 7; i++) { // 35 s: past a's rebalance timeout, within its session timeout
            ctx.advance(5_000);
            heartbeat(b);
        }
        // Kafka's GroupMetadataManager.onLoaded schedules the rebalance timeout of every member in
        // UNREVOKED_PARTITIONS, so a is fenced 30 s after the load as it would have been without one.
        assertThat(describe().members())
                .extracting(ConsumerGroupDescribeResponse.Member::memberId)
                .containsExactly("member-b");
    }

    @Test
    void aTopicRecreatedWhileTheCoordinatorWasAwayIsAssignedUnderItsNewId() {
        Uuid oldId = topic("orders", 2);
        Client a = join("member-a", List.of("orders"));
        assertThat(a.owned).containsExactly("orders-0", "orders-1");
        // While the coordinator moves, "orders" is deleted and created again with as many partitions.
        ctx.topics.delete("orders");
        Uuid newId = topic("orders", 2);
        assertThat(newId).isNotEqualTo(oldId);
        ctx.restart();

        List<ConsumerGroupHeartbeatRequest.TopicPartitions> owned =
                List.of(new ConsumerGroupHeartbeatRequest.TopicPartitions()
                        .setTopicId(oldId)
                        .setPartitions(List.of(0, 1)));
        for (int i = 0; i < 3; i++) {
            ConsumerGroupHeartbeatResponse r = done(ctx.coordinator.consumerGroupHeartbeat(
                    new ConsumerGroupHeartbeatRequest()
                            .setGroupId(GROUP)
                            .setMemberId("member-a")
                            .setMemberEpoch(a.epoch)
                            .setTopicPartitions(owned),
                    (short) 1,
                    "client",
                    "/10.0.0.1"));
            assertThat(r.errorCode()).isEqualTo(Errors.NONE.code());
            a.epoch = r.memberEpoch();
            if (r.assignment() != null) {
                owned = new ArrayList<>();
                for (ConsumerGroupHeartbeatResponse.TopicPartitions tp :
                        r.assignment().topicPartitions()) {
                    owned.add(new ConsumerGroupHeartbeatRequest.TopicPartitions()
                            .setTopicId(tp.topicId())
                            .setPartitions(tp.partitions()));
                }
            }
        }
        // Kafka's subscription metadata (4.0) / metadata hash (4.1+) includes the topic id: the group epoch is
        // bumped and the member moves from the dead topic id to the new one.
        assertThat(describe().members().get(0).assignment().topicPartitions())
                .extracting(ConsumerGroupDescribeResponse.TopicPartitions::topicId)
                .containsExactly(newId);
    }
}
