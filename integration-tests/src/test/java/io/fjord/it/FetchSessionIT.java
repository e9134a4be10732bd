package io.fjord.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.FetchRequest;
import io.fjord.protocol.message.FetchResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incremental fetch sessions (KIP-227) with real clients over real sockets: the Java consumer reads 100k
 * records of a 16-partition topic through a session, each partition gap-free and in order; a raw client's
 * incremental fetches get the session id and only the partitions that changed, and a consumer tailing a partition
 * gets it back only with new records; librdkafka (kcat), which
 * fetches sessionless, reads the same topic.
 */
class FetchSessionIT {

    private static final String TOPIC = "sessions";
    private static final String RAW_TOPIC = "sessions-raw";
    private static final int PARTITIONS = 16;
    private static final int RECORDS = 100_000;
    private static final short FETCH_VERSION = 12;

    @TempDir
    static Path dataDir;

    static EmbeddedBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start(dataDir, Map.of());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            admin.createTopics(List.of(
                            new NewTopic(TOPIC, PARTITIONS, (short) 1), new NewTopic(RAW_TOPIC, PARTITIONS, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, "k" + i, "value-" + i));
            }
            producer.flush();
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void theJavaConsumerReadsEveryRecordOfSixteenPartitionsThroughASession() {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024); // many fetches, many increments
        Map<Integer, Long> nextOffset = new HashMap<>();
        int read = 0;
        int sessionsWhileReading;
        long openedBefore = broker.fetchSessionsOpened();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            List<TopicPartition> all = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                all.add(new TopicPartition(TOPIC, p));
            }
            consumer.assign(all);
            consumer.seekToBeginning(all);
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (read < RECORDS && System.nanoTime() < deadlineNs) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    long expected = nextOffset.getOrDefault(r.partition(), 0L);
                    assertThat(r.offset())
                            .as("partition %d offset", r.partition())
                            .isEqualTo(expected);
                    assertThat(Integer.parseInt(r.key().substring(1)) % PARTITIONS)
                            .isEqualTo(r.partition());
                    nextOffset.put(r.partition(), expected + 1);
                    read++;
                }
            }
            sessionsWhileReading = broker.fetchSessionCount();
        }
        assertThat(read).isEqualTo(RECORDS);
        assertThat(nextOffset).hasSize(PARTITIONS).allSatisfy((p, next) -> assertThat(next)
                .isEqualTo(RECORDS / PARTITIONS));
        assertThat(sessionsWhileReading).as("the consumer's fetch session").isPositive();
        assertThat(broker.fetchSessionsOpened() - openedBefore)
                .as("one session carried every fetch: no epoch or id errors made the consumer start over")
                .isEqualTo(1);
    }

    @Test
    void incrementalFetchesCarryTheSessionIdAndOnlyChangedPartitions() throws Exception {
        try (RawKafkaClient client = new RawKafkaClient(broker.address())) {
            FetchRequest full = request(0, 0);
            FetchRequest.FetchTopic topic = new FetchRequest.FetchTopic().setTopic(RAW_TOPIC);
            for (int p = 0; p < PARTITIONS; p++) {
                topic.partitions()
                        .add(new FetchRequest.FetchPartition()
                                .setPartition(p)
                                .setFetchOffset(0)
                                .setPartitionMaxBytes(1 << 20));
            }
            full.topics().add(topic);
            FetchResponse first = (FetchResponse) client.send(ApiKeys.FETCH, FETCH_VERSION, full);

            FetchResponse idle =
                    (FetchResponse) client.send(ApiKeys.FETCH, FETCH_VERSION, request(first.sessionId(), 1));
            try (KafkaProducer<String, String> producer = producer()) {
                producer.send(new ProducerRecord<>(RAW_TOPIC, 5, "late", "late"))
                        .get();
            }
            FetchResponse changed =
                    (FetchResponse) client.send(ApiKeys.FETCH, FETCH_VERSION, request(first.sessionId(), 2));

            assertThat(first.errorCode()).isZero();
            assertThat(first.sessionId()).isNotZero();
            assertThat(first.responses().get(0).partitions()).hasSize(PARTITIONS);
            assertThat(idle.sessionId()).isEqualTo(first.sessionId());
            assertThat(idle.responses()).as("nothing changed").isEmpty();
            assertThat(changed.sessionId()).isEqualTo(first.sessionId());
            assertThat(changed.responses().get(0).partitions())
                    .extracting(FetchResponse.PartitionData::partitionIndex)
                    .containsExactly(5);
            assertThat(changed.responses().get(0).partitions().get(0).records().sizeInBytes())
                    .isPositive();
        }
    }

    /**
     * EndToEndLatency's loop: one record produced, then polled with {@code fetch.max.wait.ms=0} until read. Each fetch
     * after a read moves the partition's fetch offset past the records; that alone is no news, so only the responses
     * with records (and the session's first) carry the partition, as with Kafka (the Java client's records per
     * partition-carrying response: 1.0 against Kafka, 0.5 when every offset move was answered).
     */
    @Test
    void aConsumerTailingAPartitionGetsItBackOnlyWithNewRecords() throws Exception {
        String topic = "sessions-tail";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 0);
        int rounds = 50;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c);
                KafkaProducer<String, String> producer = producer()) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            consumer.position(tp);
            for (int i = 0; i < rounds; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
                List<String> values = new ArrayList<>();
                long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (values.isEmpty() && System.nanoTime() < deadlineNs) {
                    consumer.poll(Duration.ofSeconds(1)).forEach(r -> values.add(r.value()));
                }
                assertThat(values).as("round %d", i).containsExactly("v" + i);
            }
            double recordsPerResponse = consumer.metrics().entrySet().stream()
                    .filter(e -> e.getKey().name().equals("records-per-request-avg")
                            && e.getKey().tags().size() == 1)
                    .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                    .findFirst()
                    .orElseThrow();
            assertThat(recordsPerResponse)
                    .as("records per response that carried the partition")
                    .isGreaterThan(0.9);
        }
    }

    @Test
    void kcatConsumesTheSixteenPartitionTopic() throws Exception {
        KcatIT.Result consume = KcatIT.run(
                "", "kcat", "-b", broker.bootstrap(), "-C", "-t", TOPIC, "-o", "beginning", "-e", "-f", "%k\\n");

        assertThat(consume.exitCode())
                .as("kcat -C stderr: %s", consume.stderr())
                .isZero();
        List<String> keys = consume.stdout().lines().toList();
        assertThat(keys).hasSize(RECORDS).doesNotHaveDuplicates();
    }

    private static FetchRequest request(int sessionId, int epoch) {
        return new FetchRequest()
                .setReplicaId(-1)
                .setMaxWaitMs(0)
                .setMinBytes(1)
                .setMaxBytes(1 << 24)
                .setSessionId(sessionId)
                .setSessionEpoch(epoch);
    }

    private static KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(p);
    }
}
