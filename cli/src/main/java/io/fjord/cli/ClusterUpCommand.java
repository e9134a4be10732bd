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
 * {@code fjord cluster up --brokers N}: a local cluster for trying things out. Starts N separate broker
 * processes ({@code fjord start}) on loopback, each a member of the Raft metadata quorum ({@code
 * process.roles=broker,controller}) with data under {@code <data-dir>/node-<id>} and its output in {@code
 * <data-dir>/node-<id>.log}; prints the bootstrap addresses once every broker is ready; on Ctrl-C or
 * SIGTERM stops them all (SIGTERM each, then kill after 30 s) and exits 0.
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
        long startNs = time.nanoseconds();
        int[] kafkaPorts = ports(port);
        int[] raftPorts = ports(controllerPort);
        StringBuilder voters = new StringBuilder();
        for (int i = 0; i < brokers; i++) {
            voters.append(i == 0 ? "" : ",").append(i + 1).append("@127.0.0.1:").append(raftPorts[i]);
        }
        Path root = dataDir.toAbsolutePath().normalize();
        Files.createDirectories(root);
        List<Node> nodes = new ArrayList<>();
        AtomicBoolean exiting = new AtomicBoolean();
        process.addShutdownHook(new Thread(() -> onSignal(nodes, exiting), "fjord-cluster-shutdown"));
        for (int i = 0; i < brokers; i++) {
            Map<String, String> settings = settings(i + 1, kafkaPorts[i], raftPorts[i], voters.toString(), root);
            synchronized (nodes) {
                nodes.add(launch(i + 1, kafkaPorts[i], settings, root.resolve("node-" + (i + 1) + ".log")));
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
        String bootstrap = nodes.stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
        out.println(READY_LINE + ": " + brokers + " brokers, bootstrap " + bootstrap + ", data in " + root
                + ", started in " + (time.nanoseconds() - startNs) / 1_000_000 + " ms");
        for (Node node : nodes) {
            out.println("  node " + node.id() + ": 127.0.0.1:" + node.port() + " (controller port "
                    + raftPorts[node.id() - 1] + "), log " + node.logFile());
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

    private Map<String, String> settings(int nodeId, int kafkaPort, int raftPort, String voters, Path root) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("node.id", Integer.toString(nodeId));
        settings.put("process.roles", "broker,controller");
        settings.put("controller.quorum.voters", voters);
        settings.put("listeners", "PLAINTEXT://127.0.0.1:" + kafkaPort + ",CONTROLLER://127.0.0.1:" + raftPort);
        settings.put("controller.listener.names", "CONTROLLER");
        settings.put("log.dirs", root.resolve("node-" + nodeId).toString());
        for (String override : overrides) {
            int eq = override.indexOf('=');
            if (eq <= 0) {
                throw new CliException(Fjord.EXIT_USAGE, "--override expects KEY=VALUE, got: " + override);
            }
            settings.put(override.substring(0, eq).trim(), override.substring(eq + 1));
        }
        return settings;
    }

    private int[] ports(int first) {
        int[] ports = new int[brokers];
        for (int i = 0; i < brokers; i++) {
            ports[i] = first == 0 ? freePort() : first + i;
        }
        return ports;
    }

    private static Node launch(int id, int port, Map<String, String> settings, Path logFile) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String opts = System.getenv().getOrDefault("FJORD_SERVER_JAVA_OPTS", DEFAULT_SERVER_OPTS);
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
