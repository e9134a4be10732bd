package io.fjord.bench.harness;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses what Kafka's perf tools print (kafka-tools 4.3.1). Each parser takes the tool's whole output and returns
 * null when the expected summary is missing (the tool failed or was stopped), so a failed run becomes a missing
 * sample instead of an exception.
 *
 * <p>Stateless; safe from any thread.
 */
public final class ToolOutput {

    private static final Pattern PRODUCER_RATE = Pattern.compile("([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\)");

    private ToolOutput() {}

    /** ProducerPerformance's final summary line. Latencies in ms, throughput in MB/s as the tool prints it (MiB). */
    public record ProducerResult(
            double recordsPerSec,
            double mbPerSec,
            double avgMs,
            double maxMs,
            double p50Ms,
            double p99Ms,
            double p999Ms) {}

    /** ConsumerPerformance's summary. {@code fetchMbPerSec} excludes the group join; {@code mbPerSec} includes it. */
    public record ConsumerResult(double mbPerSec, double fetchMbPerSec, double records, long rebalanceMs) {}

    /** EndToEndLatency's summary (the tool prints whole milliseconds for the percentiles). */
    public record LatencyResult(double avgMs, double p50Ms, double p99Ms, double p999Ms) {}

    /** The last "records sent" line that carries percentiles (the final summary), or null. */
    public static ProducerResult parseProducer(String output) {
        List<String> lines = output.lines().toList();
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i);
            if (!line.contains("records sent") || !line.contains("99.9th")) {
                continue;
            }
            Matcher rate = PRODUCER_RATE.matcher(line);
            if (!rate.find()) {
                return null;
            }
            return new ProducerResult(
                    Double.parseDouble(rate.group(1)),
                    Double.parseDouble(rate.group(2)),
                    number(line, "([\\d.]+) ms avg latency").orElse(Double.NaN),
                    number(line, "([\\d.]+) ms max latency").orElse(Double.NaN),
                    number(line, "([\\d.]+) ms 50th").orElse(Double.NaN),
                    number(line, "([\\d.]+) ms 99th").orElse(Double.NaN),
                    number(line, "([\\d.]+) ms 99\\.9th").orElse(Double.NaN));
        }
        return null;
    }

    /** The data line under ConsumerPerformance's "start.time, end.time, ..." header, or null. */
    public static ConsumerResult parseConsumer(String output) {
        List<String> lines = output.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).startsWith("start.time")) {
                continue;
            }
            String[] names = lines.get(i).split(",");
            String[] values = dataLine(lines, i + 1, names.length);
            if (values == null) {
                return null;
            }
            Map<String, String> byName = new HashMap<>();
            for (int c = 0; c < names.length; c++) {
                byName.put(names[c].trim(), values[c].trim());
            }
            try {
                return new ConsumerResult(
                        Double.parseDouble(byName.get("MB.sec")),
                        Double.parseDouble(byName.get("fetch.MB.sec")),
                        Double.parseDouble(byName.get("data.consumed.in.nMsg")),
                        Long.parseLong(byName.get("rebalance.time.ms")));
            } catch (RuntimeException e) {
                return null;
            }
        }
        return null;
    }

    /** EndToEndLatency's "Avg latency" and "Percentiles" lines, or null. */
    public static LatencyResult parseEndToEnd(String output) {
        OptionalDouble p50 = number(output, "50th = ([\\d.]+)");
        OptionalDouble p99 = number(output, "99th = ([\\d.]+)");
        OptionalDouble p999 = number(output, "99\\.9th = ([\\d.]+)");
        if (p50.isEmpty() || p99.isEmpty() || p999.isEmpty()) {
            return null;
        }
        double avg = number(output, "Avg latency: ([\\d.]+)").orElse(Double.NaN);
        return new LatencyResult(avg, p50.getAsDouble(), p99.getAsDouble(), p999.getAsDouble());
    }

    /** {@code BenchClient latency}'s last pass, in microseconds. */
    public record WarmLatencyResult(long p50Us, long p99Us, long p999Us) {}

    /** The last {@code PASS n p50 p99 p999 max} line of {@code BenchClient latency}, or null. */
    public static WarmLatencyResult parseWarmLatency(String output) {
        Matcher m = Pattern.compile("(?m)^PASS \\d+ (\\d+) (\\d+) (\\d+) \\d+$").matcher(output);
        WarmLatencyResult last = null;
        while (m.find()) {
            last = new WarmLatencyResult(
                    Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)));
        }
        return last;
    }

    /** The first line from {@code from} with {@code fields} comma-separated fields (log lines may come first). */
    private static String[] dataLine(List<String> lines, int from, int fields) {
        for (int i = from; i < lines.size(); i++) {
            String line = lines.get(i);
            String[] values = line.split(",");
            if (values.length == fields && !line.startsWith("[") && !line.startsWith("\t")) {
                return values;
            }
        }
        return null;
    }

    private static OptionalDouble number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
    }
}
