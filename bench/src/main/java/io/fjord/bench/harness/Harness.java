package io.fjord.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The side-by-side run (issue 5): for each round, for each system (the order alternates between rounds), a fresh
 * single-node broker on loopback with a fresh data directory; start-up to the first acknowledged produce; resident
 * memory idle; every selected workload driven by Kafka's own perf tools; resident memory after the load; the broker
 * stopped and its data deleted. Then the table, JSON and chart ({@link Report}).
 *
 * <p>Times real processes on the real clock (System.nanoTime), which is the point of a benchmark harness. Single
 * threaded. Never fails on timing: a failed tool run becomes a missing sample and the run goes on.
 */
public final class Harness {

    private final BenchOptions options;
    private final Path resultsDir;
    private final Samples samples = new Samples();
    private final List<Map<String, Object>> raw = new ArrayList<>();
    private final long clockTicks = ProcStats.clockTicksPerSecond();

    Harness(BenchOptions options, Path resultsDir) {
        this.options = options;
        this.resultsDir = resultsDir;
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.println("usage: bench/run [--quick] [--systems kafka,fjord] [--workloads id,...] [--runs N]"
                    + " [--records N] [--results DIR] [--seed N]   (bench/README.md)");
            System.exit(2);
            return;
        }
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(ZoneOffset.UTC)
                .format(Instant.now());
        Path resultsDir = options.resultsRoot().resolve(stamp);
        new Harness(options, resultsDir).run();
    }

    void run() throws IOException, InterruptedException {
        Map<String, BrokerSystem> systems = new LinkedHashMap<>();
        Map<String, String> skipped = new LinkedHashMap<>();
        for (String id : options.systems()) {
            BrokerSystem system = id.equals("kafka")
                    ? new KafkaSystem(options.kafkaLib(), new Random(options.seed()))
                    : new FjordSystem(options.fjordClasspath(), fjordJvmOptions());
            String reason = system.unavailableReason();
            if (reason == null) {
                systems.put(id, system);
            } else {
                skipped.put(id, reason);
                System.out.println("skipping " + system.displayName() + ": " + reason);
            }
        }
        if (systems.isEmpty()) {
            System.err.println("bench: no system can run here: " + skipped);
            System.exit(1);
        }
        warnIfDiskIsShort();
        Files.createDirectories(resultsDir);
        System.out.printf(
                "bench: %s mode, %d round(s), systems %s, %d records per produce workload, results in %s%n",
                options.quick() ? "quick" : "full",
                options.runs(),
                systems.keySet(),
                options.produceRecords(),
                resultsDir);
        List<BrokerSystem> order = new ArrayList<>(systems.values());
        for (BrokerSystem system : order) {
            if (system.nextStartIsFirst()) {
                untimedFirstStart(system);
            }
        }
        for (int round = 1; round <= options.runs(); round++) {
            for (BrokerSystem system : order) {
                runOnce(system, round);
                runCluster(system, round);
            }
            java.util.Collections.reverse(order);
        }
        Report report = new Report(options, samples, raw, systems, skipped);
        report.write(resultsDir);
        System.out.println();
        System.out.print(report.table());
        System.out.println();
        System.out.println("results: " + resultsDir.resolve("results.json") + ", chart: "
                + resultsDir.resolve("chart.html") + " and " + resultsDir.resolve("chart.svg"));
    }

    private void runOnce(BrokerSystem system, int round) throws IOException, InterruptedException {
        String tag = system.id() + "-run" + round;
        System.out.printf("[%s round %d/%d]%n", system.displayName(), round, options.runs());
        Path runDir = options.workDir().toAbsolutePath().resolve(tag);
        deleteRecursively(runDir);
        Files.createDirectories(runDir);
        Path logDir = resultsDir.resolve("logs");
        int port = KafkaSystem.freePort();
        String bootstrap = "127.0.0.1:" + port;
        Process broker = null;
        try (Probe probe = Probe.start(options, bootstrap, runDir, logDir.resolve(tag + "-probe.log"))) {
            List<String> command = system.prepare(runDir, port, logDir);
            flushDirtyPages();
            awaitQuietMachine();
            long launchNs = System.nanoTime();
            broker = ChildJvm.startLogged(command, runDir, logDir.resolve(tag + "-broker.log"));
            double startupMs = probe.awaitFirstAck(launchNs, Duration.ofMinutes(3), broker);
            record(system, round, "startup", "startup_ms", startupMs);
            if (Double.isNaN(startupMs) || !broker.isAlive()) {
                System.out.println("  broker did not come up; see " + logDir.resolve(tag + "-broker.log"));
                return;
            }
            Thread.sleep(options.settleMs());
            record(system, round, "memory", "rss_idle_mib", ProcStats.rssMiB(broker.pid()));
            if (!probe.createTopics(options.workloads())) {
                return;
            }
            WorkloadRunner runner = new WorkloadRunner(options, bootstrap, runDir, logDir.resolve(tag + "-tools.log"));
            for (Workload workload : options.workloads()) {
                runWorkload(system, round, runner, broker, workload);
            }
            record(system, round, "memory", "rss_loaded_mib", ProcStats.rssMiB(broker.pid()));
        } catch (IOException e) {
            System.out.println("  " + system.displayName() + " run " + round + " failed: " + e.getMessage());
        } finally {
            if (broker != null) {
                ChildJvm.stop(broker, Duration.ofSeconds(60));
            }
            deleteRecursively(runDir.resolve("data"));
        }
    }

    /**
     * Starts {@code system} once and has it acknowledge one produce, timing nothing, so that every timed round gets
     * the start a user gets from the second one on (Fjord's first start after a build records its class-data
     * sharing archive at exit).
     */
    private void untimedFirstStart(BrokerSystem system) throws IOException, InterruptedException {
        System.out.printf("[%s first start after the build, not timed]%n", system.displayName());
        Path runDir = options.workDir().toAbsolutePath().resolve(system.id() + "-first-start");
        deleteRecursively(runDir);
        Files.createDirectories(runDir);
        Path logDir = resultsDir.resolve("logs");
        int port = KafkaSystem.freePort();
        Process broker = null;
        try (Probe probe = Probe.start(
                options, "127.0.0.1:" + port, runDir, logDir.resolve(system.id() + "-first-start-probe.log"))) {
            List<String> command = system.prepare(runDir, port, logDir);
            broker = ChildJvm.startLogged(command, runDir, logDir.resolve(system.id() + "-first-start-broker.log"));
            probe.awaitFirstAck(System.nanoTime(), Duration.ofMinutes(3), broker);
        } finally {
            if (broker != null) {
                ChildJvm.stop(broker, Duration.ofSeconds(60));
            }
            deleteRecursively(runDir);
        }
    }

    /**
     * Runs sync(1) before a start-up is timed: the previous round wrote gigabytes, and a start-up that fsyncs (both
     * systems' metadata logs do) should not wait behind that round's writeback.
     */
    private static void flushDirtyPages() throws IOException, InterruptedException {
        Process sync = new ProcessBuilder("sync").inheritIO().start();
        if (!sync.waitFor(2, TimeUnit.MINUTES)) {
            sync.destroyForcibly();
        }
    }

    /** A start-up is timed once the machine has been at least this idle (percent, all cores) over one window. */
    static final double QUIET_IDLE_PERCENT = 90.0;

    private static final long QUIET_WINDOW_MS = 500;
    private static final long QUIET_LIMIT_MS = 20_000;

    /**
     * Waits until the machine is quiet: {@link #QUIET_IDLE_PERCENT} idle over {@value #QUIET_WINDOW_MS} ms, for at
     * most {@value #QUIET_LIMIT_MS} ms, and prints what it found. A start of a few hundred milliseconds timed while
     * something else holds a core (what ran before it, the probe's client still compiling) measures that too; one
     * of Fjord's starts, timed right after its three-broker round, once took 522 ms against 278-376 in the same run.
     */
    private static void awaitQuietMachine() throws InterruptedException {
        long startNs = System.nanoTime();
        ProcStats.MachineTicks before = ProcStats.machineTicks();
        while (true) {
            Thread.sleep(QUIET_WINDOW_MS);
            ProcStats.MachineTicks now = ProcStats.machineTicks();
            double idle = now.idlePercentSince(before);
            long waitedMs = (System.nanoTime() - startNs) / 1_000_000;
            if (Double.isNaN(idle) || idle >= QUIET_IDLE_PERCENT || waitedMs >= QUIET_LIMIT_MS) {
                System.out.printf("  (machine %.0f%% idle after %d ms; start-up timed from here)%n", idle, waitedMs);
                return;
            }
            before = now;
        }
    }

    /** The three-broker workload, when selected ({@link ClusterRun}); its data is deleted afterwards. */
    private void runCluster(BrokerSystem system, int round) throws IOException, InterruptedException {
        for (Workload w : options.workloads()) {
            if (w.kind() != Workload.Kind.CLUSTER) {
                continue;
            }
            System.out.printf("[%s round %d/%d, 3 brokers]%n", system.displayName(), round, options.runs());
            Path runDir = options.workDir().toAbsolutePath().resolve(system.id() + "-cluster-run" + round);
            deleteRecursively(runDir);
            try {
                new ClusterRun(options, resultsDir.resolve("logs"), this::record).run(system, w, round, runDir);
            } catch (IOException e) {
                System.out.println(
                        "  " + system.displayName() + " cluster run " + round + " failed: " + e.getMessage());
            } finally {
                deleteRecursively(runDir);
            }
        }
    }

    private void runWorkload(BrokerSystem system, int round, WorkloadRunner runner, Process broker, Workload w)
            throws IOException, InterruptedException {
        switch (w.kind()) {
            case PRODUCE -> {
                double gb = options.produceRecords() * (double) Workload.RECORD_BYTES / 1e9;
                ProcStats.CpuTimes brokerBefore = ProcStats.cpuTimes(broker.pid(), clockTicks);
                ProcStats.CpuTimes producerBefore = ProcStats.exitedChildrenCpuTimes(clockTicks);
                ProcStats.MachineTicks machineBefore = ProcStats.machineTicks();
                ToolOutput.ProducerResult produced = runner.produce(w, options.produceRecords(), -1);
                ProcStats.MachineTicks machineAfter = ProcStats.machineTicks();
                ProcStats.CpuTimes producerCpu =
                        ProcStats.exitedChildrenCpuTimes(clockTicks).minus(producerBefore);
                ProcStats.CpuTimes brokerCpu =
                        ProcStats.cpuTimes(broker.pid(), clockTicks).minus(brokerBefore);
                boolean ok = produced != null;
                record(system, round, w.id(), w.id() + ".mb_s", ok ? produced.mbPerSec() : Double.NaN);
                record(system, round, w.id(), w.id() + ".cpu_s_per_gb", ok ? brokerCpu.total() / gb : Double.NaN);
                record(system, round, w.id(), w.id() + ".cpu_sys_s_per_gb", ok ? brokerCpu.system() / gb : Double.NaN);
                record(
                        system,
                        round,
                        w.id(),
                        w.id() + ".tool_cpu_s_per_gb",
                        ok ? producerCpu.total() / gb : Double.NaN);
                record(
                        system,
                        round,
                        w.id(),
                        w.id() + ".idle_pct",
                        ok ? machineAfter.idlePercentSince(machineBefore) : Double.NaN);
                rawResult(system, round, w.id(), produced);
                // The tools run one at a time, so the exited children's time grows by exactly this tool's.
                ProcStats.CpuTimes consumerBefore = ProcStats.exitedChildrenCpuTimes(clockTicks);
                ToolOutput.ConsumerResult consumed = runner.consume(w, options.produceRecords(), round);
                ProcStats.CpuTimes consumerCpu =
                        ProcStats.exitedChildrenCpuTimes(clockTicks).minus(consumerBefore);
                record(
                        system,
                        round,
                        w.consumeId(),
                        w.consumeId() + ".mb_s",
                        consumed == null ? Double.NaN : consumed.fetchMbPerSec());
                record(
                        system,
                        round,
                        w.consumeId(),
                        w.consumeId() + ".tool_cpu_s_per_gb",
                        consumed == null ? Double.NaN : consumerCpu.total() / gb);
                rawResult(system, round, w.consumeId(), consumed);
            }
            case FIXED_RATE -> {
                ToolOutput.ProducerResult r =
                        runner.produce(w, options.fixedRateRecords(), BenchOptions.FIXED_RATE_PER_SEC);
                record(system, round, w.id(), w.id() + ".p50_ms", r == null ? Double.NaN : r.p50Ms());
                record(system, round, w.id(), w.id() + ".p99_ms", r == null ? Double.NaN : r.p99Ms());
                record(system, round, w.id(), w.id() + ".p999_ms", r == null ? Double.NaN : r.p999Ms());
                rawResult(system, round, w.id(), r);
            }
            case END_TO_END -> {
                ToolOutput.LatencyResult r = runner.endToEnd(w, options.endToEndRecords());
                record(system, round, w.id(), w.id() + ".p50_ms", r == null ? Double.NaN : r.p50Ms());
                record(system, round, w.id(), w.id() + ".p99_ms", r == null ? Double.NaN : r.p99Ms());
                record(system, round, w.id(), w.id() + ".p999_ms", r == null ? Double.NaN : r.p999Ms());
                rawResult(system, round, w.id(), r);
            }
            case END_TO_END_WARM -> {
                ToolOutput.WarmLatencyResult r = runner.warmEndToEnd(w, options.endToEndRecords());
                record(system, round, w.id(), w.id() + ".p50_us", r == null ? Double.NaN : r.p50Us());
                record(system, round, w.id(), w.id() + ".p99_us", r == null ? Double.NaN : r.p99Us());
                record(system, round, w.id(), w.id() + ".p999_us", r == null ? Double.NaN : r.p999Us());
                rawResult(system, round, w.id(), r);
            }
            case CLUSTER -> {} // runCluster, after the single-node run
        }
    }

    private void record(BrokerSystem system, int round, String step, String figureId, double value) {
        samples.add(figureId, system.id(), value);
        System.out.printf("  %-28s %12s%n", figureId, Report.format(value));
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("system", system.id());
        entry.put("round", round);
        entry.put("step", step);
        entry.put("figure", figureId);
        entry.put("value", value);
        raw.add(entry);
    }

    private void rawResult(BrokerSystem system, int round, String step, Record result) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("system", system.id());
        entry.put("round", round);
        entry.put("step", step);
        entry.put("tool_result", result == null ? null : Json.recordFields(result));
        raw.add(entry);
    }

    /** Produce workloads keep their data until the broker stops: say so before a full run fills the disk. */
    private void warnIfDiskIsShort() throws IOException {
        Files.createDirectories(options.workDir());
        long produceWorkloads = options.workloads().stream()
                .filter(w -> w.kind() == Workload.Kind.PRODUCE)
                .count();
        long neededBytes = produceWorkloads * options.produceRecords() * Workload.RECORD_BYTES * 11 / 10
                + options.fixedRateRecords() * Workload.RECORD_BYTES;
        long usableBytes = Files.getFileStore(options.workDir()).getUsableSpace();
        if (usableBytes < neededBytes) {
            System.out.printf(
                    "bench: WARNING: %d MiB free under %s, a broker run writes about %d MiB%n",
                    usableBytes >> 20, options.workDir(), neededBytes >> 20);
        }
    }

    /** FJORD_JAVA_OPTS when set, else the `server` line of config/jvm.options, as bin/fjord start does. */
    private static List<String> fjordJvmOptions() {
        String env = System.getenv("FJORD_JAVA_OPTS");
        if (env != null) {
            return env.isBlank() ? List.of() : List.of(env.trim().split("\\s+"));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path file = dir.resolve("config").resolve("jvm.options");
            if (Files.isRegularFile(file)) {
                try {
                    for (String line : Files.readAllLines(file)) {
                        if (line.startsWith("server=")) {
                            String opts = line.substring("server=".length()).trim();
                            return opts.isEmpty() ? List.of() : List.of(opts.split("\\s+"));
                        }
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException("cannot read " + file, e);
                }
            }
        }
        return List.of();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
