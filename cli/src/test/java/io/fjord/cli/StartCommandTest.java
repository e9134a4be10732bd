package io.fjord.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.config.BrokerConfig;
import io.fjord.testkit.MockTime;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class StartCommandTest {

    @TempDir
    Path tmp;

    private final FakeLauncher launcher = new FakeLauncher();
    private final FakeProcess process = new FakeProcess();
    private final MockTime time = new MockTime();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Fjord.execute(args, launcher, process, time, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    private Path configFile(String... lines) throws Exception {
        Path file = tmp.resolve("server.properties");
        Files.write(file, List.of(lines), StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void overridesWinOverTheConfigFileWhichWinsOverDefaults() throws Exception {
        Path data = tmp.resolve("d1");
        Path file = configFile("# a Kafka file", "num.partitions=3", "log.retention.hours=2", "log.dirs=" + data);

        int status = run("start", "--config", file.toString(), "--override", "num.partitions=5", "-o", "node.id=7");

        assertThat(status).isZero();
        BrokerConfig config = launcher.launched.get(0);
        assertThat(config.numPartitions()).isEqualTo(5);
        assertThat(config.logRetentionMs()).isEqualTo(7_200_000);
        assertThat(config.nodeId()).isEqualTo(7);
        assertThat(config.autoCreateTopicsEnable()).isTrue();
        assertThat(data).isDirectory();
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void printsOneReadyLineWithAddressDataDirectoryAndStartupTime() throws Exception {
        Path data = tmp.resolve("data");
        launcher.onLaunch = () -> time.advanceMs(412);

        int status = run("start", "-o", "log.dirs=" + data);

        assertThat(status).isZero();
        assertThat(out.toString())
                .isEqualTo("Fjord started: listening on 127.0.0.1:9092, data in " + data.toAbsolutePath()
                        + ", started in 412 ms" + System.lineSeparator());
    }

    @Test
    void anUnknownKeyExitsTwoWithOneLineNamingIt() throws Exception {
        Path file = configFile("log.dirs=" + tmp.resolve("d"), "log.retention.hourz=1");

        int status = run("start", "--config", file.toString());

        assertThat(status).isEqualTo(2);
        assertThat(err.toString())
                .isEqualTo("fjord: Unknown configuration log.retention.hourz: not a Kafka broker configuration "
                        + "(did you mean log.retention.hours?)" + System.lineSeparator());
        assertThat(launcher.launched).isEmpty();
        assertThat(process.hooks).isEmpty();
    }

    @Test
    void aBadValueExitsTwoWithOneLineNamingTheKey() {
        int status = run("start", "-o", "num.partitions=abc");

        assertThat(status).isEqualTo(2);
        assertThat(err.toString())
                .isEqualTo("fjord: Invalid value abc for configuration num.partitions: Not a number of type INT"
                        + System.lineSeparator());
        assertThat(launcher.launched).isEmpty();
    }

    @Test
    void anUnknownAuthorizerStopsTheStartWithOneLine() throws Exception {
        Path file = configFile("log.dirs=" + tmp.resolve("d"), "authorizer.class.name=com.example.MyAuthorizer");

        int status = run("start", "--config", file.toString());

        assertThat(status).isEqualTo(2);
        assertThat(err.toString())
                .startsWith("fjord: Invalid value com.example.MyAuthorizer for configuration authorizer.class.name:"
                        + " Fjord's authorizer is Kafka's org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                .endsWith("other authorizer classes cannot be loaded" + System.lineSeparator())
                .hasLineCount(1);
        assertThat(launcher.launched).isEmpty();
    }

    @Test
    void preparesTheLauncherOnceBeforeTheConfigurationIsRead() throws Exception {
        assertThat(run("start", "-o", "num.partitions=abc")).isEqualTo(2);
        assertThat(launcher.prepareCalls).isEqualTo(1);

        Path data = tmp.resolve("prepared");
        launcher.onLaunch = () -> assertThat(launcher.prepareCalls).isEqualTo(2);
        assertThat(run("start", "-o", "log.dirs=" + data)).isZero();
        assertThat(launcher.launched).hasSize(1);
    }

    @Test
    void aMissingConfigFileOrMalformedOverrideIsAUsageError() {
        assertThat(run("start", "--config", tmp.resolve("nope.properties").toString()))
                .isEqualTo(2);
        assertThat(err.toString())
                .startsWith("fjord: cannot read config file ")
                .endsWith("no such file" + System.lineSeparator());

        err.getBuffer().setLength(0);
        assertThat(run("start", "-o", "num.partitions")).isEqualTo(2);
        assertThat(err.toString())
                .isEqualTo("fjord: --override expects KEY=VALUE, got: num.partitions" + System.lineSeparator());
    }

    @Test
    void plainArgumentsParseWithoutPicocliExactlyAsPicocliParsesThem() {
        List<List<String>> plain = List.of(
                List.of("start"),
                List.of("start", "-c", "a.properties"),
                List.of("start", "--config=a.properties", "-o", "k=v", "--override", "x=y=z", "--override=q="),
                List.of("start", "-o", "a=1", "-o", "a=2", "--config", "b"));
        for (List<String> args : plain) {
            StartCommand fast = new StartCommand(launcher, process, time);
            assertThat(fast.parsePlain(args.toArray(String[]::new)))
                    .as(args.toString())
                    .isTrue();
            CommandLine.ParseResult parsed = CommandTree.commandLine(
                            launcher, process, time, new PrintWriter(out), new PrintWriter(err))
                    .parseArgs(args.toArray(String[]::new));
            StartCommand slow = (StartCommand) parsed.subcommand().commandSpec().userObject();
            assertThat(fast.configFile).as(args.toString()).isEqualTo(slow.configFile);
            assertThat(fast.overrides).as(args.toString()).isEqualTo(slow.overrides);
        }
    }

    @Test
    void anythingButPlainArgumentsIsLeftToPicocli() {
        List<List<String>> other = List.of(
                List.of("topic", "list"),
                List.of("start", "--help"),
                List.of("start", "-ok=v"),
                List.of("start", "-c=a"),
                List.of("start", "-c"),
                List.of("start", "-c", "a", "-c", "b"),
                List.of("start", "-o", "-c"),
                List.of("start", "@args.txt"),
                List.of("start", "--config="),
                List.of("start", "extra"));
        for (List<String> args : other) {
            StartCommand fast = new StartCommand(launcher, process, time);
            assertThat(fast.parsePlain(args.toArray(String[]::new)))
                    .as(args.toString())
                    .isFalse();
            assertThat(fast.configFile).isNull();
        }
    }

    @Test
    void anUnknownOptionIsAUsageErrorOnOneLine() {
        assertThat(run("start", "--bogus")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("fjord: Unknown option: '--bogus'" + System.lineSeparator());
    }

    @Test
    void aBrokerThatCannotStartExitsOne() {
        launcher.failure = new IllegalStateException("Address already in use");

        int status = run("start", "-o", "log.dirs=" + tmp.resolve("d"));

        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("fjord: failed to start: Address already in use" + System.lineSeparator());
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aSignalStopsTheBrokerCleanlyAndExitsZero() throws Exception {
        launcher.blockUntilShutdown = true;
        CompletableFuture<Integer> command =
                CompletableFuture.supplyAsync(() -> run("start", "-o", "log.dirs=" + tmp.resolve("d")));
        assertThat(launcher.started.await(10, TimeUnit.SECONDS)).isTrue();
        while (process.hooks.isEmpty()) {
            Thread.sleep(1);
        }

        Thread hook = process.hooks.get(0);
        hook.start(); // what the JVM does on SIGTERM or Ctrl-C
        hook.join(10_000);

        assertThat(launcher.shutdownCalls).isEqualTo(1);
        assertThat(process.haltStatus).isEqualTo(0);
        assertThat(command.get(10, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void theHookLeavesANormalExitAlone() {
        assertThat(run("start", "-o", "log.dirs=" + tmp.resolve("d"))).isZero();

        process.hooks.get(0).run(); // System.exit after the command returned

        assertThat(launcher.shutdownCalls).isZero();
        assertThat(process.haltStatus).isNull();
    }

    @Test
    void helpAndVersionAreAvailable() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("Usage: fjord").contains("start");
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).contains("fjord 0.1.0");
        assertThat(run("start", "--help")).isZero();
        assertThat(out.toString()).contains("--config=FILE").contains("--override=KEY=VALUE");
    }

    /** Records launches; its broker is "bound" to 127.0.0.1:9092 and stops when told to. */
    static final class FakeLauncher implements BrokerLauncher {
        final List<BrokerConfig> launched = new ArrayList<>();
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch stopped = new CountDownLatch(1);
        volatile int shutdownCalls;
        int prepareCalls;
        RuntimeException failure;
        Runnable onLaunch = () -> {};
        boolean blockUntilShutdown;

        @Override
        public void prepare() {
            prepareCalls++;
        }

        @Override
        public RunningBroker launch(BrokerConfig config) {
            if (failure != null) {
                throw failure;
            }
            launched.add(config);
            onLaunch.run();
            started.countDown();
            return new RunningBroker() {
                @Override
                public InetSocketAddress boundAddress() {
                    return new InetSocketAddress("127.0.0.1", 9092);
                }

                @Override
                public synchronized void shutdown() {
                    shutdownCalls++;
                    stopped.countDown();
                }

                @Override
                public void awaitShutdown() {
                    if (blockUntilShutdown) {
                        try {
                            stopped.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            };
        }
    }

    /** Keeps hooks instead of registering them on the test JVM; records halt instead of halting. */
    static final class FakeProcess implements ProcessControl {
        final List<Thread> hooks = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile Integer haltStatus;

        @Override
        public void addShutdownHook(Thread hook) {
            hooks.add(hook);
        }

        @Override
        public void halt(int status) {
            haltStatus = status;
        }
    }
}
