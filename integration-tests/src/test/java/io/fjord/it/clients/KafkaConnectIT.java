package io.fjord.it.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.it.EmbeddedBroker;
import io.fjord.testkit.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka Connect 4.3.1 in distributed mode (its own {@code ConnectDistributed} main, in processes of its
 * own, from the kafka-apps module) on Fjord: the workers keep their configs, offsets and statuses in
 * compacted topics they create themselves, form a group with Connect's own protocol, and run Kafka's
 * file connectors, the source with exactly-once support (KIP-618: a transactional producer per task,
 * fenced through the Admin client when the task moves). After a second worker joins and the first is
 * killed with SIGKILL, the tasks move and every line of the input file is in the topic exactly once and
 * in the output file.
 */
class KafkaConnectIT {

    private static final String TOPIC = "connect-lines";

    @TempDir
    static Path dir;

    static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start(dir.resolve("data"), Map.of("group.initial.rebalance.delay.ms", "500"));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void fileConnectorsCopyEveryLineOnceAcrossAWorkerKilled() throws Exception {
        Path input = dir.resolve("in.txt");
        Path output = dir.resolve("out.txt");
        List<String> lines = new ArrayList<>();
        appendLines(input, lines, 0, 100);

        int firstPort = FreePorts.next();
        try (KafkaAppProcess first = startWorker("worker-1", firstPort)) {
            awaitRest(first, firstPort);
            post(firstPort, "/connectors", """
                    {"name": "lines-in", "config": {
                      "connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
                      "file": "%s", "topic": "%s", "tasks.max": "1",
                      "exactly.once.support": "required", "transaction.boundary": "poll"}}""".formatted(input, TOPIC));
            post(firstPort, "/connectors", """
                    {"name": "lines-out", "config": {
                      "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
                      "file": "%s", "topics": "%s", "tasks.max": "1"}}""".formatted(output, TOPIC));
            awaitFile(first, output, lines);
            assertThat(get(firstPort, "/connectors/lines-in/status"))
                    .contains("\"state\":\"RUNNING\"")
                    .doesNotContain("FAILED");

            int secondPort = FreePorts.next();
            try (KafkaAppProcess second = startWorker("worker-2", secondPort)) {
                awaitRest(second, secondPort);
                second.await(
                        () -> get(secondPort, "/connectors").contains("lines-in"),
                        "the second worker to read the connectors' configs");
                first.kill();
                appendLines(input, lines, 100, 50);
                awaitFile(second, output, lines);
                second.await(
                        () -> {
                            String status = get(secondPort, "/connectors?expand=status");
                            return !status.contains("127.0.0.1:" + firstPort) && !status.contains("FAILED");
                        },
                        "both connectors' tasks to run on the second worker");
            }
        }

        assertThat(readCommitted(TOPIC)).containsExactlyElementsOf(lines);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            for (String internal : List.of("connect-configs", "connect-offsets", "connect-status")) {
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, internal);
                Config config = admin.describeConfigs(List.of(resource))
                        .all()
                        .get(15, TimeUnit.SECONDS)
                        .get(resource);
                assertThat(config.get("cleanup.policy").value()).as(internal).isEqualTo("compact");
            }
        }
    }

    private static KafkaAppProcess startWorker(String name, int restPort) throws Exception {
        Path properties = dir.resolve(name + ".properties");
        Files.writeString(
                properties,
                String.join(
                        "\n",
                        "bootstrap.servers=" + broker.bootstrap(),
                        "group.id=fjord-connect",
                        "key.converter=org.apache.kafka.connect.storage.StringConverter",
                        "value.converter=org.apache.kafka.connect.storage.StringConverter",
                        "config.storage.topic=connect-configs",
                        "offset.storage.topic=connect-offsets",
                        "status.storage.topic=connect-status",
                        "config.storage.replication.factor=1",
                        "offset.storage.replication.factor=1",
                        "status.storage.replication.factor=1",
                        "listeners=http://127.0.0.1:" + restPort,
                        "offset.flush.interval.ms=200",
                        "exactly.once.source.support=enabled",
                        "plugin.discovery=service_load",
                        // a killed worker's tasks move after these, not after Kafka's minutes-long defaults
                        "scheduled.rebalance.max.delay.ms=1000",
                        "session.timeout.ms=6000",
                        "heartbeat.interval.ms=1000",
                        "consumer.session.timeout.ms=6000",
                        "consumer.heartbeat.interval.ms=1000",
                        ""));
        return KafkaAppProcess.start(
                name,
                KafkaAppProcess.Stop.SIGTERM,
                dir.resolve(name + ".log"),
                "org.apache.kafka.connect.cli.ConnectDistributed",
                properties.toString());
    }

    private static void appendLines(Path file, List<String> lines, int from, int count) throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = from; i < from + count; i++) {
            String line = "line " + i + " of the input";
            lines.add(line);
            text.append(line).append('\n');
        }
        Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /**
     * Waits until the sink's file holds every expected line. The sink is at-least-once (after a kill its
     * task may write again what it wrote but had not committed), so duplicates are allowed there, gaps
     * and strangers are not.
     */
    private static void awaitFile(KafkaAppProcess worker, Path file, List<String> expected) throws Exception {
        worker.await(
                () -> {
                    try {
                        return Files.exists(file)
                                && Files.readAllLines(file).stream()
                                        .distinct()
                                        .toList()
                                        .equals(expected);
                    } catch (java.io.IOException e) {
                        return false;
                    }
                },
                "the sink's file to hold " + expected.size() + " lines");
    }

    private static void awaitRest(KafkaAppProcess worker, int port) throws InterruptedException {
        worker.await(() -> !get(port, "/").isEmpty(), "its REST listener");
    }

    /** What a read_committed consumer finds in the topic's single partition, from the start. */
    private static List<String> readCommitted(String topic) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** The body of a GET, or "" when the worker does not answer (yet) or answers with an error. */
    private static String get(int port, String path) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : "";
        } catch (java.io.IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static void post(int port, String path, String json) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("POST %s: %s", path, response.body())
                .isEqualTo(201);
    }
}
