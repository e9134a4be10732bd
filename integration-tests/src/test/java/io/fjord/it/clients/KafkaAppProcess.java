package io.fjord.it.clients;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A JVM of its own running a main class on the kafka-apps module's classpath (Kafka Streams and Connect
 * 4.3.1 with their client; see kafka-apps/pom.xml), the way a user runs those applications. Its stdout
 * lines are collected on a daemon thread and its stderr goes to a log file. {@link #close} stops it the
 * way it was started to be stopped ({@link Stop}) and waits for the exit; {@link #kill} is SIGKILL.
 * Not thread-safe apart from {@link #lines}.
 */
final class KafkaAppProcess implements AutoCloseable {

    /** How an application is asked to stop cleanly. */
    enum Stop {
        /** It stops when its stdin closes (the test applications in kafka-apps). */
        STDIN,
        /** SIGTERM, which runs its shutdown hooks (Kafka's own mains, such as ConnectDistributed). */
        SIGTERM
    }

    private final String name;
    private final Stop stop;
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private KafkaAppProcess(String name, Stop stop, Process process) {
        this.name = name;
        this.stop = stop;
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader in = process.inputReader()) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("READ FAILED " + e);
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code mainClass} with {@code args}; its stderr goes to {@code log}. */
    static KafkaAppProcess start(String name, Stop stop, Path log, String mainClass, String... args)
            throws IOException {
        return new KafkaAppProcess(
                name,
                stop,
                new ProcessBuilder(command(mainClass, List.of(), args))
                        .redirectError(log.toFile())
                        .start());
    }

    /** What a command-line tool printed and how it exited. */
    record Result(int exitCode, String stdout, String stderr) {}

    /**
     * Runs one of Kafka's command-line tools ({@code mainClass}, as its {@code bin/kafka-*.sh} script does)
     * to its end, within 60 s, with {@code stdin} as its input; its client logs only warnings and errors.
     */
    static Result run(String stdin, String mainClass, String... args) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(
                        command(mainClass, List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"), args))
                .start();
        try (java.io.OutputStream in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "stderr unreadable: " + e;
            }
        });
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(mainClass + " did not finish within 60 s: " + stdout);
        }
        return new Result(process.exitValue(), stdout, stderr.join());
    }

    private static List<String> command(String mainClass, List<String> jvmOptions, String... args) {
        Path dir = Path.of(System.getProperty("fjord.kafka.apps.dir", "../kafka-apps/target"));
        Path jar = dir.resolve("fjord-kafka-apps-0.1.0-SNAPSHOT.jar");
        if (!Files.isRegularFile(jar) || !Files.isDirectory(dir.resolve("lib"))) {
            throw new IllegalStateException(
                    "Kafka's applications are not built: run mvn package -pl kafka-apps (looked in " + dir + ")");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", jar + File.pathSeparator + dir.resolve("lib") + File.separator + "*", mainClass));
        command.addAll(List.of(args));
        return command;
    }

    /** The stdout lines so far. */
    List<String> lines() {
        return lines;
    }

    /** Waits up to 60 s for {@code condition}; fails at once, with the output, if the process has exited. */
    void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new AssertionError(
                        name + " exited (" + process.exitValue() + ") waiting for " + what + ": " + lines);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + " of " + name + ": " + lines);
            }
            Thread.sleep(50);
        }
    }

    /** Kills the process at once (SIGKILL), as a crash would. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        if (!process.isAlive()) {
            return;
        }
        if (stop == Stop.STDIN) {
            process.getOutputStream().close();
        } else {
            process.destroy();
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(name + " did not stop within 60 s of being asked to (" + stop + "): " + lines);
        }
    }
}
