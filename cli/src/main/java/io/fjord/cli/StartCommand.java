package io.fjord.cli;

import io.fjord.common.Time;
import io.fjord.common.config.BrokerConfig;
import io.fjord.common.config.ConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fjord start}: reads a Kafka-style properties file, applies {@code --override}s (later ones win),
 * parses a {@link BrokerConfig}, creates the data directories, starts the broker, prints one ready line,
 * and runs until SIGTERM or Ctrl-C, which stop the broker cleanly and exit 0.
 *
 * <p>Runs on the main thread; the shutdown hook runs on its own thread and only touches the
 * {@link BrokerLauncher.RunningBroker}, which is thread-safe.
 */
@Command(
        name = "start",
        mixinStandardHelpOptions = true,
        description = "Start a broker (default: 127.0.0.1:9092, data in ./data).")
final class StartCommand implements Callable<Integer> {

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "A Kafka-style server.properties file.")
    Path configFile;

    @Option(
            names = {"-o", "--override"},
            paramLabel = "KEY=VALUE",
            description = "Sets one configuration, over the file; repeatable.")
    List<String> overrides = new ArrayList<>();

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private final BrokerLauncher launcher;
    private final ProcessControl process;
    private final Time time;

    StartCommand(BrokerLauncher launcher, ProcessControl process, Time time) {
        this.launcher = launcher;
        this.process = process;
        this.time = time;
    }

    @Override
    public Integer call() {
        return run(spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /**
     * Fills this command from {@code args} ({@code start} first) when they use only the plain forms of its two
     * options ({@code -c FILE}, {@code --config FILE} or {@code --config=FILE}, the same for {@code -o} /
     * {@code --override}), and returns true; returns false, having set nothing, for anything else (help, an
     * unknown or clustered option, an {@code @argfile}, a value that starts with '-' or '@', a repeated config),
     * which picocli then parses and reports. A broker starts without loading picocli at all this way: its Java 5
     * classes cannot be archived for class-data sharing, and modelling even this one command cost start-up
     * about 100 ms of CPU.
     */
    boolean parsePlain(String[] args) {
        if (args.length == 0 || !args[0].equals("start")) {
            return false;
        }
        Path config = null;
        List<String> kvs = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            int eq = arg.startsWith("--") ? arg.indexOf('=') : -1;
            String name = eq < 0 ? arg : arg.substring(0, eq);
            boolean isConfig = name.equals("--config") || (eq < 0 && name.equals("-c"));
            boolean isOverride = name.equals("--override") || (eq < 0 && name.equals("-o"));
            if (!isConfig && !isOverride) {
                return false;
            }
            String value = eq >= 0 ? arg.substring(eq + 1) : i + 1 < args.length ? args[++i] : null;
            if (value == null
                    || value.isEmpty()
                    || value.startsWith("-")
                    || value.startsWith("@")
                    || (isConfig && config != null)) {
                return false;
            }
            if (isConfig) {
                config = Path.of(value);
            } else {
                kvs.add(value);
            }
        }
        configFile = config;
        overrides = kvs;
        return true;
    }

    /** Starts the broker and blocks until it stops; the exit status. */
    int run(PrintWriter out, PrintWriter err) {
        long startNs = time.nanoseconds();
        launcher.prepare();
        BrokerConfig config;
        try {
            config = BrokerConfig.parse(properties());
        } catch (ConfigException | UsageException e) {
            return fail(err, Fjord.EXIT_USAGE, e.getMessage());
        }
        List<Path> dataDirs = new ArrayList<>();
        for (Path dir : config.logDirs()) {
            Path abs = dir.toAbsolutePath().normalize();
            try {
                Files.createDirectories(abs);
            } catch (IOException e) {
                return fail(err, Fjord.EXIT_FAILURE, "cannot create data directory " + abs + ": " + e);
            }
            dataDirs.add(abs);
        }
        BrokerLauncher.RunningBroker broker;
        try {
            broker = launcher.launch(config);
        } catch (ConfigException e) {
            // Settings checked only at start-up, e.g. the quorum's (node.id among the voters).
            return fail(err, Fjord.EXIT_USAGE, e.getMessage());
        } catch (RuntimeException e) {
            return fail(err, Fjord.EXIT_FAILURE, "failed to start: " + e.getMessage());
        }
        AtomicBoolean exiting = new AtomicBoolean();
        process.addShutdownHook(new Thread(() -> onSignal(broker, exiting, err), "fjord-shutdown"));
        long elapsedMs = (time.nanoseconds() - startNs) / 1_000_000;
        out.println("Fjord started: listening on " + listening(broker) + ", data in "
                + dataDirs.stream().map(Path::toString).collect(Collectors.joining(", ")) + ", started in "
                + elapsedMs + " ms");
        out.flush();
        broker.awaitShutdown();
        exiting.set(true);
        return 0;
    }

    /**
     * The first listener's address; with more than one listener, every listener as {@code NAME host:port} (a
     * controller-only node reports its controller address).
     */
    private static String listening(BrokerLauncher.RunningBroker broker) {
        Map<String, InetSocketAddress> all = broker.boundAddresses();
        if (all.size() <= 1) {
            return hostPort(broker.boundAddress());
        }
        return all.entrySet().stream()
                .map(e -> e.getKey() + " " + hostPort(e.getValue()))
                .collect(Collectors.joining(", "));
    }

    /** SIGTERM or Ctrl-C: stop the broker cleanly, then exit 0 (a requested stop is a success). */
    private void onSignal(BrokerLauncher.RunningBroker broker, AtomicBoolean exiting, PrintWriter err) {
        if (exiting.get()) {
            return; // the command is returning on its own; its exit status stands
        }
        broker.shutdown();
        broker.awaitShutdown();
        err.println("Fjord stopped");
        err.flush();
        process.halt(0);
    }

    private Map<String, String> properties() {
        Map<String, String> props = new LinkedHashMap<>();
        if (configFile != null) {
            Properties file = new Properties();
            try (Reader in = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
                file.load(in);
            } catch (IOException e) {
                throw new UsageException("cannot read config file " + configFile + ": " + describe(e));
            }
            for (String name : file.stringPropertyNames()) {
                props.put(name, file.getProperty(name));
            }
        }
        for (String override : overrides) {
            int eq = override.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--override expects KEY=VALUE, got: " + override);
            }
            props.put(override.substring(0, eq).trim(), override.substring(eq + 1));
        }
        return props;
    }

    private static String describe(IOException e) {
        return e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.toString();
    }

    private static String hostPort(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static int fail(PrintWriter err, int status, String message) {
        err.println("fjord: " + message.replace('\n', ' '));
        err.flush();
        return status;
    }

    /** A bad command line (unreadable file, malformed override): exit 2 with one line. */
    private static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
