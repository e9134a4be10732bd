package io.fjord.it.cluster;

import java.time.Duration;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A member of a consumer group on its own thread: subscribes, polls, notes every offset it is handed
 * into a {@link Consumed} shared by the group's members, and commits synchronously after each poll
 * (a failed commit is counted and the loop goes on, as an application would). {@link #close} stops it.
 * The first offset it sees of each partition after it got the partition is remembered, so a test can
 * check where a restarted group resumes.
 */
final class GroupMemberThread implements AutoCloseable {

    /** Offsets handed to any member of the group, per partition; the number handed out twice. */
    static final class Consumed {
        private final Map<Integer, BitSet> offsets = new HashMap<>();
        private final Map<Integer, Long> firstSeen = new HashMap<>();
        private final AtomicLong duplicates = new AtomicLong();
        private final AtomicLong total = new AtomicLong();
        private final Map<Integer, Long> duplicateMin = new HashMap<>();

        synchronized void add(int partition, long offset) {
            BitSet seen = offsets.computeIfAbsent(partition, p -> new BitSet());
            firstSeen.putIfAbsent(partition, offset);
            if (seen.get((int) offset)) {
                duplicates.incrementAndGet();
                duplicateMin.merge(partition, offset, Math::min);
            }
            seen.set((int) offset);
            total.incrementAndGet();
        }

        long total() {
            return total.get();
        }

        long duplicates() {
            return duplicates.get();
        }

        /** Per partition, the lowest offset handed out twice. */
        synchronized Map<Integer, Long> lowestDuplicate() {
            return new HashMap<>(duplicateMin);
        }

        /** Per partition, the first offset any member was handed. */
        synchronized Map<Integer, Long> firstSeen() {
            return new HashMap<>(firstSeen);
        }

        /** The first offset in [{@code from}, {@code end}) never handed out, or {@code end}. */
        synchronized long firstGap(int partition, long from, long end) {
            BitSet seen = offsets.getOrDefault(partition, new BitSet());
            return Math.min(seen.nextClearBit((int) from), end);
        }
    }

    private final KafkaConsumer<String, String> consumer;
    private final Consumed consumed;
    private final Thread thread;
    private final AtomicInteger failedCommits = new AtomicInteger();
    private volatile boolean running = true;

    GroupMemberThread(String bootstrap, String group, String topic, Consumed consumed, String name) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        props.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
        this.consumed = consumed;
        consumer.subscribe(List.of(topic));
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                try {
                    ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                    for (ConsumerRecord<String, String> r : records) {
                        consumed.add(r.partition(), r.offset());
                    }
                    if (!records.isEmpty()) {
                        consumer.commitSync(Duration.ofSeconds(10));
                    }
                } catch (KafkaException e) {
                    // the coordinator moved, a rebalance is under way: the next poll rejoins
                    failedCommits.incrementAndGet();
                }
            }
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(10)));
        }
    }

    int failedCommits() {
        return failedCommits.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(30_000);
    }
}
