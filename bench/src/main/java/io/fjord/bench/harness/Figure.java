package io.fjord.bench.harness;

import java.util.ArrayList;
import java.util.List;

/**
 * One reported figure: what it is, its unit, which direction is better and the goal for the Fjord/Kafka
 * ratio (null when the issue sets none).
 *
 * <p>Immutable; safe to share.
 */
public record Figure(String id, String label, String unit, boolean higherIsBetter, Goal goal) {

    /** A bound on Fjord/Kafka: {@code ratio >= bound} when {@code atLeast}, else {@code ratio <= bound}. */
    public record Goal(boolean atLeast, double bound) {

        /** Whether {@code ratio} meets the goal. */
        public boolean isMet(double ratio) {
            return atLeast ? ratio >= bound : ratio <= bound;
        }

        @Override
        public String toString() {
            return (atLeast ? ">= " : "<= ") + bound;
        }
    }

    static Goal atLeast(double bound) {
        return new Goal(true, bound);
    }

    static Goal atMost(double bound) {
        return new Goal(false, bound);
    }

    /** The figures the selected workloads produce, in table order (issue 5, "Goals"). */
    public static List<Figure> catalog(List<Workload> workloads) {
        List<Figure> figures = new ArrayList<>();
        figures.add(new Figure("startup_ms", "start-up to first acked produce", "ms", false, atMost(0.1)));
        figures.add(new Figure("rss_idle_mib", "broker RSS idle", "MiB", false, atMost(0.25)));
        figures.add(new Figure("rss_loaded_mib", "broker RSS after load", "MiB", false, atMost(0.25)));
        for (Workload w : workloads) {
            if (w.kind() == Workload.Kind.PRODUCE) {
                figures.add(new Figure(w.id() + ".mb_s", w.label(), "MB/s", true, atLeast(1.3)));
            }
        }
        for (Workload w : workloads) {
            if (w.kind() == Workload.Kind.PRODUCE) {
                String label = "consume " + w.label().substring("produce ".length());
                figures.add(new Figure(w.consumeId() + ".mb_s", label, "MB/s", true, atLeast(1.2)));
            }
        }
        for (Workload w : workloads) {
            if (w.kind() == Workload.Kind.PRODUCE) {
                String label = "CPU/GB " + w.label().substring("produce ".length());
                figures.add(new Figure(w.id() + ".cpu_s_per_gb", label, "s/GB", false, atMost(0.5)));
            }
        }
        // Where the CPU of each produce and consume went (no goal): the kernel's part of the broker's figure above,
        // the official tool's own CPU (its whole JVM) and how much of the machine sat idle while it produced.
        for (Workload w : workloads) {
            if (w.kind() == Workload.Kind.PRODUCE) {
                String what = w.label().substring("produce ".length());
                figures.add(
                        new Figure(w.id() + ".cpu_sys_s_per_gb", "CPU/GB " + what + ", kernel", "s/GB", false, null));
                figures.add(
                        new Figure(w.id() + ".tool_cpu_s_per_gb", "producer tool CPU/GB " + what, "s/GB", false, null));
                figures.add(new Figure(
                        w.consumeId() + ".tool_cpu_s_per_gb", "consumer tool CPU/GB " + what, "s/GB", false, null));
                figures.add(new Figure(w.id() + ".idle_pct", "machine idle, produce " + what, "%", true, null));
            }
        }
        for (Workload w : workloads) {
            if (w.kind() == Workload.Kind.FIXED_RATE) {
                figures.add(new Figure(w.id() + ".p50_ms", "10k rec/s latency p50", "ms", false, null));
                figures.add(new Figure(w.id() + ".p99_ms", "10k rec/s latency p99", "ms", false, null));
                figures.add(new Figure(w.id() + ".p999_ms", "10k rec/s latency p99.9", "ms", false, null));
            } else if (w.kind() == Workload.Kind.END_TO_END) {
                figures.add(new Figure(w.id() + ".p50_ms", "end-to-end p50", "ms", false, null));
                figures.add(new Figure(w.id() + ".p99_ms", "end-to-end p99", "ms", false, atMost(0.5)));
                figures.add(new Figure(w.id() + ".p999_ms", "end-to-end p99.9", "ms", false, atMost(0.5)));
            } else if (w.kind() == Workload.Kind.END_TO_END_WARM) {
                figures.add(new Figure(w.id() + ".p50_us", "end-to-end p50, warm client", "us", false, null));
                figures.add(new Figure(w.id() + ".p99_us", "end-to-end p99, warm client", "us", false, null));
                figures.add(new Figure(w.id() + ".p999_us", "end-to-end p99.9, warm client", "us", false, null));
            } else if (w.kind() == Workload.Kind.CLUSTER) {
                figures.add(new Figure(w.id() + ".mb_s", w.label(), "MB/s", true, atLeast(1.3)));
                figures.add(new Figure(
                        "failover.new_leader_ms", "new leader after kill -9 (3 brokers)", "ms", false, atMost(0.25)));
                figures.add(new Figure(
                        "failover.produce_resumed_ms", "writes resume after kill -9 (3 brokers)", "ms", false, null));
            }
        }
        return figures;
    }
}
