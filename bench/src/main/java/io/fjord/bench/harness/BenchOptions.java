package io.fjord.bench.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The harness's command line, with the counts of the full and the quick mode.
 *
 * <pre>
 * --quick                 small counts, one run each (a smoke run, a few minutes)
 * --systems kafka,fjord   which brokers, in the order of the first round (rounds alternate the order)
 * --workloads a,b         workload ids (Workload.all()); default all
 * --runs N                rounds (default 3, quick 1)
 * --records N             records per produce workload (default 2000000, quick 50000)
 * --results DIR           where results/&lt;timestamp&gt;/ goes (default results)
 * --work DIR              scratch space for broker data, deleted after each broker run
 * --kafka-lib DIR --tools-lib DIR --client-classes DIR --fjord-classpath FILE   (set by bench/run)
 * --seed N                seeds the cluster ids (default 1)
 * </pre>
 *
 * <p>Immutable.
 */
public record BenchOptions(
        boolean quick,
        List<String> systems,
        List<Workload> workloads,
        int runs,
        long produceRecords,
        long fixedRateRecords,
        long endToEndRecords,
        long settleMs,
        long toolLimitMs,
        Path resultsRoot,
        Path workDir,
        Path kafkaLib,
        Path toolsLib,
        Path clientClasses,
        Path fjordClasspath,
        long seed) {

    /** The fixed rate of the fixed-rate workload, records per second (issue 5). */
    public static final int FIXED_RATE_PER_SEC = 10_000;

    /** Parses {@code args}; throws IllegalArgumentException naming a bad argument. */
    public static BenchOptions parse(String[] args) {
        boolean quick = Arrays.asList(args).contains("--quick");
        List<String> systems = List.of("kafka", "fjord");
        List<Workload> workloads = Workload.all();
        Integer runs = null;
        Long records = null;
        Path results = Path.of("results");
        Path work = Path.of("bench", "target", "bench-work");
        Path kafkaLib = Path.of("bench", "dist", "kafka", "target", "lib");
        Path toolsLib = Path.of("bench", "dist", "tools", "target", "lib");
        Path clientClasses = Path.of("bench", "target", "classes");
        Path fjordClasspath = Path.of("bench", "target", "fjord.classpath");
        long seed = 1;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--quick" -> {}
                case "--systems" -> systems = splitList(value(args, ++i, arg));
                case "--workloads" -> workloads = selectWorkloads(value(args, ++i, arg));
                case "--runs" -> runs = Integer.parseInt(value(args, ++i, arg));
                case "--records" -> records = Long.parseLong(value(args, ++i, arg));
                case "--results" -> results = Path.of(value(args, ++i, arg));
                case "--work" -> work = Path.of(value(args, ++i, arg));
                case "--kafka-lib" -> kafkaLib = Path.of(value(args, ++i, arg));
                case "--tools-lib" -> toolsLib = Path.of(value(args, ++i, arg));
                case "--client-classes" -> clientClasses = Path.of(value(args, ++i, arg));
                case "--fjord-classpath" -> fjordClasspath = Path.of(value(args, ++i, arg));
                case "--seed" -> seed = Long.parseLong(value(args, ++i, arg));
                default -> throw new IllegalArgumentException("unknown argument: " + arg);
            }
        }
        for (String system : systems) {
            if (!system.equals("kafka") && !system.equals("fjord")) {
                throw new IllegalArgumentException("unknown system '" + system + "' (kafka, fjord)");
            }
        }
        return new BenchOptions(
                quick,
                systems,
                workloads,
                runs != null ? runs : quick ? 1 : 3,
                records != null ? records : quick ? 50_000 : 2_000_000,
                quick ? 20_000 : 300_000,
                quick ? 500 : 10_000,
                quick ? 2_000 : 5_000,
                quick ? 180_000 : 1_200_000,
                results,
                work,
                kafkaLib,
                toolsLib,
                clientClasses,
                fjordClasspath,
                seed);
    }

    private static String value(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args[i];
    }

    private static List<String> splitList(String text) {
        List<String> items = new ArrayList<>();
        for (String item : text.split(",")) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        return items;
    }

    private static List<Workload> selectWorkloads(String text) {
        List<String> ids = splitList(text);
        List<Workload> selected = new ArrayList<>();
        for (Workload w : Workload.all()) {
            if (ids.contains(w.id())) {
                selected.add(w);
            }
        }
        for (String id : ids) {
            if (Workload.all().stream().noneMatch(w -> w.id().equals(id))) {
                throw new IllegalArgumentException("unknown workload '" + id + "'; known: "
                        + Workload.all().stream().map(Workload::id).toList());
            }
        }
        return selected;
    }
}
