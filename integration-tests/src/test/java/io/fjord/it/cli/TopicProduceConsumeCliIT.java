package io.fjord.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fjord.it.EmbeddedBroker;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code fjord} client commands run as processes against one in-process broker: a topic's whole life
 * (create, produce keyed lines with headers, consume in the default, template and JSON formats, describe with
 * offsets, alter a config, add partitions, trim, delete), Avro and Protobuf from JSON lines, and the cluster
 * commands.
 */
class TopicProduceConsumeCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static EmbeddedBroker broker;
    static Cli cli;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedBroker.start(dir.resolve("data"), Map.of());
        cli = new Cli(dir, broker.bootstrap());
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    static Cli.Result ok(Cli.Result r) {
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.err())
                .as("stderr of a successful command (quiet client logs)")
                .isEmpty();
        return r;
    }

    @Test
    void aTopicIsCreatedFilledReadDescribedAlteredAndDeleted() throws Exception {
        assertThat(ok(cli.run("topic", "create", "orders", "-p", "2")).out())
                .isEqualTo("created topic orders (2 partitions, replication factor 1)\n");
        assertThat(ok(cli.run("topic", "list")).outLines()).anyMatch(l -> l.matches("orders\\s+2\\s+1"));

        Cli.Result sent = ok(cli.runWithInput(
                "k1:v1\nk2:v2\n\nk3:v3\n",
                "produce",
                "orders",
                "-s",
                ":",
                "-H",
                "source=cli",
                "-H",
                "n=1",
                "--partition",
                "0",
                "-v"));
        assertThat(sent.outLines())
                .containsExactly("partition 0 offset 0", "partition 0 offset 1", "partition 0 offset 2");
        ok(cli.runWithInput("k4:v4\n", "produce", "orders", "--key-separator", ":", "--partition", "1"));

        assertThat(ok(cli.run("consume", "orders", "--exit-at-end")).outLines())
                .containsExactlyInAnyOrder("k1\tv1", "k2\tv2", "k3\tv3", "k4\tv4");
        assertThat(ok(cli.run("consume", "orders", "-p", "0", "-n", "2", "--format", "%t/%p@%o %k=%v [%h]"))
                        .outLines())
                .containsExactly("orders/0@0 k1=v1 [source=cli,n=1]", "orders/0@1 k2=v2 [source=cli,n=1]");

        List<String> json = ok(cli.run("consume", "orders", "-p", "0", "-e", "--format", "json"))
                .outLines();
        assertThat(json).hasSize(3);
        JsonNode first = JSON.readTree(json.get(0));
        assertThat(first.get("topic").asText()).isEqualTo("orders");
        assertThat(first.get("partition").asInt()).isZero();
        assertThat(first.get("offset").asLong()).isZero();
        assertThat(first.get("timestamp").asLong()).isPositive();
        assertThat(first.get("key").asText()).isEqualTo("k1");
        assertThat(first.get("value").asText()).isEqualTo("v1");
        assertThat(first.get("headers").toString())
                .isEqualTo("[{\"key\":\"source\",\"value\":\"cli\"},{\"key\":\"n\",\"value\":\"1\"}]");
        assertThat(JSON.readTree(json.get(2)).get("offset").asLong()).isEqualTo(2);

        List<String> described = ok(cli.run("topic", "describe", "orders")).outLines();
        assertThat(described).anyMatch(l -> l.matches("0\\s+1\\s+1\\s+1\\s+0\\s+3"));
        assertThat(described).anyMatch(l -> l.matches("1\\s+1\\s+1\\s+1\\s+0\\s+1"));

        assertThat(ok(cli.run("topic", "alter-config", "orders", "--set", "retention.ms=123456"))
                        .out())
                .isEqualTo("set retention.ms=123456\n");
        assertThat(ok(cli.run("topic", "describe", "orders")).outLines())
                .anyMatch(l -> l.matches("retention\\.ms\\s+123456\\s+topic"));
        ok(cli.run("topic", "alter-config", "orders", "--delete", "retention.ms"));
        assertThat(ok(cli.run("topic", "describe", "orders")).out()).doesNotContain("123456");

        assertThat(ok(cli.run("topic", "delete", "orders")).out()).isEqualTo("deleted topic orders\n");
        assertThat(ok(cli.run("topic", "list")).outLines()).noneMatch(l -> l.startsWith("orders "));
        Cli.Result gone = cli.run("topic", "describe", "orders");
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.err()).isEqualTo("fjord: unknown topic orders\n");
    }

    @Test
    void partitionsAreAddedAndTrimmedAndTheClusterIsHealthy() throws Exception {
        ok(cli.run("topic", "create", "trimmed", "-p", "1", "-c", "cleanup.policy=delete"));
        ok(cli.runWithInput("a\nb\nc\nd\n", "produce", "trimmed"));
        assertThat(ok(cli.run("topic", "add-partitions", "trimmed", "-n", "2")).out())
                .isEqualTo("topic trimmed: 1 -> 3 partitions\n");
        assertThat(ok(cli.run("topic", "trim", "trimmed", "--partition", "0", "--offset", "2"))
                        .out())
                .isEqualTo("trimmed-0: earliest offset is now 2\n");
        List<String> described = ok(cli.run("topic", "describe", "trimmed")).outLines();
        assertThat(described).anyMatch(l -> l.matches("0\\s+1\\s+1\\s+1\\s+2\\s+4"));
        assertThat(described).anyMatch(l -> l.matches("2\\s+1\\s+1\\s+1\\s+0\\s+0"));
        assertThat(ok(cli.run("consume", "trimmed", "-e")).outLines()).containsExactly("c", "d");
        assertThat(ok(cli.run("consume", "trimmed", "-e", "--from", "3")).outLines())
                .containsExactly("d");
        assertThat(ok(cli.run("consume", "trimmed", "-e", "--from", "end")).outLines())
                .isEmpty();

        Cli.Result info = ok(cli.run("cluster", "info"));
        assertThat(info.outLines()).anyMatch(l -> l.matches("CONTROLLER\\s+\\d+"));
        assertThat(info.outLines())
                .anyMatch(l ->
                        l.matches("1\\s+127\\.0\\.0\\.1\\s+" + broker.address().getPort() + "\\s+-"));
        assertThat(ok(cli.run("cluster", "health")).out()).startsWith("healthy: 1 brokers, ");
    }

    @Test
    void avroAndProtobufRecordsAreProducedFromJsonLinesAndConsumedAsJson() throws Exception {
        Path avsc = dir.resolve("user.avsc");
        java.nio.file.Files.writeString(
                avsc,
                "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"ex\",\"fields\":["
                        + "{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"age\",\"type\":\"int\"},"
                        + "{\"name\":\"email\",\"type\":[\"null\",\"string\"],\"default\":null}]}");
        Path proto = dir.resolve("user.proto");
        java.nio.file.Files.writeString(
                proto,
                "syntax = \"proto3\";\npackage ex;\nmessage User {\n  string name = 1;\n  int32 age = 2;\n"
                        + "  repeated string tags = 3;\n}\n");
        ok(cli.run("topic", "create", "users-avro"));
        ok(cli.run("topic", "create", "users-proto"));

        ok(cli.runWithInput(
                "7|{\"name\":\"ann\",\"age\":31,\"email\":\"ann@example.com\"}\n8|{\"name\":\"bob\",\"age\":4}\n",
                "produce",
                "users-avro",
                "-s",
                "|",
                "--key-format",
                "long",
                "--value-format",
                "avro",
                "--schema",
                avsc.toString()));
        List<String> avro = ok(cli.run(
                        "consume",
                        "users-avro",
                        "-e",
                        "--key-format",
                        "long",
                        "--value-format",
                        "avro",
                        "--schema",
                        avsc.toString(),
                        "--format",
                        "json"))
                .outLines();
        assertThat(avro).hasSize(2);
        assertThat(JSON.readTree(avro.get(0)).get("key").asLong()).isEqualTo(7);
        assertThat(JSON.readTree(avro.get(0)).get("value"))
                .isEqualTo(JSON.readTree("{\"name\":\"ann\",\"age\":31,\"email\":\"ann@example.com\"}"));
        assertThat(JSON.readTree(avro.get(1)).get("value"))
                .isEqualTo(JSON.readTree("{\"name\":\"bob\",\"age\":4,\"email\":null}"));

        ok(cli.runWithInput(
                "{\"name\":\"ann\",\"age\":31,\"tags\":[\"a\",\"b\"]}\n{\"name\":\"cy\"}\n",
                "produce",
                "users-proto",
                "--value-format",
                "protobuf",
                "--schema",
                proto.toString(),
                "--proto-message",
                "ex.User"));
        List<String> protobuf = ok(cli.run(
                        "consume",
                        "users-proto",
                        "-e",
                        "--value-format",
                        "protobuf",
                        "--schema",
                        proto.toString(),
                        "--format",
                        "%v"))
                .outLines();
        assertThat(protobuf).hasSize(2);
        assertThat(JSON.readTree(protobuf.get(0)))
                .isEqualTo(JSON.readTree("{\"name\":\"ann\",\"age\":31,\"tags\":[\"a\",\"b\"]}"));
        assertThat(JSON.readTree(protobuf.get(1)).get("name").asText()).isEqualTo("cy");
        // The raw bytes carry the registry wire format: magic byte 0 first.
        List<String> raw = ok(cli.run("consume", "users-proto", "-n", "1")).outLines();
        assertThat(raw.get(0).charAt(0)).isEqualTo('\0');
    }

    static String joined(List<String> lines) {
        return lines.stream().collect(Collectors.joining("\n"));
    }
}
