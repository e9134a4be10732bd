package io.fjord.it.groups;

import static io.fjord.it.groups.GroupClients.consumerProps;
import static io.fjord.it.groups.GroupClients.pollRecords;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Where a group's consumer starts and what a crash costs: {@code auto.offset.reset} earliest / latest / none
 * for a group without offsets (and a committed offset wins over the reset policy); at-most-once and
 * at-least-once delivery counted record by record across a consumer JVM that halts between commit and
 * processing.
 */
class OffsetsAndDeliveryIT extends GroupBrokerTest {

    private static final int RECORDS = 100;

    @TempDir
    static Path logDir;

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void earliestStartsANewGroupAtTheLogStart(String protocol) throws Exception {
        String topic = "reset-earliest-" + protocol;
        GroupClients.createTopic(broker.bootstrap(), topic, 1);
        GroupClients.produce(broker.bootstrap(), topic, 1, 0, 10);
        try (KafkaConsumer<String, String> c = consumer("earliest-" + protocol, protocol, "earliest")) {
            c.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> records = pollRecords(c, 10, 60_000);
            assertThat(records).hasSize(10);
            assertThat(records.get(0).offset()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void latestStartsANewGroupAtTheLogEndAndReadsOnlyNewRecords(String protocol) throws Exception {
        String topic = "reset-latest-" + protocol;
        TopicPartition tp = new TopicPartition(topic, 0);
        GroupClients.createTopic(broker.bootstrap(), topic, 1);
        GroupClients.produce(broker.bootstrap(), topic, 1, 0, 10);
        try (KafkaConsumer<String, String> c = consumer("latest-" + protocol, protocol, "latest")) {
            c.subscribe(List.of(topic));
            GroupClients.pollUntil(List.of(c), () -> !c.assignment().isEmpty(), 60_000);
            assertThat(c.position(tp)).isEqualTo(10);
            GroupClients.produce(broker.bootstrap(), topic, 1, 10, 15);
            List<ConsumerRecord<String, String>> records = pollRecords(c, 5, 60_000);
            assertThat(records).extracting(ConsumerRecord::value).containsExactly("v10", "v11", "v12", "v13", "v14");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void noneThrowsNoOffsetForPartitionForAGroupWithoutOffsets(String protocol) throws Exception {
        String topic = "reset-none-" + protocol;
        GroupClients.createTopic(broker.bootstrap(), topic, 1);
        GroupClients.produce(broker.bootstrap(), topic, 1, 0, 10);
        try (KafkaConsumer<String, String> c = consumer("none-" + protocol, protocol, "none")) {
            c.subscribe(List.of(topic));
            assertThatThrownBy(() -> {
                        long deadlineMs = System.currentTimeMillis() + 60_000;
                        while (System.currentTimeMillis() < deadlineMs) {
                            c.poll(Duration.ofMillis(100));
                        }
                    })
                    .isInstanceOf(NoOffsetForPartitionException.class);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void aCommittedOffsetWinsOverTheResetPolicyAndAnOutOfRangeOneIsReset(String protocol) throws Exception {
        String topic = "reset-committed-" + protocol;
        String group = "committed-" + protocol;
        TopicPartition tp = new TopicPartition(topic, 0);
        GroupClients.createTopic(broker.bootstrap(), topic, 1);
        GroupClients.produce(broker.bootstrap(), topic, 1, 0, 10);
        try (KafkaConsumer<String, String> c = consumer(group, protocol, "latest")) {
            c.commitSync(Map.of(tp, new OffsetAndMetadata(3)));
            c.subscribe(List.of(topic));
            assertThat(pollRecords(c, 7, 60_000))
                    .first()
                    .extracting(ConsumerRecord::offset)
                    .isEqualTo(3L);
            c.commitSync(Map.of(tp, new OffsetAndMetadata(1_000)));
        }
        try (KafkaConsumer<String, String> c = consumer(group, protocol, "earliest")) {
            c.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> records = pollRecords(c, 10, 60_000);
            assertThat(records)
                    .as("offset 1000 is out of range: earliest applies")
                    .hasSize(10);
            assertThat(records.get(0).offset()).isZero();
        }
    }

    @ParameterizedTest
    @CsvSource({"classic,at-most-once", "classic,at-least-once", "consumer,at-most-once", "consumer,at-least-once"})
    void aCrashBetweenCommitAndProcessingLosesOrRepeatsExactlyTheCrashedBatch(String protocol, String mode)
            throws Exception {
        String topic = "crash-" + protocol + "-" + mode;
        String group = topic;
        GroupClients.createTopic(broker.bootstrap(), topic, 1);
        GroupClients.produce(broker.bootstrap(), topic, 1, 0, RECORDS);

        List<String> childLines;
        try (ChildProcess child = ChildProcess.startJava(
                logDir.resolve(topic + ".log"),
                ChildConsumer.class,
                broker.bootstrap(),
                group,
                topic,
                protocol,
                mode,
                "4")) {
            assertThat(child.awaitExit(60_000)).as("the child halted itself").isEqualTo(137);
            childLines = child.lines();
        }
        String[] crash = childLines.stream()
                .filter(l -> l.startsWith("CRASH "))
                .findFirst()
                .orElseThrow()
                .split(" ");
        TreeSet<Long> crashedBatch = new TreeSet<>();
        for (long o = Long.parseLong(crash[1]); o <= Long.parseLong(crash[2]); o++) {
            crashedBatch.add(o);
        }
        assertThat(crashedBatch).isNotEmpty();

        TreeMap<Long, Integer> timesProcessed = new TreeMap<>();
        childLines.stream()
                .filter(l -> l.startsWith("PROCESSED "))
                .forEach(l -> timesProcessed.merge(Long.parseLong(l.substring(10)), 1, Integer::sum));
        try (KafkaConsumer<String, String> successor = consumer(group, protocol, "earliest")) {
            successor.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> rest = new ArrayList<>();
            long deadlineMs = System.currentTimeMillis() + 60_000;
            while ((rest.isEmpty() || rest.get(rest.size() - 1).offset() < RECORDS - 1)
                    && System.currentTimeMillis() < deadlineMs) {
                successor.poll(Duration.ofMillis(100)).forEach(rest::add);
            }
            rest.forEach(r -> timesProcessed.merge(r.offset(), 1, Integer::sum));
        }

        TreeSet<Long> lost = new TreeSet<>();
        TreeSet<Long> repeated = new TreeSet<>();
        for (long o = 0; o < RECORDS; o++) {
            int n = timesProcessed.getOrDefault(o, 0);
            if (n == 0) {
                lost.add(o);
            } else if (n > 1) {
                repeated.add(o);
            }
        }
        if (mode.equals("at-most-once")) {
            assertThat(lost).as("lost").isEqualTo(crashedBatch);
            assertThat(repeated).as("repeated").isEmpty();
        } else {
            assertThat(lost).as("lost").isEmpty();
            assertThat(repeated).as("repeated").isEqualTo(crashedBatch);
        }
        assertThat(timesProcessed.values()).allMatch(n -> n <= 2);
    }

    private static KafkaConsumer<String, String> consumer(String group, String protocol, String reset) {
        return new KafkaConsumer<>(consumerProps(broker.bootstrap(), group, protocol, reset));
    }
}
