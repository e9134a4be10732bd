package io.fjord.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fjord cluster up --brokers 3}, run as a user would (a separate JVM on the test classpath): it
 * prints the bootstrap addresses once all three broker processes are ready, each address bootstraps a
 * client to the whole cluster, and SIGTERM stops every broker process before the command exits 0.
 */
class ClusterUpIT {

    private static final Pattern READY = Pattern.compile("Fjord cluster up: 3 brokers, bootstrap (\\S+), data in");

    @TempDir
    Path workDir;

    @Test
    void clusterUpStartsThreeBrokersThatFormOneClusterAndSigtermStopsThemAll() throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                "io.fjord.cli.Fjord",
                "cluster",
                "up",
                "--brokers",
                "3",
                "--port",
                "0",
                "--controller-port",
                "0"));
        Process up = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectError(workDir.resolve("up.err").toFile())
                .start();
        try {
            long startNs = System.nanoTime();
            String bootstrap = awaitReadyLine(up).get(90, TimeUnit.SECONDS);
            System.out.printf("fjord cluster up: ready in %d ms%n", (System.nanoTime() - startNs) / 1_000_000);
            String[] addresses = bootstrap.split(",");
            assertThat(addresses).hasSize(3);
            for (String address : addresses) {
                try (Admin admin = LocalCluster.admin(address)) {
                    assertThat(LocalCluster.nodeIds(admin)).containsExactly(1, 2, 3);
                }
            }
            Path data = workDir.resolve("data/cluster");
            for (int id = 1; id <= 3; id++) {
                assertThat(data.resolve("node-" + id)).isDirectory();
                assertThat(data.resolve("node-" + id + ".log")).exists();
            }
            List<ProcessHandle> brokers = up.descendants().toList();
            assertThat(brokers).hasSize(3);

            up.destroy(); // SIGTERM
            assertThat(up.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(up.exitValue()).isZero();
            for (ProcessHandle broker : brokers) {
                assertThat(broker.isAlive())
                        .as("broker process %d", broker.pid())
                        .isFalse();
            }
            assertThat(Files.readString(workDir.resolve("up.err"))).contains("Fjord cluster stopped");
        } finally {
            up.descendants().forEach(ProcessHandle::destroyForcibly);
            up.destroyForcibly();
        }
    }

    /** Completes with the bootstrap list of the ready line; drains the rest of stdout so it never blocks. */
    private static CompletableFuture<String> awaitReadyLine(Process up) {
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader lines =
                            new BufferedReader(new InputStreamReader(up.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = lines.readLine()) != null) {
                            Matcher m = READY.matcher(line);
                            if (m.find()) {
                                ready.complete(m.group(1));
                            }
                        }
                    } catch (java.io.IOException e) {
                        // the command exited
                    }
                    ready.completeExceptionally(new AssertionError("fjord cluster up exited before it was ready"));
                },
                "cluster-up-output");
        reader.setDaemon(true);
        reader.start();
        return ready;
    }
}
