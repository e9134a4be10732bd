package io.fjord.it.groups;

import static io.fjord.it.groups.GroupClients.consumerProps;
import static io.fjord.it.groups.GroupClients.pollUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.it.EmbeddedBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupMaxSizeReachedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Rebalances beyond the basic split: incremental ones (classic cooperative-sticky, KIP-848 reconciliation)
 * never give a partition to a member before its previous owner has revoked it; a static member that restarts
 * within its session gets its partitions back without disturbing the others; live members ride out a broker
 * restart and keep consuming; {@code group.max.size} turns away a member too many.
 */
class GroupRebalanceIT {

    @TempDir
    static Path dataDir;

    static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start(dataDir, GroupClients.brokerSettings(Map.of("group.max.size", "4")));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    /** Tracks who owns which partition from the members' own callbacks; records any double ownership. */
    static final class Ownership {
        final Map<TopicPartition, String> owner = new HashMap<>();
        final List<String> violations = new ArrayList<>();
        final Map<String, Integer> revocations = new HashMap<>();

        ConsumerRebalanceListener listener(String name) {
            return new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    release(name, partitions);
                    if (!partitions.isEmpty()) {
                        revocations.merge(name, 1, Integer::sum);
                    }
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    release(name, partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    for (TopicPartition tp : partitions) {
                        String previous = owner.put(tp, name);
                        if (previous != null && !previous.equals(name)) {
                            violations.add(tp + " given to " + name + " while " + previous + " still owned it");
                        }
                    }
                }
            };
        }

        private void release(String name, Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                owner.remove(tp, name);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void incrementalRebalancesNeverGiveAPartitionToTwoMembersAtOnce(String protocol) throws Exception {
        String topic = "incremental-" + protocol;
        String group = "incremental-" + protocol;
        GroupClients.createTopic(broker.bootstrap(), topic, 6);
        Ownership ownership = new Ownership();
        List<KafkaConsumer<String, String>> members = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Properties props = consumerProps(broker.bootstrap(), group, protocol, "earliest");
                if (protocol.equals("classic")) {
                    props.put(
                            ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                            CooperativeStickyAssignor.class.getName());
                }
                KafkaConsumer<String, String> c = new KafkaConsumer<>(props);
                c.subscribe(List.of(topic), ownership.listener("m" + i));
                members.add(c);
                // Each newcomer takes partitions from members that already own some.
                pollUntil(members, () -> balanced(members), 60_000);
            }
            assertThat(ownership.violations).isEmpty();
            assertThat(ownership.owner).hasSize(6);
            members.forEach(c -> assertThat(c.assignment()).hasSize(2));
            // Incremental: the first member kept consuming its remaining partitions throughout.
            assertThat(members.get(0).assignment()).isSubsetOf(initialAssignment(topic));
        } finally {
            members.forEach(KafkaConsumer::close);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"uniform", "range"})
    void theServerSideAssignorTheMembersAskForIsUsed(String assignor) throws Exception {
        String topic = "assignor-" + assignor;
        String group = "assignor-" + assignor;
        GroupClients.createTopic(broker.bootstrap(), topic, 6);
        GroupClients.createTopic(broker.bootstrap(), topic + "-2", 6);
        List<KafkaConsumer<String, String>> members = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Properties props = consumerProps(broker.bootstrap(), group, "consumer", "earliest");
                props.put(ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG, assignor);
                KafkaConsumer<String, String> c = new KafkaConsumer<>(props);
                c.subscribe(List.of(topic, topic + "-2"));
                members.add(c);
            }
            pollUntil(
                    members, () -> members.stream().allMatch(c -> c.assignment().size() == 6), 60_000);
            for (KafkaConsumer<String, String> c : members) {
                Map<String, Set<Integer>> byTopic = new HashMap<>();
                c.assignment().forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new HashSet<>())
                        .add(tp.partition()));
                if (assignor.equals("range")) {
                    // Range: the same contiguous half of every topic.
                    assertThat(byTopic.get(topic)).hasSize(3).isEqualTo(byTopic.get(topic + "-2"));
                    assertThat(byTopic.get(topic)).isIn(Set.of(0, 1, 2), Set.of(3, 4, 5));
                }
            }
            Set<TopicPartition> all = new HashSet<>();
            members.forEach(c -> all.addAll(c.assignment()));
            assertThat(all).hasSize(12);
        } finally {
            members.forEach(KafkaConsumer::close);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void aStaticMemberThatRestartsWithinItsSessionGetsItsPartitionsBackWithoutARebalance(String protocol)
            throws Exception {
        String topic = "static-" + protocol;
        String group = "static-" + protocol;
        GroupClients.createTopic(broker.bootstrap(), topic, 6);
        Ownership ownership = new Ownership();
        List<KafkaConsumer<String, String>> members = new ArrayList<>();
        try {
            for (String instance : List.of("a", "b", "c")) {
                members.add(staticMember(group, topic, protocol, instance, ownership));
            }
            pollUntil(
                    members, () -> members.stream().allMatch(c -> c.assignment().size() == 2), 60_000);
            Set<TopicPartition> ofA = new HashSet<>(members.get(0).assignment());
            Map<String, Integer> revocationsBefore = new HashMap<>(ownership.revocations);

            members.remove(0).close(); // a static member does not leave its group on close
            KafkaConsumer<String, String> again = staticMember(group, topic, protocol, "a", new Ownership());
            members.add(0, again);
            pollUntil(members, () -> again.assignment().equals(ofA), 30_000);
            for (int i = 0; i < 20; i++) {
                members.forEach(c -> c.poll(Duration.ofMillis(50)));
            }
            assertThat(again.assignment()).isEqualTo(ofA);
            assertThat(ownership.revocations.getOrDefault("b", 0))
                    .as("b was not rebalanced")
                    .isEqualTo(revocationsBefore.getOrDefault("b", 0));
            assertThat(ownership.revocations.getOrDefault("c", 0))
                    .as("c was not rebalanced")
                    .isEqualTo(revocationsBefore.getOrDefault("c", 0));
        } finally {
            members.forEach(KafkaConsumer::close);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void liveMembersRideOutABrokerRestartAndKeepConsuming(String protocol) throws Exception {
        String topic = "restart-live-" + protocol;
        String group = "restart-live-" + protocol;
        GroupClients.createTopic(broker.bootstrap(), topic, 4);
        GroupClients.produce(broker.bootstrap(), topic, 4, 0, 100);
        List<KafkaConsumer<String, String>> members = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        try {
            for (int i = 0; i < 2; i++) {
                KafkaConsumer<String, String> c = GroupClients.consumer(broker.bootstrap(), group, protocol);
                c.subscribe(List.of(topic));
                members.add(c);
            }
            consumeAndCommit(members, seen, 100);
            broker.restart();
            GroupClients.produce(broker.bootstrap(), topic, 4, 100, 200);
            consumeAndCommit(members, seen, 200);
            pollUntil(
                    members, () -> members.stream().allMatch(c -> c.assignment().size() == 2), 60_000);
            assertThat(seen).hasSize(200);
            assertThat(seen.values())
                    .as("no record read twice: every batch was committed")
                    .allMatch(n -> n == 1);
        } finally {
            members.forEach(KafkaConsumer::close);
        }
    }

    @Test
    void aClassicGroupAtGroupMaxSizeRefusesAFifthMemberAndKeepsItsFour() throws Exception {
        String topic = "max-size";
        String group = "max-size";
        GroupClients.createTopic(broker.bootstrap(), topic, 6);
        List<KafkaConsumer<String, String>> members = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                KafkaConsumer<String, String> c = GroupClients.consumer(broker.bootstrap(), group, "classic");
                c.subscribe(List.of(topic));
                members.add(c);
            }
            pollUntil(members, () -> fourWay(members), 60_000);
            try (KafkaConsumer<String, String> fifth = GroupClients.consumer(broker.bootstrap(), group, "classic")) {
                fifth.subscribe(List.of(topic));
                assertThatThrownBy(() -> {
                            long deadlineMs = System.currentTimeMillis() + 30_000;
                            while (System.currentTimeMillis() < deadlineMs) {
                                fifth.poll(Duration.ofMillis(100));
                            }
                        })
                        .isInstanceOf(GroupMaxSizeReachedException.class);
            }
            for (int i = 0; i < 10; i++) {
                members.forEach(c -> c.poll(Duration.ofMillis(50)));
            }
            assertThat(fourWay(members)).as("the four keep all six partitions").isTrue();
        } finally {
            members.forEach(KafkaConsumer::close);
        }
    }

    private static boolean fourWay(List<KafkaConsumer<String, String>> members) {
        Set<TopicPartition> all = new HashSet<>();
        members.forEach(c -> all.addAll(c.assignment()));
        return all.size() == 6 && members.stream().allMatch(c -> !c.assignment().isEmpty());
    }

    private static void consumeAndCommit(
            List<KafkaConsumer<String, String>> members, Map<String, Integer> seen, int total) {
        long deadlineMs = System.currentTimeMillis() + 90_000;
        while (seen.size() < total && System.currentTimeMillis() < deadlineMs) {
            for (KafkaConsumer<String, String> c : members) {
                var records = c.poll(Duration.ofMillis(100));
                for (ConsumerRecord<String, String> r : records) {
                    seen.merge(r.value(), 1, Integer::sum);
                }
                if (!records.isEmpty()) {
                    c.commitSync();
                }
            }
        }
        assertThat(seen).as("records read").hasSize(total);
    }

    private static KafkaConsumer<String, String> staticMember(
            String group, String topic, String protocol, String instance, Ownership ownership) {
        Properties props = consumerProps(broker.bootstrap(), group, protocol, "earliest");
        props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instance);
        if (protocol.equals("classic")) {
            props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "20000");
        }
        KafkaConsumer<String, String> c = new KafkaConsumer<>(props);
        c.subscribe(List.of(topic), ownership.listener(instance));
        return c;
    }

    private static boolean balanced(List<KafkaConsumer<String, String>> members) {
        int each = 6 / members.size();
        return members.stream().allMatch(c -> c.assignment().size() == each);
    }

    private static Set<TopicPartition> initialAssignment(String topic) {
        Set<TopicPartition> all = new HashSet<>();
        for (int p = 0; p < 6; p++) {
            all.add(new TopicPartition(topic, p));
        }
        return all;
    }
}
