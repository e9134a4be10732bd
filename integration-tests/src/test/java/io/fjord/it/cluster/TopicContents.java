package io.fjord.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Everything a topic holds up to its high watermark, read with the Java consumer (assigned partitions,
 * from the beginning), and the checks the failover tests make of it against what a
 * {@link SequenceProducer} was told: every acknowledged record is there at the offset it was acknowledged
 * with, no sequence number twice, sequence numbers rising within each partition. Immutable once read.
 */
final class TopicContents {

    /** A stored record: its offset and the sequence number in its value. */
    record Stored(long offset, long seq) {}

    private final Map<Integer, List<Stored>> byPartition;

    private TopicContents(Map<Integer, List<Stored>> byPartition) {
        this.byPartition = byPartition;
    }

    /** Reads partitions 0..{@code partitions}-1 of {@code topic} up to their end offsets as of now. */
    static TopicContents read(String bootstrap, String topic, int partitions, long timeoutMs) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        Map<Integer, List<Stored>> byPartition = new TreeMap<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> assigned = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                assigned.add(new TopicPartition(topic, p));
                byPartition.put(p, new ArrayList<>());
            }
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, Duration.ofMillis(timeoutMs));
            long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (!reachedEnd(consumer, ends) && System.nanoTime() < deadlineNs) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() < ends.get(new TopicPartition(topic, r.partition()))) {
                        byPartition.get(r.partition()).add(new Stored(r.offset(), Long.parseLong(r.value())));
                    }
                }
            }
            assertThat(reachedEnd(consumer, ends))
                    .as("read %s to its end offsets %s in %d ms", topic, ends, timeoutMs)
                    .isTrue();
        }
        return new TopicContents(byPartition);
    }

    private static boolean reachedEnd(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    int recordCount() {
        return byPartition.values().stream().mapToInt(List::size).sum();
    }

    /**
     * Asserts that every acknowledged record is stored at its acknowledged offset, that no sequence
     * number is stored twice (the idempotent producer's retries left no duplicate) and that within each
     * partition sequence numbers rise with the offset (the producer's order kept).
     */
    void assertKeepsEveryAcknowledgedRecordOnceInOrder(List<SequenceProducer.Ack> acks) {
        Set<Long> seen = new HashSet<>();
        Map<Integer, Map<Long, Long>> seqAtOffset = new HashMap<>();
        for (Map.Entry<Integer, List<Stored>> partition : byPartition.entrySet()) {
            long previousSeq = -1;
            Map<Long, Long> offsets = new HashMap<>();
            for (Stored stored : partition.getValue()) {
                assertThat(seen.add(stored.seq()))
                        .as(
                                "sequence %d stored once (again at %d-%d)",
                                stored.seq(), partition.getKey(), stored.offset())
                        .isTrue();
                assertThat(stored.seq())
                        .as("order in partition %d at offset %d", partition.getKey(), stored.offset())
                        .isGreaterThan(previousSeq);
                previousSeq = stored.seq();
                offsets.put(stored.offset(), stored.seq());
            }
            seqAtOffset.put(partition.getKey(), offsets);
        }
        List<String> lost = new ArrayList<>();
        for (SequenceProducer.Ack ack : acks) {
            if (ack.offset() < 0) {
                // Acknowledged as a duplicate without offsets (DUPLICATE_SEQUENCE_NUMBER: a late retry of a
                // batch written long before): it must be stored, wherever it is.
                if (!seqAtOffset.get(ack.partition()).containsValue(ack.seq())) {
                    lost.add("seq " + ack.seq() + " acknowledged as a duplicate in partition " + ack.partition()
                            + ", stored nowhere there");
                }
                continue;
            }
            Long stored = seqAtOffset.get(ack.partition()).get(ack.offset());
            if (stored == null || stored != ack.seq()) {
                lost.add("seq " + ack.seq() + " acknowledged at " + ack.partition() + "-" + ack.offset()
                        + ", stored there: " + stored);
            }
        }
        assertThat(lost)
                .as("acknowledged records missing or moved (of %d acknowledged)", acks.size())
                .isEmpty();
    }
}
