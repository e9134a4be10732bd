package io.fjord.it.txn;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.it.EmbeddedBroker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compacted topic written by a transactional Java producer, as a Kafka Streams changelog is: once the
 * cleaner may run, the end-transaction markers of transactions with nothing left (every value superseded,
 * or aborted) disappear from the cleaned segments after delete.retention.ms, together with the aborted
 * transactions' index entries, while a read_committed consumer still reads the latest committed value of
 * every key and never an aborted one.
 */
class TransactionalCompactionIT {

    private static final int KEYS = 5;
    private static final int MIN_SEGMENTS = 4;
    private static final int CONTROL_FLAG = 0x20;
    private static final int TXN_INDEX_ENTRY_BYTES = 34;

    @TempDir
    Path dataDir;

    @Test
    void markersOfTransactionsWithNothingLeftAreCleanedAwayAndReadCommittedStillSeesTheLatestValues() throws Exception {
        Map<String, String> settings = Map.of(
                "log.cleaner.backoff.ms", "200",
                "group.initial.rebalance.delay.ms", "0",
                "offsets.topic.num.partitions", "1",
                "transaction.state.log.num.partitions", "1");
        String topic = "changelog";
        TopicPartition tp = new TopicPartition(topic, 0);
        Path partitionDir = dataDir.resolve(topic + "-0");
        try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir, settings);
                Admin admin = TxnClients.admin(broker.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                            .configs(Map.of(
                                    "cleanup.policy", "compact",
                                    "segment.ms", "1000",
                                    "min.cleanable.dirty.ratio", "0.01",
                                    "delete.retention.ms", "1000",
                                    // Nothing is cleaned until the lag is lifted, so "before" is counted whole.
                                    "min.compaction.lag.ms", "3600000"))))
                    .all()
                    .get();
            Map<String, String> committed = writeTransactions(broker, topic, partitionDir);
            SealedSegments before = SealedSegments.of(partitionDir);
            System.out.printf(
                    "before cleaning: %d markers and %d index bytes in %d sealed segments%n",
                    before.markers(), before.txnIndexBytes(), before.count());
            assertThat(before.markers()).isGreaterThan(50);
            assertThat(before.txnIndexBytes()).isGreaterThan(5 * TXN_INDEX_ENTRY_BYTES);

            liftCompactionLag(admin, topic);
            // The last committed transaction in the sealed segments keeps its values and so its marker; the
            // cleaned segment's last batch may stay as an emptied marker, keeping the segment's end offset.
            waitFor(
                    () -> {
                        SealedSegments now = SealedSegments.of(partitionDir);
                        return now.markers() <= 2 && now.txnIndexBytes() <= TXN_INDEX_ENTRY_BYTES;
                    },
                    "the cleaner to remove the markers and aborted index entries of " + topic);
            SealedSegments after = SealedSegments.of(partitionDir);
            System.out.printf(
                    "after cleaning: %d markers and %d index bytes in %d sealed segments%n",
                    after.markers(), after.txnIndexBytes(), after.count());

            List<String> values = TxnClients.readToEnd(broker.bootstrap(), tp, IsolationLevel.READ_COMMITTED);
            assertThat(values).noneMatch(v -> v.contains("aborted"));
            Map<String, String> latest = new LinkedHashMap<>();
            for (String value : values) {
                latest.put(value.substring(0, value.indexOf('@')), value);
            }
            assertThat(latest).isEqualTo(committed);
        }
    }

    /**
     * Runs transactions that each write every key, every fourth one aborted, until the partition has
     * {@value #MIN_SEGMENTS} segments (segment.ms rolls it), then one more committed; returns the last
     * committed value of each key.
     */
    private static Map<String, String> writeTransactions(EmbeddedBroker broker, String topic, Path partitionDir)
            throws Exception {
        Map<String, String> committed = new LinkedHashMap<>();
        long deadlineNs = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (KafkaProducer<String, String> producer = transactionalProducer(broker.bootstrap())) {
            producer.initTransactions();
            int txn = 0;
            boolean enough = false;
            while (!enough) {
                boolean abort = txn % 4 == 3;
                producer.beginTransaction();
                for (int k = 0; k < KEYS; k++) {
                    String key = "k" + k;
                    String value = key + "@" + (abort ? "aborted-" : "t") + txn;
                    producer.send(new ProducerRecord<>(topic, key, value));
                    if (!abort) {
                        committed.put(key, value);
                    }
                }
                if (abort) {
                    producer.flush();
                    producer.abortTransaction();
                } else {
                    producer.commitTransaction();
                    enough = segmentCount(partitionDir) >= MIN_SEGMENTS;
                }
                txn++;
                assertThat(System.nanoTime()).as("writing transactions").isLessThan(deadlineNs);
            }
        }
        waitFor(
                () -> TxnClients.endOffset(
                                broker.bootstrap(), new TopicPartition(topic, 0), IsolationLevel.READ_COMMITTED)
                        == TxnClients.endOffset(
                                broker.bootstrap(), new TopicPartition(topic, 0), IsolationLevel.READ_UNCOMMITTED),
                "the last transaction's marker");
        return committed;
    }

    private static KafkaProducer<String, String> transactionalProducer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "changelog-writer");
        return new KafkaProducer<>(props);
    }

    private static void liftCompactionLag(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        AlterConfigOp op = new AlterConfigOp(new ConfigEntry("min.compaction.lag.ms", "0"), AlterConfigOp.OpType.SET);
        admin.incrementalAlterConfigs(Map.of(resource, List.of(op))).all().get();
    }

    private static int segmentCount(Path partitionDir) throws IOException {
        return logFiles(partitionDir).size();
    }

    private static List<Path> logFiles(Path partitionDir) throws IOException {
        try (Stream<Path> files = Files.list(partitionDir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log"))
                    .sorted()
                    .toList();
        }
    }

    /**
     * What the segments below the active one hold: their count, their control batches (record batch v2:
     * batchLength at byte 8, attributes at byte 21, bit 5 control), and the bytes of their transaction
     * indexes; every count at its maximum when the cleaner swapped files while they were read.
     */
    private record SealedSegments(int count, int markers, long txnIndexBytes) {

        static SealedSegments of(Path partitionDir) throws IOException {
            List<Path> logs = logFiles(partitionDir);
            int markers = 0;
            long txnIndexBytes = 0;
            try {
                for (Path log : logs.subList(0, logs.size() - 1)) {
                    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(log));
                    int position = 0;
                    while (position + 61 <= bytes.limit()) {
                        if ((bytes.getShort(position + 21) & CONTROL_FLAG) != 0) {
                            markers++;
                        }
                        position += 12 + bytes.getInt(position + 8);
                    }
                    String name = log.getFileName().toString();
                    Path txnIndex = log.resolveSibling(name.substring(0, name.length() - 4) + ".txnindex");
                    if (Files.exists(txnIndex)) {
                        txnIndexBytes += Files.size(txnIndex);
                    }
                }
            } catch (NoSuchFileException swappedMeanwhile) {
                return new SealedSegments(logs.size() - 1, Integer.MAX_VALUE, Long.MAX_VALUE);
            }
            return new SealedSegments(logs.size() - 1, markers, txnIndexBytes);
        }
    }

    /** A check that may throw, polled by {@link #waitFor}. */
    private interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls {@code condition} every 100 ms until it holds; fails after 60 s. */
    private static void waitFor(Condition condition, String what) throws Exception {
        long deadlineNs = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadlineNs) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}
