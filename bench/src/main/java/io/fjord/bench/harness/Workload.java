package io.fjord.bench.harness;

import java.util.List;

/**
 * One workload of the side-by-side run (issue 5, "Workloads"). A {@link Kind#PRODUCE} workload produces
 * {@code records} records of {@link #RECORD_BYTES} to its own topic and then consumes that topic back; the others
 * use a topic of their own too, so no workload reads another's data.
 *
 * <p>Immutable; safe to share.
 */
public record Workload(
        String id, Kind kind, String topic, int partitions, String acks, List<String> extraProps, String tag) {

    /** Record size of every workload: 1 KiB, as in the issue. */
    public static final int RECORD_BYTES = 1024;

    /** What the workload measures. */
    public enum Kind {
        /** ProducerPerformance at full speed, then ConsumerPerformance over the same topic. */
        PRODUCE,
        /** ProducerPerformance throttled to a fixed rate; its latency percentiles. */
        FIXED_RATE,
        /** EndToEndLatency: one record in flight, produce to consume round trip. */
        END_TO_END,
        /**
         * EndToEndLatency's loop run three times over in one client JVM ({@code BenchClient latency}); the last
         * pass, in microseconds, once the client's JIT has warmed up. Informational: the goal is on
         * {@link #END_TO_END}.
         */
        END_TO_END_WARM,
        /**
         * Three brokers ({@link ClusterRun}): ProducerPerformance to 8 partitions of replication factor 3 with
         * acks=all, then kill -9 of a partition leader and the time until another one is named and writes resume.
         */
        CLUSTER
    }

    /** Every workload, in the order the harness runs them. */
    public static List<Workload> all() {
        return List.of(
                produce("produce-1p-acks1", 1, "1"),
                produce("produce-1p-acksall", 1, "all"),
                produce("produce-8p-acks1", 8, "1"),
                produce("produce-8p-acksall", 8, "all"),
                new Workload(
                        "produce-8p-lz4",
                        Kind.PRODUCE,
                        "bench-8p-lz4",
                        8,
                        "1",
                        List.of("compression.type=lz4", "linger.ms=5", "batch.size=262144"),
                        "lz4 linger=5 batch=256k"),
                new Workload("fixed-rate", Kind.FIXED_RATE, "bench-fixed-rate", 1, "1", List.of(), ""),
                new Workload("e2e", Kind.END_TO_END, "bench-e2e", 1, "1", List.of(), ""),
                new Workload("e2e-warm", Kind.END_TO_END_WARM, "bench-e2e-warm", 1, "1", List.of(), ""),
                new Workload("cluster", Kind.CLUSTER, "bench-rf3", 8, "all", List.of(), "3 brokers RF=3"));
    }

    private static Workload produce(String id, int partitions, String acks) {
        return new Workload(
                id, Kind.PRODUCE, "bench-" + id.substring("produce-".length()), partitions, acks, List.of(), "");
    }

    /** The id of the consume figure that reads this produce workload's topic. */
    public String consumeId() {
        return "consume-" + id.substring("produce-".length());
    }

    /** A one-line description for the table and the chart ({@code tag} sums up the extra producer properties). */
    public String label() {
        String props = tag.isEmpty() ? "" : " " + tag;
        return switch (kind) {
            case PRODUCE -> "produce " + partitions + "p acks=" + acks + props;
            case FIXED_RATE -> "fixed rate, " + partitions + "p acks=" + acks;
            case END_TO_END -> "end-to-end, 1 in flight";
            case END_TO_END_WARM -> "end-to-end, 1 in flight, warm client";
            case CLUSTER -> "produce " + partitions + "p acks=all, " + tag;
        };
    }
}
