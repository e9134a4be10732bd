package io.fjord.it.groups;

import static io.fjord.it.groups.GroupClients.consumer;
import static io.fjord.it.groups.GroupClients.pollRecords;
import static io.fjord.it.groups.GroupClients.pollUntil;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.SubscriptionPattern;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Group membership with the official Java client, classic and KIP-848 protocols: a member beyond the
 * partition count is idle; a member whose JVM is killed (SIGKILL, so no LeaveGroup) loses its partitions to
 * the others once its session times out; two groups on one topic read it independently; a regular-expression
 * subscription (client-side for classic, coordinator-side for KIP-848) picks up a topic created later.
 */
class GroupMembershipIT extends GroupBrokerTest {

    @TempDir
    static Path logDir;

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void aSeventhMemberOnSixPartitionsIsIdle(String protocol) throws Exception {
        String topic = "seven-" + protocol;
        GroupClients.createTopic(broker.bootstrap(), topic, 6);
        List<KafkaConsumer<String, String>> consumers = new ArrayList<>();
        try {
            for (int i = 0; i < 7; i++) {
                KafkaConsumer<String, String> c = consumer(broker.bootstrap(), "seven-" + protocol, protocol);
                c.subscribe(List.of(topic));
                consumers.add(c);
            }
            pollUntil(
                    consumers,
                    () -> consumers.stream().allMatch(c -> c.assignment().size() <= 1)
                            && union(consumers).size() == 6
                            && total(consumers) == 6,
                    60_000);
            long idle = consumers.stream().filter(c -> c.assignment().isEmpty()).count();
            assertThat(idle).as("members without a partition").isEqualTo(1);
            assertThat(union(consumers)).hasSize(6);
        } finally {
            consumers.forEach(KafkaConsumer::close);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void aKilledMemberLosesItsPartitionsToTheOthersAfterTheSessionTimeout(String protocol) throws Exception {
        String topic = "killed-" + protocol;
        String group = "killed-" + protocol;
        GroupClients.createTopic(broker.bootstrap(), topic, 6);
        List<KafkaConsumer<String, String>> survivors = new ArrayList<>();
        try (ChildProcess child = ChildProcess.startJava(
                logDir.resolve("killed-" + protocol + ".log"),
                ChildConsumer.class,
                broker.bootstrap(),
                group,
                topic,
                protocol,
                "member")) {
            child.awaitLine(l -> l.equals("ASSIGNED 0,1,2,3,4,5"), 60_000);
            for (int i = 0; i < 2; i++) {
                KafkaConsumer<String, String> c = consumer(broker.bootstrap(), group, protocol);
                c.subscribe(List.of(topic));
                survivors.add(c);
            }
            pollUntil(
                    survivors,
                    () -> survivors.stream().allMatch(c -> c.assignment().size() == 2),
                    60_000);
            String childLine = child.awaitLine(l -> l.startsWith("ASSIGNED") && l.split(",").length == 2, 30_000);
            Set<TopicPartition> childPartitions = new HashSet<>();
            for (String p : childLine.substring("ASSIGNED ".length()).split(",")) {
                childPartitions.add(new TopicPartition(topic, Integer.parseInt(p)));
            }
            assertThat(union(survivors)).doesNotContainAnyElementsOf(childPartitions);

            long killedAtMs = System.currentTimeMillis();
            child.kill();
            pollUntil(survivors, () -> union(survivors).size() == 6 && total(survivors) == 6, 60_000);
            long takenMs = System.currentTimeMillis() - killedAtMs;

            assertThat(union(survivors)).containsAll(childPartitions);
            assertThat(survivors).allSatisfy(c -> assertThat(c.assignment()).hasSize(3));
            // No LeaveGroup was sent, so only the session timeout can have freed the partitions: a leave (or a
            // closed connection taken for one) frees them within a rebalance. The session runs from the child's
            // last heartbeat the broker saw, which a loaded machine may have delayed well past the 500 ms
            // interval, so the bound allows for half a session of such delay.
            assertThat(takenMs)
                    .as("ms from kill to reassignment, session timeout %d ms", GroupClients.SESSION_TIMEOUT_MS)
                    .isGreaterThanOrEqualTo(GroupClients.SESSION_TIMEOUT_MS / 2);
        } finally {
            survivors.forEach(KafkaConsumer::close);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void twoGroupsReadTheSameTopicIndependently(String protocol) throws Exception {
        String topic = "two-groups-" + protocol;
        GroupClients.createTopic(broker.bootstrap(), topic, 2);
        GroupClients.produce(broker.bootstrap(), topic, 2, 0, 100);
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        try (KafkaConsumer<String, String> a = consumer(broker.bootstrap(), "ga-" + protocol, protocol);
                KafkaConsumer<String, String> b = consumer(broker.bootstrap(), "gb-" + protocol, protocol)) {
            a.subscribe(List.of(topic));
            b.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> readByA = pollRecords(a, 100, 60_000);
            List<ConsumerRecord<String, String>> readByB = pollRecords(b, 100, 60_000);
            assertThat(values(readByA)).as("group a reads everything").hasSize(100);
            assertThat(values(readByB)).as("group b reads everything too").isEqualTo(values(readByA));
            a.commitSync(Map.of(p0, new OffsetAndMetadata(50), p1, new OffsetAndMetadata(50)));
            b.commitSync(Map.of(p0, new OffsetAndMetadata(10), p1, new OffsetAndMetadata(20)));
            assertThat(a.committed(Set.of(p0, p1)))
                    .isEqualTo(Map.of(p0, new OffsetAndMetadata(50), p1, new OffsetAndMetadata(50)));
            assertThat(b.committed(Set.of(p0, p1)))
                    .isEqualTo(Map.of(p0, new OffsetAndMetadata(10), p1, new OffsetAndMetadata(20)));
        }
        // Each group's next member resumes at its own group's offsets.
        try (KafkaConsumer<String, String> b2 = consumer(broker.bootstrap(), "gb-" + protocol, protocol)) {
            b2.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> readByB2 = pollRecords(b2, 70, 60_000);
            assertThat(readByB2).hasSize(70);
            Map<Integer, Long> firstOffsets = new TreeMap<>();
            readByB2.forEach(r -> firstOffsets.putIfAbsent(r.partition(), r.offset()));
            assertThat(firstOffsets).as("b's committed offsets, not a's").isEqualTo(Map.of(0, 10L, 1, 20L));
        }
        try (KafkaConsumer<String, String> a2 = consumer(broker.bootstrap(), "ga-" + protocol, protocol)) {
            a2.subscribe(List.of(topic));
            pollUntil(List.of(a2), () -> a2.assignment().size() == 2, 60_000);
            assertThat(a2.position(p0)).isEqualTo(50);
            assertThat(a2.position(p1)).isEqualTo(50);
        }
    }

    @Test
    void aClientSideRegexSubscriptionPicksUpAMatchingTopicCreatedLater() throws Exception {
        regexSubscriptionPicksUpAMatchingTopicCreatedLater("classic");
    }

    /**
     * The coordinator assigns the matching topic; the Java client then asks for its metadata by topic id with
     * name "" (not null), which the broker must answer by id.
     */
    @Test
    void aCoordinatorSideRegexSubscriptionPicksUpAMatchingTopicCreatedLater() throws Exception {
        regexSubscriptionPicksUpAMatchingTopicCreatedLater("consumer");
    }

    private void regexSubscriptionPicksUpAMatchingTopicCreatedLater(String protocol) throws Exception {
        String prefix = "rx-" + protocol + "-";
        GroupClients.createTopic(broker.bootstrap(), prefix + "a", 2);
        GroupClients.createTopic(broker.bootstrap(), "not-" + prefix + "c", 1);
        Properties props = GroupClients.consumerProps(broker.bootstrap(), "rx-" + protocol, protocol, "earliest");
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "500");
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props)) {
            if (protocol.equals("classic")) {
                c.subscribe(Pattern.compile(prefix + ".*")); // matched by the client
            } else {
                c.subscribe(new SubscriptionPattern(prefix + ".*")); // matched by the coordinator (KIP-848)
            }
            pollUntil(List.of(c), () -> c.assignment().size() == 2, 60_000);
            GroupClients.createTopic(broker.bootstrap(), prefix + "b", 1);
            GroupClients.produce(broker.bootstrap(), prefix + "b", 1, 0, 5);
            List<ConsumerRecord<String, String>> records = pollRecords(c, 5, 60_000);
            assertThat(records).hasSize(5).allMatch(r -> r.topic().equals(prefix + "b"));
            assertThat(c.assignment())
                    .containsExactlyInAnyOrder(
                            new TopicPartition(prefix + "a", 0),
                            new TopicPartition(prefix + "a", 1),
                            new TopicPartition(prefix + "b", 0));
        }
    }

    private static Set<TopicPartition> union(List<KafkaConsumer<String, String>> consumers) {
        Set<TopicPartition> all = new HashSet<>();
        consumers.forEach(c -> all.addAll(c.assignment()));
        return all;
    }

    private static int total(List<KafkaConsumer<String, String>> consumers) {
        return consumers.stream().mapToInt(c -> c.assignment().size()).sum();
    }

    private static Set<String> values(List<ConsumerRecord<String, String>> records) {
        Set<String> out = new HashSet<>();
        records.forEach(r -> out.add(r.value()));
        return out;
    }
}
