package io.fjord.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * librdkafka, through Debian's kcat, produces to and consumes from Fjord with each codec. kcat must be on
 * the PATH (.ci/run installs it); the test fails with that message when it is not.
 */
public class KcatIT {

    @TempDir
    static Path dataDir;

    static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start(dataDir, Map.of("num.partitions", "3"));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void kcatProducesAndConsumesWithCompression(String codec) throws Exception {
        String topic = "kcat-" + codec;
        StringBuilder input = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String line = "k" + (i % 17) + ":value " + i + " " + "x".repeat(i % 50);
            input.append(line).append('\n');
            expected.add(line);
        }
        Result produce = run(
                input.toString(),
                "kcat",
                "-b",
                broker.bootstrap(),
                "-P",
                "-t",
                topic,
                "-K:",
                "-z",
                codec,
                "-X",
                "topic.request.required.acks=-1");
        assertThat(produce.exitCode).as("kcat -P stderr: %s", produce.stderr).isZero();

        Result consume =
                run("", "kcat", "-b", broker.bootstrap(), "-C", "-t", topic, "-o", "beginning", "-e", "-f", "%k:%s\\n");
        assertThat(consume.exitCode).as("kcat -C stderr: %s", consume.stderr).isZero();
        List<String> lines = consume.stdout.lines().toList();
        assertThat(lines).containsExactlyInAnyOrderElementsOf(expected);
    }

    public record Result(int exitCode, String stdout, String stderr) {}

    public static Result run(String stdin, String... command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new IOException("kcat is not installed (apt-get install -y kcat): " + e.getMessage(), e);
        }
        // stderr on a thread of its own: a kcat that fills one pipe while the other is read would never finish.
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return process.getErrorStream().readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        var out = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("kcat did not finish in 60 s: " + String.join(" ", command));
        }
        byte[] errBytes;
        try {
            errBytes = err.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            errBytes = new byte[0];
        }
        return new Result(
                process.exitValue(),
                new String(out, StandardCharsets.UTF_8),
                new String(errBytes, StandardCharsets.UTF_8));
    }
}
