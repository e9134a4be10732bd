package io.fjord.coordinator;

import static io.fjord.coordinator.GroupCoordinatorTestContext.done;
import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import io.fjord.protocol.message.ConsumerGroupHeartbeatRequest;
import io.fjord.protocol.message.ConsumerGroupHeartbeatResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A seeded simulation of consumer-protocol clients that join, heartbeat, leave, crash and rejoin while topics
 * grow and the coordinator restarts from its log, checking after every step that no partition is owned by two live clients, and at the end that every
 * subscribed partition is owned by exactly one. A failure names its seed; rerun that seed alone to debug.
 */
class ConsumerGroupSimulationTest {

    private static final String GROUP = "sim";

    private static final class Client {
        final String memberId;
        final List<String> topics;
        int epoch;
        boolean joined;
        Set<String> owned = new TreeSet<>();
        /** An assignment that revokes partitions: applied only when the client heartbeats next. */
        Set<String> pendingAssignment;

        Client(String memberId, List<String> topics) {
            this.memberId = memberId;
            this.topics = topics;
        }
    }

    private GroupCoordinatorTestContext ctx;
    private final Map<Uuid, String> names = new HashMap<>();
    private final Map<String, Integer> partitionCounts = new LinkedHashMap<>();

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
    void noPartitionIsEverOwnedTwiceAndAllEndUpOwned(long seed) {
        ctx = new GroupCoordinatorTestContext();
        Random random = new Random(seed);
        for (String topic : List.of("t0", "t1", "t2")) {
            createTopic(topic, 1 + random.nextInt(6));
        }
        List<Client> live = new ArrayList<>();
        int nextId = 0;
        for (int step = 0; step < 400; step++) {
            int action = random.nextInt(100);
            if (action < 10 && live.size() < 8) {
                List<String> topics = new ArrayList<>();
                for (String t : partitionCounts.keySet()) {
                    if (random.nextInt(3) > 0) {
                        topics.add(t);
                    }
                }
                Client client = new Client("m" + nextId++, topics.isEmpty() ? List.of("t0") : topics);
                live.add(client);
                heartbeat(client, seed);
            } else if (action < 14 && !live.isEmpty()) {
                Client leaving = live.remove(random.nextInt(live.size()));
                heartbeat(leaving, -1, seed);
            } else if (action < 17 && !live.isEmpty()) {
                live.remove(random.nextInt(live.size())); // crashed: never heard from again
            } else if (action < 20) {
                String topic = "t" + random.nextInt(3);
                createTopic(topic, partitionCounts.get(topic) + 1);
            } else if (action < 22) {
                ctx.restart(); // the coordinator moves: state comes back from the log
            } else if (action < 30) {
                ctx.advance(random.nextInt(5_000));
                live.forEach(c -> heartbeat(c, seed));
            } else if (!live.isEmpty()) {
                heartbeat(live.get(random.nextInt(live.size())), seed);
            }
            assertNoPartitionOwnedTwice(live, seed, step);
        }
        // Calm: the crashed members' sessions expire, everyone reconciles.
        for (int i = 0; i < 20; i++) {
            ctx.advance(5_000);
            live.forEach(c -> heartbeat(c, seed));
            assertNoPartitionOwnedTwice(live, seed, -1);
        }
        Set<String> expected = new TreeSet<>();
        for (Client c : live) {
            for (String t : c.topics) {
                for (int p = 0; p < partitionCounts.get(t); p++) {
                    expected.add(t + "-" + p);
                }
            }
        }
        Set<String> owned = new TreeSet<>();
        live.forEach(c -> owned.addAll(c.owned));
        assertThat(owned)
                .as("seed %d: every subscribed partition is owned", seed)
                .isEqualTo(expected);
    }

    private void createTopic(String name, int partitions) {
        names.put(ctx.topics.create(name, partitions), name);
        partitionCounts.put(name, partitions);
    }

    private void heartbeat(Client client, long seed) {
        heartbeat(client, client.joined ? client.epoch : 0, seed);
    }

    private void heartbeat(Client client, int epoch, long seed) {
        if (client.pendingAssignment != null) {
            client.owned = client.pendingAssignment; // the revocation callback has run
            client.pendingAssignment = null;
        }
        ConsumerGroupHeartbeatRequest request = new ConsumerGroupHeartbeatRequest()
                .setGroupId(GROUP)
                .setMemberId(client.memberId)
                .setMemberEpoch(epoch)
                .setRebalanceTimeoutMs(epoch == 0 ? 60_000 : -1)
                .setSubscribedTopicNames(epoch == 0 ? client.topics : null)
                .setTopicPartitions(epoch == 0 ? List.of() : owned(client));
        ConsumerGroupHeartbeatResponse response =
                done(ctx.coordinator.consumerGroupHeartbeat(request, (short) 1, "sim", "/10.0.0.1"));
        if (epoch < 0) {
            client.joined = false;
            client.owned.clear();
            client.pendingAssignment = null;
            return;
        }
        if (response.errorCode() == Errors.UNKNOWN_MEMBER_ID.code()
                || response.errorCode() == Errors.FENCED_MEMBER_EPOCH.code()) {
            client.joined = false; // fenced: drop everything and rejoin next time
            client.owned.clear();
            client.pendingAssignment = null;
            return;
        }
        assertThat(response.errorCode())
                .as("seed %d: heartbeat of %s", seed, client.memberId)
                .isEqualTo(Errors.NONE.code());
        client.joined = true;
        client.epoch = response.memberEpoch();
        if (response.assignment() != null) {
            Set<String> assigned = new TreeSet<>();
            for (ConsumerGroupHeartbeatResponse.TopicPartitions tp :
                    response.assignment().topicPartitions()) {
                tp.partitions().forEach(p -> assigned.add(names.get(tp.topicId()) + "-" + p));
            }
            if (assigned.containsAll(client.owned)) {
                client.owned = assigned;
            } else {
                // Like the Java client: revoked partitions stay owned until the revocation completes, which
                // is reported on the next heartbeat.
                client.pendingAssignment = assigned;
            }
        }
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

    private static void assertNoPartitionOwnedTwice(List<Client> live, long seed, int step) {
        Map<String, String> owners = new HashMap<>();
        for (Client c : live) {
            for (String tp : c.owned) {
                String previous = owners.put(tp, c.memberId);
                assertThat(previous)
                        .as("seed %d step %d: %s owned by %s and %s", seed, step, tp, previous, c.memberId)
                        .isNull();
            }
        }
    }
}
