package io.fjord.broker.handler;

import static io.fjord.broker.handler.AuthorizationTestContext.ADMIN;
import static io.fjord.broker.handler.AuthorizationTestContext.ALICE;
import static io.fjord.broker.handler.AuthorizationTestContext.BOB;
import static io.fjord.broker.handler.AuthorizationTestContext.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import io.fjord.metadata.AclOperation;
import io.fjord.metadata.AclResourceType;
import io.fjord.metadata.QuorumDescription;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.AlterPartitionReassignmentsRequest;
import io.fjord.protocol.message.AlterPartitionReassignmentsResponse;
import io.fjord.protocol.message.AlterUserScramCredentialsRequest;
import io.fjord.protocol.message.AlterUserScramCredentialsResponse;
import io.fjord.protocol.message.DescribeClusterRequest;
import io.fjord.protocol.message.DescribeClusterResponse;
import io.fjord.protocol.message.DescribeQuorumRequest;
import io.fjord.protocol.message.DescribeQuorumResponse;
import io.fjord.protocol.message.DescribeTopicPartitionsRequest;
import io.fjord.protocol.message.DescribeTopicPartitionsResponse;
import io.fjord.protocol.message.DescribeUserScramCredentialsRequest;
import io.fjord.protocol.message.DescribeUserScramCredentialsResponse;
import io.fjord.protocol.message.ElectLeadersRequest;
import io.fjord.protocol.message.ElectLeadersResponse;
import io.fjord.protocol.message.ListPartitionReassignmentsRequest;
import io.fjord.protocol.message.ListPartitionReassignmentsResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The cluster-wide APIs authorized as Kafka does: DescribeCluster, DescribeTopicPartitions, DescribeQuorum, the
 * replication admin APIs and the SCRAM credential APIs.
 */
class ClusterAdminAuthorizationTest {

    private static final int TOPIC_OPERATIONS_ALL = 3576;
    private static final int CLUSTER_OPERATIONS_ALL = 8096;

    private final AuthorizationTestContext ctx = new AuthorizationTestContext();

    private DescribeClusterResponse describeCluster(MetadataView view, String principal, boolean operations)
            throws Exception {
        return (DescribeClusterResponse) new ClusterHandlers(view)
                .describeCluster(
                        as(principal, ApiKeys.DESCRIBE_CLUSTER, 1),
                        new DescribeClusterRequest()
                                .setEndpointType((byte) 1)
                                .setIncludeClusterAuthorizedOperations(operations))
                .get(5, TimeUnit.SECONDS);
    }

    @Test
    void describeClusterNeedsNoAclButReportsOperationsOnlyToThoseWhoMayDescribeTheCluster() throws Exception {
        DescribeClusterResponse bob = describeCluster(ctx.secured, BOB, true);
        assertThat(bob.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(bob.brokers()).hasSize(1);
        assertThat(bob.clusterAuthorizedOperations()).isZero();
        assertThat(describeCluster(ctx.secured, BOB, false).clusterAuthorizedOperations())
                .isEqualTo(Integer.MIN_VALUE);
        ctx.allowOnCluster(ALICE, AclOperation.DESCRIBE);
        assertThat(describeCluster(ctx.secured, ALICE, true).clusterAuthorizedOperations())
                .isEqualTo(1 << AclOperation.DESCRIBE.code());
        assertThat(describeCluster(ctx.secured, ADMIN, true).clusterAuthorizedOperations())
                .isEqualTo(CLUSTER_OPERATIONS_ALL);
        assertThat(describeCluster(ctx.open, BOB, true).clusterAuthorizedOperations())
                .isEqualTo(CLUSTER_OPERATIONS_ALL);
        assertThat(describeCluster(ctx.open, BOB, false).clusterAuthorizedOperations())
                .isEqualTo(Integer.MIN_VALUE);
    }

    private List<DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponseTopic> describeTopics(
            MetadataView view, String principal, String... names) throws Exception {
        List<DescribeTopicPartitionsRequest.TopicRequest> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new DescribeTopicPartitionsRequest.TopicRequest().setName(name));
        }
        return ((DescribeTopicPartitionsResponse) new ClusterHandlers(view)
                        .describeTopicPartitions(
                                as(principal, ApiKeys.DESCRIBE_TOPIC_PARTITIONS, 0),
                                new DescribeTopicPartitionsRequest()
                                        .setTopics(topics)
                                        .setResponsePartitionLimit(100))
                        .get(5, TimeUnit.SECONDS))
                .topics();
    }

    @Test
    void describeTopicPartitionsLeavesOutDeniedTopicsFromAListingAndRefusesNamedOnesLast() throws Exception {
        Uuid mine = ctx.topic("mine", 2);
        ctx.topic("theirs", 1);
        ctx.allow(ALICE, AclOperation.DESCRIBE, AclResourceType.TOPIC, "mine");
        int describeOnly = 1 << AclOperation.DESCRIBE.code();
        assertThat(describeTopics(ctx.secured, ALICE))
                .extracting(t -> t.name(), t -> t.errorCode(), t -> t.topicAuthorizedOperations())
                .containsExactly(tuple("mine", Errors.NONE.code(), describeOnly));
        assertThat(describeTopics(ctx.secured, ALICE, "theirs", "mine", "absent"))
                .extracting(t -> t.name(), t -> t.topicId(), t -> t.errorCode(), t -> t.partitions()
                        .size())
                .containsExactly(
                        tuple("mine", mine, Errors.NONE.code(), 2),
                        tuple("absent", Uuid.ZERO, Errors.TOPIC_AUTHORIZATION_FAILED.code(), 0),
                        tuple("theirs", Uuid.ZERO, Errors.TOPIC_AUTHORIZATION_FAILED.code(), 0));
    }

    @Test
    void describeTopicPartitionsShowsEverythingToSuperUsersAndWithoutAnAuthorizer() throws Exception {
        ctx.topic("a", 1);
        ctx.topic("b", 1);
        for (MetadataView view : List.of(ctx.secured, ctx.open)) {
            assertThat(describeTopics(view, view == ctx.secured ? ADMIN : BOB, "a", "b", "c"))
                    .extracting(t -> t.name(), t -> t.errorCode(), t -> t.topicAuthorizedOperations())
                    .containsExactly(
                            tuple("a", Errors.NONE.code(), TOPIC_OPERATIONS_ALL),
                            tuple("b", Errors.NONE.code(), TOPIC_OPERATIONS_ALL),
                            tuple("c", Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), TOPIC_OPERATIONS_ALL));
        }
    }

    private DescribeQuorumResponse describeQuorum(MetadataView view, String principal, AtomicInteger asked)
            throws Exception {
        DescribeQuorumHandler handler = new DescribeQuorumHandler(
                () -> {
                    asked.incrementAndGet();
                    return CompletableFuture.completedFuture(new QuorumDescription(1, 3, 100, List.of(), List.of()));
                },
                List.of(),
                "CONTROLLER",
                view.authorizer());
        DescribeQuorumRequest request = new DescribeQuorumRequest()
                .setTopics(new ArrayList<>(List.of(new DescribeQuorumRequest.TopicData()
                        .setTopicName("__cluster_metadata")
                        .setPartitions(new ArrayList<>(
                                List.of(new DescribeQuorumRequest.PartitionData().setPartitionIndex(0)))))));
        return (DescribeQuorumResponse) handler.describeQuorum(as(principal, ApiKeys.DESCRIBE_QUORUM, 2), request)
                .get(5, TimeUnit.SECONDS);
    }

    @Test
    void describeQuorumNeedsDescribeOnTheCluster() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        DescribeQuorumResponse denied = describeQuorum(ctx.secured, BOB, asked);
        assertThat(denied.errorCode()).isEqualTo(Errors.CLUSTER_AUTHORIZATION_FAILED.code());
        assertThat(denied.errorMessage()).isEqualTo("Cluster authorization failed.");
        assertThat(denied.topics()).isEmpty();
        assertThat(asked).hasValue(0);
        ctx.allowOnCluster(ALICE, AclOperation.DESCRIBE);
        for (String principal : List.of(ALICE, ADMIN)) {
            DescribeQuorumResponse allowed = describeQuorum(ctx.secured, principal, asked);
            assertThat(allowed.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(allowed.topics().get(0).partitions().get(0).leaderId()).isEqualTo(1);
        }
        assertThat(describeQuorum(ctx.open, BOB, asked).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(asked).hasValue(3);
    }

    private ElectLeadersResponse elect(MetadataView view, String principal, int version) throws Exception {
        ElectLeadersRequest request = new ElectLeadersRequest().setElectionType((byte) 0);
        request.topicPartitions()
                .add(new ElectLeadersRequest.TopicPartitions().setTopic("t").setPartitions(List.of(0, 1)));
        return (ElectLeadersResponse) new ReplicationAdminHandlers(view, ctx.controller)
                .electLeaders(as(principal, ApiKeys.ELECT_LEADERS, version), request)
                .get(5, TimeUnit.SECONDS);
    }

    @Test
    void electLeadersNeedsAlterOnTheClusterAndReportsTheDenialOnEveryPartition() throws Exception {
        ElectLeadersResponse denied = elect(ctx.secured, BOB, 2);
        assertThat(denied.errorCode()).isEqualTo(Errors.CLUSTER_AUTHORIZATION_FAILED.code());
        assertThat(denied.replicaElectionResults().get(0).partitionResult())
                .extracting(p -> p.partitionId(), p -> p.errorCode(), p -> p.errorMessage())
                .containsExactly(
                        tuple(
                                0,
                                Errors.CLUSTER_AUTHORIZATION_FAILED.code(),
                                "Request ELECT_LEADERS is not authorized."),
                        tuple(
                                1,
                                Errors.CLUSTER_AUTHORIZATION_FAILED.code(),
                                "Request ELECT_LEADERS is not authorized."));
        assertThat(elect(ctx.secured, BOB, 0).errorCode()).isEqualTo(Errors.NONE.code()); // v0 has no top level
        assertThat(ctx.controllerCalls).isEmpty();
        ctx.allowOnCluster(ALICE, AclOperation.ALTER);
        assertThat(elect(ctx.secured, ALICE, 2).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(elect(ctx.secured, ADMIN, 2).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(elect(ctx.open, BOB, 2).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(ctx.controllerCalls).containsExactly("electLeaders", "electLeaders", "electLeaders");
    }

    @Test
    void partitionReassignmentsNeedAlterToChangeAndDescribeToList() throws Exception {
        ReplicationAdminHandlers secured = new ReplicationAdminHandlers(ctx.secured, ctx.controller);
        AlterPartitionReassignmentsRequest alter = new AlterPartitionReassignmentsRequest()
                .setTopics(new ArrayList<>(List.of(new AlterPartitionReassignmentsRequest.ReassignableTopic()
                        .setName("t")
                        .setPartitions(
                                new ArrayList<>(List.of(new AlterPartitionReassignmentsRequest.ReassignablePartition()
                                        .setPartitionIndex(0)
                                        .setReplicas(List.of(1))))))));
        AlterPartitionReassignmentsResponse denied = (AlterPartitionReassignmentsResponse)
                secured.alterPartitionReassignments(as(BOB, ApiKeys.ALTER_PARTITION_REASSIGNMENTS, 0), alter)
                        .get(5, TimeUnit.SECONDS);
        assertThat(denied.errorCode()).isEqualTo(Errors.CLUSTER_AUTHORIZATION_FAILED.code());
        assertThat(denied.responses().get(0).partitions().get(0).errorCode())
                .isEqualTo(Errors.CLUSTER_AUTHORIZATION_FAILED.code());
        assertThat(ctx.controllerCalls).isEmpty();

        ListPartitionReassignmentsRequest list = new ListPartitionReassignmentsRequest()
                .setTopics(
                        new ArrayList<>(List.of(new ListPartitionReassignmentsRequest.ListPartitionReassignmentsTopics()
                                .setName("t")
                                .setPartitionIndexes(List.of(0, 1)))));
        ListPartitionReassignmentsResponse listDenied = (ListPartitionReassignmentsResponse)
                secured.listPartitionReassignments(as(BOB, ApiKeys.LIST_PARTITION_REASSIGNMENTS, 0), list)
                        .get(5, TimeUnit.SECONDS);
        assertThat(listDenied.errorCode()).isEqualTo(Errors.CLUSTER_AUTHORIZATION_FAILED.code());
        assertThat(listDenied.errorMessage()).isEqualTo("Request LIST_PARTITION_REASSIGNMENTS is not authorized.");
        assertThat(listDenied.topics().get(0).partitions())
                .extracting(p -> p.partitionIndex())
                .containsExactly(0, 1);

        ctx.allowOnCluster(ALICE, AclOperation.DESCRIBE);
        ListPartitionReassignmentsResponse listed = (ListPartitionReassignmentsResponse)
                secured.listPartitionReassignments(as(ALICE, ApiKeys.LIST_PARTITION_REASSIGNMENTS, 0), list)
                        .get(5, TimeUnit.SECONDS);
        assertThat(listed.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(listed.topics()).isEmpty();
        AlterPartitionReassignmentsResponse byAdmin = (AlterPartitionReassignmentsResponse)
                secured.alterPartitionReassignments(as(ADMIN, ApiKeys.ALTER_PARTITION_REASSIGNMENTS, 0), alter)
                        .get(5, TimeUnit.SECONDS);
        assertThat(byAdmin.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(ctx.controllerCalls).containsExactly("alterPartitionReassignments");
    }

    @Test
    void scramCredentialsNeedDescribeToListAndAlterToChange() throws Exception {
        ScramCredentialHandlers secured = new ScramCredentialHandlers(ctx.secured, ctx.controller);
        DescribeUserScramCredentialsRequest describe = new DescribeUserScramCredentialsRequest()
                .setUsers(
                        new ArrayList<>(List.of(new DescribeUserScramCredentialsRequest.UserName().setName("carol"))));
        DescribeUserScramCredentialsResponse denied = (DescribeUserScramCredentialsResponse)
                secured.describeUserScramCredentials(as(BOB, ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS, 0), describe)
                        .get(5, TimeUnit.SECONDS);
        assertThat(denied.errorCode()).isEqualTo(Errors.CLUSTER_AUTHORIZATION_FAILED.code());
        assertThat(denied.errorMessage()).isNull();
        assertThat(denied.results())
                .extracting(r -> r.user(), r -> r.errorCode())
                .containsExactly(tuple("carol", Errors.CLUSTER_AUTHORIZATION_FAILED.code()));
        for (MetadataView view : List.of(ctx.secured, ctx.open)) {
            DescribeUserScramCredentialsResponse allowed =
                    (DescribeUserScramCredentialsResponse) new ScramCredentialHandlers(view, ctx.controller)
                            .describeUserScramCredentials(
                                    as(view == ctx.secured ? ADMIN : BOB, ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS, 0),
                                    describe)
                            .get(5, TimeUnit.SECONDS);
            assertThat(allowed.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(allowed.results().get(0).errorCode()).isEqualTo(Errors.RESOURCE_NOT_FOUND.code());
        }

        AlterUserScramCredentialsRequest alter = new AlterUserScramCredentialsRequest()
                .setDeletions(new ArrayList<>(List.of(
                        new AlterUserScramCredentialsRequest.ScramCredentialDeletion()
                                .setName("zed")
                                .setMechanism((byte) 1),
                        new AlterUserScramCredentialsRequest.ScramCredentialDeletion()
                                .setName("carol")
                                .setMechanism((byte) 1))));
        AlterUserScramCredentialsResponse alterDenied = (AlterUserScramCredentialsResponse)
                secured.alterUserScramCredentials(as(ALICE, ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, 0), alter)
                        .get(5, TimeUnit.SECONDS);
        assertThat(alterDenied.results())
                .extracting(r -> r.user(), r -> r.errorCode(), r -> r.errorMessage())
                .containsExactly(
                        tuple(
                                "carol",
                                Errors.CLUSTER_AUTHORIZATION_FAILED.code(),
                                "Request ALTER_USER_SCRAM_CREDENTIALS is not authorized."),
                        tuple(
                                "zed",
                                Errors.CLUSTER_AUTHORIZATION_FAILED.code(),
                                "Request ALTER_USER_SCRAM_CREDENTIALS is not authorized."));
        assertThat(ctx.controllerCalls).isEmpty();
        ctx.allowOnCluster(ALICE, AclOperation.ALTER);
        secured.alterUserScramCredentials(as(ALICE, ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, 0), alter)
                .get(5, TimeUnit.SECONDS);
        new ScramCredentialHandlers(ctx.open, ctx.controller)
                .alterUserScramCredentials(as(BOB, ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, 0), alter)
                .get(5, TimeUnit.SECONDS);
        assertThat(ctx.controllerCalls).containsExactly("alterUserScramCredentials", "alterUserScramCredentials");
    }
}
