package io.fjord.it.badinput;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.it.EmbeddedBroker;
import io.fjord.it.RawKafkaClient;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.MemoryRecords;
import io.fjord.protocol.Records;
import io.fjord.protocol.message.FetchRequest;
import io.fjord.protocol.message.FetchResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetch long-poll and byte limits against one in-process broker: a waiting fetch is completed by the
 * append that satisfies it (not by its timer), an empty one returns after about max wait, partition and
 * response limits hold while always returning at least one whole batch, and an idempotent producer with
 * five requests in flight keeps record order under load.
 */
class FetchLongPollIT {

    private static final short FETCH_VERSION = 12;
    private static final int BIG_VALUE_BYTES = 10_000;
    /**
     * The max wait of fetches that an append should complete: so long that an answer in less than half of it
     * was the append's doing, however slow the machine.
     */
    private static final int LONG_MAX_WAIT_MS = 30_000;
    /** How much later than its max wait a timed-out fetch may be answered on a loaded machine. */
    private static final long LATE_ANSWER_SLACK_MS = 10_000;

    @TempDir
    static Path dataDir;

    static EmbeddedBroker broker;
    static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start(dataDir, Map.of());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            admin.createTopics(List.of(
                            new NewTopic("poll", 1, (short) 1),
                            new NewTopic("idle", 1, (short) 1),
                            new NewTopic("limits", 2, (short) 1),
                            new NewTopic("ordered", 1, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        producer = new KafkaProducer<>(producerProps(Map.of(ProducerConfig.LINGER_MS_CONFIG, 0)));
    }

    @AfterAll
    static void stop() {
        producer.close(Duration.ofSeconds(5));
        broker.close();
    }

    @Test
    void aWaitingFetchIsCompletedByTheAppendNotByItsMaxWait() throws Exception {
        long end = producer.send(new ProducerRecord<>("poll", bytes("first")))
                        .get()
                        .offset()
                + 1;
        try (RawKafkaClient client = new RawKafkaClient(broker.address(), readTimeoutMs(LONG_MAX_WAIT_MS))) {
            CompletableFuture<Void> produced = new CompletableFuture<>();
            Thread later = new Thread(() -> {
                try {
                    Thread.sleep(1_000); // the fetch is parked by then, or it finds the record at once: either passes
                    producer.send(new ProducerRecord<>("poll", bytes("second"))).get();
                    produced.complete(null);
                } catch (Exception e) {
                    produced.completeExceptionally(e);
                }
            });
            long startNs = System.nanoTime();
            later.start();
            FetchResponse.PartitionData data =
                    fetch(client, LONG_MAX_WAIT_MS, 1, Integer.MAX_VALUE, "poll", 0, end, 1 << 20);
            long answeredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            produced.get(60, TimeUnit.SECONDS);
            assertThat(data.errorCode()).isZero();
            assertThat(batches(data.records())).as("the appended record").isNotEmpty();
            assertThat(answeredMs)
                    .as("ms to the answer of a fetch with max wait %d ms", LONG_MAX_WAIT_MS)
                    .isLessThan(LONG_MAX_WAIT_MS / 2);
        }
    }

    @Test
    void aConsumerLongPollingWithALongMaxWaitSeesARecordLongBeforeIt() throws Exception {
        KafkaConsumer<byte[], byte[]> consumer = consumer(Map.of(
                ConsumerConfig.FETCH_MIN_BYTES_CONFIG,
                1,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                LONG_MAX_WAIT_MS,
                ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                readTimeoutMs(LONG_MAX_WAIT_MS)));
        try {
            TopicPartition tp = new TopicPartition("poll", 0);
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            long position = consumer.position(tp);
            consumer.poll(Duration.ofMillis(200)); // a fetch is now parked in the purgatory
            long sentNs = System.nanoTime();
            producer.send(new ProducerRecord<>("poll", bytes("wake up"))).get();
            List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
            long deadlineNs = sentNs + TimeUnit.MILLISECONDS.toNanos(LONG_MAX_WAIT_MS + LATE_ANSWER_SLACK_MS);
            while (got.isEmpty() && System.nanoTime() < deadlineNs) {
                consumer.poll(Duration.ofMillis(50)).forEach(got::add);
            }
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentNs);
            assertThat(got).extracting(ConsumerRecord::offset).containsExactly(position);
            assertThat(tookMs)
                    .as("ms from send to receipt, fetch.max.wait.ms %d", LONG_MAX_WAIT_MS)
                    .isLessThan(LONG_MAX_WAIT_MS / 2);
        } finally {
            // Its next fetch is parked for the whole max wait: a plain close would wait for that answer.
            consumer.close(CloseOptions.timeout(Duration.ZERO));
        }
    }

    @Test
    void aFetchWithNoDataReturnsAfterAboutMaxWait() throws Exception {
        try (RawKafkaClient client = new RawKafkaClient(broker.address())) {
            int maxWaitMs = 1_000;
            long startNs = System.nanoTime();
            FetchResponse.PartitionData data = fetch(client, maxWaitMs, 1, Integer.MAX_VALUE, "idle", 0, 0, 1 << 20);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            assertThat(data.errorCode()).isZero();
            assertThat(data.records() == null ? 0 : data.records().sizeInBytes())
                    .isZero();
            assertThat(tookMs).isBetween(maxWaitMs - 100L, maxWaitMs + LATE_ANSWER_SLACK_MS);
        }
    }

    @Test
    void aFetchOfMoreBytesThanArriveWaitsForTheTimeoutAndReturnsWhatThereIs() throws Exception {
        long end = producer.send(new ProducerRecord<>("poll", bytes("x"))).get().offset() + 1;
        // Long enough that the record sent 300 ms into the wait is in the log when the wait ends.
        int maxWaitMs = 5_000;
        try (RawKafkaClient client = new RawKafkaClient(broker.address(), readTimeoutMs(maxWaitMs))) {
            CompletableFuture<Void> produced = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(300);
                    producer.send(new ProducerRecord<>("poll", bytes("small"))).get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long startNs = System.nanoTime();
            FetchResponse.PartitionData data =
                    fetch(client, maxWaitMs, 1 << 20, Integer.MAX_VALUE, "poll", 0, end, 1 << 20);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            produced.get(60, TimeUnit.SECONDS);
            assertThat(tookMs).isBetween(maxWaitMs - 100L, maxWaitMs + LATE_ANSWER_SLACK_MS);
            assertThat(batches(data.records()))
                    .as("the record that arrived during the wait")
                    .hasSize(1);
        }
    }

    @Test
    void partitionAndResponseByteLimitsHoldButAtLeastOneBatchComesBack() throws Exception {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            for (int p = 0; p < 2; p++) {
                acks.add(producer.send(new ProducerRecord<>("limits", p, null, new byte[BIG_VALUE_BYTES])));
            }
            producer.flush(); // one batch per record, each ~10 KB
        }
        for (Future<RecordMetadata> ack : acks) {
            ack.get();
        }
        try (RawKafkaClient client = new RawKafkaClient(broker.address())) {
            FetchResponse.PartitionData tiny = fetch(client, 0, 1, Integer.MAX_VALUE, "limits", 0, 0, 100);
            assertThat(batches(tiny.records()))
                    .as("max.partition.fetch.bytes=100")
                    .hasSize(1);

            FetchResponse.PartitionData limited = fetch(client, 0, 1, Integer.MAX_VALUE, "limits", 0, 0, 25_000);
            List<RecordBatch> two = batches(limited.records());
            assertThat(two).hasSize(2);
            assertThat(limited.records().sizeInBytes()).isLessThanOrEqualTo(25_000);

            FetchResponse both = fetchBoth(client, 100, 1 << 20);
            List<FetchResponse.PartitionData> partitions =
                    both.responses().get(0).partitions();
            assertThat(batches(partitions.get(0).records()))
                    .as("fetch.max.bytes=100: first partition")
                    .hasSize(1);
            assertThat(batches(partitions.get(1).records()))
                    .as("fetch.max.bytes=100: second partition")
                    .isEmpty();

            FetchResponse capped = fetchBoth(client, 50_000, 1 << 20);
            int total = 0;
            for (FetchResponse.PartitionData p : capped.responses().get(0).partitions()) {
                total += p.records() == null ? 0 : p.records().sizeInBytes();
            }
            assertThat(total).isLessThanOrEqualTo(50_000).isGreaterThan(30_000);
        }
        try (KafkaConsumer<byte[], byte[]> consumer =
                consumer(Map.of(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 100))) {
            TopicPartition tp = new TopicPartition("limits", 1);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            int seen = 0;
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (seen < 20 && System.nanoTime() < deadlineNs) {
                seen += consumer.poll(Duration.ofMillis(200)).count();
            }
            assertThat(seen)
                    .as("a consumer with max.partition.fetch.bytes=100 still progresses")
                    .isEqualTo(20);
        }
    }

    @Test
    void anIdempotentProducerWithFiveInFlightKeepsRecordOrderUnderLoad() throws Exception {
        int records = 50_000;
        try (KafkaProducer<byte[], byte[]> loaded = new KafkaProducer<>(producerProps(Map.of(
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.BATCH_SIZE_CONFIG, 2_048,
                ProducerConfig.LINGER_MS_CONFIG, 0)))) {
            for (int i = 0; i < records; i++) {
                loaded.send(new ProducerRecord<>("ordered", 0, null, bytes(Integer.toString(i))));
            }
            loaded.flush();
        }
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(Map.of())) {
            TopicPartition tp = new TopicPartition("ordered", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            int next = 0;
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (next < records && System.nanoTime() < deadlineNs) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    assertThat(new String(record.value(), StandardCharsets.UTF_8))
                            .as("offset %d", record.offset())
                            .isEqualTo(Integer.toString(next));
                    assertThat(record.offset()).isEqualTo(next);
                    next++;
                }
            }
            assertThat(next).isEqualTo(records);
            assertThat(consumer.endOffsets(List.of(tp)).get(tp))
                    .as("no duplicates")
                    .isEqualTo(records);
        }
    }

    @Test
    void negativeByteLimitsAreAnsweredNotFatal() throws Exception {
        producer.send(new ProducerRecord<>("idle", bytes("one"))).get();
        try (RawKafkaClient client = new RawKafkaClient(broker.address())) {
            FetchResponse.PartitionData data = fetch(client, 100, -5, -1, "idle", 0, 0, -1);
            assertThat(data.errorCode()).isZero();
            assertThat(batches(data.records()))
                    .as("at least one batch, as for a limit of 0")
                    .hasSize(1);
            FetchResponse.PartitionData waited = fetch(client, 100, 1 << 20, 1 << 20, "idle", 0, 0, -7);
            assertThat(waited.errorCode()).isZero();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    /** A read timeout that outlasts a fetch's max wait and its late answer, so a late answer fails an assertion. */
    private static int readTimeoutMs(int maxWaitMs) {
        return maxWaitMs + 2 * (int) LATE_ANSWER_SLACK_MS;
    }

    private static FetchResponse.PartitionData fetch(
            RawKafkaClient client,
            int maxWaitMs,
            int minBytes,
            int maxBytes,
            String topic,
            int partition,
            long offset,
            int partitionMaxBytes)
            throws Exception {
        FetchRequest request = request(maxWaitMs, minBytes, maxBytes);
        FetchRequest.FetchTopic fetchTopic = new FetchRequest.FetchTopic().setTopic(topic);
        fetchTopic.partitions().add(partition(partition, offset, partitionMaxBytes));
        request.topics().add(fetchTopic);
        FetchResponse response = (FetchResponse) client.send(ApiKeys.FETCH, FETCH_VERSION, request);
        assertThat(response.errorCode()).isZero();
        return response.responses().get(0).partitions().get(0);
    }

    private static FetchResponse fetchBoth(RawKafkaClient client, int maxBytes, int partitionMaxBytes)
            throws Exception {
        FetchRequest request = request(0, 1, maxBytes);
        FetchRequest.FetchTopic fetchTopic = new FetchRequest.FetchTopic().setTopic("limits");
        fetchTopic.partitions().add(partition(0, 0, partitionMaxBytes));
        fetchTopic.partitions().add(partition(1, 0, partitionMaxBytes));
        request.topics().add(fetchTopic);
        return (FetchResponse) client.send(ApiKeys.FETCH, FETCH_VERSION, request);
    }

    private static FetchRequest request(int maxWaitMs, int minBytes, int maxBytes) {
        return new FetchRequest()
                .setReplicaId(-1)
                .setMaxWaitMs(maxWaitMs)
                .setMinBytes(minBytes)
                .setMaxBytes(maxBytes)
                .setIsolationLevel((byte) 0)
                .setSessionId(0)
                .setSessionEpoch(-1);
    }

    private static FetchRequest.FetchPartition partition(int partition, long offset, int maxBytes) {
        return new FetchRequest.FetchPartition()
                .setPartition(partition)
                .setCurrentLeaderEpoch(-1)
                .setFetchOffset(offset)
                .setLastFetchedEpoch(-1)
                .setLogStartOffset(-1)
                .setPartitionMaxBytes(maxBytes);
    }

    /** The whole batches in a fetched record set, read with kafka-clients. */
    private static List<RecordBatch> batches(Records records) {
        List<RecordBatch> batches = new ArrayList<>();
        if (records == null || records.sizeInBytes() == 0) {
            return batches;
        }
        ByteBuffer buffer = ((MemoryRecords) records).buffer();
        org.apache.kafka.common.record.internal.MemoryRecords.readableRecords(buffer)
                .batches()
                .forEach(batches::add);
        return batches;
    }

    private static Properties producerProps(Map<String, Object> overrides) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.putAll(overrides);
        return p;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> overrides) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.putAll(overrides);
        return new KafkaConsumer<>(c);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
