package io.fjord.broker.group;

import static io.fjord.broker.security.AclTestContext.ADMIN;
import static io.fjord.broker.security.AclTestContext.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fjord.broker.security.AclTestContext;
import io.fjord.common.Errors;
import io.fjord.common.Time;
import io.fjord.common.Uuid;
import io.fjord.coordinator.ExecutorCoordinatorScheduler;
import io.fjord.coordinator.GroupCoordinator;
import io.fjord.coordinator.GroupCoordinatorConfig;
import io.fjord.metadata.AclOperation;
import io.fjord.metadata.AclResourceType;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.ConsumerGroupDescribeRequest;
import io.fjord.protocol.message.ConsumerGroupDescribeResponse;
import io.fjord.protocol.message.ConsumerGroupHeartbeatRequest;
import io.fjord.protocol.message.ConsumerGroupHeartbeatResponse;
import io.fjord.protocol.message.DeleteGroupsRequest;
import io.fjord.protocol.message.DeleteGroupsResponse;
import io.fjord.protocol.message.DescribeGroupsRequest;
import io.fjord.protocol.message.DescribeGroupsResponse;
import io.fjord.protocol.message.FindCoordinatorRequest;
import io.fjord.protocol.message.FindCoordinatorResponse;
import io.fjord.protocol.message.HeartbeatRequest;
import io.fjord.protocol.message.HeartbeatResponse;
import io.fjord.protocol.message.JoinGroupRequest;
import io.fjord.protocol.message.JoinGroupResponse;
import io.fjord.protocol.message.ListGroupsRequest;
import io.fjord.protocol.message.ListGroupsResponse;
import io.fjord.protocol.message.OffsetCommitRequest;
import io.fjord.protocol.message.OffsetCommitResponse;
import io.fjord.protocol.message.OffsetDeleteRequest;
import io.fjord.protocol.message.OffsetDeleteResponse;
import io.fjord.protocol.message.OffsetFetchRequest;
import io.fjord.protocol.message.OffsetFetchResponse;
import io.fjord.protocol.message.TxnOffsetCommitRequest;
import io.fjord.protocol.message.TxnOffsetCommitResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The group APIs' ACL checks through {@link GroupHandlers} over a real group coordinator: {@code User:alice} may
 * read group {@code g} and topic {@code orders}, not {@code secret}; {@code User:admin} is a super user;
 * {@code User:mallory} has no ACL.
 */
class GroupHandlersAclTest {

    private static final String ALICE = "User:alice";
    private static final String MALLORY = "User:mallory";

    private final List<GroupCoordinator> coordinators = new ArrayList<>();
    private final List<ExecutorCoordinatorScheduler> schedulers = new ArrayList<>();

    @AfterEach
    void tearDown() {
        coordinators.forEach(GroupCoordinator::shutdown);
    }

    private GroupHandlers handlers(AclTestContext acls) {
        acls.topic("orders", 2);
        acls.topic("secret", 1);
        acls.allow(ALICE, AclOperation.READ, AclResourceType.GROUP, "g");
        acls.allow(ALICE, AclOperation.READ, AclResourceType.TOPIC, "orders");
        GroupCoordinatorConfig config =
                GroupCoordinatorConfig.defaults().withInitialRebalanceDelayMs(0).withOffsetsTopicNumPartitions(1);
        ExecutorCoordinatorScheduler scheduler = new ExecutorCoordinatorScheduler("group-acl-test");
        GroupCoordinator coordinator = new GroupCoordinator(
                config,
                AclTestContext.discardingLog(),
                GroupCoordinatorFactory.topics(acls.metadata),
                scheduler,
                Time.SYSTEM,
                new Random(3));
        coordinator.loadPartition(
                0, List.<io.fjord.coordinator.CoordinatorLogEntry>of().iterator());
        coordinators.add(coordinator);
        schedulers.add(scheduler);
        return new GroupHandlers(acls.metadata, null, coordinator, null, null, null, Runnable::run);
    }

    private static <T> T answer(CompletableFuture<ApiMessage> future) throws Exception {
        @SuppressWarnings("unchecked")
        T response = (T) future.get(5, TimeUnit.SECONDS);
        return response;
    }

    private static JoinGroupRequest join(String groupId) {
        JoinGroupRequest request = new JoinGroupRequest()
                .setGroupId(groupId)
                .setMemberId("")
                .setProtocolType("consumer")
                .setSessionTimeoutMs(10_000)
                .setRebalanceTimeoutMs(10_000);
        request.protocols()
                .add(new JoinGroupRequest.JoinGroupRequestProtocol()
                        .setName("range")
                        .setMetadata(new byte[0]));
        return request;
    }

    @Test
    void joinGroupNeedsReadOnTheGroup() throws Exception {
        GroupHandlers groups = handlers(new AclTestContext(true));
        JoinGroupResponse denied = answer(groups.joinGroup(request(ApiKeys.JOIN_GROUP, 9, MALLORY), join("g")));
        JoinGroupResponse allowed = answer(groups.joinGroup(request(ApiKeys.JOIN_GROUP, 9, ALICE), join("g")));
        JoinGroupResponse admin = answer(groups.joinGroup(request(ApiKeys.JOIN_GROUP, 9, ADMIN), join("h")));
        JoinGroupResponse other = answer(groups.joinGroup(request(ApiKeys.JOIN_GROUP, 9, ALICE), join("h")));

        assertThat(denied.errorCode()).isEqualTo(Errors.GROUP_AUTHORIZATION_FAILED.code());
        assertThat(denied.generationId()).isEqualTo(-1);
        assertThat(denied.protocolName()).isNull();
        assertThat(other.errorCode()).isEqualTo(Errors.GROUP_AUTHORIZATION_FAILED.code());
        // Allowed, the member is asked for its id (KIP-394) as without ACLs.
        assertThat(allowed.errorCode()).isEqualTo(Errors.MEMBER_ID_REQUIRED.code());
        assertThat(admin.errorCode()).isEqualTo(Errors.MEMBER_ID_REQUIRED.code());
    }

    @Test
    void withoutAnAuthorizerNobodyIsAsked() throws Exception {
        GroupHandlers groups = handlers(new AclTestContext(false));
        JoinGroupResponse joined = answer(groups.joinGroup(request(ApiKeys.JOIN_GROUP, 9, MALLORY), join("g")));
        OffsetCommitResponse committed =
                answer(groups.offsetCommit(request(ApiKeys.OFFSET_COMMIT, 8, MALLORY), commit("g")));
        DescribeGroupsResponse described = answer(groups.describeGroups(
                request(ApiKeys.DESCRIBE_GROUPS, 5, MALLORY), new DescribeGroupsRequest().setGroups(List.of("g"))));

        assertThat(joined.errorCode()).isEqualTo(Errors.MEMBER_ID_REQUIRED.code());
        assertThat(committed.topics())
                .extracting(t -> t.name(), t -> t.partitions().get(0).errorCode())
                .containsExactly(tuple("secret", (short) 0), tuple("orders", (short) 0));
        assertThat(described.groups().get(0).errorCode()).isZero();
        assertThat(described.groups().get(0).authorizedOperations()).isEqualTo(Integer.MIN_VALUE);
    }

    @Test
    void heartbeatNeedsReadOnTheGroup() throws Exception {
        GroupHandlers groups = handlers(new AclTestContext(true));
        HeartbeatRequest heartbeat =
                new HeartbeatRequest().setGroupId("g").setMemberId("m").setGenerationId(1);
        HeartbeatResponse denied = answer(groups.heartbeat(request(ApiKeys.HEARTBEAT, 4, MALLORY), heartbeat));
        HeartbeatResponse allowed = answer(groups.heartbeat(request(ApiKeys.HEARTBEAT, 4, ALICE), heartbeat));

        assertThat(denied.errorCode()).isEqualTo(Errors.GROUP_AUTHORIZATION_FAILED.code());
        assertThat(allowed.errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
    }

    private static OffsetCommitRequest commit(String groupId) {
        OffsetCommitRequest request =
                new OffsetCommitRequest().setGroupId(groupId).setGenerationIdOrMemberEpoch(-1);
        for (String topic : List.of("secret", "orders")) {
            OffsetCommitRequest.OffsetCommitRequestTopic t =
                    new OffsetCommitRequest.OffsetCommitRequestTopic().setName(topic);
            t.partitions()
                    .add(new OffsetCommitRequest.OffsetCommitRequestPartition()
                            .setPartitionIndex(0)
                            .setCommittedOffset(5));
            request.topics().add(t);
        }
        return request;
    }

    @Test
    void offsetCommitNeedsReadOnTheGroupThenOnEachTopic() throws Exception {
        GroupHandlers groups = handlers(new AclTestContext(true));
        OffsetCommitResponse denied =
                answer(groups.offsetCommit(request(ApiKeys.OFFSET_COMMIT, 8, MALLORY), commit("g")));
        OffsetCommitResponse alice = answer(groups.offsetCommit(request(ApiKeys.OFFSET_COMMIT, 8, ALICE), commit("g")));
        OffsetCommitResponse admin = answer(groups.offsetCommit(request(ApiKeys.OFFSET_COMMIT, 8, ADMIN), commit("g")));

        assertThat(denied.topics())
                .extracting(t -> t.name(), t -> t.partitions().get(0).errorCode())
                .containsExactly(
                        tuple("secret", Errors.GROUP_AUTHORIZATION_FAILED.code()),
                        tuple("orders", Errors.GROUP_AUTHORIZATION_FAILED.code()));
        assertThat(alice.topics())
                .extracting(t -> t.name(), t -> t.partitions().get(0).errorCode())
                .containsExactly(tuple("secret", Errors.TOPIC_AUTHORIZATION_FAILED.code()), tuple("orders", (short) 0));
        assertThat(admin.topics())
                .extracting(t -> t.partitions().get(0).errorCode())
                .containsExactly((short) 0, (short) 0);
    }

    @Test
    void offsetCommitOfAnUnknownTopicTheClientMayNotReadIsNotAuthorized() throws Exception {
        GroupHandlers groups = handlers(new AclTestContext(true));
        OffsetCommitRequest request = commit("g");
        request.topics().get(0).setName("missing");
        OffsetCommitResponse response = answer(groups.offsetCommit(request(ApiKeys.OFFSET_COMMIT, 8, ALICE), request));

        assertThat(response.topics().get(0).partitions().get(0).errorCode())
                .isEqualTo(Errors.TOPIC_AUTHORIZATION_FAILED.code());
    }

    @Test
    void anUnknownTopicIdIsAnsweredHereAndNeverPassedOn() throws Exception {
        GroupHandlers groups = handlers(new AclTestContext(true));
        OffsetCommitRequest request = commit("g");
        request.topics().get(0).setName("").setTopicId(new io.fjord.common.Uuid(42, 42));
        request.topics().remove(1);
        OffsetCommitResponse response = answer(groups.offsetCommit(request(ApiKeys.OFFSET_COMMIT, 10, ADMIN), request));

        assertThat(response.topics().get(0).partitions().get(0).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_ID.code());
    }

    private static OffsetFetchRequest.OffsetFetchRequestGroup fetchGroup(String groupId, boolean allTopics) {
        OffsetFetchRequest.OffsetFetchRequestGroup group =
                new OffsetFetchRequest.OffsetFetchRequestGroup().setGroupId(groupId);
        if (allTopics) {
            return group.setTopics(null);
        }
        for (String topic : List.of("secret", "orders")) {
            group.topics()
                    .add(new OffsetFetchRequest.OffsetFetchRequestTopics()
                            .setName(topic)
                            .setPartitionIndexes(new ArrayList<>(List.of(0))));
        }
        return group;
    }

    @Test
    void offsetFetchChecksEachGroupAndReportsOrHidesDeniedTopics() throws Exception {
        GroupHandlers groups = handlers(new AclTestContext(true));
        answer(groups.offsetCommit(request(ApiKeys.OFFSET_COMMIT, 8, ADMIN), commit("g")));
        OffsetFetchRequest named = new OffsetFetchRequest();
        named.groups().add(fetchGroup("h", false));
        named.groups().add(fetchGroup("g", false));
        OffsetFetchRequest all = new OffsetFetchRequest();
        all.groups().add(fetchGroup("g", true));

        OffsetFetchResponse byName = answer(groups.offsetFetch(request(ApiKeys.OFFSET_FETCH, 8, ALICE), named));
        OffsetFetchResponse allAlice = answer(groups.offsetFetch(request(ApiKeys.OFFSET_FETCH, 8, ALICE), all));
        OffsetFetchResponse allAdmin = answer(groups.offsetFetch(request(ApiKeys.OFFSET_FETCH, 8, ADMIN), all));

        assertThat(byName.groups())
                .extracting(g -> g.groupId(), g -> g.errorCode())
                .containsExactly(tuple("h", Errors.GROUP_AUTHORIZATION_FAILED.code()), tuple("g", (short) 0));
        assertThat(byName.groups().get(1).topics())
                .extracting(t -> t.name(), t -> t.partitions().get(0).committedOffset(), t -> t.partitions()
                        .get(0)
                        .errorCode())
                .containsExactly(
                        tuple("orders", 5L, (short) 0), tuple("secret", -1L, Errors.TOPIC_AUTHORIZATION_FAILED.code()));
        assertThat(allAlice.groups().get(0).topics()).extracting(t -> t.name()).containsExactly("orders");
        assertThat(allAdmin.groups().get(0).topics())
                .extracting(t -> t.name())
                .containsExactlyInAnyOrder("orders", "secret");
    }

    @Test
    void offsetFetchBeforeV8PutsTheGroupErrorAtTheTop() throws Exception {
        GroupHandlers groups = handlers(new AclTestContext(true));
        OffsetFetchRequest request = new OffsetFetchRequest().setGroupId("h").setTopics(null);
        OffsetFetchResponse response = answer(groups.offsetFetch(request(ApiKeys.OFFSET_FETCH, 7, ALICE), request));

        assertThat(response.errorCode()).isEqualTo(Errors.GROUP_AUTHORIZATION_FAILED.code());
        assertThat(response.topics()).isEmpty();
    }

    @Test
    void offsetDeleteNeedsDeleteOnTheGroupThenReadOnEachTopic() throws Exception {
        AclTestContext acls = new AclTestContext(true);
        GroupHandlers groups = handlers(acls);
        acls.allow(ALICE, AclOperation.DELETE, AclResourceType.GROUP, "g");
        OffsetDeleteRequest request = new OffsetDeleteRequest().setGroupId("g");
        for (String topic : List.of("secret", "orders")) {
            OffsetDeleteRequest.OffsetDeleteRequestTopic t =
                    new OffsetDeleteRequest.OffsetDeleteRequestTopic().setName(topic);
            t.partitions().add(new OffsetDeleteRequest.OffsetDeleteRequestPartition().setPartitionIndex(0));
            request.topics().add(t);
        }
        OffsetDeleteResponse denied = answer(groups.offsetDelete(request(ApiKeys.OFFSET_DELETE, 0, MALLORY), request));
        OffsetDeleteResponse alice = answer(groups.offsetDelete(request(ApiKeys.OFFSET_DELETE, 0, ALICE), request));

        assertThat(denied.errorCode()).isEqualTo(Errors.GROUP_AUTHORIZATION_FAILED.code());
        assertThat(denied.topics()).isEmpty();
        // Group g does not exist: the coordinator's group error is answered alone, as in Kafka.
        if (alice.errorCode() == Errors.NONE.code()) {
            assertThat(alice.topics())
                    .extracting(t -> t.name(), t -> t.partitions().get(0).errorCode())
                    .containsExactly(
                            tuple("secret", Errors.TOPIC_AUTHORIZATION_FAILED.code()), tuple("orders", (short) 0));
        } else {
            assertThat(alice.errorCode()).isNotEqualTo(Errors.GROUP_AUTHORIZATION_FAILED.code());
        }
    }

    @Test
    void txnOffsetCommitNeedsWriteOnTheTransactionalIdThenReadOnTheGroup() throws Exception {
        AclTestContext acls = new AclTestContext(true);
        GroupHandlers groups = handlers(acls);
        acls.allow(MALLORY, AclOperation.WRITE, AclResourceType.TRANSACTIONAL_ID, "tx");
        TxnOffsetCommitRequest request = new TxnOffsetCommitRequest()
                .setTransactionalId("tx")
                .setGroupId("g")
                .setProducerId(1)
                .setProducerEpoch((short) 0);
        for (String topic : List.of("secret", "orders")) {
            TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic t =
                    new TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic().setName(topic);
            t.partitions()
                    .add(new TxnOffsetCommitRequest.TxnOffsetCommitRequestPartition()
                            .setPartitionIndex(0)
                            .setCommittedOffset(1));
            request.topics().add(t);
        }
        TxnOffsetCommitResponse alice =
                answer(groups.txnOffsetCommit(request(ApiKeys.TXN_OFFSET_COMMIT, 3, ALICE), request));
        TxnOffsetCommitResponse mallory =
                answer(groups.txnOffsetCommit(request(ApiKeys.TXN_OFFSET_COMMIT, 3, MALLORY), request));
        TxnOffsetCommitResponse admin =
                answer(groups.txnOffsetCommit(request(ApiKeys.TXN_OFFSET_COMMIT, 3, ADMIN), request));

        assertThat(alice.topics())
                .extracting(t -> t.partitions().get(0).errorCode())
                .containsOnly(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code());
        assertThat(mallory.topics())
                .extracting(t -> t.partitions().get(0).errorCode())
                .containsOnly(Errors.GROUP_AUTHORIZATION_FAILED.code());
        assertThat(admin.topics())
                .extracting(t -> t.name(), t -> t.partitions().get(0).errorCode())
                .containsExactly(tuple("secret", (short) 0), tuple("orders", (short) 0));
    }

    @Test
    void describeGroupsPutsDeniedGroupsFirstAndTellsTheOperations() throws Exception {
        AclTestContext acls = new AclTestContext(true);
        GroupHandlers groups = handlers(acls);
        DescribeGroupsRequest request =
                new DescribeGroupsRequest().setGroups(List.of("g", "h")).setIncludeAuthorizedOperations(true);
        DescribeGroupsResponse alice =
                answer(groups.describeGroups(request(ApiKeys.DESCRIBE_GROUPS, 5, ALICE), request));
        DescribeGroupsResponse admin =
                answer(groups.describeGroups(request(ApiKeys.DESCRIBE_GROUPS, 5, ADMIN), request));

        assertThat(alice.groups())
                .extracting(g -> g.groupId(), g -> g.errorCode(), g -> g.authorizedOperations())
                .containsExactly(
                        tuple("h", Errors.GROUP_AUTHORIZATION_FAILED.code(), Integer.MIN_VALUE),
                        tuple("g", (short) 0, (1 << 3) | (1 << 8)));
        assertThat(admin.groups()).extracting(g -> g.authorizedOperations()).containsOnly(3400);
    }

    @Test
    void listGroupsLeavesOutGroupsThePrincipalMayNotDescribe() throws Exception {
        GroupHandlers groups = handlers(new AclTestContext(true));
        answer(groups.offsetCommit(request(ApiKeys.OFFSET_COMMIT, 8, ADMIN), commit("g")));
        answer(groups.offsetCommit(request(ApiKeys.OFFSET_COMMIT, 8, ADMIN), commit("h")));

        ListGroupsResponse alice =
                answer(groups.listGroups(request(ApiKeys.LIST_GROUPS, 4, ALICE), new ListGroupsRequest()));
        ListGroupsResponse admin =
                answer(groups.listGroups(request(ApiKeys.LIST_GROUPS, 4, ADMIN), new ListGroupsRequest()));

        assertThat(alice.groups()).extracting(g -> g.groupId()).containsExactly("g");
        assertThat(admin.groups()).extracting(g -> g.groupId()).containsExactly("g", "h");
    }

    @Test
    void deleteGroupsAppendsTheDeniedGroupsOnce() throws Exception {
        AclTestContext acls = new AclTestContext(true);
        GroupHandlers groups = handlers(acls);
        acls.allow(ALICE, AclOperation.DELETE, AclResourceType.GROUP, "g");
        DeleteGroupsResponse response = answer(groups.deleteGroups(
                request(ApiKeys.DELETE_GROUPS, 2, ALICE),
                new DeleteGroupsRequest().setGroupsNames(List.of("h", "g", "h"))));

        assertThat(response.results())
                .extracting(r -> r.groupId(), r -> r.errorCode() == Errors.GROUP_AUTHORIZATION_FAILED.code())
                .containsExactly(tuple("g", false), tuple("h", true));
    }

    @Test
    void findCoordinatorChecksDescribeOnEachKey() throws Exception {
        AclTestContext acls = new AclTestContext(true);
        GroupHandlers groups = handlers(acls);
        acls.topic(OffsetsTopicLog.TOPIC, 50);
        FindCoordinatorRequest batched = new FindCoordinatorRequest().setKeyType((byte) 0);
        batched.coordinatorKeys().addAll(List.of("g", "h"));
        FindCoordinatorResponse v4 =
                answer(groups.findCoordinator(request(ApiKeys.FIND_COORDINATOR, 4, ALICE), batched));
        FindCoordinatorResponse v3 = answer(groups.findCoordinator(
                request(ApiKeys.FIND_COORDINATOR, 3, ALICE),
                new FindCoordinatorRequest().setKey("h").setKeyType((byte) 0)));
        FindCoordinatorResponse txn = answer(groups.findCoordinator(
                request(ApiKeys.FIND_COORDINATOR, 3, ALICE),
                new FindCoordinatorRequest().setKey("tx").setKeyType((byte) 1)));

        assertThat(v4.coordinators())
                .extracting(c -> c.key(), c -> c.errorCode() == Errors.GROUP_AUTHORIZATION_FAILED.code())
                .containsExactly(tuple("g", false), tuple("h", true));
        assertThat(v4.coordinators().get(1).errorMessage()).isNull();
        assertThat(v4.coordinators().get(1).nodeId()).isEqualTo(-1);
        assertThat(v3.errorCode()).isEqualTo(Errors.GROUP_AUTHORIZATION_FAILED.code());
        assertThat(v3.errorMessage()).isEqualTo(Errors.GROUP_AUTHORIZATION_FAILED.message());
        assertThat(txn.errorCode()).isEqualTo(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code());
    }

    private static ConsumerGroupHeartbeatRequest consumerJoin(String groupId) {
        return new ConsumerGroupHeartbeatRequest()
                .setGroupId(groupId)
                .setMemberId(Uuid.random(new Random(5)).toString())
                .setMemberEpoch(0)
                .setRebalanceTimeoutMs(10_000)
                .setTopicPartitions(new ArrayList<>());
    }

    @Test
    void consumerGroupHeartbeatRefusesANamedTopicThePrincipalMayNotDescribe() throws Exception {
        GroupHandlers groups = handlers(new AclTestContext(true));
        ConsumerGroupHeartbeatRequest named =
                consumerJoin("g").setSubscribedTopicNames(new ArrayList<>(List.of("orders", "secret")));
        ConsumerGroupHeartbeatResponse alice =
                answer(groups.consumerGroupHeartbeat(request(ApiKeys.CONSUMER_GROUP_HEARTBEAT, 0, ALICE), named));
        ConsumerGroupHeartbeatResponse mallory =
                answer(groups.consumerGroupHeartbeat(request(ApiKeys.CONSUMER_GROUP_HEARTBEAT, 0, MALLORY), named));
        ConsumerGroupHeartbeatResponse admin =
                answer(groups.consumerGroupHeartbeat(request(ApiKeys.CONSUMER_GROUP_HEARTBEAT, 0, ADMIN), named));

        assertThat(alice.errorCode()).isEqualTo(Errors.TOPIC_AUTHORIZATION_FAILED.code());
        assertThat(alice.errorMessage()).isNull();
        assertThat(mallory.errorCode()).isEqualTo(Errors.GROUP_AUTHORIZATION_FAILED.code());
        assertThat(admin.errorCode()).isZero();
    }

    @Test
    void consumerGroupRegexSubscribesOnlyTopicsThePrincipalMayDescribe() throws Exception {
        AclTestContext acls = new AclTestContext(true);
        GroupHandlers groups = handlers(acls);
        ConsumerGroupHeartbeatRequest regex = consumerJoin("g").setSubscribedTopicRegex("orders|secret");
        ConsumerGroupHeartbeatResponse joined =
                answer(groups.consumerGroupHeartbeat(request(ApiKeys.CONSUMER_GROUP_HEARTBEAT, 0, ALICE), regex));
        ConsumerGroupDescribeResponse described = answer(groups.consumerGroupDescribe(
                request(ApiKeys.CONSUMER_GROUP_DESCRIBE, 0, ADMIN),
                new ConsumerGroupDescribeRequest().setGroupIds(List.of("g"))));

        assertThat(joined.errorCode()).isZero();
        assertThat(described.groups().get(0).members().get(0).targetAssignment().topicPartitions())
                .extracting(tp -> tp.topicName())
                .containsExactly("orders");
    }

    @Test
    void consumerGroupDescribeHidesGroupsAssignedTopicsThePrincipalMayNotDescribe() throws Exception {
        AclTestContext acls = new AclTestContext(true);
        GroupHandlers groups = handlers(acls);
        acls.allow(ALICE, AclOperation.READ, AclResourceType.GROUP, "h");
        answer(groups.consumerGroupHeartbeat(
                request(ApiKeys.CONSUMER_GROUP_HEARTBEAT, 0, ADMIN),
                consumerJoin("h").setSubscribedTopicNames(new ArrayList<>(List.of("secret")))));
        answer(groups.consumerGroupHeartbeat(
                request(ApiKeys.CONSUMER_GROUP_HEARTBEAT, 0, ADMIN),
                consumerJoin("g").setSubscribedTopicNames(new ArrayList<>(List.of("orders")))));
        ConsumerGroupDescribeRequest request = new ConsumerGroupDescribeRequest()
                .setGroupIds(List.of("g", "h", "x"))
                .setIncludeAuthorizedOperations(true);
        ConsumerGroupDescribeResponse alice =
                answer(groups.consumerGroupDescribe(request(ApiKeys.CONSUMER_GROUP_DESCRIBE, 0, ALICE), request));

        assertThat(alice.groups())
                .extracting(g -> g.groupId(), g -> g.errorCode())
                .containsExactly(
                        tuple("x", Errors.GROUP_AUTHORIZATION_FAILED.code()),
                        tuple("g", (short) 0),
                        tuple("h", Errors.TOPIC_AUTHORIZATION_FAILED.code()));
        assertThat(alice.groups().get(1).authorizedOperations()).isEqualTo((1 << 3) | (1 << 8));
        assertThat(alice.groups().get(2).errorMessage())
                .isEqualTo("The group has described topic(s) that the client is not authorized to describe.");
        assertThat(alice.groups().get(2).members()).isEmpty();
    }
}
