package io.fjord.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The arithmetic of {@code fjord group describe} and {@code group reset-offsets}, kept apart from the Admin
 * calls so it can be tested on plain maps: per-partition lag rows and the offsets a reset would write.
 * Stateless.
 */
final class GroupPlans {
    private GroupPlans() {}

    /** One partition of a group: committed offset (-1 if none), log end offset, lag, and its owner if any. */
    record LagRow(TopicPartition partition, long committed, long logEnd, long lag, String member) {}

    /** The lag rows for every partition that has a committed offset or an owner, sorted by topic, partition. */
    static List<LagRow> lag(
            Map<TopicPartition, Long> committed, Map<TopicPartition, String> owners, Map<TopicPartition, Long> logEnd) {
        java.util.Set<TopicPartition> all = new java.util.HashSet<>(committed.keySet());
        all.addAll(owners.keySet());
        List<LagRow> rows = new ArrayList<>();
        for (TopicPartition tp : all) {
            long c = committed.getOrDefault(tp, -1L);
            long end = logEnd.getOrDefault(tp, -1L);
            long lag = end < 0 ? 0 : c < 0 ? end : Math.max(0, end - c);
            rows.add(new LagRow(tp, c, end, lag, owners.getOrDefault(tp, "-")));
        }
        rows.sort(Comparator.comparing((LagRow r) -> r.partition().topic())
                .thenComparingInt(r -> r.partition().partition()));
        return rows;
    }

    static long totalLag(List<LagRow> rows) {
        long total = 0;
        for (LagRow r : rows) {
            total += r.lag();
        }
        return total;
    }

    /** One line of a reset plan: the partition, its committed offset now (-1 if none) and the new one. */
    record ResetRow(TopicPartition partition, long current, long target) {}

    /**
     * The new committed offset of each partition for {@code --to} (earliest, latest, an offset, or
     * {@code @TIMESTAMP_MS}). An explicit offset is clamped into [earliest, latest], as Kafka's tool does; a
     * timestamp after the last record resolves to latest. {@code byTimestamp} holds the offsets the broker
     * returned for the timestamp (absent: none at or after it).
     */
    static List<ResetRow> reset(
            List<TopicPartition> partitions,
            Map<TopicPartition, Long> committed,
            ConsumeCommand.StartPosition to,
            Map<TopicPartition, Long> earliest,
            Map<TopicPartition, Long> latest,
            Map<TopicPartition, Long> byTimestamp) {
        List<ResetRow> rows = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            long low = earliest.get(tp);
            long high = latest.get(tp);
            long target =
                    switch (to.kind()) {
                        case BEGINNING -> low;
                        case END -> high;
                        case OFFSET -> Math.min(Math.max(to.value(), low), high);
                        case TIMESTAMP -> byTimestamp.getOrDefault(tp, high);
                    };
            rows.add(new ResetRow(tp, committed.getOrDefault(tp, -1L), target));
        }
        rows.sort(Comparator.comparingInt((ResetRow r) -> r.partition().partition()));
        return rows;
    }

    static String offset(long offset) {
        return offset < 0 ? "-" : Long.toString(offset);
    }
}
