package io.fjord.bench.harness;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The harness's side of {@code io.fjord.bench.client.BenchClient probe}: a client JVM started (and warmed up) before
 * the broker, so the start-up figure is the broker's time alone. Line protocol on the child's stdin/stdout:
 *
 * <table>
 *   <caption>Probe protocol</caption>
 *   <tr><th>probe prints</th><th>harness writes</th><th>meaning</th></tr>
 *   <tr><td>READY</td><td></td><td>client classes loaded, producer not yet created</td></tr>
 *   <tr><td></td><td>GO</td><td>the broker was just launched: send one record until acknowledged</td></tr>
 *   <tr><td>ACKED</td><td></td><td>the first produce was acknowledged</td></tr>
 *   <tr><td></td><td>CREATE name:partitions,...</td><td>create these topics (replication factor 1)</td></tr>
 *   <tr><td>CREATED</td><td></td><td>done; the probe exits</td></tr>
 *   <tr><td>ERROR text</td><td></td><td>gave up; the probe exits</td></tr>
 * </table>
 *
 * <p>Used from the harness's main thread (its {@link ChildLines} reads the child's stdout).
 */
final class Probe implements AutoCloseable {

    private final Process process;
    private final ChildLines lines;

    private Probe(Process process) {
        this.process = process;
        this.lines = new ChildLines(process, "probe");
    }

    /** Starts the probe JVM and waits until it is READY. */
    static Probe start(BenchOptions options, String bootstrap, Path workDir, Path logFile)
            throws IOException, InterruptedException {
        String classpath = options.clientClasses().toAbsolutePath() + ":"
                + options.toolsLib().toAbsolutePath() + "/*";
        List<String> command = ChildJvm.command(
                List.of("-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"),
                classpath,
                "io.fjord.bench.client.BenchClient",
                List.of("probe", bootstrap));
        Probe probe = new Probe(ChildJvm.startPiped(command, workDir, logFile));
        String line = probe.lines.await(Duration.ofSeconds(60));
        if (!"READY".equals(line)) {
            probe.close();
            throw new IOException("probe did not start: " + line);
        }
        return probe;
    }

    /**
     * Sends GO and waits for ACKED; returns ms since {@code launchNs}, or NaN when the probe gave up, the broker
     * exited or {@code limit} passed.
     */
    double awaitFirstAck(long launchNs, Duration limit, Process broker) throws IOException, InterruptedException {
        lines.send("GO");
        long deadlineNs = launchNs + limit.toNanos();
        String line = null;
        while (line == null) {
            line = lines.poll(100);
            if (line == null && !broker.isAlive()) {
                line = "the broker exited with code " + broker.exitValue();
            } else if (line == null && System.nanoTime() - deadlineNs > 0) {
                line = "no acknowledged produce within " + limit.toSeconds() + " s";
            }
        }
        long ackNs = System.nanoTime();
        if (!"ACKED".equals(line)) {
            System.out.println("  start-up probe failed: " + line);
            return Double.NaN;
        }
        return (ackNs - launchNs) / 1e6;
    }

    /** Creates the topics of {@code workloads}; false (after printing why) when that failed. */
    boolean createTopics(List<Workload> workloads) throws IOException, InterruptedException {
        StringBuilder spec = new StringBuilder();
        for (Workload w : workloads) {
            if (w.kind() == Workload.Kind.CLUSTER) {
                continue; // its topics (replication factor 3) are the cluster client's
            }
            spec.append(spec.length() == 0 ? "" : ",")
                    .append(w.topic())
                    .append(':')
                    .append(w.partitions());
        }
        lines.send("CREATE " + spec);
        String line = lines.await(Duration.ofSeconds(120));
        if (!"CREATED".equals(line)) {
            System.out.println("  topic creation failed: " + line);
            return false;
        }
        return true;
    }

    @Override
    public void close() throws InterruptedException {
        ChildJvm.stop(process, Duration.ofSeconds(5));
    }
}
