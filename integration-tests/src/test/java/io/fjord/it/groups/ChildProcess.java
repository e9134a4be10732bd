package io.fjord.it.groups;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A client in its own process (a Java main class of the test class path, or a tool such as kcat), so a test
 * can kill it with SIGKILL ({@link #kill()}): its sockets close without any goodbye (no LeaveGroup), exactly
 * as when a machine dies. Its stdout lines are collected for the test to wait on; stderr goes to a log file.
 * Thread-safe.
 */
final class ChildProcess implements AutoCloseable {

    private final Process process;
    private final List<String> lines = new ArrayList<>();

    private ChildProcess(Process process) {
        this.process = process;
        Thread pump = new Thread(this::pump, "child-jvm-stdout-" + process.pid());
        pump.setDaemon(true);
        pump.start();
    }

    static ChildProcess startJava(Path logFile, Class<?> mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        return start(logFile, command);
    }

    static ChildProcess start(Path logFile, List<String> command) throws IOException {
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        return new ChildProcess(process);
    }

    private void pump() {
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process died; the lines read so far stay
        }
    }

    /** Every stdout line so far. */
    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Waits for a stdout line matching {@code match}; fails after {@code timeoutMs} or when the JVM exits. */
    String awaitLine(Predicate<String> match, long timeoutMs) throws InterruptedException {
        long deadlineMs = System.currentTimeMillis() + timeoutMs;
        int seen = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    if (match.test(lines.get(seen))) {
                        return lines.get(seen);
                    }
                }
                long leftMs = deadlineMs - System.currentTimeMillis();
                if (leftMs <= 0) {
                    throw new AssertionError(
                            "child process printed no matching line in " + timeoutMs + " ms: " + lines);
                }
                lines.wait(Math.min(leftMs, 200));
            }
        }
    }

    /** Waits for the JVM to exit by itself; returns its exit code. */
    int awaitExit(long timeoutMs) throws InterruptedException {
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
            throw new AssertionError("child process still running after " + timeoutMs + " ms; stdout: " + lines());
        }
        return process.exitValue();
    }

    /** SIGTERM (a tool's clean exit, e.g. kcat leaving its group) and wait. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }

    /** SIGKILL: no shutdown hook, no LeaveGroup, the kernel closes the sockets. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
