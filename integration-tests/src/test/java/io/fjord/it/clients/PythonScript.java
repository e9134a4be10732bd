package io.fjord.it.clients;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one case of a client script under {@code src/test/python} with Debian's interpreter and returns the
 * JSON line it prints. The scripts exit with {@link #MISSING_LIBRARY_EXIT} when their client library is not
 * installed; that, or a missing interpreter, fails the test with one line naming the Debian package to
 * install. Output goes to files, so a chatty client cannot fill a pipe and stall.
 */
record PythonScript(String script, String debianPackage, Path workDir) {

    static final String PYTHON = "/usr/bin/python3";
    static final int MISSING_LIBRARY_EXIT = 3;
    private static final Path SCRIPTS = Path.of("src/test/python");
    private static final long TIMEOUT_SECONDS = 90;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Runs {@code case bootstrap prefix args...} and returns the script's JSON result. */
    JsonNode run(String testCase, String bootstrap, String prefix, String... args) throws Exception {
        List<String> command = new ArrayList<>(
                List.of(PYTHON, SCRIPTS.resolve(script).toAbsolutePath().toString(), testCase, bootstrap, prefix));
        command.addAll(List.of(args));
        Path out = workDir.resolve(prefix + ".out");
        Path err = workDir.resolve(prefix + ".err");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1"); // no __pycache__ in the source tree
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return fail("%s is not installed (apt-get install -y %s): %s", PYTHON, debianPackage, e.getMessage());
        }
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            return fail("%s %s did not finish in %d s; stderr:%n%s", script, testCase, TIMEOUT_SECONDS, tail(err));
        }
        if (process.exitValue() == MISSING_LIBRARY_EXIT) {
            return fail("%s is not installed (apt-get install -y %s)", debianPackage, debianPackage);
        }
        if (process.exitValue() != 0) {
            return fail("%s %s exited with %d; stderr:%n%s", script, testCase, process.exitValue(), tail(err));
        }
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            return fail("%s %s printed nothing; stderr:%n%s", script, testCase, tail(err));
        }
        return JSON.readTree(lines.get(lines.size() - 1));
    }

    private static String tail(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
    }
}
