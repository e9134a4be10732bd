package io.fjord.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.testkit.MockTime;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CommandTreeTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private CommandLine fjord() {
        return fjordFor(null);
    }

    private static void collect(CommandLine command, List<List<String>> paths, List<String> prefix) {
        paths.add(prefix);
        command.getSubcommands().forEach((name, sub) -> {
            List<String> path = new ArrayList<>(prefix);
            path.add(name);
            collect(sub, paths, path);
        });
    }

    @Test
    void everyCommandAtEveryLevelHasHelp() {
        List<List<String>> paths = new ArrayList<>();
        collect(fjord(), paths, List.of());
        assertThat(paths)
                .contains(
                        List.of("topic", "create"),
                        List.of("topic", "list"),
                        List.of("topic", "describe"),
                        List.of("topic", "delete"),
                        List.of("topic", "alter-config"),
                        List.of("topic", "add-partitions"),
                        List.of("topic", "trim"),
                        List.of("produce"),
                        List.of("consume"),
                        List.of("group", "list"),
                        List.of("group", "describe"),
                        List.of("group", "reset-offsets"),
                        List.of("group", "delete"),
                        List.of("cluster", "info"),
                        List.of("cluster", "health"),
                        List.of("completion"));
        for (List<String> path : paths) {
            out.getBuffer().setLength(0);
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            int status = fjord().execute(args.toArray(String[]::new));
            assertThat(status).as(args.toString()).isZero();
            assertThat(out.toString()).as(args.toString()).startsWith("Usage: fjord" + (path.isEmpty() ? "" : " "));
        }
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void completionPrintsABashScriptThatKnowsTheSubcommands() {
        assertThat(fjord().execute("completion")).isZero();
        assertThat(out.toString())
                .contains("complete -F")
                .contains("reset-offsets")
                .contains("alter-config");
    }

    @Test
    void aRunOfOneSubcommandModelsOnlyThatSubcommandAndStillParsesAndHelpsLikeTheWholeTree() {
        CommandLine start = fjordFor("start");
        assertThat(start.getSubcommands()).containsOnlyKeys("start");
        assertThat(start.execute("start", "--help")).isZero();
        assertThat(out.toString()).startsWith("Usage: fjord start").contains("--override");
        assertThat(fjordFor("topic").getSubcommands()).containsOnlyKeys("topic");
        assertThat(fjordFor("topic").getSubcommands().get("topic").getSubcommands())
                .containsKeys("create", "list", "describe");
        assertThat(fjordFor("completion").getSubcommands()).containsOnlyKeys("completion");
    }

    @Test
    void anOptionOrAnUnknownWordFirstGetsTheWholeTree() {
        assertThat(fjordFor("-b").getSubcommands()).containsKeys("start", "topic", "cluster", "completion");
        assertThat(fjordFor("strat").execute("strat")).isEqualTo(Fjord.EXIT_USAGE);
        assertThat(err.toString()).contains("strat");
        assertThat(fjordFor(null).getSubcommands()).hasSize(CommandTree.SUBCOMMANDS.size() + 1);
    }

    private CommandLine fjordFor(String firstArgument) {
        return CommandTree.commandLine(
                config -> {
                    throw new AssertionError("no broker is started here");
                },
                ProcessControl.JVM,
                new MockTime(),
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                firstArgument);
    }

    @Test
    void theBrokersOptionWorksBeforeOrAfterTheSubcommandAndTheLastOneWins() {
        assertThat(brokersOf("-b", "a:1", "topic", "list")).isEqualTo("a:1");
        assertThat(brokersOf("topic", "list", "--brokers", "b:2")).isEqualTo("b:2");
        assertThat(brokersOf("-b", "a:1", "consume", "t", "-b", "c:3")).isEqualTo("c:3");
        assertThat(ClientOptions.bootstrap(Map.of())).isEqualTo("127.0.0.1:9092");
        assertThat(ClientOptions.bootstrap(Map.of("FJORD_BROKERS", " h:9 "))).isEqualTo("h:9");
    }

    private String brokersOf(String... args) {
        CommandLine.ParseResult result = fjord().parseArgs(args);
        while (result.hasSubcommand()) {
            result = result.subcommand();
        }
        Object leaf = result.commandSpec().userObject();
        ClientOptions options;
        if (leaf instanceof TopicCommand.ListTopics l) {
            options = l.client;
        } else if (leaf instanceof ConsumeCommand c) {
            options = c.client;
        } else {
            throw new AssertionError(leaf);
        }
        return options.bootstrap();
    }

    @Test
    void aBadOptionValueIsOneLineAndExitTwo() {
        assertThat(fjord().execute("consume", "t", "--value-format", "yaml")).isEqualTo(Fjord.EXIT_USAGE);
        assertThat(err.toString()).startsWith("fjord: ").hasLineCount(1);
        assertThat(fjord().execute("produce", "t", "--value-format", "AVRO")).isEqualTo(Fjord.EXIT_USAGE);
        assertThat(err.toString())
                .endsWith("fjord: the avro format needs a schema file (--schema FILE, --key-schema FILE)\n");
    }

    @Test
    void startPositionsParseAndNonsenseIsAUsageError() {
        assertThat(ConsumeCommand.StartPosition.parse("beginning").kind())
                .isEqualTo(ConsumeCommand.StartPosition.Kind.BEGINNING);
        assertThat(ConsumeCommand.StartPosition.parse("latest").kind())
                .isEqualTo(ConsumeCommand.StartPosition.Kind.END);
        assertThat(ConsumeCommand.StartPosition.parse("42"))
                .isEqualTo(new ConsumeCommand.StartPosition(ConsumeCommand.StartPosition.Kind.OFFSET, 42));
        assertThat(ConsumeCommand.StartPosition.parse("@1700000000000"))
                .isEqualTo(new ConsumeCommand.StartPosition(
                        ConsumeCommand.StartPosition.Kind.TIMESTAMP, 1_700_000_000_000L));
        for (String bad : List.of("-1", "@x", "tomorrow", "")) {
            assertThatThrownBy(() -> ConsumeCommand.StartPosition.parse(bad))
                    .as(bad)
                    .isInstanceOf(CliException.class);
        }
    }

    @Test
    void healthReportsOfflineAndUnderReplicatedPartitions() {
        Node n1 = new Node(1, "h", 1);
        Node n2 = new Node(2, "h", 2);
        TopicDescription t = new TopicDescription(
                "t",
                false,
                List.of(
                        new TopicPartitionInfo(0, n1, List.of(n1, n2), List.of(n1, n2)),
                        new TopicPartitionInfo(1, n1, List.of(n1, n2), List.of(n1)),
                        new TopicPartitionInfo(2, Node.noNode(), List.of(n1, n2), List.of())));

        assertThat(ClusterCommand.Health.problems(List.of(t)))
                .containsExactly(
                        "under-replicated: t-1 ISR 1 of replicas 1,2", "offline: t-2 has no leader (replicas 1,2)");
    }

    @Test
    void progressShowsRecordsBytesAndRates() {
        assertThat(ProduceCommand.progress(200_000, 5_000_000, 2_000))
                .isEqualTo("200,000 records, 5.0 MB in 2.0 s (100,000 records/s, 2.5 MB/s)");
    }

    @Test
    void tablesAlignColumns() {
        assertThat(new Table("A", "LONGER").row("xyz", 1).row("q", 22).toString())
                .isEqualTo("A    LONGER\nxyz  1\nq    22\n");
    }
}
