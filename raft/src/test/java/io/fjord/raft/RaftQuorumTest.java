package io.fjord.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import io.fjord.metadata.AlterConfigOp;
import io.fjord.metadata.AlterConfigsResource;
import io.fjord.metadata.BrokerRegistration;
import io.fjord.metadata.ConfigRecord;
import io.fjord.metadata.ConfigResource;
import io.fjord.metadata.ConfigResourceType;
import io.fjord.metadata.ControllerConfig;
import io.fjord.metadata.CreatableTopic;
import io.fjord.metadata.CreatePartitionsTopic;
import io.fjord.metadata.CreateTopicResult;
import io.fjord.metadata.Endpoint;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.MetadataRecord;
import io.fjord.metadata.NoOpRecord;
import io.fjord.metadata.ScramAlgorithm;
import io.fjord.metadata.ScramCredentialDeletion;
import io.fjord.metadata.ScramCredentialUpsertion;
import io.fjord.metadata.ScramImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RaftQuorumTest {

    @TempDir
    Path dir;

    private static List<Endpoint> endpoints(int port) {
        return List.of(new Endpoint("PLAINTEXT", "127.0.0.1", port, "PLAINTEXT"));
    }

    @Test
    void threeNodesElectOneLeaderAndEveryNodeAppliesTheSameRecordsInTheSameOrder() throws Exception {
        try (QuorumTestContext quorum = new QuorumTestContext(dir, 3, 10_000).startAll()) {
            int leader = quorum.awaitLeader(15_000);
            List<CompletableFuture<Long>> appends = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                int from = 1 + i % 3;
                appends.add(quorum.node(from)
                        .log()
                        .append(List.of(new ConfigRecord(ConfigResourceType.BROKER, "", "key" + i, "node" + from))));
            }
            List<Long> offsets = new ArrayList<>();
            for (CompletableFuture<Long> append : appends) {
                offsets.add(append.get(30, TimeUnit.SECONDS));
            }
            assertThat(offsets).doesNotHaveDuplicates().allMatch(offset -> offset >= 0 && offset < 6);

            MetadataImage image = quorum.awaitSameImage(15_000);
            assertThat(image.configs().configs(ConfigResource.broker("")))
                    .as("image %s", image)
                    .hasSize(6);
            assertThat(image.offset()).isEqualTo(5);
            List<MetadataRecord> leaderRecords = quorum.listener(leader).records();
            assertThat(leaderRecords).hasSize(6);
            for (int id = 1; id <= 3; id++) {
                assertThat(quorum.listener(id).records()).isEqualTo(leaderRecords);
                assertThat(quorum.listener(id).replayCompleteOffset).isGreaterThanOrEqualTo(-1L);
            }
            assertThat(quorum.listener(leader).leaderEpochs).isNotEmpty();
        }
    }

    @Test
    void createTopicsOnAFollowerIsForwardedAndItsResultsReturned() throws Exception {
        try (QuorumTestContext quorum = new QuorumTestContext(dir, 3, 10_000).startAll()) {
            int leader = quorum.awaitLeader(15_000);
            int follower = quorum.aFollower(leader);
            RaftController controller = quorum.node(follower).controller();
            controller.registerBroker(1, new Uuid(1, 1), endpoints(9001), null).get(30, TimeUnit.SECONDS);
            controller.registerBroker(2, new Uuid(2, 2), endpoints(9002), null).get(30, TimeUnit.SECONDS);

            List<CreateTopicResult> results = controller
                    .createTopics(List.of(CreatableTopic.of("orders", 3, 2)), false)
                    .get(30, TimeUnit.SECONDS);
            assertThat(results).singleElement().satisfies(r -> {
                assertThat(r.error()).isEqualTo(Errors.NONE);
                assertThat(r.topicId().isZero()).isFalse();
                assertThat(r.numPartitions()).isEqualTo(3);
                assertThat(r.replicationFactor()).isEqualTo(2);
            });
            assertThat(quorum.node(follower).loader().image().topics().topic("orders"))
                    .as("the forwarding node has applied the topic when its request completes")
                    .isNotNull();
            List<CreateTopicResult> again = quorum.node(leader)
                    .controller()
                    .createTopics(List.of(CreatableTopic.of("orders", 1, 1)), false)
                    .get(30, TimeUnit.SECONDS);
            assertThat(again.get(0).error()).isEqualTo(Errors.TOPIC_ALREADY_EXISTS);

            MetadataImage image = quorum.awaitSameImage(15_000);
            assertThat(image.topics().topic("orders").id())
                    .isEqualTo(results.get(0).topicId());
            assertThat(image.topics().topic("orders").numPartitions()).isEqualTo(3);

            assertThat(controller
                            .createPartitions(List.of(new CreatePartitionsTopic("orders", 5, null)), false)
                            .get(30, TimeUnit.SECONDS))
                    .singleElement()
                    .satisfies(r -> assertThat(r.error()).isEqualTo(Errors.NONE));
            AlterConfigsResource retention = new AlterConfigsResource(
                    ConfigResource.topic("orders"),
                    List.of(new AlterConfigOp("retention.ms", AlterConfigOp.OpType.SET, "1000")));
            assertThat(controller
                            .incrementalAlterConfigs(List.of(retention), false)
                            .get(30, TimeUnit.SECONDS))
                    .singleElement()
                    .satisfies(r -> assertThat(r.error()).isEqualTo(Errors.NONE));
            MetadataImage altered = quorum.awaitSameImage(15_000);
            assertThat(altered.topics().topic("orders").numPartitions()).isEqualTo(5);
            assertThat(altered.configs().configs(ConfigResource.topic("orders")))
                    .containsEntry("retention.ms", "1000");

            // the legacy AlterConfigs replaces the whole set: retention.ms goes, segment.ms comes
            AlterConfigsResource replacement = new AlterConfigsResource(
                    ConfigResource.topic("orders"),
                    List.of(new AlterConfigOp("segment.ms", AlterConfigOp.OpType.SET, "60000")));
            assertThat(controller.alterConfigs(List.of(replacement), false).get(30, TimeUnit.SECONDS))
                    .singleElement()
                    .satisfies(r -> assertThat(r.error()).isEqualTo(Errors.NONE));
            assertThat(quorum.awaitSameImage(15_000).configs().configs(ConfigResource.topic("orders")))
                    .containsOnly(Map.entry("segment.ms", "60000"));

            assertThat(controller.deleteTopics(List.of("orders"), List.of()).get(30, TimeUnit.SECONDS))
                    .singleElement()
                    .satisfies(r -> assertThat(r.error()).isEqualTo(Errors.NONE));
            assertThat(quorum.awaitSameImage(15_000).topics().topic("orders")).isNull();
        }
    }

    @Test
    void aNewLeaderTakesOverWhenTheLeaderStopsAndTheOldNodeCatchesUpFromASnapshot() throws Exception {
        try (QuorumTestContext quorum = new QuorumTestContext(dir, 3, 20).startAll()) {
            int leader = quorum.awaitLeader(15_000);
            quorum.node(leader).log().append(List.of(new NoOpRecord())).get(30, TimeUnit.SECONDS);
            quorum.awaitSameImage(15_000);

            long stoppedAtIndex = quorum.node(leader).log().appliedRaftIndex();
            long stoppedNs = System.nanoTime();
            quorum.stop(leader);
            int newLeader = quorum.awaitLeader(15_000);
            long electionMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedNs);
            System.out.println("New metadata leader " + newLeader + " elected " + electionMs + " ms after leader "
                    + leader + " stopped");
            assertThat(newLeader).isNotEqualTo(leader);
            assertThat(electionMs).isLessThan(10_000);

            // Enough entries for several snapshots and closed segments, so the old node's missing entries
            // are purged from the others' logs and it can only catch up from a snapshot.
            int survivor = quorum.aFollower(newLeader);
            String padding = "x".repeat(512);
            for (int i = 0; i < 80; i++) {
                quorum.node(i % 2 == 0 ? newLeader : survivor)
                        .log()
                        .append(List.of(new ConfigRecord(ConfigResourceType.BROKER, "", "key" + i % 30, i + padding)))
                        .get(30, TimeUnit.SECONDS);
            }
            MetadataImage image = quorum.awaitSameImage(15_000);
            QuorumTestContext.await(
                    15_000,
                    "the leader's log purged past the stopped node's last entry",
                    () -> quorum.node(newLeader).log().raftLogStartIndex() > stoppedAtIndex + 1);

            quorum.start(leader);
            quorum.node(leader).ready().get(30, TimeUnit.SECONDS);
            MetadataImage caughtUp = quorum.awaitSameImage(20_000);
            assertThat(caughtUp).isEqualTo(image);
            assertThat(quorum.node(leader).loader().image()).isEqualTo(image);
            assertThat(quorum.node(leader).log().appliedRaftIndex()).isGreaterThan(stoppedAtIndex);

            quorum.node(leader).log().append(List.of(new NoOpRecord())).get(30, TimeUnit.SECONDS);
            assertThat(quorum.awaitSameImage(15_000).offset()).isEqualTo(image.offset() + 1);
        }
    }

    @Test
    void aBrokerThatStopsHeartbeatingIsFencedAfterTheSessionTimeoutAndUnfencedWhenItReturns() throws Exception {
        try (QuorumTestContext quorum = new QuorumTestContext(dir, 3, 10_000).startAll()) {
            int leader = quorum.awaitLeader(15_000);
            RaftController controller = quorum.node(quorum.aFollower(leader)).controller();
            Uuid incarnation = new Uuid(5, 5);
            // A listener that accepts: the session timeout alone decides (no fast failure detection).
            java.net.ServerSocket listener =
                    new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            controller
                    .registerBroker(
                            5,
                            incarnation,
                            List.of(new Endpoint("PLAINTEXT", "127.0.0.1", listener.getLocalPort(), "PLAINTEXT")),
                            null)
                    .get(30, TimeUnit.SECONDS);
            // Heartbeating keeps it unfenced past the session timeout.
            Thread.sleep(QuorumTestContext.SESSION_TIMEOUT_MS * 2);
            assertThat(quorum.awaitSameImage(10_000).cluster().broker(5).fenced())
                    .isFalse();

            controller.stopHeartbeats(5);
            // One last heartbeat from the test: the controller hears it no sooner than it is sent, and a scheduled
            // one still on its way only comes later, so the session runs out no sooner than SESSION_TIMEOUT_MS
            // from here, however late the scheduled heartbeats ran.
            long lastHeartbeatNs = System.nanoTime();
            assertThat(controller.heartbeat(5, incarnation).get(30, TimeUnit.SECONDS))
                    .as("fenced when its heartbeats stopped")
                    .isFalse();
            QuorumTestContext.await(
                    2 * QuorumTestContext.SESSION_TIMEOUT_MS + 10_000,
                    "broker 5 fenced on every node",
                    () -> fencedEverywhere(quorum, 5, true));
            long fencedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastHeartbeatNs);
            System.out.println("Broker 5 fenced " + fencedAfterMs + " ms after its last heartbeat");
            assertThat(fencedAfterMs)
                    .as("fenced after the session timeout, not before")
                    .isGreaterThanOrEqualTo(QuorumTestContext.SESSION_TIMEOUT_MS);

            listener.close();
            assertThat(controller.heartbeat(5, incarnation).get(30, TimeUnit.SECONDS))
                    .isTrue();
            QuorumTestContext.await(
                    10_000, "broker 5 unfenced on every node", () -> fencedEverywhere(quorum, 5, false));

            assertThat(controller.heartbeat(5, new Uuid(9, 9)))
                    .failsWithin(30, TimeUnit.SECONDS)
                    .withThrowableThat()
                    .withMessageContaining("incarnation");
        }
    }

    @Test
    void aKilledBrokerWhoseListenerRefusesConnectionsIsFencedWellBeforeItsSessionTimeout() throws Exception {
        // A session far longer than the wait for the fence below: whatever the machine's speed, the session
        // cannot have run out when the broker is fenced, so only the probe of its refused listener fenced it.
        long sessionTimeoutMs = 60_000;
        try (QuorumTestContext quorum = new QuorumTestContext(dir, 3, 10_000, sessionTimeoutMs).startAll()) {
            int leader = quorum.awaitLeader(15_000);
            RaftController controller = quorum.node(quorum.aFollower(leader)).controller();
            int closedPort = QuorumTestContext.freePort();
            long registeringNs = System.nanoTime();
            controller
                    .registerBroker(
                            5,
                            new Uuid(5, 5),
                            List.of(new Endpoint("PLAINTEXT", "127.0.0.1", closedPort, "PLAINTEXT")),
                            null)
                    .get(30, TimeUnit.SECONDS);
            controller.stopHeartbeats(5);
            long stoppedNs = System.nanoTime();
            QuorumTestContext.await(30_000, "broker 5 fenced on every node", () -> fencedEverywhere(quorum, 5, true));
            long fencedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedNs);
            long sinceRegisteringMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - registeringNs);
            System.out.println("Broker 5 (listener gone) fenced " + fencedAfterMs + " ms after its heartbeats stopped, "
                    + sinceRegisteringMs + " ms after it began to register");
            // Its session starts no sooner than its registration is applied, so the session timeout alone fences
            // no sooner than sessionTimeoutMs after the registration was sent.
            assertThat(sinceRegisteringMs)
                    .as("fenced before its session could run out")
                    .isLessThan(sessionTimeoutMs);
        }
    }

    @Test
    void fencingABrokerMovesItsLeadershipsOnEveryNodeAndControlledShutdownHandsThemBack() throws Exception {
        try (QuorumTestContext quorum = new QuorumTestContext(dir, 3, 10_000).startAll()) {
            int leader = quorum.awaitLeader(15_000);
            RaftController controller = quorum.node(quorum.aFollower(leader)).controller();
            controller.registerBroker(5, new Uuid(5, 5), endpoints(9005), null).get(30, TimeUnit.SECONDS);
            controller.registerBroker(6, new Uuid(6, 6), endpoints(9006), null).get(30, TimeUnit.SECONDS);
            CreatableTopic topic = new CreatableTopic(
                    "moves", -1, -1, java.util.Map.of(0, new int[] {5, 6}, 1, new int[] {6, 5}), java.util.Map.of());
            assertThat(controller
                            .createTopics(List.of(topic), false)
                            .get(30, TimeUnit.SECONDS)
                            .get(0)
                            .error())
                    .isEqualTo(Errors.NONE);

            assertThat(controller.controlledShutdown(6, new Uuid(6, 6)).get(30, TimeUnit.SECONDS))
                    .isTrue();
            QuorumTestContext.await(
                    10_000, "broker 6 hands partition 1 to broker 5", () -> leaderEverywhere(quorum, 1, 5, 5));

            controller.stopHeartbeats(5);
            QuorumTestContext.await(10_000, "broker 5 fenced on every node", () -> fencedEverywhere(quorum, 5, true));
            // The shutting-down broker 6 may not lead: both partitions lose their leader, 5 stays the ISR.
            QuorumTestContext.await(
                    10_000,
                    "leaderless on every node",
                    () -> leaderEverywhere(quorum, 0, -1, 5) && leaderEverywhere(quorum, 1, -1, 5));
            MetadataImage image = quorum.awaitSameImage(10_000);
            assertThat(image.topics().topic("moves").partition(0).leaderEpoch()).isEqualTo(1);
        }
    }

    @Test
    void aReassignmentStartsAndCompletesIdenticallyOnEveryNode() throws Exception {
        try (QuorumTestContext quorum = new QuorumTestContext(dir, 3, 10_000).startAll()) {
            int leader = quorum.awaitLeader(15_000);
            RaftController controller = quorum.node(quorum.aFollower(leader)).controller();
            controller.registerBroker(5, new Uuid(5, 5), endpoints(9005), null).get(30, TimeUnit.SECONDS);
            controller.registerBroker(6, new Uuid(6, 6), endpoints(9006), null).get(30, TimeUnit.SECONDS);
            CreatableTopic topic =
                    new CreatableTopic("moving", -1, -1, java.util.Map.of(0, new int[] {5}), java.util.Map.of());
            controller.createTopics(List.of(topic), false).get(30, TimeUnit.SECONDS);

            List<io.fjord.metadata.ReassignmentResult> started = controller
                    .alterPartitionReassignments(List.of(
                            new io.fjord.metadata.PartitionReassignment("moving", 0, new int[] {6}),
                            new io.fjord.metadata.PartitionReassignment("moving", 1, new int[] {6}),
                            new io.fjord.metadata.PartitionReassignment("moving", 0, new int[] {6, 6})))
                    .get(30, TimeUnit.SECONDS);
            assertThat(started)
                    .extracting(io.fjord.metadata.ReassignmentResult::error)
                    .containsExactly(Errors.NONE, Errors.UNKNOWN_TOPIC_OR_PARTITION, Errors.INVALID_REPLICA_ASSIGNMENT);
            var reassigning =
                    quorum.awaitSameImage(10_000).topics().topic("moving").partition(0);
            assertThat(reassigning.replicas()).containsExactly(6, 5);
            assertThat(reassigning.addingReplicas()).containsExactly(6);
            assertThat(reassigning.removingReplicas()).containsExactly(5);

            // The leader 5 reports 6 in sync: the reassignment completes and 6 takes over.
            var answer = controller
                    .alterPartition(
                            5,
                            List.of(new io.fjord.metadata.AlterPartitionItem(
                                    quorum.awaitSameImage(10_000)
                                            .topics()
                                            .topic("moving")
                                            .id(),
                                    0,
                                    reassigning.leaderEpoch(),
                                    reassigning.partitionEpoch(),
                                    new int[] {5, 6})))
                    .get(30, TimeUnit.SECONDS)
                    .get(0);
            assertThat(answer.error()).isEqualTo(Errors.NONE);
            var done = quorum.awaitSameImage(10_000).topics().topic("moving").partition(0);
            assertThat(done).isEqualTo(answer.partition());
            assertThat(done.replicas()).containsExactly(6);
            assertThat(done.isr()).containsExactly(6);
            assertThat(done.leader()).isEqualTo(6);
            assertThat(done.isReassigning()).isFalse();

            assertThat(controller
                            .alterPartitionReassignments(
                                    List.of(new io.fjord.metadata.PartitionReassignment("moving", 0, null)))
                            .get(30, TimeUnit.SECONDS)
                            .get(0)
                            .error())
                    .isEqualTo(Errors.NO_REASSIGNMENT_IN_PROGRESS);
        }
    }

    /** Whether every node's image shows partition {@code p} of "moves" led by {@code leader} with ISR [isr]. */
    private static boolean leaderEverywhere(QuorumTestContext quorum, int p, int leader, int isr) {
        for (int id = 1; id <= 3; id++) {
            var topic = quorum.node(id).loader().image().topics().topic("moves");
            if (topic == null
                    || topic.partition(p).leader() != leader
                    || !java.util.Arrays.equals(topic.partition(p).isr(), new int[] {isr})) {
                return false;
            }
        }
        return true;
    }

    @Test
    void aFencingProposedByANodeThatNoLongerLeadsChangesNothing() throws Exception {
        try (QuorumTestContext quorum = new QuorumTestContext(dir, 3, 10_000).startAll()) {
            int leader = quorum.awaitLeader(15_000);
            RaftMetadataNode follower = quorum.node(quorum.aFollower(leader));
            Uuid incarnation = new Uuid(7, 7);
            java.net.ServerSocket listener =
                    new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            follower.controller()
                    .registerBroker(
                            7,
                            incarnation,
                            List.of(new Endpoint("PLAINTEXT", "127.0.0.1", listener.getLocalPort(), "PLAINTEXT")),
                            null)
                    .get(30, TimeUnit.SECONDS);

            // Term 0 is before any leader: as if written by a leader since deposed, logged by its successor.
            follower.log()
                    .submit(new MetadataCommand.SetBrokerFenced(7, incarnation, true, ControllerConfig.DEFAULT, 0L))
                    .get(30, TimeUnit.SECONDS);
            assertThat(quorum.awaitSameImage(10_000).cluster().broker(7).fenced())
                    .isFalse();

            follower.log()
                    .submit(new MetadataCommand.SetBrokerFenced(7, incarnation, true, ControllerConfig.DEFAULT))
                    .get(30, TimeUnit.SECONDS);
            assertThat(quorum.awaitSameImage(10_000).cluster().broker(7).fenced())
                    .as("an entry without a proposer term (written before it was carried) still applies")
                    .isTrue();
            listener.close();
        }
    }

    private static boolean fencedEverywhere(QuorumTestContext quorum, int brokerId, boolean fenced) {
        for (int id = 1; id <= 3; id++) {
            BrokerRegistration broker =
                    quorum.node(id).loader().image().cluster().broker(brokerId);
            if (broker == null || broker.fenced() != fenced) {
                return false;
            }
        }
        return true;
    }

    @Test
    void aSingleNodeQuorumLeadsAloneAndRecoversItsStateAfterARestart() throws Exception {
        try (QuorumTestContext quorum = new QuorumTestContext(dir, 1, 5).startAll()) {
            quorum.awaitLeader(15_000);
            RaftController controller = quorum.node(1).controller();
            long epoch = controller
                    .registerBroker(1, new Uuid(1, 1), endpoints(9092), null)
                    .get(30, TimeUnit.SECONDS);
            assertThat(epoch).isEqualTo(0L);
            for (int i = 0; i < 8; i++) {
                assertThat(controller
                                .createTopics(List.of(CreatableTopic.of("t" + i, 2, 1)), false)
                                .get(30, TimeUnit.SECONDS)
                                .get(0)
                                .error())
                        .isEqualTo(Errors.NONE);
            }
            MetadataImage before = quorum.awaitSameImage(10_000);
            assertThat(before.topics().topicsByName()).hasSize(8);

            quorum.stop(1);
            quorum.start(1);
            MetadataImage after = quorum.node(1).ready().get(30, TimeUnit.SECONDS);
            assertThat(after).isEqualTo(before);
            assertThat(quorum.awaitLeader(15_000)).isEqualTo(1);
            assertThat(quorum.node(1)
                            .controller()
                            .createTopics(List.of(CreatableTopic.of("t0", 1, 1)), false)
                            .get(30, TimeUnit.SECONDS)
                            .get(0)
                            .error())
                    .isEqualTo(Errors.TOPIC_ALREADY_EXISTS);
        }
    }

    @Test
    void brokersAskingDifferentNodesForProducerIdsGetDisjointBlocksThatSurviveARestart() throws Exception {
        try (QuorumTestContext quorum = new QuorumTestContext(dir, 3, 5).startAll()) {
            int leader = quorum.awaitLeader(15_000);
            int follower = quorum.aFollower(leader);
            RaftController viaFollower = quorum.node(follower).controller();
            RaftController viaLeader = quorum.node(leader).controller();
            viaFollower.registerBroker(1, new Uuid(1, 1), endpoints(9001), null).get(30, TimeUnit.SECONDS);
            viaLeader.registerBroker(2, new Uuid(2, 2), endpoints(9002), null).get(30, TimeUnit.SECONDS);

            List<CompletableFuture<Long>> blocks = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                blocks.add(viaFollower.allocateProducerIds(1));
                blocks.add(viaLeader.allocateProducerIds(2));
            }
            List<Long> firsts = new ArrayList<>();
            for (CompletableFuture<Long> block : blocks) {
                firsts.add(block.get(30, TimeUnit.SECONDS));
            }
            assertThat(firsts).doesNotHaveDuplicates().allMatch(first -> first % 1000 == 0 && first < 12_000);
            assertThatThrownBy(() -> viaLeader.allocateProducerIds(3).get(30, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOfSatisfying(
                            ApiException.class, e -> assertThat(e.error()).isEqualTo(Errors.BROKER_ID_NOT_REGISTERED));
            assertThat(quorum.awaitSameImage(15_000).producerIds().nextProducerId())
                    .isEqualTo(12_000L);

            // Snapshots every 5 entries: the restarted node rebuilds the mark from a snapshot and the log.
            quorum.stop(follower);
            quorum.start(follower);
            quorum.node(follower).ready().get(30, TimeUnit.SECONDS);
            assertThat(quorum.awaitSameImage(20_000).producerIds().nextProducerId())
                    .isEqualTo(12_000L);
            assertThat(quorum.node(follower).controller().allocateProducerIds(1).get(30, TimeUnit.SECONDS))
                    .isEqualTo(12_000L);
        }
    }

    @Test
    void scramCredentialsSetThroughAFollowerReachEveryNodeAndSurviveASnapshotRestart() throws Exception {
        try (QuorumTestContext quorum = new QuorumTestContext(dir, 3, 5).startAll()) {
            int leader = quorum.awaitLeader(15_000);
            int follower = quorum.aFollower(leader);
            RaftController viaFollower = quorum.node(follower).controller();
            byte[] salt = {4, 5, 6};
            byte[] salted = ScramAlgorithm.SCRAM_SHA_256.saltedPassword(new byte[] {'p', 'w'}, salt, 4096);
            for (int i = 0; i < 6; i++) { // enough entries for snapshots
                assertThat(viaFollower
                                .alterUserScramCredentials(
                                        List.of(),
                                        List.of(ScramCredentialUpsertion.fromSaltedPassword(
                                                "user" + i, ScramAlgorithm.SCRAM_SHA_256.type(), 4096, salt, salted)))
                                .get(30, TimeUnit.SECONDS))
                        .singleElement()
                        .satisfies(r -> assertThat(r.error()).isEqualTo(Errors.NONE));
            }
            assertThat(viaFollower
                            .alterUserScramCredentials(
                                    List.of(
                                            new ScramCredentialDeletion("user0", ScramAlgorithm.SCRAM_SHA_256.type()),
                                            new ScramCredentialDeletion("nobody", ScramAlgorithm.SCRAM_SHA_256.type())),
                                    List.of())
                            .get(30, TimeUnit.SECONDS))
                    .extracting(r -> r.error())
                    .containsExactly(Errors.NONE, Errors.RESOURCE_NOT_FOUND);
            ScramImage expected = quorum.awaitSameImage(15_000).scram();
            assertThat(expected.credentials(ScramAlgorithm.SCRAM_SHA_256))
                    .containsOnlyKeys("user1", "user2", "user3", "user4", "user5");
            assertThat(expected.credential(ScramAlgorithm.SCRAM_SHA_256, "user1")
                            .storedKey())
                    .isEqualTo(ScramAlgorithm.SCRAM_SHA_256.storedKey(salted));

            quorum.stop(follower);
            quorum.start(follower);
            quorum.node(follower).ready().get(30, TimeUnit.SECONDS);
            assertThat(quorum.awaitSameImage(20_000).scram()).isEqualTo(expected);
        }
    }
}
