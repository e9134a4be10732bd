package io.fjord.it.durability;

import static io.fjord.it.durability.DurabilityClients.bytes;
import static io.fjord.it.durability.DurabilityClients.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.it.EmbeddedBroker;
import io.fjord.protocol.record.BatchIterator;
import io.fjord.protocol.record.CompressionType;
import io.fjord.protocol.record.RecordBatch;
import io.fjord.protocol.record.RecordBatches;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java client against a broker that looks inside compressed batches: a topic whose compression.type
 * differs from the producer's codec stores its batches re-encoded (checked on disk) and the consumer still
 * reads every record; a null key inside a compressed batch on a compacted topic is refused; ListOffsets
 * by timestamp lands on the exact record inside a compressed batch.
 */
class CompressionIT {

    @TempDir
    static Path dataDir;

    static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start(dataDir, Map.of());
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void lz4BatchesToAZstdTopicAreStoredAsZstdAndReadBack() throws Exception {
        String topic = "zstd-topic";
        createTopic(topic, Map.of("compression.type", "zstd"));
        int count = 2_000;
        produce(topic, "lz4", count, System.currentTimeMillis());

        List<ConsumerRecord<byte[], byte[]>> read =
                DurabilityClients.readAll(broker.bootstrap(), topic, 1).get(0);
        assertThat(read).hasSize(count);
        for (int i = 0; i < count; i++) {
            assertThat(read.get(i).offset()).isEqualTo(i);
            assertThat(text(read.get(i).key())).isEqualTo("key-" + i);
            assertThat(text(read.get(i).value())).isEqualTo("value-" + i);
            assertThat(text(read.get(i).headers().lastHeader("i").value())).isEqualTo(Integer.toString(i));
        }
        Set<CompressionType> codecs = codecsOnDisk(dataDir.resolve(topic + "-0"));
        assertThat(codecs).containsExactly(CompressionType.ZSTD);
    }

    @Test
    void producerCompressionTypeKeepsTheProducersCodecOnDisk() throws Exception {
        String topic = "producer-codec";
        createTopic(topic, Map.of());
        produce(topic, "lz4", 500, System.currentTimeMillis());
        assertThat(codecsOnDisk(dataDir.resolve(topic + "-0"))).containsExactly(CompressionType.LZ4);
    }

    @Test
    void aNullKeyInACompressedBatchOnACompactedTopicIsRefused() throws Exception {
        String topic = "compacted";
        createTopic(topic, Map.of("cleanup.policy", "compact"));
        try (KafkaProducer<byte[], byte[]> producer = DurabilityClients.producer(
                broker.bootstrap(), Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip"))) {
            Future<RecordMetadata> keyed = producer.send(new ProducerRecord<>(topic, bytes("k"), bytes("v")));
            assertThat(keyed.get().offset()).isZero();
            Future<RecordMetadata> unkeyed = producer.send(new ProducerRecord<>(topic, null, bytes("no key")));
            assertThatThrownBy(unkeyed::get)
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(InvalidRecordException.class);
        }
    }

    @Test
    void listOffsetsByTimestampFindsTheExactRecordInsideACompressedBatch() throws Exception {
        String topic = "by-timestamp";
        createTopic(topic, Map.of());
        long baseMs = System.currentTimeMillis() - 10_000;
        produce(topic, "zstd", 100, baseMs);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (Admin admin = DurabilityClients.admin(broker.bootstrap())) {
            assertThat(DurabilityClients.offset(admin, tp, OffsetSpec.forTimestamp(baseMs + 37)))
                    .isEqualTo(37L);
            assertThat(DurabilityClients.offset(admin, tp, OffsetSpec.maxTimestamp()))
                    .isEqualTo(99L);
        }
        assertThat(codecsOnDisk(dataDir.resolve(topic + "-0"))).containsExactly(CompressionType.ZSTD);
    }

    private static void createTopic(String topic, Map<String, String> configs) throws Exception {
        try (Admin admin = DurabilityClients.admin(broker.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(configs)))
                    .all()
                    .get();
        }
    }

    /** Records key-i / value-i with header i and timestamp baseMs + i, lingering so batches hold many. */
    private static void produce(String topic, String codec, int count, long baseMs) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = DurabilityClients.producer(
                broker.bootstrap(),
                Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec, ProducerConfig.LINGER_MS_CONFIG, 50))) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ProducerRecord<byte[], byte[]> r =
                        new ProducerRecord<>(topic, 0, baseMs + i, bytes("key-" + i), bytes("value-" + i));
                r.headers().add("i", bytes(Integer.toString(i)));
                futures.add(producer.send(r));
            }
            for (Future<RecordMetadata> f : futures) {
                f.get();
            }
        }
    }

    /** The codecs of every batch in the partition's segment files. */
    private static Set<CompressionType> codecsOnDisk(Path partitionDir) throws Exception {
        Set<CompressionType> codecs = new HashSet<>();
        for (Path segment : DurabilityClients.segmentFiles(partitionDir)) {
            BatchIterator batches = RecordBatches.iterate(ByteBuffer.wrap(Files.readAllBytes(segment)));
            while (batches.hasNext()) {
                RecordBatch batch = batches.next();
                assertThat(batch.isValid()).isTrue();
                codecs.add(batch.compressionType());
            }
        }
        return codecs;
    }
}
