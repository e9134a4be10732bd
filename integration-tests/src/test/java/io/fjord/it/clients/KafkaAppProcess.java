package io.fjord.it.clients;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A JVM of its own running a main class on the kafka-apps module's classpath (Kafka Streams and Connect
 * 4.3.1 with their client; see kafka-apps/pom.xml), the way a user runs those applications. Its stdout
 * lines are collected on a daemon thread and its stderr goes to a log file. Every application stops
 * when its stdin closes (the test applications by themselves, Kafka's own mains through {@code
 * UntilStdinCloses}), so {@link #close} closes it and waits, and a test JVM that dies takes its children
 * with it; {@link #kill} is SIGKILL. {@link #run} runs a command-line tool to its end. Not thread-safe apart
 * from {@link #lines}.
 */
final class KafkaAppProcess implements AutoCloseable {

    /** How long a tool may run, a test may wait for an application, or an application may take to stop. */
    static final long TIMEOUT_SECONDS = 120;

    private final String name;
    private final Process process;
    private final Thread reader;
    /** Where the process's stderr goes. */
    private final Path log;

    private final List<String> lines = new CopyOnWriteArrayList<>();

    private KafkaAppProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.reader = new Thread(() -> {
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

    /** Starts {@code mainClass}, which stops when its stdin closes, with {@code args}; stderr goes to {@code log}. */
    static KafkaAppProcess start(String name, Path log, String mainClass, String... args) throws IOException {
        return new KafkaAppProcess(
                name,
                new ProcessBuilder(command(mainClass, List.of(), args))
                        .redirectError(log.toFile())
                        .start(),
                log);
    }

    /**
     * Starts one of Kafka's own mains (which run until a signal) so that it stops, through its shutdown hooks,
     * when its stdin closes.
     */
    static KafkaAppProcess startKafkaMain(String name, Path log, String mainClass, String... args) throws IOException {
        String[] wrapped = new String[args.length + 1];
        wrapped[0] = mainClass;
        System.arraycopy(args, 0, wrapped, 1, args.length);
        return start(name, log, "io.fjord.kafkaapps.UntilStdinCloses", wrapped);
    }

    /** What a command-line tool printed and how it exited. */
    record Result(int exitCode, String stdout, String stderr) {}

    /**
     * Runs one of Kafka's command-line tools ({@code mainClass}, as its {@code bin/kafka-*.sh} script does)
     * to its end, with {@code stdin} as its input; its client logs only warnings and errors. Its output goes
     * through files, so a tool that hangs is killed after {@link #TIMEOUT_SECONDS} and fails the test.
     */
    static Result run(String stdin, String mainClass, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("kafka-tool", ".out");
        Path err = Files.createTempFile("kafka-tool", ".err");
        try {
            Process process = new ProcessBuilder(
                            command(mainClass, List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"), args))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            try (java.io.OutputStream in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(mainClass + " did not finish within " + TIMEOUT_SECONDS + " s: "
                        + Files.readString(out) + Files.readString(err));
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static List<String> command(String mainClass, List<String> jvmOptions, String... args) {
        Path dir = Path.of(System.getProperty("fjord.kafka.apps.dir", "../kafka-apps/target"));
        Path jar = dir.resolve("fjord-kafka-apps-" + System.getProperty("fjord.version", "0.1.0-SNAPSHOT") + ".jar");
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

    /** Waits for {@code condition}; fails at once, with the output, if the process has exited. */
    void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
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

    /**
     * Prints, to the test's output, the hung process's threads (jcmd Thread.print) and the end of its log, which
     * lives in the test's temporary directory and is gone once the test ends.
     */
    private void printWhereItHangs() {
        System.out.println("=== " + name + " did not stop; its threads:");
        try {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            // Into a file, so a jcmd that cannot attach to a JVM in the middle of exiting is given up on after 30 s
            // rather than holding the test on its output.
            Path threads = Files.createTempFile(log.getParent(), name + "-threads", ".txt");
            Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
                    .redirectErrorStream(true)
                    .redirectOutput(threads.toFile())
                    .start();
            if (!dump.waitFor(30, TimeUnit.SECONDS)) {
                dump.destroyForcibly();
                System.out.println("(jcmd did not finish in 30 s)");
            }
            System.out.println(Files.readString(threads, StandardCharsets.UTF_8));
            List<String> logLines = Files.readAllLines(log, StandardCharsets.UTF_8);
            System.out.println("=== the last lines of " + name + "'s log:");
            logLines.subList(Math.max(0, logLines.size() - 200), logLines.size())
                    .forEach(System.out::println);
        } catch (IOException | RuntimeException e) {
            System.out.println("cannot show where " + name + " hangs: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the process at once (SIGKILL), as a crash would. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.getOutputStream().close();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                printWhereItHangs();
                process.destroyForcibly();
                throw new AssertionError(name + " did not stop within " + TIMEOUT_SECONDS
                        + " s of its stdin closing (its threads and log tail are in the test output): " + lines);
            }
        }
        reader.join(TimeUnit.SECONDS.toMillis(10)); // its last lines are read once the process is gone
    }
}
