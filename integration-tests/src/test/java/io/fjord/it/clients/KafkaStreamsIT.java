package io.fjord.it.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.it.EmbeddedBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kafka Streams (4.3.1, unchanged, in processes of its own: {@code io.fjord.kafkaapps.WordCount} from
 * the kafka-apps module) runs a word count on Fjord: a re-keying step through a repartition topic, a
 * counting store backed by a compacted changelog, the internal topics created by the library's own
 * Admin calls, two instances sharing the tasks through the Streams assignor, and a new instance that
 * rebuilds the store from the changelog. With {@code exactly_once_v2} the output read by a
 * read_committed consumer holds each count exactly once, through transactions that span the output, the
 * changelog, the repartition topic and the group's offsets.
 */
class KafkaStreamsIT {

    private static final int PARTITIONS = 4;
    private static final List<String> WORDS =
            List.of("fjord", "kafka", "stream", "topic", "offset", "broker", "replica", "leader");

    @TempDir
    static Path dataDir;

    @TempDir
    static Path stateDir;

    static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start(dataDir, Map.of("group.initial.rebalance.delay.ms", "500"));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"at_least_once", "exactly_once_v2"})
    void aWordCountOverTwoInstancesAndARestartCountsEveryWord(String guarantee) throws Exception {
        String app = "wordcount-" + guarantee.replace('_', '-');
        String input = app + "-in";
        String output = app + "-out";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            admin.createTopics(List.of(
                            new NewTopic(input, PARTITIONS, (short) 1), new NewTopic(output, PARTITIONS, (short) 1)))
                    .all()
                    .get(15, TimeUnit.SECONDS);
        }
        Map<String, Long> expected = new TreeMap<>();

        try (StreamsApp first = StreamsApp.start(app, guarantee, input, output, "a");
                StreamsApp second = StreamsApp.start(app, guarantee, input, output, "b")) {
            first.awaitRunningWithTasks();
            second.awaitRunningWithTasks();
            produceLines(input, 0, 400, expected);
            assertThat(awaitCounts(output, guarantee, expected)).isEqualTo(expected);
        }

        // A new instance with an empty state directory rebuilds the store from the changelog and goes on
        // counting from there, not from zero.
        try (StreamsApp restarted = StreamsApp.start(app, guarantee, input, output, "c")) {
            restarted.awaitRunningWithTasks();
            produceLines(input, 400, 200, expected);
            assertThat(awaitCounts(output, guarantee, expected)).isEqualTo(expected);
        }

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            Set<String> topics = admin.listTopics().names().get(15, TimeUnit.SECONDS);
            String changelog = app + "-counts-changelog";
            String repartition = app + "-by-word-repartition";
            assertThat(topics).contains(changelog, repartition);
            ConfigResource changelogResource = new ConfigResource(ConfigResource.Type.TOPIC, changelog);
            Config changelogConfig = admin.describeConfigs(List.of(changelogResource))
                    .all()
                    .get(15, TimeUnit.SECONDS)
                    .get(changelogResource);
            assertThat(changelogConfig.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(admin.describeTopics(List.of(repartition))
                            .allTopicNames()
                            .get(15, TimeUnit.SECONDS)
                            .get(repartition)
                            .partitions())
                    .hasSize(PARTITIONS);
        }
    }

    /** Lines of three words each, chosen by line number, so every run sends the same words. */
    private static void produceLines(String topic, int from, int count, Map<String, Long> expected) throws Exception {
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (int i = from; i < from + count; i++) {
                List<String> words =
                        List.of(WORDS.get(i % WORDS.size()), WORDS.get((i * 7 + 3) % WORDS.size()), "line" + (i % 5));
                words.forEach(w -> expected.merge(w, 1L, Long::sum));
                producer.send(new ProducerRecord<>(topic, "line-" + i, String.join(" ", words)));
            }
            producer.flush();
        }
    }

    /**
     * One instance of the word count ({@code io.fjord.kafkaapps.WordCount}) in a JVM of its own. It prints
     * {@code STATE <state> <active tasks>} at each state change, and closes cleanly (leaving its group),
     * printing {@code CLOSED}, when its stdin closes.
     */
    static final class StreamsApp implements AutoCloseable {
        private final KafkaAppProcess process;

        private StreamsApp(KafkaAppProcess process) {
            this.process = process;
        }

        static StreamsApp start(String app, String guarantee, String input, String output, String instance)
                throws java.io.IOException {
            return new StreamsApp(KafkaAppProcess.start(
                    "Streams instance " + instance,
                    KafkaAppProcess.Stop.STDIN,
                    stateDir.resolve(app + "-" + instance + ".log"),
                    "io.fjord.kafkaapps.WordCount",
                    broker.bootstrap(),
                    app,
                    guarantee,
                    input,
                    output,
                    stateDir.resolve(app + "-" + instance).toString()));
        }

        /** Waits until the latest state line says RUNNING with at least one active task. */
        void awaitRunningWithTasks() throws InterruptedException {
            process.await(
                    () -> {
                        List<String> lines = process.lines();
                        for (int i = lines.size() - 1; i >= 0; i--) {
                            if (lines.get(i).startsWith("STATE ")) {
                                String[] parts = lines.get(i).split(" ");
                                return parts[1].equals("RUNNING") && Integer.parseInt(parts[2]) > 0;
                            }
                        }
                        return false;
                    },
                    "RUNNING with tasks");
        }

        @Override
        public void close() throws Exception {
            process.close();
            assertThat(process.lines())
                    .as("the app's output")
                    .contains("CLOSED")
                    .noneMatch(l -> l.startsWith("STATE ERROR"));
        }
    }

    /**
     * The latest count per word in {@code output}, read from the beginning until it equals {@code expected}
     * or 60 s pass. With exactly-once the consumer reads committed records only, and no word's count may
     * ever go down or repeat a value it already had: each increment is written once.
     */
    private static Map<String, Long> awaitCounts(String output, String guarantee, Map<String, Long> expected)
            throws InterruptedException {
        boolean exactlyOnce = guarantee.equals("exactly_once_v2");
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, LongDeserializer.class);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, exactlyOnce ? "read_committed" : "read_uncommitted");
        Map<String, Long> latest = new TreeMap<>();
        Map<String, List<Long>> history = new HashMap<>();
        try (KafkaConsumer<String, Long> consumer = new KafkaConsumer<>(props)) {
            List<org.apache.kafka.common.TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new org.apache.kafka.common.TopicPartition(output, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!latest.equals(expected) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, Long> r : consumer.poll(Duration.ofMillis(200))) {
                    latest.put(r.key(), r.value());
                    history.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
                }
            }
        }
        if (exactlyOnce) {
            history.forEach((word, values) ->
                    assertThat(values).as("counts of %s", word).isSorted().doesNotHaveDuplicates());
        }
        return latest;
    }
}
