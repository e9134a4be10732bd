package io.fjord.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Turns the samples of a run into the three outputs of issue 5: a text table (both systems, median [min..max], the
 * Fjord/Kafka ratio of the medians and the goal's status), {@code results.json}, and a chart ({@code chart.svg} and
 * {@code chart.html}, see {@link Chart}).
 *
 * <p>Not thread-safe; built once after the run.
 */
final class Report {

    /** A goal of the issue, judged over every figure it covers. */
    record GoalLine(String text, Predicate<Figure> covers) {}

    static final List<GoalLine> GOALS = List.of(
            new GoalLine(
                    "produce throughput, every workload >= 1.3",
                    f -> (f.id().startsWith("produce-") || f.id().startsWith("cluster")) && f.id().endsWith(".mb_s")),
            new GoalLine("consume throughput >= 1.2", f -> f.id().startsWith("consume-") && f.id().endsWith(".mb_s")),
            new GoalLine("broker CPU seconds per GB produced <= 0.5", f -> f.id().endsWith(".cpu_s_per_gb")),
            new GoalLine("end-to-end latency p99 and p99.9 <= 0.5", f -> f.id().startsWith("e2e.") && f.goal() != null),
            new GoalLine("start-up to first acknowledged produce <= 0.1", f -> f.id().equals("startup_ms")),
            new GoalLine("resident memory, idle and after load <= 0.25", f -> f.id().startsWith("rss_")),
            new GoalLine("time to a new leader after kill -9 (3 brokers) <= 0.25", f -> f.id().equals(
                            "failover.new_leader_ms")));

    private final BenchOptions options;
    private final Samples samples;
    private final List<Map<String, Object>> raw;
    private final Map<String, BrokerSystem> systems;
    private final Map<String, String> skipped;
    private final List<Figure> figures;

    Report(
            BenchOptions options,
            Samples samples,
            List<Map<String, Object>> raw,
            Map<String, BrokerSystem> systems,
            Map<String, String> skipped) {
        this.options = options;
        this.samples = samples;
        this.raw = raw;
        this.systems = systems;
        this.skipped = skipped;
        this.figures = Figure.catalog(options.workloads());
    }

    /** One figure's row: both systems' statistics, the ratio of medians (NaN unless both exist), the status. */
    record Row(Figure figure, Samples.Stats kafka, Samples.Stats fjord, double ratio, String status) {}

    List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (Figure f : figures) {
            Samples.Stats kafka = samples.stats(f.id(), "kafka");
            Samples.Stats fjord = samples.stats(f.id(), "fjord");
            double ratio = kafka.present() && fjord.present() && kafka.median() != 0
                    ? fjord.median() / kafka.median()
                    : Double.NaN;
            String status;
            if (f.goal() == null) {
                status = "-";
            } else if (Double.isNaN(ratio)) {
                status = "not measured";
            } else {
                status = f.goal().isMet(ratio) ? "met" : "NOT MET";
            }
            rows.add(new Row(f, kafka, fjord, ratio, status));
        }
        return rows;
    }

    /** The text table plus one line per goal of the issue. */
    String table() {
        StringBuilder out = new StringBuilder();
        int labelWidth =
                figures.stream().mapToInt(f -> f.label().length()).max().orElse(10);
        String rowFormat = "%-" + labelWidth + "s %-5s %-30s %-30s %-6s %-7s %s%n";
        String header = String.format(
                rowFormat,
                "figure",
                "unit",
                "Kafka 4.4.0 median [min..max]",
                "Fjord median [min..max]",
                "F/K",
                "goal",
                "status");
        out.append(header).append("-".repeat(header.length() - 1)).append('\n');
        for (Row row : rows()) {
            out.append(String.format(
                    rowFormat,
                    row.figure().label(),
                    row.figure().unit(),
                    cell(row.kafka()),
                    cell(row.fjord()),
                    Double.isNaN(row.ratio()) ? "-" : String.format(Locale.ROOT, "%.2f", row.ratio()),
                    row.figure().goal() == null ? "-" : row.figure().goal().toString(),
                    row.status()));
        }
        out.append('\n').append("Goals (Fjord/Kafka, medians of the same run):\n");
        for (Map.Entry<String, String> goal : goalStatus().entrySet()) {
            out.append(String.format("  %-56s %s%n", goal.getKey(), goal.getValue()));
        }
        for (Map.Entry<String, String> s : skipped.entrySet()) {
            out.append("  (")
                    .append(s.getKey())
                    .append(" not run: ")
                    .append(s.getValue())
                    .append(")\n");
        }
        return out.toString();
    }

    /** Every goal of the issue with "met", "NOT MET (figures...)" or "not measured". */
    Map<String, String> goalStatus() {
        Map<String, String> status = new LinkedHashMap<>();
        List<Row> rows = rows();
        for (GoalLine goal : GOALS) {
            List<String> missed = new ArrayList<>();
            int measured = 0;
            int covered = 0;
            for (Row row : rows) {
                if (row.figure().goal() == null || !goal.covers().test(row.figure())) {
                    continue;
                }
                covered++;
                if (!Double.isNaN(row.ratio())) {
                    measured++;
                    if (!row.figure().goal().isMet(row.ratio())) {
                        missed.add(row.figure().label());
                    }
                }
            }
            String text;
            if (covered == 0 || measured == 0) {
                text = "not measured";
            } else if (!missed.isEmpty()) {
                text = "NOT MET (" + String.join("; ", missed) + ")";
            } else {
                text = measured < covered ? "met where measured (" + measured + "/" + covered + ")" : "met";
            }
            status.put(goal.text(), text);
        }
        return status;
    }

    /** Writes results.json, chart.svg, chart.html and table.txt into {@code dir}. */
    void write(Path dir) throws IOException {
        Files.writeString(dir.resolve("results.json"), Json.write(json()));
        String svg = Chart.svg(rows(), systems, options);
        Files.writeString(dir.resolve("chart.svg"), svg);
        Files.writeString(dir.resolve("chart.html"), Chart.html(svg, table()));
        Files.writeString(dir.resolve("table.txt"), table());
    }

    private Map<String, Object> json() {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("mode", options.quick() ? "quick" : "full");
        config.put("runs", options.runs());
        config.put("produce_records", options.produceRecords());
        config.put("record_bytes", Workload.RECORD_BYTES);
        config.put("fixed_rate_records", options.fixedRateRecords());
        config.put("fixed_rate_per_s", BenchOptions.FIXED_RATE_PER_SEC);
        config.put("end_to_end_records", options.endToEndRecords());
        config.put("workloads", options.workloads().stream().map(Workload::id).toList());
        config.put("systems", new ArrayList<>(systems.keySet()));
        config.put("skipped", skipped);
        config.put("java", System.getProperty("java.version"));
        config.put("cores", Runtime.getRuntime().availableProcessors());
        root.put("config", config);
        List<Object> figureList = new ArrayList<>();
        for (Row row : rows()) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("id", row.figure().id());
            f.put("label", row.figure().label());
            f.put("unit", row.figure().unit());
            f.put("higher_is_better", row.figure().higherIsBetter());
            f.put(
                    "goal",
                    row.figure().goal() == null ? null : row.figure().goal().toString());
            f.put("kafka", statsJson(row.figure().id(), "kafka", row.kafka()));
            f.put("fjord", statsJson(row.figure().id(), "fjord", row.fjord()));
            f.put("ratio_fjord_over_kafka", row.ratio());
            f.put("status", row.status());
            figureList.add(f);
        }
        root.put("figures", figureList);
        root.put("goals", goalStatus());
        root.put("raw", raw);
        return root;
    }

    private Map<String, Object> statsJson(String figureId, String system, Samples.Stats stats) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("median", stats.median());
        m.put("min", stats.min());
        m.put("max", stats.max());
        m.put("samples", samples.values(figureId, system));
        return m;
    }

    private static String cell(Samples.Stats stats) {
        if (!stats.present()) {
            return "-";
        }
        if (stats.count() == 1) {
            return format(stats.median());
        }
        return format(stats.median()) + " [" + format(stats.min()) + ".." + format(stats.max()) + "]";
    }

    /** A value with precision by magnitude (3 significant-ish digits), "-" for NaN. */
    static String format(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        double abs = Math.abs(value);
        String pattern = abs >= 100 ? "%.0f" : abs >= 10 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, pattern, value);
    }
}
