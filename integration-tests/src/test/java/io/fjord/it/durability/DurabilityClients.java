package io.fjord.it.durability;

import io.fjord.common.Errors;
import io.fjord.it.RawKafkaClient;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.InitProducerIdResponse;
import io.fjord.protocol.message.ProduceRequest;
import io.fjord.protocol.message.ProduceResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The client-side helpers the durability tests share: the official Java client's Admin, producer and
 * consumer set up for byte arrays, reading a partition to its end, and the raw requests an idempotent
 * producer sends (InitProducerId, Produce v9 of a batch built by kafka-clients) for tests that must send
 * the very same batch twice. Used from the test thread only.
 */
public final class DurabilityClients {

    static final short PRODUCE_VERSION = 9;

    private DurabilityClients() {}

    static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrap, Map<String, Object> overrides) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.putAll(overrides);
        return new KafkaProducer<>(props);
    }

    static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(props);
    }

    static long offset(Admin admin, TopicPartition tp, OffsetSpec spec) throws Exception {
        return admin.listOffsets(Map.of(tp, spec)).all().get().get(tp).offset();
    }

    /** Every record of the given partitions from their earliest offset to their end (at most 60 s). */
    static Map<Integer, List<ConsumerRecord<byte[], byte[]>>> readAll(String bootstrap, String topic, int partitions) {
        Map<Integer, List<ConsumerRecord<byte[], byte[]>>> byPartition = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new TopicPartition(topic, p));
                byPartition.put(p, new ArrayList<>());
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && !caughtUp(consumer, ends)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    byPartition.get(r.partition()).add(r);
                }
            }
        }
        return byPartition;
    }

    private static boolean caughtUp(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
        for (var e : ends.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** A check that may throw, polled by {@link #waitFor}. */
    interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls {@code condition} every 100 ms until it holds; fails after {@code timeoutSeconds}. */
    static void waitFor(Condition condition, String what, int timeoutSeconds) throws Exception {
        long deadlineNs = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadlineNs) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The segment .log files (not those renamed for deletion) of one partition directory. */
    static List<Path> segmentFiles(Path partitionDir) throws IOException {
        try (Stream<Path> files = Files.list(partitionDir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log"))
                    .sorted()
                    .toList();
        }
    }

    /** An idempotent producer id and epoch from InitProducerId v4, as a non-transactional producer asks. */
    public static InitProducerIdResponse initProducerId(InetSocketAddress address) throws IOException {
        try (RawKafkaClient client = new RawKafkaClient(address)) {
            InitProducerIdResponse response = client.initProducerId();
            if (response.errorCode() != Errors.NONE.code()) {
                throw new IOException("InitProducerId failed with error " + response.errorCode());
            }
            return response;
        }
    }

    /** One uncompressed idempotent batch of {@code values}, built by kafka-clients itself. */
    static ByteBuffer idempotentBatch(long producerId, short epoch, int baseSequence, String... values) {
        var records = new org.apache.kafka.common.record.internal.SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new org.apache.kafka.common.record.internal.SimpleRecord(
                    System.currentTimeMillis(), bytes("k" + i), bytes(values[i]));
        }
        return org.apache.kafka.common.record.internal.MemoryRecords.withIdempotentRecords(
                        org.apache.kafka.common.compress.Compression.NONE, producerId, epoch, baseSequence, records)
                .buffer();
    }

    /** Sends Produce v9 (acks=all) of {@code batch} to one partition on a new connection. */
    static ProduceResponse.PartitionProduceResponse produce(
            InetSocketAddress address, String topic, int partition, ByteBuffer batch) throws IOException {
        ProduceRequest request = new ProduceRequest()
                .setAcks((short) -1)
                .setTimeoutMs(10_000)
                .setTopicData(new ArrayList<>(List.of(new ProduceRequest.TopicProduceData()
                        .setName(topic)
                        .setPartitionData(new ArrayList<>(List.of(new ProduceRequest.PartitionProduceData()
                                .setIndex(partition)
                                .setRecords(io.fjord.protocol.MemoryRecords.of(batch.duplicate()))))))));
        try (RawKafkaClient client = new RawKafkaClient(address)) {
            ProduceResponse response = (ProduceResponse) client.send(ApiKeys.PRODUCE, PRODUCE_VERSION, request);
            return response.responses().get(0).partitionResponses().get(0);
        }
    }
}
