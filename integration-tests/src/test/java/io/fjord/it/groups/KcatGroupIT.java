package io.fjord.it.groups;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * librdkafka's balanced consumer ({@code kcat -G}, classic protocol, client-side range / roundrobin /
 * cooperative-sticky assignors) against Fjord: one kcat reads every record and commits its position; two kcats split the
 * partitions between them. kcat must be on the PATH (.ci/run installs it).
 */
class KcatGroupIT extends GroupBrokerTest {

    private static final int PARTITIONS = 6;
    private static final int RECORDS = 600;

    @TempDir
    static Path logDir;

    @ParameterizedTest
    @ValueSource(strings = {"range", "roundrobin", "cooperative-sticky"})
    void oneBalancedKcatConsumesEverythingAndCommitsItsPosition(String assignor) throws Exception {
        String topic = "kcat-one-" + assignor;
        String group = "kcat-one-" + assignor;
        GroupClients.createTopic(broker.bootstrap(), topic, PARTITIONS);
        GroupClients.produce(broker.bootstrap(), topic, PARTITIONS, 0, RECORDS);
        try (ChildProcess kcat =
                ChildProcess.start(logDir.resolve(group + ".log"), kcat(group, topic, assignor, true))) {
            assertThat(kcat.awaitExit(60_000)).as("kcat exit code").isZero();
            List<String> values =
                    kcat.lines().stream().map(l -> l.split(" ")[2]).toList();
            assertThat(values).hasSize(RECORDS).doesNotHaveDuplicates();
        }
        try (Admin admin = GroupClients.admin(broker.bootstrap())) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            assertThat(committed).hasSize(PARTITIONS);
            committed.values().forEach(o -> assertThat(o.offset()).isEqualTo(RECORDS / PARTITIONS));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"range", "roundrobin", "cooperative-sticky"})
    void twoBalancedKcatsSplitThePartitions(String assignor) throws Exception {
        String topic = "kcat-two-" + assignor;
        String group = "kcat-two-" + assignor;
        GroupClients.createTopic(broker.bootstrap(), topic, PARTITIONS);
        List<ChildProcess> kcats = new ArrayList<>();
        try (Admin admin = GroupClients.admin(broker.bootstrap())) {
            for (int i = 0; i < 2; i++) {
                kcats.add(ChildProcess.start(
                        logDir.resolve(group + "-" + i + ".log"), kcat(group, topic, assignor, false)));
            }
            Map<String, Set<Integer>> assignment = awaitStableSplit(admin, group);
            GroupClients.produce(broker.bootstrap(), topic, PARTITIONS, 0, RECORDS);

            long deadlineMs = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadlineMs && totalLines(kcats) < RECORDS) {
                Thread.sleep(100);
            }
            List<Set<Integer>> readFrom = new ArrayList<>();
            Set<String> values = new HashSet<>();
            for (ChildProcess kcat : kcats) {
                readFrom.add(kcat.lines().stream()
                        .map(l -> Integer.parseInt(l.split(" ")[0]))
                        .collect(Collectors.toSet()));
                kcat.lines().forEach(l -> values.add(l.split(" ")[2]));
            }
            assertThat(values).as("every record read once between them").hasSize(RECORDS);
            assertThat(totalLines(kcats)).isEqualTo(RECORDS);
            assertThat(readFrom.get(0)).hasSize(PARTITIONS / 2).doesNotContainAnyElementsOf(readFrom.get(1));
            assertThat(readFrom.get(1)).hasSize(PARTITIONS / 2);
            assertThat(new HashSet<>(assignment.values())).containsExactlyInAnyOrderElementsOf(readFrom);
        } finally {
            for (ChildProcess kcat : kcats) {
                kcat.stop();
            }
        }
    }

    /** Waits until the group is stable with two members holding three partitions each. */
    private static Map<String, Set<Integer>> awaitStableSplit(Admin admin, String group) throws Exception {
        long deadlineMs = System.currentTimeMillis() + 60_000;
        while (true) {
            ConsumerGroupDescription d =
                    admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            Map<String, Set<Integer>> assignment = new HashMap<>();
            for (MemberDescription m : d.members()) {
                assignment.put(
                        m.consumerId(),
                        m.assignment().topicPartitions().stream()
                                .map(TopicPartition::partition)
                                .collect(Collectors.toSet()));
            }
            if (d.groupState() == GroupState.STABLE
                    && assignment.size() == 2
                    && assignment.values().stream().allMatch(p -> p.size() == PARTITIONS / 2)) {
                return assignment;
            }
            if (System.currentTimeMillis() > deadlineMs) {
                throw new AssertionError("no stable 3+3 split in 60 s: " + d);
            }
            Thread.sleep(200);
        }
    }

    private static int totalLines(List<ChildProcess> kcats) {
        return kcats.stream().mapToInt(k -> k.lines().size()).sum();
    }

    private static List<String> kcat(String group, String topic, String assignor, boolean exitAtEnd) {
        List<String> command = new ArrayList<>(List.of(
                "kcat",
                "-b",
                broker.bootstrap(),
                "-G",
                group,
                "-X",
                "auto.offset.reset=earliest",
                "-X",
                "partition.assignment.strategy=" + assignor,
                "-X",
                "session.timeout.ms=6000",
                "-u",
                "-f",
                "%p %o %s\\n"));
        if (exitAtEnd) {
            command.add("-e");
        }
        command.add(topic);
        return command;
    }
}
