package io.fjord.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official Java client with default settings (so an idempotent producer) against one in-process
 * broker: every record produced with each codec is read back exactly once, in order per partition, on
 * the partition the client's murmur2 partitioner chose, with headers and timestamps intact.
 */
class JavaClientProduceConsumeIT {

    private static final int PARTITIONS = 6;
    private static final int RECORDS = 100_000;

    @TempDir
    static java.nio.file.Path dataDir;

    static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedBroker.start(dataDir, Map.of());
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void everyRecordComesBackOnceInOrderOnItsPartition(String compression) throws Exception {
        String topic = "produce-consume-" + compression;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1)))
                    .all()
                    .get();
        }

        Map<Integer, List<Sent>> sentByPartition = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(compression))) {
            List<Future<RecordMetadata>> acks = new ArrayList<>(RECORDS);
            List<Sent> sent = new ArrayList<>(RECORDS);
            long baseTs = System.currentTimeMillis() - 60_000;
            for (int i = 0; i < RECORDS; i++) {
                byte[] key = i % 3 == 0 ? null : ("key-" + (i % 997)).getBytes(StandardCharsets.UTF_8);
                byte[] value = ("value-" + i + "-" + compression).getBytes(StandardCharsets.UTF_8);
                long ts = baseTs + i;
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, ts, key, value);
                record.headers().add("index", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                acks.add(producer.send(record));
                sent.add(new Sent(key, value, ts, i));
            }
            producer.flush();
            for (int i = 0; i < RECORDS; i++) {
                RecordMetadata md = acks.get(i).get();
                Sent s = sent.get(i);
                if (s.key != null) {
                    int expected = Utils.toPositive(Utils.murmur2(s.key)) % PARTITIONS;
                    assertThat(md.partition())
                            .as("partition of keyed record %d", i)
                            .isEqualTo(expected);
                }
                sentByPartition
                        .computeIfAbsent(md.partition(), p -> new ArrayList<>())
                        .add(s.withOffset(md.offset()));
            }
        }
        assertThat(sentByPartition.keySet())
                .as("unkeyed and keyed records spread over partitions")
                .hasSize(PARTITIONS);

        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            consumer.assign(partitions);
            partitions.forEach(tp -> consumer.seek(tp, 0L));
            Map<Integer, List<ConsumerRecord<byte[], byte[]>>> received = new HashMap<>();
            int total = 0;
            long deadline = System.currentTimeMillis() + 120_000;
            while (total < RECORDS && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    received.computeIfAbsent(r.partition(), p -> new ArrayList<>())
                            .add(r);
                    total++;
                }
            }
            assertThat(total).isEqualTo(RECORDS);
            for (var entry : sentByPartition.entrySet()) {
                List<Sent> expected = entry.getValue();
                expected.sort((a, b) -> Long.compare(a.offset, b.offset));
                List<ConsumerRecord<byte[], byte[]>> got = received.get(entry.getKey());
                assertThat(got).hasSameSizeAs(expected);
                for (int i = 0; i < expected.size(); i++) {
                    Sent s = expected.get(i);
                    ConsumerRecord<byte[], byte[]> r = got.get(i);
                    assertThat(r.offset()).isEqualTo(s.offset);
                    assertThat(r.key()).isEqualTo(s.key);
                    assertThat(r.value()).isEqualTo(s.value);
                    assertThat(r.timestamp()).isEqualTo(s.timestamp);
                    Header index = r.headers().lastHeader("index");
                    assertThat(new String(index.value(), StandardCharsets.UTF_8))
                            .isEqualTo(Integer.toString(s.index));
                }
            }
        }
    }

    /**
     * Produce requests of megabytes arrive over many socket reads, which the broker reads straight into a buffer of
     * the request's size once its size prefix is in: every byte of every record must come back where it was sent.
     */
    @Test
    void produceRequestsOfManyMegabytesArriveWhole() throws Exception {
        String topic = "large-requests";
        int partitions = 8;
        int records = 4_000;
        int valueBytes = 8 * 1024;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                    .all()
                    .get();
        }
        Properties props = producerProps("none");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(1 << 20));
        props.put(ProducerConfig.LINGER_MS_CONFIG, "200");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(16 << 20));
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(128L << 20));
        double largestRequest;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            List<Future<RecordMetadata>> acks = new ArrayList<>(records);
            for (int i = 0; i < records; i++) {
                acks.add(producer.send(new ProducerRecord<>(topic, i % partitions, null, largeValue(i, valueBytes))));
            }
            producer.flush();
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
            largestRequest = producer.metrics().entrySet().stream()
                    .filter(e -> e.getKey().name().equals("request-size-max")
                            && e.getKey().group().equals("producer-metrics"))
                    .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                    .max()
                    .orElse(0);
        }
        assertThat(largestRequest).as("requests spanning many reads").isGreaterThan(2 << 20);

        Properties consumerProps = consumerProps();
        consumerProps.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 << 20));
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps)) {
            List<TopicPartition> assigned = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                assigned.add(new TopicPartition(topic, p));
            }
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            int[] next = new int[partitions];
            int total = 0;
            long deadline = System.currentTimeMillis() + 120_000;
            while (total < records && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    int index = next[r.partition()]++ * partitions + r.partition();
                    assertThat(r.offset()).isEqualTo(index / partitions);
                    assertThat(r.value()).as("record %d", index).isEqualTo(largeValue(index, valueBytes));
                    total++;
                }
            }
            assertThat(total).isEqualTo(records);
        }
    }

    /**
     * The Java producer fills batch.size with compressed bytes as it estimates them, its estimate of the ratio falling
     * by 0.005 a batch, so repetitive records end up in batches that expand hundreds of times: here batches of 64 KiB
     * hold about 8 MiB of records, with max.message.bytes of 128 KiB far past the 2 MiB the broker holds decompressed
     * at once. The broker walks such a batch as it decompresses it, as Kafka accepts it; where the topic's
     * compression.type makes the broker rebuild it whole, it answers MESSAGE_TOO_LARGE and the producer splits it (into
     * batches of batch.size records, its estimate reset to 1.0). Either way every record is stored once, in order.
     */
    @ParameterizedTest
    @ValueSource(strings = {"producer", "gzip"})
    void repetitiveRecordsCompressedHundredsOfTimesAreAllStored(String topicCompression) throws Exception {
        String topic = "repetitive-" + topicCompression;
        int records = 10_000;
        int valueBytes = 4096;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                            .configs(Map.of("max.message.bytes", "131072", "compression.type", topicCompression))))
                    .all()
                    .get();
        }
        Properties props = producerProps("lz4");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "100");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "20000");
        double splits;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            List<Future<RecordMetadata>> acks = new ArrayList<>(records);
            for (int i = 0; i < records; i++) {
                acks.add(producer.send(new ProducerRecord<>(
                        topic, null, Integer.toString(i).getBytes(StandardCharsets.UTF_8), new byte[valueBytes])));
                if (i < 4_000 && i % 20 == 19) {
                    // 200 flushes close 200 batches or more, which take the producer's ratio estimate from 1.0 to
                    // about what lz4 achieves here (~1/140): the batches after them hold about 8 MiB of records
                    producer.flush();
                }
            }
            producer.flush();
            for (int i = 0; i < records; i++) {
                assertThat(acks.get(i).get().offset()).as("record %d", i).isEqualTo(i);
            }
            splits = producer.metrics().entrySet().stream()
                    .filter(e -> e.getKey().name().equals("batch-split-total")
                            && e.getKey().group().equals("producer-metrics"))
                    .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                    .sum();
        }
        if (topicCompression.equals("producer")) {
            assertThat(splits).as("batches accepted whole").isZero();
            assertThat(largestStoredBatchRecords(topic))
                    .as("records in the largest batch stored, more than 2 MiB of them")
                    .isGreaterThan((2 << 20) / valueBytes);
        } else {
            assertThat(splits)
                    .as("batches too large to recompress, split by the producer")
                    .isPositive();
        }

        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            int next = 0;
            long deadline = System.currentTimeMillis() + 60_000;
            while (next < records && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    assertThat(r.offset()).isEqualTo(next);
                    assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(Integer.toString(next));
                    assertThat(r.value()).isEqualTo(new byte[valueBytes]);
                    next++;
                }
            }
            assertThat(next).isEqualTo(records);
        }
    }

    /** The record count of the largest batch in partition 0's first segment, read from its file. */
    private static int largestStoredBatchRecords(String topic) throws java.io.IOException {
        ByteBuffer log = ByteBuffer.wrap(
                java.nio.file.Files.readAllBytes(dataDir.resolve(topic + "-0").resolve("00000000000000000000.log")));
        int largest = 0;
        // the v2 batch header: base offset (8), batch length (4) at 8, ..., record count (4) at 57
        for (int pos = 0; pos + 61 <= log.limit(); pos += 12 + log.getInt(pos + 8)) {
            largest = Math.max(largest, log.getInt(pos + 57));
        }
        return largest;
    }

    /** A value no codec could shrink and no misplaced read could reproduce: bytes seeded by the record's index. */
    private static byte[] largeValue(int index, int bytes) {
        byte[] value = new byte[bytes];
        new Random(index).nextBytes(value);
        return value;
    }

    private record Sent(byte[] key, byte[] value, long timestamp, int index, long offset) {
        Sent(byte[] key, byte[] value, long timestamp, int index) {
            this(key, value, timestamp, index, -1L);
        }

        Sent withOffset(long offset) {
            return new Sent(key, value, timestamp, index, offset);
        }
    }

    static Properties producerProps(String compression) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    static Properties consumerProps() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return props;
    }
}
