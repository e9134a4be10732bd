package io.fjord.bench.harness;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs Kafka's official perf tools (kafka-tools 4.3.1, on their own classpath) against one broker and parses their
 * output. The same command lines drive every system.
 *
 * <p>Used from the harness's main thread only.
 */
final class WorkloadRunner {

    /** kafka-run-class.sh gives tools 256 MB; a bit more keeps lz4 batches of 256 KiB away from GC pressure. */
    static final List<String> TOOL_JVM = List.of("-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");

    private final BenchOptions options;
    private final String bootstrap;
    private final Path workDir;
    private final Path logFile;
    private final String classpath;

    WorkloadRunner(BenchOptions options, String bootstrap, Path workDir, Path logFile) {
        this.options = options;
        this.bootstrap = bootstrap;
        this.workDir = workDir;
        this.logFile = logFile;
        this.classpath = options.toolsLib().toAbsolutePath() + "/*";
    }

    /** ProducerPerformance; {@code throughput} -1 means as fast as possible. Null when it failed. */
    ToolOutput.ProducerResult produce(Workload w, long records, int throughput)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(
                "--topic",
                w.topic(),
                "--num-records",
                Long.toString(records),
                "--record-size",
                Integer.toString(Workload.RECORD_BYTES),
                "--throughput",
                Integer.toString(throughput),
                "--producer-props",
                "bootstrap.servers=" + bootstrap,
                "acks=" + w.acks()));
        args.addAll(w.extraProps());
        String output = run("org.apache.kafka.tools.ProducerPerformance", args);
        return output == null ? null : ToolOutput.parseProducer(output);
    }

    /** ConsumerPerformance over the whole topic of a produce workload. Null when it failed. */
    ToolOutput.ConsumerResult consume(Workload w, long records, int round) throws IOException, InterruptedException {
        List<String> args = List.of(
                "--bootstrap-server",
                bootstrap,
                "--topic",
                w.topic(),
                "--num-records",
                Long.toString(records),
                "--timeout",
                "60000",
                "--group",
                "bench-" + w.id() + "-" + round);
        String output = run("org.apache.kafka.tools.ConsumerPerformance", args);
        return output == null ? null : ToolOutput.parseConsumer(output);
    }

    /** EndToEndLatency: one record in flight, acks=1. Null when it failed. */
    ToolOutput.LatencyResult endToEnd(Workload w, long records) throws IOException, InterruptedException {
        List<String> args = List.of(
                bootstrap, w.topic(), Long.toString(records), w.acks(), Integer.toString(Workload.RECORD_BYTES));
        String output = run("org.apache.kafka.tools.EndToEndLatency", args);
        return output == null ? null : ToolOutput.parseEndToEnd(output);
    }

    /** EndToEndLatency's loop three times over in one client JVM ({@code BenchClient latency}); the last pass. */
    ToolOutput.WarmLatencyResult warmEndToEnd(Workload w, long records) throws IOException, InterruptedException {
        List<String> args = List.of(
                "latency",
                bootstrap,
                w.topic(),
                Long.toString(records),
                w.acks(),
                Integer.toString(Workload.RECORD_BYTES),
                "3");
        String clientClasspath = options.clientClasses().toAbsolutePath() + ":" + classpath;
        String output = run("io.fjord.bench.client.BenchClient", clientClasspath, args);
        return output == null ? null : ToolOutput.parseWarmLatency(output);
    }

    private String run(String mainClass, List<String> args) throws IOException, InterruptedException {
        return run(mainClass, classpath, args);
    }

    private String run(String mainClass, String classpath, List<String> args) throws IOException, InterruptedException {
        List<String> command = ChildJvm.command(TOOL_JVM, classpath, mainClass, args);
        ChildJvm.Outcome outcome = ChildJvm.run(command, workDir, logFile, Duration.ofMillis(options.toolLimitMs()));
        if (outcome.exitCode() != 0) {
            String simple = mainClass.substring(mainClass.lastIndexOf('.') + 1);
            System.out.println("  " + simple + " failed ("
                    + (outcome.timedOut() ? "time limit" : "exit " + outcome.exitCode()) + "); see " + logFile);
            return null;
        }
        return outcome.output();
    }
}
