package io.fjord.bench.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts JVMs (brokers, perf tools, the client probe) as child processes of the harness and runs tools to
 * completion with a time limit. Every child is also registered for destruction at harness exit, so a harness
 * stopped with Ctrl-C leaves no broker behind.
 *
 * <p>Called from the harness's single main thread; the output pump of {@link #run} uses one short-lived thread.
 */
public final class ChildJvm {

    private ChildJvm() {}

    /** The outcome of a tool run: exit code (-1 when stopped at the time limit) and everything it printed. */
    public record Outcome(int exitCode, String output, boolean timedOut) {}

    /** The java launcher of the JVM running the harness; children use the same JDK. */
    public static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A command line: java, the JVM options, -cp classpath, the main class and its arguments. */
    public static List<String> command(List<String> jvmOptions, String classpath, String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    /** Starts a long-lived child whose stdout and stderr are appended to {@code logFile}. */
    public static Process startLogged(List<String> command, Path workDir, Path logFile) throws IOException {
        Files.createDirectories(logFile.getParent());
        Process process = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        destroyAtExit(process);
        return process;
    }

    /** Starts a child whose stdout the caller reads (a line protocol); stderr is appended to {@code logFile}. */
    public static Process startPiped(List<String> command, Path workDir, Path logFile) throws IOException {
        Files.createDirectories(logFile.getParent());
        Process process = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        destroyAtExit(process);
        return process;
    }

    /**
     * Runs a tool to completion or until {@code limit}, echoing its output to {@code logFile} (with the command
     * line first) and returning it.
     */
    public static Outcome run(List<String> command, Path workDir, Path logFile, Duration limit)
            throws IOException, InterruptedException {
        Files.createDirectories(logFile.getParent());
        Process process = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .start();
        destroyAtExit(process);
        StringBuilder output = new StringBuilder();
        Thread pump = new Thread(() -> pump(process, output), "tool-output");
        pump.setDaemon(true);
        pump.start();
        boolean finished = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        if (!finished) {
            stop(process, Duration.ofSeconds(5));
        }
        pump.join(5_000);
        String text;
        synchronized (output) {
            text = output.toString();
        }
        try (Writer log = Files.newBufferedWriter(
                logFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            log.write("$ " + String.join(" ", command) + "\n" + text + (finished ? "" : "[stopped at time limit]\n"));
        }
        return new Outcome(finished ? process.exitValue() : -1, text, !finished);
    }

    /** SIGTERM, then SIGKILL if the process is still alive after {@code grace}. */
    public static void stop(Process process, Duration grace) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void pump(Process process, StringBuilder output) {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (output) {
                    output.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            // The process was stopped; what was read so far is kept.
        }
    }

    private static void destroyAtExit(Process process) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }));
    }
}
