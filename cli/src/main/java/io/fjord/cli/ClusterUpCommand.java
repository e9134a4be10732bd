package io.fjord.cli;

import io.fjord.common.Time;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fjord cluster up --brokers N [--controllers M]}: a local cluster for trying things out. Starts
 * separate processes ({@code fjord start}) on loopback with data under {@code <data-dir>/node-<id>} and
 * output in {@code <data-dir>/node-<id>.log}: without {@code --controllers}, N nodes that are each broker
 * and Raft voter ({@code process.roles=broker,controller}); with it, M controller-only voters (ids 1..M)
 * and N broker-only nodes (ids M+1..M+N) that follow the metadata log as Raft listeners. Prints the
 * bootstrap addresses once every node is ready; on Ctrl-C or SIGTERM stops them all (SIGTERM each, then
 * kill after 30 s) and exits 0.
 *
 * <p>Runs on the main thread; one thread per broker copies its output to the log file; the shutdown hook
 * runs on its own thread and only touches the {@link Process} handles, which are thread-safe.
 */
@Command(
        name = "up",
        mixinStandardHelpOptions = true,
        description = "Start a local cluster of broker processes on loopback; Ctrl-C stops them all.")
final class ClusterUpCommand implements Callable<Integer> {

    static final String READY_LINE = "Fjord cluster up";
    private static final long READY_TIMEOUT_MS = 120_000;
    private static final long STOP_TIMEOUT_MS = 30_000;
    private static final String DEFAULT_SERVER_OPTS = "-Xms32m -Xmx512m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError";

    @Option(
            names = {"-n", "--brokers"},
            paramLabel = "N",
            defaultValue = "3",
            description = "Number of brokers (1-9, default ${DEFAULT-VALUE}).")
    int brokers;

    @Option(
            names = "--controllers",
            paramLabel = "M",
            defaultValue = "0",
            description =
                    "Separate controller-only nodes (0-9); 0, the default, makes every broker a controller" + " too.")
    int controllers;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            defaultValue = "9092",
            description =
                    "Kafka port of node 1, the next nodes count up; 0 picks free ports (default ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--controller-port",
            paramLabel = "PORT",
            defaultValue = "19092",
            description = "Raft (CONTROLLER listener) port of node 1, counting up; 0 picks free ports"
                    + " (default ${DEFAULT-VALUE}).")
    int controllerPort;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            defaultValue = "data/cluster",
            description = "Where the nodes keep their data (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(
            names = {"-o", "--override"},
            paramLabel = "KEY=VALUE",
            description = "A broker configuration for every node; repeatable.")
    List<String> overrides = new ArrayList<>();

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private final ProcessControl process;
    private final Time time;

    ClusterUpCommand(ProcessControl process, Time time) {
        this.process = process;
        this.time = time;
    }

    /** One started broker process. */
    private record Node(int id, int port, Process process, Path logFile, CompletableFuture<Boolean> ready) {}

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (brokers < 1 || brokers > 9) {
            throw new CliException(Fjord.EXIT_USAGE, "--brokers must be between 1 and 9, got " + brokers);
        }
        if (controllers < 0 || controllers > 9) {
            throw new CliException(Fjord.EXIT_USAGE, "--controllers must be between 0 and 9, got " + controllers);
        }
        long startNs = time.nanoseconds();
        int nodeCount = controllers + brokers;
        // Controller-only nodes have no Kafka port; a broker-only node's Raft port is its listener port.
        int[] kafkaPorts = ports(port, brokers);
        int[] raftPorts = ports(controllerPort, nodeCount);
        int voterCount = controllers > 0 ? controllers : brokers;
        StringBuilder voters = new StringBuilder();
        for (int i = 0; i < voterCount; i++) {
            voters.append(i == 0 ? "" : ",").append(i + 1).append("@127.0.0.1:").append(raftPorts[i]);
        }
        Path root = dataDir.toAbsolutePath().normalize();
        Files.createDirectories(root);
        List<Node> nodes = new ArrayList<>();
        AtomicBoolean exiting = new AtomicBoolean();
        process.addShutdownHook(new Thread(() -> onSignal(nodes, exiting), "fjord-cluster-shutdown"));
        for (int i = 0; i < nodeCount; i++) {
            int id = i + 1;
            int kafkaPort = i < controllers ? -1 : kafkaPorts[i - controllers];
            Map<String, String> settings = settings(id, kafkaPort, raftPorts[i], voters.toString(), root);
            synchronized (nodes) {
                nodes.add(launch(id, kafkaPort, settings, root.resolve("node-" + id + ".log")));
            }
        }
        for (Node node : nodes) {
            if (!awaitReady(node, startNs)) {
                stopAll(nodes);
                exiting.set(true);
                throw new CliException(
                        Fjord.EXIT_FAILURE, "broker " + node.id() + " did not start; see " + node.logFile());
            }
        }
        String bootstrap = nodes.stream()
                .filter(n -> n.port() > 0)
                .map(n -> "127.0.0.1:" + n.port())
                .collect(Collectors.joining(","));
        out.println(READY_LINE + ": " + brokers + " brokers"
                + (controllers > 0 ? " and " + controllers + " controllers" : "") + ", bootstrap " + bootstrap
                + ", data in " + root + ", started in " + (time.nanoseconds() - startNs) / 1_000_000 + " ms");
        for (Node node : nodes) {
            String raftPort = (node.id() <= voterCount ? "controller port " : "metadata listener port ")
                    + raftPorts[node.id() - 1];
            out.println("  node " + node.id() + ": "
                    + (node.port() > 0 ? "broker 127.0.0.1:" + node.port() + " (" + raftPort + ")" : raftPort)
                    + ", log " + node.logFile());
        }
        out.println("Press Ctrl-C to stop the cluster.");
        out.flush();
        for (Node node : nodes) {
            int status = node.process().waitFor();
            if (!exiting.get()) {
                spec.commandLine().getErr().println("fjord: broker " + node.id() + " exited with status " + status);
            }
        }
        exiting.set(true);
        return 0;
    }

    /** A node's settings; {@code kafkaPort} is -1 for a controller-only node. */
    private Map<String, String> settings(int nodeId, int kafkaPort, int raftPort, String voters, Path root) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("node.id", Integer.toString(nodeId));
        settings.put("controller.quorum.voters", voters);
        settings.put("controller.listener.names", "CONTROLLER");
        if (controllers == 0) {
            settings.put("process.roles", "broker,controller");
            settings.put("listeners", "PLAINTEXT://127.0.0.1:" + kafkaPort + ",CONTROLLER://127.0.0.1:" + raftPort);
        } else if (kafkaPort < 0) {
            settings.put("process.roles", "controller");
            settings.put("listeners", "CONTROLLER://127.0.0.1:" + raftPort);
        } else {
            settings.put("process.roles", "broker");
            settings.put("listeners", "PLAINTEXT://127.0.0.1:" + kafkaPort);
            settings.put("fjord.metadata.listener.port", Integer.toString(raftPort));
        }
        settings.put("log.dirs", root.resolve("node-" + nodeId).toString());
        // Kafka's internal-topic factors (3) wait for three brokers; a smaller local cluster uses all it has.
        String internalFactor = Integer.toString(Math.min(3, brokers));
        settings.put("offsets.topic.replication.factor", internalFactor);
        settings.put("transaction.state.log.replication.factor", internalFactor);
        settings.put("transaction.state.log.min.isr", Integer.toString(Math.min(2, brokers)));
        for (String override : overrides) {
            int eq = override.indexOf('=');
            if (eq <= 0) {
                throw new CliException(Fjord.EXIT_USAGE, "--override expects KEY=VALUE, got: " + override);
            }
            settings.put(override.substring(0, eq).trim(), override.substring(eq + 1));
        }
        return settings;
    }

    private static int[] ports(int first, int count) {
        int[] ports = new int[count];
        for (int i = 0; i < count; i++) {
            ports[i] = first == 0 ? freePort() : first + i;
        }
        return ports;
    }

    private static Node launch(int id, int port, Map<String, String> settings, Path logFile) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // FJORD_OPTS: the options bin/fjord adds to every command's defaults (e.g. -Dfjord.log.level=debug).
        String opts = System.getenv().getOrDefault("FJORD_SERVER_JAVA_OPTS", DEFAULT_SERVER_OPTS) + " "
                + System.getenv().getOrDefault("FJORD_OPTS", "");
        for (String opt : opts.trim().split("\\s+")) {
            if (!opt.isEmpty()) {
                command.add(opt);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Fjord.class.getName());
        command.add("start");
        settings.forEach((k, v) -> {
            command.add("--override");
            command.add(k + "=" + v);
        });
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        Thread pump = new Thread(() -> copyOutput(child, logFile, ready), "fjord-node-" + id + "-output");
        pump.setDaemon(true);
        pump.start();
        return new Node(id, port, child, logFile, ready);
    }

    /** Copies the broker's output to its log file; completes {@code ready} at its "Fjord started" line. */
    private static void copyOutput(Process child, Path logFile, CompletableFuture<Boolean> ready) {
        try (BufferedReader reader =
                        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                BufferedWriter writer = Files.newBufferedWriter(
                        logFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            String line;
            while ((line = reader.readLine()) != null) {
                writer.write(line);
                writer.newLine();
                writer.flush();
                if (line.startsWith("Fjord started")) {
                    ready.complete(true);
                }
            }
        } catch (IOException e) {
            // the process is gone or the log cannot be written; either way it is not ready
        }
        ready.complete(false);
    }

    private boolean awaitReady(Node node, long startNs) throws InterruptedException {
        long leftMs = READY_TIMEOUT_MS - (time.nanoseconds() - startNs) / 1_000_000;
        try {
            return node.ready().get(Math.max(1, leftMs), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    /** Ctrl-C or SIGTERM: stop every broker cleanly, then exit 0. */
    private void onSignal(List<Node> nodes, AtomicBoolean exiting) {
        if (exiting.getAndSet(true)) {
            return;
        }
        stopAll(nodes);
        PrintWriter err = spec.commandLine().getErr();
        err.println("Fjord cluster stopped");
        err.flush();
        process.halt(0);
    }

    private static void stopAll(List<Node> nodes) {
        List<Node> snapshot;
        synchronized (nodes) {
            snapshot = new ArrayList<>(nodes);
        }
        snapshot.forEach(n -> n.process().destroy());
        for (Node node : snapshot) {
            try {
                if (!node.process().waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                    node.process().destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                node.process().destroyForcibly();
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
