package io.fjord.it.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Errors;
import io.fjord.it.RawKafkaClient;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.AlterPartitionReassignmentsRequest;
import io.fjord.protocol.message.AlterPartitionReassignmentsResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AlterPartitionReassignmentsResult;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.NoReassignmentInProgressException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The replication admin APIs through the official Admin client against one broker: ElectLeaders
 * (preferred and unclean), AlterPartitionReassignments and ListPartitionReassignments.
 */
class ReplicationAdminIT extends AdminITBase {

    @BeforeAll
    static void start() {
        startBroker(Map.of());
    }

    @Test
    void electingThePreferredLeaderOfAPartitionItAlreadyLeadsIsNotNeeded() throws Exception {
        createTopic("elect", 2, Map.of());
        TopicPartition p0 = new TopicPartition("elect", 0);
        TopicPartition missing = new TopicPartition("elect", 7);
        for (ElectionType type : ElectionType.values()) {
            Map<TopicPartition, Optional<Throwable>> results =
                    admin.electLeaders(type, Set.of(p0, missing)).partitions().get(15, TimeUnit.SECONDS);
            assertThat(results.get(p0)).containsInstanceOf(ElectionNotNeededException.class);
            assertThat(results.get(missing)).containsInstanceOf(UnknownTopicOrPartitionException.class);
        }
    }

    @Test
    void electingEveryPartitionReportsNoneWhenAllAreLedByTheirPreferredReplica() throws Exception {
        createTopic("elect-all", 3, Map.of());
        assertThat(admin.electLeaders(ElectionType.PREFERRED, null).partitions().get(15, TimeUnit.SECONDS))
                .isEmpty();
    }

    private static int brokerId() throws Exception {
        return admin.describeCluster()
                .nodes()
                .get(15, TimeUnit.SECONDS)
                .iterator()
                .next()
                .id();
    }

    private static Optional<NewPartitionReassignment> to(Integer... replicas) {
        return Optional.of(new NewPartitionReassignment(List.of(replicas)));
    }

    @Test
    void reassigningAPartitionToTheReplicasItHasCompletesAtOnce() throws Exception {
        createTopic("reassign-same", 1, Map.of());
        int id = brokerId();
        TopicPartition tp = new TopicPartition("reassign-same", 0);
        admin.alterPartitionReassignments(Map.of(tp, to(id))).all().get(15, TimeUnit.SECONDS);

        assertThat(admin.listPartitionReassignments().reassignments().get(15, TimeUnit.SECONDS))
                .isEmpty();
        assertThat(admin.listPartitionReassignments(Set.of(tp)).reassignments().get(15, TimeUnit.SECONDS))
                .isEmpty();
        TopicPartitionInfo partition = admin.describeTopics(List.of("reassign-same"))
                .allTopicNames()
                .get(15, TimeUnit.SECONDS)
                .get("reassign-same")
                .partitions()
                .get(0);
        assertThat(partition.leader().id()).isEqualTo(id);
        assertThat(partition.replicas()).extracting(n -> n.id()).containsExactly(id);
    }

    @Test
    void invalidTargetsFailPerPartitionWithInvalidReplicaAssignment() throws Exception {
        createTopic("reassign-bad", 4, Map.of());
        int id = brokerId();
        Map<TopicPartition, Optional<NewPartitionReassignment>> request = new HashMap<>();
        request.put(new TopicPartition("reassign-bad", 0), to(id, id));
        request.put(new TopicPartition("reassign-bad", 1), to(id + 100));
        request.put(new TopicPartition("reassign-bad", 2), to(id, id + 100));
        request.put(new TopicPartition("reassign-bad", 3), to(id));
        request.put(new TopicPartition("reassign-bad", 9), to(id));
        request.put(new TopicPartition("no-such-topic", 0), to(id));
        AlterPartitionReassignmentsResult result = admin.alterPartitionReassignments(request);
        Map<TopicPartition, org.apache.kafka.common.KafkaFuture<Void>> values = result.values();
        for (int p = 0; p < 3; p++) {
            assertThat(failureOf(values.get(new TopicPartition("reassign-bad", p))))
                    .as("partition %d", p)
                    .isInstanceOf(InvalidReplicaAssignmentException.class);
        }
        values.get(new TopicPartition("reassign-bad", 3)).get(15, TimeUnit.SECONDS);
        assertThat(failureOf(values.get(new TopicPartition("reassign-bad", 9))))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
        assertThat(failureOf(values.get(new TopicPartition("no-such-topic", 0))))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void anEmptyTargetSentOnTheWireIsAnInvalidReplicaAssignmentInBothVersions() throws Exception {
        createTopic("reassign-empty", 1, Map.of());
        try (RawKafkaClient client = new RawKafkaClient(broker.address())) {
            for (short version = 0; version <= 1; version++) {
                AlterPartitionReassignmentsRequest request = new AlterPartitionReassignmentsRequest()
                        .setTopics(List.of(new AlterPartitionReassignmentsRequest.ReassignableTopic()
                                .setName("reassign-empty")
                                .setPartitions(List.of(new AlterPartitionReassignmentsRequest.ReassignablePartition()
                                        .setPartitionIndex(0)
                                        .setReplicas(List.of())))));
                AlterPartitionReassignmentsResponse response = (AlterPartitionReassignmentsResponse)
                        client.send(ApiKeys.ALTER_PARTITION_REASSIGNMENTS, version, request);
                assertThat(response.errorCode()).isZero();
                AlterPartitionReassignmentsResponse.ReassignablePartitionResponse partition =
                        response.responses().get(0).partitions().get(0);
                assertThat(partition.errorCode()).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT.code());
                assertThat(partition.errorMessage()).contains("empty");
            }
        }
    }

    @Test
    void cancellingWhenNothingIsReassigningIsNoReassignmentInProgress() throws Exception {
        createTopic("reassign-cancel", 1, Map.of());
        TopicPartition tp = new TopicPartition("reassign-cancel", 0);
        assertThat(failureOf(admin.alterPartitionReassignments(Map.of(tp, Optional.empty()))
                        .all()))
                .isInstanceOf(NoReassignmentInProgressException.class);
    }
}
