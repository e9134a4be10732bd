package io.fjord.bench.harness;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One round of the three-broker workload ({@link Workload.Kind#CLUSTER}) for one system: three nodes of one metadata
 * quorum on loopback (each a broker and a voter), then through {@code BenchClient cluster} (protocol on
 * {@code io.fjord.bench.client.ClusterClient}): ProducerPerformance to 8 partitions with replication factor 3 and
 * acks=all, then SIGKILL of the process leading the failover partition and the time until the metadata names another
 * leader ({@code failover.new_leader_ms}) and until a record sent after the kill is acknowledged
 * ({@code failover.produce_resumed_ms}). Every node is stopped and its data deleted afterwards.
 *
 * <p>Used from the harness's main thread.
 */
final class ClusterRun {

    /** Where a measured figure goes (the harness's record method). */
    interface FigureSink {
        void record(BrokerSystem system, int round, String step, String figureId, double value);
    }

    static final int NODES = 3;

    private final BenchOptions options;
    private final Path logDir;
    private final FigureSink sink;

    ClusterRun(BenchOptions options, Path logDir, FigureSink sink) {
        this.options = options;
        this.logDir = logDir;
        this.sink = sink;
    }

    void run(BrokerSystem system, Workload workload, int round, Path runDir) throws IOException, InterruptedException {
        String tag = system.id() + "-cluster-run" + round;
        int[] ports = new int[NODES];
        int[] controllerPorts = new int[NODES];
        StringBuilder bootstrap = new StringBuilder();
        for (int i = 0; i < NODES; i++) {
            ports[i] = KafkaSystem.freePort();
            controllerPorts[i] = KafkaSystem.freePort();
            bootstrap.append(i == 0 ? "" : ",").append("127.0.0.1:").append(ports[i]);
        }
        List<List<String>> commands = system.prepareCluster(runDir, ports, controllerPorts, logDir);
        List<Process> nodes = new ArrayList<>();
        Process client = null;
        try {
            for (int i = 0; i < NODES; i++) {
                nodes.add(ChildJvm.startLogged(
                        commands.get(i), runDir, logDir.resolve(tag + "-node" + (i + 1) + ".log")));
            }
            client = ChildJvm.startPiped(
                    clientCommand(bootstrap.toString()), runDir, logDir.resolve(tag + "-client.log"));
            ChildLines lines = new ChildLines(client, "cluster client");
            String ready = lines.await(Duration.ofMinutes(3));
            if (!ready.startsWith("READY ")) {
                System.out.println("  cluster did not come up: " + ready + "; see " + logDir);
                return;
            }
            int leader = Integer.parseInt(ready.substring("READY ".length()).trim());
            WorkloadRunner runner =
                    new WorkloadRunner(options, bootstrap.toString(), runDir, logDir.resolve(tag + "-tools.log"));
            ToolOutput.ProducerResult produced = runner.produce(workload, options.produceRecords(), -1);
            sink.record(
                    system,
                    round,
                    workload.id(),
                    workload.id() + ".mb_s",
                    produced == null ? Double.NaN : produced.mbPerSec());
            measureFailover(system, round, lines, nodes.get(leader - 1));
        } finally {
            if (client != null) {
                ChildJvm.stop(client, Duration.ofSeconds(5));
            }
            for (Process node : nodes) {
                ChildJvm.stop(node, Duration.ofSeconds(60));
            }
        }
    }

    private void measureFailover(BrokerSystem system, int round, ChildLines lines, Process leader)
            throws IOException, InterruptedException {
        lines.send("WATCH");
        String watching = lines.await(Duration.ofMinutes(2));
        double newLeaderMs = Double.NaN;
        double resumedMs = Double.NaN;
        if ("WATCHING".equals(watching)) {
            leader.destroyForcibly(); // SIGKILL
            lines.send("KILLED");
            String result = lines.await(Duration.ofMinutes(5));
            String[] parts = result.split(" ");
            if (parts.length == 3 && parts[0].equals("FAILOVER")) {
                newLeaderMs = Double.parseDouble(parts[1]);
                resumedMs = Double.parseDouble(parts[2]);
            } else {
                System.out.println("  failover not measured: " + result);
            }
        } else {
            System.out.println("  failover writes did not start: " + watching);
        }
        sink.record(system, round, "failover", "failover.new_leader_ms", newLeaderMs);
        sink.record(system, round, "failover", "failover.produce_resumed_ms", resumedMs);
    }

    private List<String> clientCommand(String bootstrap) {
        String classpath = options.clientClasses().toAbsolutePath() + ":"
                + options.toolsLib().toAbsolutePath() + "/*";
        return ChildJvm.command(
                List.of("-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"),
                classpath,
                "io.fjord.bench.client.BenchClient",
                List.of("cluster", bootstrap));
    }
}
