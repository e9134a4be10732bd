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
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fjord cluster up}, run as a user would (a separate JVM on the test classpath): it prints the
 * bootstrap addresses once every node process is ready, each address bootstraps a client to the whole
 * cluster, and SIGTERM stops every node process before the command exits 0; with {@code --controllers}
 * the controllers are separate processes and only the broker-only nodes are brokers.
 */
class ClusterUpIT {

    private static final Pattern READY = Pattern.compile("Fjord cluster up: \\d+ brokers.*, bootstrap (\\S+), data in");

    @TempDir
    Path workDir;

    @Test
    void clusterUpStartsThreeBrokersThatFormOneClusterAndSigtermStopsThemAll() throws Exception {
        Process up = start("--brokers", "3");
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
            stopAndCheckEveryNodeStopped(up, 3);
        } finally {
            up.descendants().forEach(ProcessHandle::destroyForcibly);
            up.destroyForcibly();
        }
    }

    @Test
    void withSeparateControllersOnlyTheBrokerOnlyNodesAreBrokersAndServeATopic() throws Exception {
        Process up = start("--brokers", "2", "--controllers", "3");
        try {
            String bootstrap = awaitReadyLine(up).get(90, TimeUnit.SECONDS);
            String[] addresses = bootstrap.split(",");
            assertThat(addresses).hasSize(2);
            for (String address : addresses) {
                try (Admin admin = LocalCluster.admin(address)) {
                    assertThat(LocalCluster.nodeIds(admin)).containsExactly(4, 5);
                }
            }
            try (Admin admin = LocalCluster.admin(addresses[0])) {
                admin.createTopics(List.of(new NewTopic("split-roles", 2, (short) 2)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
                TopicDescription topic = admin.describeTopics(List.of("split-roles"))
                        .allTopicNames()
                        .get(30, TimeUnit.SECONDS)
                        .get("split-roles");
                for (TopicPartitionInfo partition : topic.partitions()) {
                    assertThat(partition.replicas()).extracting(Node::id).containsExactlyInAnyOrder(4, 5);
                }
            }
            stopAndCheckEveryNodeStopped(up, 5);
        } finally {
            up.descendants().forEach(ProcessHandle::destroyForcibly);
            up.destroyForcibly();
        }
    }

    /** SIGTERMs the command: it exits 0 after stopping all {@code nodes} node processes. */
    private void stopAndCheckEveryNodeStopped(Process up, int nodes) throws Exception {
        List<ProcessHandle> children = up.descendants().toList();
        assertThat(children).hasSize(nodes);
        up.destroy(); // SIGTERM
        assertThat(up.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(up.exitValue()).isZero();
        for (ProcessHandle child : children) {
            assertThat(child.isAlive()).as("node process %d", child.pid()).isFalse();
        }
        assertThat(Files.readString(workDir.resolve("up.err"))).contains("Fjord cluster stopped");
    }

    /** Runs {@code fjord cluster up} with free ports and these extra arguments, in the work directory. */
    private Process start(String... arguments) throws java.io.IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                "io.fjord.cli.Fjord",
                "cluster",
                "up",
                "--port",
                "0",
                "--controller-port",
                "0"));
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectError(workDir.resolve("up.err").toFile())
                .start();
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
