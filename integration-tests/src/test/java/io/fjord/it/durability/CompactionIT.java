package io.fjord.it.durability;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.it.EmbeddedBroker;
import io.fjord.it.KcatIT;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log cleaner on a real broker (1 MiB segments, Kafka 4's minimum; cleaner backoff 200 ms): a
 * compacted topic ends with the last value of each key at its original offset for the official consumer
 * and for kcat, and takes less disk; {@code __consumer_offsets} is compacted too, and a group's committed
 * offsets are the same after a restart that reloads them from the compacted log.
 */
class CompactionIT {

    private static final String VALUE_PAD = "x".repeat(1000);

    @TempDir
    Path dataDir;

    private static Map<String, String> brokerSettings() {
        return Map.of(
                "log.cleaner.backoff.ms", "200",
                "log.cleaner.min.cleanable.ratio", "0.01",
                // Nothing is cleanable until a test lifts the lag on its topic, so "before" is measured whole.
                "log.cleaner.min.compaction.lag.ms", "3600000",
                "offsets.topic.num.partitions", "1",
                "offsets.topic.segment.bytes", "1048576",
                "group.initial.rebalance.delay.ms", "0");
    }

    @Test
    void aCompactedTopicKeepsTheLastValueOfEachKeyAtItsOriginalOffset() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir, brokerSettings());
                Admin admin = DurabilityClients.admin(broker.bootstrap())) {
            String topic = "compacted";
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                            .configs(Map.of(
                                    "cleanup.policy", "compact",
                                    "segment.bytes", "1048576",
                                    "segment.ms", "3000",
                                    "min.cleanable.dirty.ratio", "0.01",
                                    "delete.retention.ms", "500"))))
                    .all()
                    .get();
            Map<String, Long> lastOffsets = new LinkedHashMap<>();
            Map<String, String> lastValues = new LinkedHashMap<>();
            produceUpdates(broker, topic, lastOffsets, lastValues);
            Path partitionDir = dataDir.resolve(topic + "-0");
            long bytesBefore = logBytes(partitionDir);
            Thread.sleep(3_100); // segment.ms: the next append rolls, so every update lies in a cleanable segment
            produce(broker, topic, "last", "roll", lastOffsets, lastValues);
            assertThat(logBytes(partitionDir)).isGreaterThan(bytesBefore);
            liftCompactionLag(admin, topic);

            waitFor(() -> readAll(broker, topic).size() == lastValues.size(), "the cleaner to compact " + topic);

            List<ConsumerRecord<byte[], byte[]>> records = readAll(broker, topic);
            Map<String, Long> readOffsets = new LinkedHashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                String key = DurabilityClients.text(r.key());
                readOffsets.put(key, r.offset());
                assertThat(DurabilityClients.text(r.value())).isEqualTo(lastValues.get(key));
            }
            assertThat(readOffsets).isEqualTo(lastOffsets);
            long bytesAfter = logBytes(partitionDir);
            System.out.printf("compacted topic: %d bytes of segments before, %d after%n", bytesBefore, bytesAfter);
            assertThat(bytesAfter).isLessThan(bytesBefore / 10);

            KcatIT.Result kcat = KcatIT.run(
                    "",
                    "kcat",
                    "-b",
                    broker.bootstrap(),
                    "-C",
                    "-t",
                    topic,
                    "-o",
                    "beginning",
                    "-e",
                    "-f",
                    "%o %k %S\\n");
            assertThat(kcat.exitCode()).as("kcat stderr: %s", kcat.stderr()).isZero();
            List<String> expected = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                expected.add(r.offset() + " " + DurabilityClients.text(r.key()) + " " + r.value().length);
            }
            assertThat(kcat.stdout().lines().toList()).isEqualTo(expected);
        }
    }

    /** 5000 updates of 20 keys with 1 KB values, then tombstones for 5 keys (which the cleaner removes later). */
    private static void produceUpdates(
            EmbeddedBroker broker, String topic, Map<String, Long> lastOffsets, Map<String, String> lastValues)
            throws Exception {
        try (KafkaProducer<byte[], byte[]> producer =
                DurabilityClients.producer(broker.bootstrap(), Map.of(ProducerConfig.LINGER_MS_CONFIG, 5))) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                String key = "key-" + (i % 20);
                String value = "v" + i + "-" + VALUE_PAD;
                sent.add(producer.send(
                        new ProducerRecord<>(topic, DurabilityClients.bytes(key), DurabilityClients.bytes(value))));
                keys.add(key);
                lastValues.put(key, value);
            }
            for (int k = 0; k < 5; k++) {
                sent.add(producer.send(new ProducerRecord<>(topic, DurabilityClients.bytes("key-" + k), null)));
                keys.add("key-" + k);
                lastValues.remove("key-" + k);
            }
            for (int i = 0; i < sent.size(); i++) {
                lastOffsets.put(keys.get(i), sent.get(i).get().offset());
            }
            for (int k = 0; k < 5; k++) {
                lastOffsets.remove("key-" + k);
            }
        }
    }

    private static void produce(
            EmbeddedBroker broker,
            String topic,
            String key,
            String value,
            Map<String, Long> lastOffsets,
            Map<String, String> lastValues)
            throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = DurabilityClients.producer(broker.bootstrap(), Map.of())) {
            long offset = producer.send(
                            new ProducerRecord<>(topic, DurabilityClients.bytes(key), DurabilityClients.bytes(value)))
                    .get()
                    .offset();
            lastOffsets.put(key, offset);
            lastValues.put(key, value);
        }
    }

    @Test
    void theOffsetsTopicIsCompactedAndCommittedOffsetsSurviveARestart() throws Exception {
        Path offsetsDir = dataDir.resolve("__consumer_offsets-0");
        Map<TopicPartition, OffsetAndMetadata> committed;
        try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir, brokerSettings())) {
            String topic = "source";
            int partitions = 50;
            try (Admin admin = DurabilityClients.admin(broker.bootstrap())) {
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                        .all()
                        .get();
            }
            try (KafkaConsumer<byte[], byte[]> consumer = groupConsumer(broker.bootstrap())) {
                List<TopicPartition> tps = new ArrayList<>();
                for (int p = 0; p < partitions; p++) {
                    tps.add(new TopicPartition(topic, p));
                }
                consumer.assign(tps);
                for (int round = 1; round <= 1500; round++) {
                    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                    for (TopicPartition tp : tps) {
                        offsets.put(tp, new OffsetAndMetadata(round * 10L + tp.partition(), "round " + round));
                    }
                    consumer.commitSync(offsets);
                }
            }
            long before = logBytes(offsetsDir);
            assertThat(before).isGreaterThan(4_000_000L);
            try (Admin admin = DurabilityClients.admin(broker.bootstrap())) {
                liftCompactionLag(admin, "__consumer_offsets");
            }
            waitFor(() -> logBytes(offsetsDir) < before / 3, "the cleaner to compact __consumer_offsets-0");
            System.out.printf(
                    "__consumer_offsets-0: %d bytes of segments before cleaning, %d after%n",
                    before, logBytes(offsetsDir));
            try (Admin admin = DurabilityClients.admin(broker.bootstrap())) {
                committed = admin.listConsumerGroupOffsets("committer")
                        .partitionsToOffsetAndMetadata()
                        .get();
            }
            assertThat(committed).hasSize(partitions);
            assertThat(committed.get(new TopicPartition(topic, 7)).offset()).isEqualTo(15007L);
            broker.restart();
            try (Admin admin = DurabilityClients.admin(broker.bootstrap())) {
                waitFor(
                        () -> committed.equals(admin.listConsumerGroupOffsets("committer")
                                .partitionsToOffsetAndMetadata()
                                .get()),
                        "the committed offsets to come back after the restart");
            }
        }
    }

    private static void liftCompactionLag(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        AlterConfigOp op = new AlterConfigOp(new ConfigEntry("min.compaction.lag.ms", "0"), AlterConfigOp.OpType.SET);
        admin.incrementalAlterConfigs(Map.of(resource, List.of(op))).all().get();
    }

    private static KafkaConsumer<byte[], byte[]> groupConsumer(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "committer");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(EmbeddedBroker broker, String topic) {
        return DurabilityClients.readAll(broker.bootstrap(), topic, 1).get(0);
    }

    /**
     * Bytes of the partition's live segment files (not those renamed for delayed deletion). A file the cleaner renames
     * between the listing and its size is gone from the live ones, and counts nothing.
     */
    private static long logBytes(Path partitionDir) throws IOException {
        long total = 0;
        for (Path f : DurabilityClients.segmentFiles(partitionDir)) {
            try {
                total += Files.size(f);
            } catch (java.nio.file.NoSuchFileException renamedMeanwhile) {
                // swapped out by the cleaner since the listing
            }
        }
        return total;
    }

    private static void waitFor(DurabilityClients.Condition condition, String what) throws Exception {
        DurabilityClients.waitFor(condition, what, 60);
    }
}
