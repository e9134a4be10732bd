package io.fjord.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.it.EmbeddedBroker;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failures a user meets most, each as one line {@code fjord: ...} on stderr and a non-zero exit: no broker
 * at the address (within seconds, not a hang), an unknown topic, a line that does not parse as the declared
 * format (its number, and nothing after it sent), a bad schema file.
 */
class CliErrorsIT {
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

    static void assertOneLineFailure(Cli.Result r, int exitCode, String messageRegex) {
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(exitCode);
        assertThat(r.err()).as(r.toString()).matches("fjord: " + messageRegex + "\n");
    }

    @Test
    void anUnreachableBrokerFailsWithinSecondsInOneLine() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Cli unreachable = new Cli(dir, "127.0.0.1:" + closedPort);
        for (List<String> command : List.of(
                List.of("topic", "list"),
                List.of("consume", "t"),
                List.of("produce", "t"),
                List.of("cluster", "health"))) {
            Cli.Result r = unreachable.run(command.toArray(String[]::new));
            assertOneLineFailure(r, 1, "no answer from 127\\.0\\.0\\.1:" + closedPort + " within 5 s .*");
            // 5 s of client timeout plus the JVM's start on a busy machine; never the client's default minute.
            assertThat(r.elapsedMs()).as(command.toString()).isLessThan(20_000);
        }
    }

    @Test
    void anUnknownTopicIsOneLine() throws Exception {
        assertOneLineFailure(cli.run("consume", "nope"), 1, "unknown topic nope");
        assertOneLineFailure(cli.runWithInput("x\n", "produce", "nope"), 1, "unknown topic nope");
        assertOneLineFailure(cli.run("topic", "describe", "nope"), 1, "unknown topic nope");
        assertOneLineFailure(cli.run("topic", "delete", "nope"), 1, "unknown topic nope");
        // and produce did not create it
        assertThat(cli.run("topic", "list").out()).doesNotContain("nope");
    }

    @Test
    void aLineThatDoesNotParseStopsWithItsNumberAndNothingAfterItIsSent() throws Exception {
        assertThat(cli.run("topic", "create", "lines").exitCode()).isZero();
        Cli.Result json = cli.runWithInput(
                "{\"a\":1}\n{\"a\":2}\n\n{\"a\":\n{\"a\":4}\n", "produce", "lines", "--value-format", "json");
        assertOneLineFailure(json, 1, "line 4: not valid JSON: .* \\(2 earlier records were sent, nothing after it\\)");
        assertThat(cli.run("consume", "lines", "-e", "--value-format", "json").outLines())
                .containsExactly("{\"a\":1}", "{\"a\":2}");

        Cli.Result ints = cli.runWithInput("1\nten\n3\n", "produce", "lines", "--value-format", "int");
        assertOneLineFailure(ints, 1, "line 2: not an int: \"ten\" \\(1 earlier record was sent, nothing after it\\)");
        Cli.Result noSeparator = cli.runWithInput("k:v\nkv\nk:w\n", "produce", "lines", "-s", ":");
        assertOneLineFailure(noSeparator, 1, "line 2: no key separator \":\" in the line .*");
        assertThat(cli.run("consume", "lines", "-e", "--format", "%o").outLines())
                .containsExactly("0", "1", "2", "3");
    }

    @Test
    void aBadSchemaFileIsOneLine() throws Exception {
        Path proto = dir.resolve("bad.proto");
        Files.writeString(proto, "syntax = \"proto3\";\nmessage X {\n  int32 a 1;\n}\n");
        Path avsc = dir.resolve("bad.avsc");
        Files.writeString(avsc, "{\"type\":\"record\",\"name\":\"X\",\"fields\":[{\"name\":\"a\",\"type\":\"nope\"}]}");
        assertOneLineFailure(
                cli.run("produce", "t", "--value-format", "protobuf", "--schema", proto.toString()),
                2,
                "schema file .*bad\\.proto: line 3: .*");
        assertOneLineFailure(
                cli.run("consume", "t", "--value-format", "avro", "--schema", avsc.toString()),
                2,
                "schema file .*bad\\.avsc: .*");
        assertOneLineFailure(
                cli.run("produce", "t", "--value-format", "avro", "--schema", "missing.avsc"),
                2,
                "schema file missing\\.avsc: cannot read it .*");
        assertOneLineFailure(
                cli.run("produce", "t", "--value-format", "avro"), 2, "the avro format needs a schema file .*");
    }

    @Test
    void aBadOptionIsOneLineWithExitTwo() throws Exception {
        assertOneLineFailure(cli.run("consume", "t", "--from", "yesterday"), 2, "expected beginning, end, .*");
        assertOneLineFailure(cli.run("topic", "frobnicate"), 2, "Unmatched argument .*");
    }
}
