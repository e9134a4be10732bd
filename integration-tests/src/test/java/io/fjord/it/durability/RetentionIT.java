package io.fjord.it.durability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention with 1 MiB segments (Kafka 4's minimum segment.bytes) on a broker that checks every 200 ms: old segments leave the disk,
 * ListOffsets earliest moves forward, and new records continue at the old end offset, also once every
 * record has gone and the broker restarted (offsets are never reused).
 */
class RetentionIT {

    private static final byte[] VALUE_1K = new byte[1000];
    private static final long RETENTION_BYTES = 2_000_000L;

    @TempDir
    static Path dataDir;

    static io.fjord.it.EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = io.fjord.it.EmbeddedBroker.start(dataDir, Map.of("log.retention.check.interval.ms", "200"));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void retentionMsSetOnALiveTopicDeletesOldSegmentsAndOffsetsContinueAfterEverythingWent() throws Exception {
        String topic = "retention-time";
        TopicPartition tp = new TopicPartition(topic, 0);
        createTopic(topic, Map.of("segment.bytes", "1048576", "retention.ms", "-1", "file.delete.delay.ms", "0"));
        long end = produce(topic, 3_500);
        assertThat(end).isEqualTo(3_500);
        Path partitionDir = dataDir.resolve(topic + "-0");
        assertThat(DurabilityClients.segmentFiles(partitionDir).size()).isGreaterThan(2);

        try (Admin admin = DurabilityClients.admin(broker.bootstrap())) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            setRetentionMs(admin, resource, "2000");
            waitFor(() -> DurabilityClients.offset(admin, tp, OffsetSpec.earliest()) == end, "earliest == " + end);
            assertThat(DurabilityClients.offset(admin, tp, OffsetSpec.latest())).isEqualTo(end);
            waitFor(() -> DurabilityClients.segmentFiles(partitionDir).size() == 1, "one segment left on disk");
            assertThat(DurabilityClients.segmentFiles(partitionDir)
                            .get(0)
                            .getFileName()
                            .toString())
                    .isEqualTo(String.format("%020d.log", end));
            waitFor(() -> noDeletedFiles(partitionDir), "the deleted segments' files removed");
            setRetentionMs(admin, resource, "-1"); // keep what comes next, however slow the machine
        }
        broker.restart(); // the empty log must come back at its end offset, not at 0
        try (Admin admin = DurabilityClients.admin(broker.bootstrap())) {
            assertThat(DurabilityClients.offset(admin, tp, OffsetSpec.earliest()))
                    .isEqualTo(end);
            long next = produce(topic, 10);
            assertThat(next).as("offsets continue, never reused").isEqualTo(end + 10);
            List<ConsumerRecord<byte[], byte[]>> read =
                    DurabilityClients.readAll(broker.bootstrap(), topic, 1).get(0);
            assertThat(read).extracting(ConsumerRecord::offset).first().isEqualTo(end);
            assertThat(read).hasSize(10);
        }
    }

    @Test
    void retentionBytesKeepsTheLogNearItsLimitAndEarliestMovesForward() throws Exception {
        String topic = "retention-bytes";
        TopicPartition tp = new TopicPartition(topic, 0);
        createTopic(
                topic,
                Map.of(
                        "segment.bytes",
                        "1048576",
                        "retention.bytes",
                        Long.toString(RETENTION_BYTES),
                        "retention.ms",
                        "-1",
                        "file.delete.delay.ms",
                        "0"));
        long end = produce(topic, 4_500);
        Path partitionDir = dataDir.resolve(topic + "-0");
        try (Admin admin = DurabilityClients.admin(broker.bootstrap())) {
            // Kafka's rule: the oldest segment goes while the log would still hold retention.bytes without it
            waitFor(
                    () -> logBytes(partitionDir) - RETENTION_BYTES
                            < Files.size(
                                    DurabilityClients.segmentFiles(partitionDir).get(0)),
                    "the log within one segment of retention.bytes");
            long earliest = DurabilityClients.offset(admin, tp, OffsetSpec.earliest());
            assertThat(earliest).isGreaterThan(0L).isLessThan(end);
            assertThat(DurabilityClients.segmentFiles(partitionDir)
                            .get(0)
                            .getFileName()
                            .toString())
                    .isEqualTo(String.format("%020d.log", earliest));
            List<ConsumerRecord<byte[], byte[]>> read =
                    DurabilityClients.readAll(broker.bootstrap(), topic, 1).get(0);
            assertThat(read).extracting(ConsumerRecord::offset).first().isEqualTo(earliest);
            assertThat(read).hasSize((int) (end - earliest));
            assertThat(produce(topic, 1)).isEqualTo(end + 1);
        }
    }

    private static void setRetentionMs(Admin admin, ConfigResource topic, String value) throws Exception {
        admin.incrementalAlterConfigs(Map.of(
                        topic,
                        List.of(new AlterConfigOp(new ConfigEntry("retention.ms", value), AlterConfigOp.OpType.SET))))
                .all()
                .get();
    }

    private static void createTopic(String topic, Map<String, String> configs) throws Exception {
        try (Admin admin = DurabilityClients.admin(broker.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(configs)))
                    .all()
                    .get();
        }
    }

    /** Produces {@code count} records of 1000 bytes; returns the end offset. */
    private static long produce(String topic, int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = DurabilityClients.producer(
                broker.bootstrap(),
                Map.of(ProducerConfig.BATCH_SIZE_CONFIG, 4096, ProducerConfig.LINGER_MS_CONFIG, 5))) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(producer.send(new ProducerRecord<>(topic, 0, null, VALUE_1K)));
            }
            long last = -1;
            for (Future<RecordMetadata> f : futures) {
                last = Math.max(last, f.get().offset());
            }
            return last + 1;
        }
    }

    private static long logBytes(Path partitionDir) throws Exception {
        long total = 0;
        for (Path f : DurabilityClients.segmentFiles(partitionDir)) {
            total += Files.size(f);
        }
        return total;
    }

    private static boolean noDeletedFiles(Path partitionDir) throws Exception {
        try (var files = Files.list(partitionDir)) {
            return files.noneMatch(f -> f.getFileName().toString().endsWith(".deleted"));
        }
    }

    private static void waitFor(DurabilityClients.Condition condition, String what) throws Exception {
        DurabilityClients.waitFor(condition, what, 20);
    }
}
