package io.fjord.it;

import io.fjord.testkit.FreePorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A Fjord broker in its own JVM, started with `fjord start` exactly as a user would, so tests can kill -9
 * it. Its output goes to a log file next to the data directory. The overrides are applied over the
 * defaults ({@code listeners} on {@link #port()}, {@code log.dirs}); the members of a quorum are
 * {@link #launch}ed together, then each {@link #awaitReady}. Not thread-safe.
 */
public final class BrokerProcess implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private final Map<String, String> overrides;
    /** The command up to and including {@code start}. */
    private final List<String> launcher;
    /** Adjusts the environment the broker inherits from the test JVM. */
    private final Consumer<Map<String, String>> environment;

    private Process process;
    private CompletableFuture<Boolean> ready;

    public BrokerProcess(Path dataDir, Map<String, String> overrides) {
        this(dataDir, freePort(), overrides);
    }

    /** A broker whose Kafka listener is on {@code port}; {@code overrides} win over the defaults. */
    public BrokerProcess(Path dataDir, int port, Map<String, String> overrides) {
        this(
                dataDir,
                port,
                overrides,
                List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx512m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.fjord.cli.Fjord",
                        "start"),
                env -> {});
    }

    private BrokerProcess(
            Path dataDir,
            int port,
            Map<String, String> overrides,
            List<String> launcher,
            Consumer<Map<String, String>> environment) {
        this.dataDir = dataDir;
        this.port = port;
        this.overrides = new LinkedHashMap<>(overrides);
        this.launcher = launcher;
        this.environment = environment;
    }

    /**
     * A broker started by the checkout's {@code bin/fjord start} on the jars the cli build packaged, with its
     * defaults (no overrides but the listener and data directory); {@code environment} adjusts the environment the
     * script inherits.
     */
    public static BrokerProcess binFjord(Path script, Path dataDir, Consumer<Map<String, String>> environment) {
        return new BrokerProcess(dataDir, freePort(), Map.of(), List.of(script.toString(), "start"), environment);
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Starts the broker and waits for its "Fjord started" line (at most 60 s). */
    public void start() throws IOException, InterruptedException {
        launch();
        awaitReady();
    }

    /** Starts the broker's JVM without waiting for it to be ready. */
    public void launch() throws IOException {
        List<String> command = new ArrayList<>(launcher);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("listeners", "PLAINTEXT://127.0.0.1:" + port);
        settings.put("log.dirs", dataDir.toAbsolutePath().toString());
        settings.putAll(overrides);
        settings.forEach((k, v) -> {
            command.add("--override");
            command.add(k + "=" + v);
        });
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        environment.accept(builder.environment());
        process = builder.start();
        CompletableFuture<Boolean> started = new CompletableFuture<>();
        ready = started;
        Path logFile = logFile();
        Thread pump = new Thread(() -> pumpOutput(logFile, started), "broker-output-" + port);
        pump.setDaemon(true);
        pump.start();
    }

    /** Waits for the launched broker's "Fjord started" line (at most 60 s). */
    public void awaitReady() throws IOException, InterruptedException {
        Path logFile = logFile();
        try {
            if (!ready.get(60, TimeUnit.SECONDS)) {
                throw new IOException("broker exited before it was ready; see " + logFile);
            }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            process.destroyForcibly();
            throw new IOException("broker did not start in 60 s; see " + logFile, e);
        }
    }

    /** Where the broker's output goes: next to its data directory. */
    public Path logFile() {
        return dataDir.resolveSibling(dataDir.getFileName() + ".log");
    }

    private void pumpOutput(Path logFile, CompletableFuture<Boolean> ready) {
        try (BufferedReader reader =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                var writer = java.nio.file.Files.newBufferedWriter(
                        logFile, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND)) {
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
            // the process died; fall through
        }
        ready.complete(false);
    }

    /** kill -9: no shutdown hook runs, nothing is flushed. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM and wait for a clean exit; returns the exit code. What the broker logs as it stops goes to its log. */
    public int stop() throws InterruptedException {
        // Process.destroy() sends the same signal but closes the output pipe at once, so the pump lost every line
        // the broker wrote while stopping; the handle's destroy only signals, and the pump reads on to the end.
        process.toHandle().destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    /** The operating-system process id of the running broker. */
    public long pid() {
        return process.pid();
    }

    /** SIGSTOP: the JVM freezes (no heartbeat, no answers) but keeps its sockets and memory. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT: a paused broker carries on where it stopped. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                .redirectErrorStream(true)
                .start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (isAlive()) {
            kill9();
        }
    }

    /**
     * A loopback port free now, never returned before in this JVM and outside the ephemeral range ({@link
     * FreePorts}): two listeners of one quorum, picked before either binds, never get the same port, and a broker
     * connecting to its peers cannot take the port of one that has not bound yet.
     */
    public static int freePort() {
        return FreePorts.next();
    }
}
