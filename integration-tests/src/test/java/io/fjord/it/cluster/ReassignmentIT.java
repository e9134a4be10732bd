package io.fjord.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.fjord.it.BrokerProcess;
import io.fjord.it.EmbeddedBroker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterPartitionReassignmentsOptions;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reassignment in a three-node quorum of in-process brokers, through the official Admin client. Broker 3
 * is stopped after the cluster forms: it stays registered (fenced), so it is a valid target that can never
 * join the ISR, and a reassignment onto it stays in progress whether or not followers replicate. The
 * quorum keeps its majority with nodes 1 and 2.
 */
class ReassignmentIT {

    @TempDir
    static Path dir;

    static final List<EmbeddedBroker> brokers = new ArrayList<>();
    static Admin admin;

    @BeforeAll
    static void startCluster() throws Exception {
        int[] kafkaPorts = new int[3];
        int[] raftPorts = new int[3];
        StringBuilder voters = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            kafkaPorts[i] = BrokerProcess.freePort();
            raftPorts[i] = BrokerProcess.freePort();
            voters.append(i == 0 ? "" : ",").append(i + 1).append("@127.0.0.1:").append(raftPorts[i]);
        }
        // A quorum member is ready only once a majority is up: start all three at once.
        List<CompletableFuture<EmbeddedBroker>> starting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int id = i + 1;
            Map<String, String> settings = Map.of(
                    "node.id", Integer.toString(id),
                    "process.roles", "broker,controller",
                    "controller.quorum.voters", voters.toString(),
                    "listeners", "PLAINTEXT://127.0.0.1:" + kafkaPorts[i] + ",CONTROLLER://127.0.0.1:" + raftPorts[i],
                    "controller.listener.names", "CONTROLLER",
                    "broker.session.timeout.ms", "3000",
                    "broker.heartbeat.interval.ms", "500",
                    "offsets.topic.replication.factor", "1");
            starting.add(
                    CompletableFuture.supplyAsync(() -> EmbeddedBroker.start(dir.resolve("node-" + id), settings)));
        }
        for (CompletableFuture<EmbeddedBroker> broker : starting) {
            brokers.add(broker.get(150, TimeUnit.SECONDS));
        }
        admin = LocalCluster.admin(brokers.get(0).bootstrap());
        awaitBrokers(Set.of(1, 2, 3));
        brokers.get(2).close();
        awaitBrokers(Set.of(1, 2)); // broker 3 fenced: no longer listed
    }

    @AfterAll
    static void stopCluster() {
        if (admin != null) {
            admin.close();
        }
        for (int i = 0; i < brokers.size(); i++) {
            if (i != 2) {
                brokers.get(i).close();
            }
        }
    }

    private static void awaitBrokers(Set<Integer> ids) throws Exception {
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Set<Integer> seen = new java.util.HashSet<>();
            for (Node node : admin.describeCluster().nodes().get(10, TimeUnit.SECONDS)) {
                seen.add(node.id());
            }
            if (seen.equals(ids)) {
                return;
            }
            if (System.nanoTime() > deadlineNs) {
                throw new AssertionError("brokers " + seen + " never became " + ids);
            }
            Thread.sleep(100);
        }
    }

    private static TopicPartitionInfo describe(String topic) throws Exception {
        TopicDescription description = admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get(15, TimeUnit.SECONDS)
                .get(topic);
        return description.partitions().get(0);
    }

    private static List<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }

    @Test
    void aReassignmentInProgressIsListedOnEveryBrokerAndCancellingItRestoresTheReplicas() throws Exception {
        admin.createTopics(List.of(new NewTopic("moving", Map.of(0, List.of(1)))))
                .all()
                .get(30, TimeUnit.SECONDS);
        TopicPartition tp = new TopicPartition("moving", 0);

        admin.alterPartitionReassignments(Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(3)))))
                .all()
                .get(30, TimeUnit.SECONDS);

        for (EmbeddedBroker broker : brokers.subList(0, 2)) {
            try (Admin other = LocalCluster.admin(broker.bootstrap())) {
                awaitListed(other, tp);
                Map<TopicPartition, PartitionReassignment> listed =
                        other.listPartitionReassignments().reassignments().get(15, TimeUnit.SECONDS);
                assertThat(listed).containsOnlyKeys(tp);
                assertThat(listed.get(tp).replicas()).containsExactly(3, 1);
                assertThat(listed.get(tp).addingReplicas()).containsExactly(3);
                assertThat(listed.get(tp).removingReplicas()).containsExactly(1);
                assertThat(other.listPartitionReassignments(Set.of(tp, new TopicPartition("moving", 5)))
                                .reassignments()
                                .get(15, TimeUnit.SECONDS))
                        .containsOnlyKeys(tp);
            }
        }
        TopicPartitionInfo moving = describe("moving");
        assertThat(moving.leader().id())
                .as("the leader stays until the target is in sync")
                .isEqualTo(1);

        // Headed for one replica: a target of two is a replication factor change.
        Throwable refused = catchThrowable(() -> admin.alterPartitionReassignments(
                        Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(2, 3)))),
                        new AlterPartitionReassignmentsOptions().allowReplicationFactorChange(false))
                .all()
                .get(30, TimeUnit.SECONDS));
        assertThat(refused).isInstanceOf(ExecutionException.class);
        assertThat(refused.getCause()).isInstanceOf(InvalidReplicationFactorException.class);

        admin.alterPartitionReassignments(Map.of(tp, Optional.empty())).all().get(30, TimeUnit.SECONDS);
        assertThat(admin.listPartitionReassignments().reassignments().get(15, TimeUnit.SECONDS))
                .isEmpty();
        TopicPartitionInfo restored = awaitReplicas("moving", List.of(1));
        assertThat(ids(restored.replicas())).containsExactly(1);
        assertThat(restored.leader().id()).isEqualTo(1);
    }

    /**
     * {@code topic}'s partition 0 once the broker answering has applied the change to {@code replicas} (each broker
     * applies a committed change a moment after the controller, and Admin describes through any of them), or as it
     * stands after 15 s.
     */
    private static TopicPartitionInfo awaitReplicas(String topic, List<Integer> replicas) throws Exception {
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        TopicPartitionInfo info = describe(topic);
        while (!ids(info.replicas()).equals(replicas) && System.nanoTime() < deadlineNs) {
            Thread.sleep(50);
            info = describe(topic);
        }
        return info;
    }

    /** Waits until {@code client}'s broker has applied the reassignment (its image may lag the controller's). */
    private static void awaitListed(Admin client, TopicPartition tp) throws Exception {
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!client.listPartitionReassignments(Set.of(tp))
                .reassignments()
                .get(15, TimeUnit.SECONDS)
                .containsKey(tp)) {
            if (System.nanoTime() > deadlineNs) {
                throw new AssertionError("the reassignment of " + tp + " never appeared");
            }
            Thread.sleep(50);
        }
    }
}
