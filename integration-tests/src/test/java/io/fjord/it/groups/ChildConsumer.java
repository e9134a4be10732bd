package io.fjord.it.groups;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A consumer run in a child JVM ({@link ChildProcess}) so that it can die without leaving its group. Prints
 * what it does on stdout, one line per event, for the test to follow:
 *
 * <ul>
 *   <li>{@code member}: polls forever, printing {@code ASSIGNED p0,p1,...} whenever its assignment changes.
 *   <li>{@code at-most-once N} / {@code at-least-once N}: one partition, batches of 10 records; prints
 *       {@code PROCESSED offset} per processed record and {@code COMMITTED offset} per commit. On batch N
 *       it halts the JVM (no shutdown hook, no LeaveGroup) between commit and processing (at-most-once: commit
 *       first) or between processing and commit (at-least-once: process first), after printing
 *       {@code CRASH first last}.
 * </ul>
 *
 * <p>Arguments: bootstrap group topic protocol mode [crashBatch].
 */
public final class ChildConsumer {

    private ChildConsumer() {}

    public static void main(String[] args) {
        String bootstrap = args[0];
        String group = args[1];
        String topic = args[2];
        String protocol = args[3];
        String mode = args[4];
        Properties props = GroupClients.consumerProps(bootstrap, group, protocol, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            if (mode.equals("member")) {
                member(consumer);
            } else {
                deliver(consumer, mode.equals("at-most-once"), Integer.parseInt(args[5]));
            }
        }
    }

    private static void member(KafkaConsumer<String, String> consumer) {
        Set<Integer> last = Set.of();
        while (true) {
            consumer.poll(Duration.ofMillis(100));
            Set<Integer> now = new TreeSet<>();
            consumer.assignment().forEach(tp -> now.add(tp.partition()));
            if (!now.equals(last)) {
                System.out.println("ASSIGNED "
                        + String.join(",", now.stream().map(String::valueOf).toList()));
                last = now;
            }
        }
    }

    private static void deliver(KafkaConsumer<String, String> consumer, boolean commitFirst, int crashBatch) {
        int batch = 0;
        while (true) {
            ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
            if (records.isEmpty()) {
                continue;
            }
            batch++;
            List<ConsumerRecord<String, String>> list =
                    records.records(records.partitions().iterator().next());
            long first = list.get(0).offset();
            long next = list.get(list.size() - 1).offset() + 1;
            TopicPartition tp =
                    new TopicPartition(list.get(0).topic(), list.get(0).partition());
            if (batch == crashBatch) {
                System.out.println("CRASH " + first + " " + (next - 1));
            }
            if (commitFirst) {
                commit(consumer, tp, next);
                maybeCrash(batch, crashBatch);
                process(list);
            } else {
                process(list);
                maybeCrash(batch, crashBatch);
                commit(consumer, tp, next);
            }
        }
    }

    private static void commit(KafkaConsumer<String, String> consumer, TopicPartition tp, long next) {
        consumer.commitSync(Map.of(tp, new OffsetAndMetadata(next)));
        System.out.println("COMMITTED " + next);
    }

    private static void process(List<ConsumerRecord<String, String>> records) {
        for (ConsumerRecord<String, String> r : records) {
            System.out.println("PROCESSED " + r.offset());
        }
    }

    private static void maybeCrash(int batch, int crashBatch) {
        if (batch == crashBatch) {
            System.out.flush();
            Runtime.getRuntime().halt(137);
        }
    }
}
