package io.fjord.it.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code fjord ...} as a separate process, the way a user would (java -cp of the test classpath running
 * io.fjord.cli.Fjord, i.e. what bin/fjord does with FJORD_CLASSPATH), with the given standard input, and
 * captures its exit code, output and elapsed time. Output goes through files so that no pipe can fill up.
 * Not thread-safe: one runner per test class.
 */
final class Cli {
    /** The outcome of one command. */
    record Result(int exitCode, String out, String err, long elapsedMs) {
        List<String> outLines() {
            return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n"));
        }

        @Override
        public String toString() {
            return "exit " + exitCode + " after " + elapsedMs + " ms\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final Path workDir;
    private final String bootstrap;
    private int runs;

    Cli(Path workDir, String bootstrap) {
        this.workDir = workDir;
        this.bootstrap = bootstrap;
    }

    Path workDir() {
        return workDir;
    }

    /** {@code fjord -b <bootstrap> args...} with empty stdin. */
    Result run(String... args) throws IOException, InterruptedException {
        return runWithInput("", args);
    }

    Result runWithInput(String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("-b");
        command.add(bootstrap);
        command.addAll(List.of(args));
        return raw(stdin, command);
    }

    /** {@code fjord args...} without the -b option. */
    Result raw(String stdin, List<String> args) throws IOException, InterruptedException {
        int n = ++runs;
        Path in = workDir.resolve("run-" + n + ".in");
        Path out = workDir.resolve("run-" + n + ".out");
        Path err = workDir.resolve("run-" + n + ".err");
        Files.writeString(in, stdin, StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.fjord.cli.Fjord");
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectInput(in.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().remove("FJORD_BROKERS");
        long startNs = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("fjord " + args + " did not finish in 90 s; stderr: " + Files.readString(err));
        }
        long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;
        return new Result(
                process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8),
                elapsedMs);
    }
}
