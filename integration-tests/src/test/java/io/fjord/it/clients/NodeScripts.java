package io.fjord.it.clients;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Node.js scripts under {@code src/test/js} (KafkaJS, pinned by the committed package-lock.json) and
 * reads the one JSON object each prints. The first use in a JVM installs the packages with {@code npm ci} when
 * {@code node_modules} is missing or holds another KafkaJS than the lock file pins, so a fresh clone needs only Node.js and npm on the PATH; without them the
 * test fails with one line saying what to install. Thread-safe: installation is synchronized, runs are separate
 * processes.
 */
final class NodeScripts {

    /** The scripts' directory; surefire runs the tests from the module's directory. */
    static final Path DIR = Path.of("src", "test", "js").toAbsolutePath();

    private static final long INSTALL_TIMEOUT_MS = 180_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static boolean installed;

    private NodeScripts() {}

    /** Checks for node and npm and runs {@code npm ci} once per JVM if the packages are not installed. */
    static synchronized void ensureInstalled() throws IOException, InterruptedException {
        if (installed) {
            return;
        }
        for (String tool : List.of("node", "npm")) {
            try {
                if (exec(List.of(tool, "--version"), 30_000).exitCode != 0) {
                    fail(tool + " --version failed: install Node.js 14+ and npm (apt-get install -y nodejs npm)");
                }
            } catch (IOException e) {
                fail(tool + " is not installed: the KafkaJS tests need Node.js 14+ and npm"
                        + " (apt-get install -y nodejs npm)");
            }
        }
        if (!installedAsLocked("kafkajs")) {
            Result npm = exec(List.of("npm", "ci", "--no-audit", "--no-fund"), INSTALL_TIMEOUT_MS);
            if (npm.exitCode != 0) {
                fail("npm ci in " + DIR + " failed (exit " + npm.exitCode + "): " + npm.output);
            }
        }
        installed = true;
    }

    /** True when node_modules holds {@code module} at the version package-lock.json pins. */
    private static boolean installedAsLocked(String module) throws IOException {
        Path installed = DIR.resolve("node_modules").resolve(module).resolve("package.json");
        if (!Files.exists(installed)) {
            return false;
        }
        String locked = JSON.readTree(DIR.resolve("package-lock.json").toFile())
                .at("/packages/node_modules~1" + module + "/version")
                .asText();
        return JSON.readTree(installed.toFile()).path("version").asText().equals(locked);
    }

    /**
     * Runs {@code node <script> <args...>} and parses the JSON line it prints. A failing script fails the test
     * with its output (KafkaJS's log and the error), as does one that outlives {@code timeoutMs}.
     */
    static JsonNode run(String script, long timeoutMs, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        Result result = exec(command, timeoutMs);
        if (result.exitCode != 0) {
            fail("node " + String.join(" ", command.subList(1, command.size())) + " exited " + result.exitCode + ":\n"
                    + result.output);
        }
        String[] lines = result.stdout.strip().split("\n");
        return JSON.readTree(lines[lines.length - 1]);
    }

    private record Result(int exitCode, String stdout, String output) {}

    /**
     * Runs {@code command} in {@link #DIR} with its output in files, so that a chatty process never blocks on a
     * pipe and one that hangs is stopped at the timeout.
     */
    private static Result exec(List<String> command, long timeoutMs) throws IOException, InterruptedException {
        Path stdout = Files.createTempFile("node-", ".stdout");
        Path stderr = Files.createTempFile("node-", ".stderr");
        try {
            Process process = new ProcessBuilder(command)
                    .directory(DIR.toFile())
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                fail(String.join(" ", command) + " did not finish in " + timeoutMs + " ms:\n"
                        + Files.readString(stdout, StandardCharsets.UTF_8)
                        + Files.readString(stderr, StandardCharsets.UTF_8));
            }
            String out = Files.readString(stdout, StandardCharsets.UTF_8);
            return new Result(process.exitValue(), out, out + Files.readString(stderr, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }
}
