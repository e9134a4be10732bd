package io.fjord.it.txn;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Errors;
import io.fjord.it.EmbeddedBroker;
import io.fjord.it.RawKafkaClient;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.InitProducerIdResponse;
import io.fjord.protocol.message.ProduceRequest;
import io.fjord.protocol.message.ProduceResponse;
import io.fjord.protocol.message.WriteTxnMarkersRequest;
import io.fjord.protocol.message.WriteTxnMarkersResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Read-committed consumption (KIP-98) with the official Java consumer: transactional batches produced
 * raw (built by kafka-clients, with a producer id from InitProducerId) and ended by raw WriteTxnMarkers,
 * as a transaction coordinator would. A read_committed consumer stops at the last stable offset, skips
 * the markers and drops aborted records; read_uncommitted sees every data record; both survive a restart.
 */
class ReadCommittedIT {

    private static final short PRODUCE_VERSION = 9;
    private static final short WRITE_TXN_MARKERS_VERSION = 1;
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    static Path dataDir;

    static EmbeddedBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedBroker.start(dataDir.resolve("shared"), Map.of());
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void anOpenTransactionHoldsReadCommittedConsumersAtItsFirstOffsetUntilItCommits() throws Exception {
        Cluster cluster = new Cluster(broker);
        TopicPartition tp = cluster.createTopic("txn-open");
        Producer p = cluster.newProducer();
        cluster.produce(tp, plainBatch("before-0", "before-1"));
        long txnStart = cluster.produce(tp, p.txnBatch("t-0", "t-1"));
        cluster.produce(tp, p.txnBatch("t-2"));
        assertThat(txnStart).isEqualTo(2);

        assertThat(cluster.endOffset(tp, IsolationLevel.READ_COMMITTED)).isEqualTo(txnStart);
        assertThat(cluster.endOffset(tp, IsolationLevel.READ_UNCOMMITTED)).isEqualTo(5);
        assertThat(cluster.latestOffset(tp, IsolationLevel.READ_COMMITTED)).isEqualTo(txnStart);
        assertThat(cluster.latestOffset(tp, IsolationLevel.READ_UNCOMMITTED)).isEqualTo(5);
        assertThat(cluster.readToEnd(tp, IsolationLevel.READ_COMMITTED)).containsExactly("before-0", "before-1");
        assertThat(cluster.readToEnd(tp, IsolationLevel.READ_UNCOMMITTED))
                .containsExactly("before-0", "before-1", "t-0", "t-1", "t-2");

        cluster.writeMarker(p, true, tp);
        assertThat(cluster.endOffset(tp, IsolationLevel.READ_COMMITTED)).isEqualTo(6);
        assertThat(cluster.readToEnd(tp, IsolationLevel.READ_COMMITTED))
                .containsExactly("before-0", "before-1", "t-0", "t-1", "t-2");
        assertThat(cluster.readToEnd(tp, IsolationLevel.READ_UNCOMMITTED))
                .containsExactly("before-0", "before-1", "t-0", "t-1", "t-2");
    }

    @Test
    void aWaitingReadCommittedConsumerGetsTheRecordsWhenTheTransactionCommits() throws Exception {
        Cluster cluster = new Cluster(broker);
        TopicPartition tp = cluster.createTopic("txn-long-poll");
        Producer p = cluster.newProducer();
        cluster.produce(tp, p.txnBatch("late-0", "late-1"));
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(IsolationLevel.READ_COMMITTED)) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            assertThat(consumer.poll(Duration.ofMillis(500))).isEmpty();
            cluster.writeMarker(p, true, tp);
            List<String> seen = new ArrayList<>();
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (seen.size() < 2 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(text(r.value())));
            }
            assertThat(seen).containsExactly("late-0", "late-1");
        }
    }

    @Test
    void interleavedTransactionsOfTwoProducersShowOnlyTheCommittedOnesInOffsetOrder() throws Exception {
        Cluster cluster = new Cluster(broker);
        TopicPartition tp = cluster.createTopic("txn-interleaved");
        Producer a = cluster.newProducer();
        Producer b = cluster.newProducer();
        cluster.produce(tp, a.txnBatch("a1"));
        cluster.produce(tp, b.txnBatch("b1"));
        cluster.produce(tp, a.txnBatch("a2"));
        cluster.writeMarker(a, true, tp);
        cluster.produce(tp, b.txnBatch("b2"));
        cluster.writeMarker(b, false, tp);
        cluster.produce(tp, a.txnBatch("a3"));
        cluster.produce(tp, b.txnBatch("b3"));
        cluster.produce(tp, plainBatch("plain"));
        cluster.writeMarker(b, true, tp);
        cluster.writeMarker(a, false, tp);

        assertThat(cluster.readToEnd(tp, IsolationLevel.READ_COMMITTED)).containsExactly("a1", "a2", "b3", "plain");
        assertThat(cluster.readToEnd(tp, IsolationLevel.READ_UNCOMMITTED))
                .containsExactly("a1", "b1", "a2", "b2", "a3", "b3", "plain");
        assertThat(cluster.endOffset(tp, IsolationLevel.READ_COMMITTED))
                .isEqualTo(cluster.endOffset(tp, IsolationLevel.READ_UNCOMMITTED));
    }

    @Test
    void aMarkerWithAnOlderEpochIsRejectedPerPartition() throws Exception {
        Cluster cluster = new Cluster(broker);
        TopicPartition tp = cluster.createTopic("txn-fenced");
        Producer p = cluster.newProducer();
        cluster.produce(tp, p.txnBatch("x"));
        WriteTxnMarkersResponse.WritableTxnMarkerPartitionResult newer =
                cluster.sendMarker(p.producerId, (short) (p.epoch + 1), true, tp);
        assertThat(Errors.forCode(newer.errorCode())).isEqualTo(Errors.NONE);
        WriteTxnMarkersResponse.WritableTxnMarkerPartitionResult older =
                cluster.sendMarker(p.producerId, p.epoch, false, tp);
        assertThat(Errors.forCode(older.errorCode())).isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
        WriteTxnMarkersResponse.WritableTxnMarkerPartitionResult unknown =
                cluster.sendMarker(p.producerId, p.epoch, true, new TopicPartition("no-such-topic", 0));
        assertThat(Errors.forCode(unknown.errorCode())).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    @Test
    void aRestartKeepsAbortedTransactionsFilteredAndAnOpenTransactionHoldingTheStableOffset() throws Exception {
        try (EmbeddedBroker own = EmbeddedBroker.start(dataDir.resolve("restart"), Map.of())) {
            Cluster cluster = new Cluster(own);
            TopicPartition tp = cluster.createTopic("txn-restart");
            Producer aborted = cluster.newProducer();
            Producer open = cluster.newProducer();
            cluster.produce(tp, plainBatch("p0"));
            cluster.produce(tp, aborted.txnBatch("gone-0", "gone-1"));
            cluster.writeMarker(aborted, false, tp);
            cluster.produce(tp, plainBatch("p1"));
            long openStart = cluster.produce(tp, open.txnBatch("pending"));
            cluster.produce(tp, plainBatch("p2"));

            own.restart();

            assertThat(cluster.endOffset(tp, IsolationLevel.READ_COMMITTED)).isEqualTo(openStart);
            assertThat(cluster.readToEnd(tp, IsolationLevel.READ_COMMITTED)).containsExactly("p0", "p1");
            cluster.writeMarker(open, true, tp);
            assertThat(cluster.readToEnd(tp, IsolationLevel.READ_COMMITTED))
                    .containsExactly("p0", "p1", "pending", "p2");
            assertThat(cluster.readToEnd(tp, IsolationLevel.READ_UNCOMMITTED))
                    .containsExactly("p0", "gone-0", "gone-1", "p1", "pending", "p2");
        }
    }

    /** A producer id and epoch from InitProducerId, and the next sequence of its one partition. */
    static final class Producer {
        final long producerId;
        final short epoch;
        int nextSequence;

        Producer(long producerId, short epoch) {
            this.producerId = producerId;
            this.epoch = epoch;
        }

        ByteBuffer txnBatch(String... values) {
            ByteBuffer batch = org.apache.kafka.common.record.internal.MemoryRecords.withTransactionalRecords(
                            org.apache.kafka.common.compress.Compression.NONE,
                            producerId,
                            epoch,
                            nextSequence,
                            records(values))
                    .buffer();
            nextSequence += values.length;
            return batch;
        }
    }

    static ByteBuffer plainBatch(String... values) {
        return org.apache.kafka.common.record.internal.MemoryRecords.withRecords(
                        org.apache.kafka.common.compress.Compression.NONE, records(values))
                .buffer();
    }

    private static org.apache.kafka.common.record.internal.SimpleRecord[] records(String... values) {
        var records = new org.apache.kafka.common.record.internal.SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new org.apache.kafka.common.record.internal.SimpleRecord(
                    System.currentTimeMillis(), bytes("k"), bytes(values[i]));
        }
        return records;
    }

    /** The raw requests and client reads of one broker, made from the test thread. */
    record Cluster(EmbeddedBroker broker) {

        TopicPartition createTopic(String name) throws Exception {
            try (Admin admin = admin()) {
                admin.createTopics(List.of(new NewTopic(name, 1, (short) 1)))
                        .all()
                        .get();
            }
            return new TopicPartition(name, 0);
        }

        Admin admin() {
            return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
        }

        Producer newProducer() throws IOException {
            try (RawKafkaClient client = new RawKafkaClient(broker.address())) {
                InitProducerIdResponse response = client.initProducerId();
                assertThat(Errors.forCode(response.errorCode())).isEqualTo(Errors.NONE);
                return new Producer(response.producerId(), response.producerEpoch());
            }
        }

        /** Produces {@code batch} with acks=all; returns its base offset. */
        long produce(TopicPartition tp, ByteBuffer batch) throws IOException {
            ProduceRequest request = new ProduceRequest()
                    .setAcks((short) -1)
                    .setTimeoutMs(10_000)
                    .setTopicData(new ArrayList<>(List.of(new ProduceRequest.TopicProduceData()
                            .setName(tp.topic())
                            .setPartitionData(new ArrayList<>(List.of(new ProduceRequest.PartitionProduceData()
                                    .setIndex(tp.partition())
                                    .setRecords(io.fjord.protocol.MemoryRecords.of(batch.duplicate()))))))));
            try (RawKafkaClient client = new RawKafkaClient(broker.address())) {
                ProduceResponse response = (ProduceResponse) client.send(ApiKeys.PRODUCE, PRODUCE_VERSION, request);
                ProduceResponse.PartitionProduceResponse partition =
                        response.responses().get(0).partitionResponses().get(0);
                assertThat(Errors.forCode(partition.errorCode())).isEqualTo(Errors.NONE);
                return partition.baseOffset();
            }
        }

        void writeMarker(Producer producer, boolean commit, TopicPartition tp) throws IOException {
            assertThat(Errors.forCode(sendMarker(producer.producerId, producer.epoch, commit, tp)
                            .errorCode()))
                    .isEqualTo(Errors.NONE);
        }

        WriteTxnMarkersResponse.WritableTxnMarkerPartitionResult sendMarker(
                long producerId, short epoch, boolean commit, TopicPartition tp) throws IOException {
            WriteTxnMarkersRequest request = new WriteTxnMarkersRequest();
            WriteTxnMarkersRequest.WritableTxnMarkerTopic topic =
                    new WriteTxnMarkersRequest.WritableTxnMarkerTopic().setName(tp.topic());
            topic.partitionIndexes().add(tp.partition());
            WriteTxnMarkersRequest.WritableTxnMarker marker = new WriteTxnMarkersRequest.WritableTxnMarker()
                    .setProducerId(producerId)
                    .setProducerEpoch(epoch)
                    .setTransactionResult(commit)
                    .setCoordinatorEpoch(0);
            marker.topics().add(topic);
            request.markers().add(marker);
            try (RawKafkaClient client = new RawKafkaClient(broker.address())) {
                WriteTxnMarkersResponse response = (WriteTxnMarkersResponse)
                        client.send(ApiKeys.WRITE_TXN_MARKERS, WRITE_TXN_MARKERS_VERSION, request);
                WriteTxnMarkersResponse.WritableTxnMarkerResult result =
                        response.markers().get(0);
                assertThat(result.producerId()).isEqualTo(producerId);
                return result.topics().get(0).partitions().get(0);
            }
        }

        /** The consumer's end offset: the last stable offset under read_committed. */
        long endOffset(TopicPartition tp, IsolationLevel isolation) {
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(isolation)) {
                return consumer.endOffsets(List.of(tp)).get(tp);
            }
        }

        /** ListOffsets LATEST through the Admin client. */
        long latestOffset(TopicPartition tp, IsolationLevel isolation) throws Exception {
            try (Admin admin = admin()) {
                return admin.listOffsets(Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(isolation))
                        .all()
                        .get()
                        .get(tp)
                        .offset();
            }
        }

        /**
         * The values a consumer with {@code isolation} reads from the beginning until its position reaches
         * its end offset (the last stable offset under read_committed), then for one more second, so a
         * record past that end would show up.
         */
        List<String> readToEnd(TopicPartition tp, IsolationLevel isolation) {
            List<String> values = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(isolation)) {
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long end = consumer.endOffsets(List.of(tp)).get(tp);
                long deadline = System.nanoTime() + DEADLINE.toNanos();
                while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(text(r.value())));
                }
                assertThat(consumer.position(tp))
                        .as("position of a %s consumer", isolation)
                        .isEqualTo(end);
                long settle = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                while (System.nanoTime() < settle) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        values.add(text(r.value()));
                    }
                }
            }
            return values;
        }

        private KafkaConsumer<byte[], byte[]> consumer(IsolationLevel isolation) {
            return ReadCommittedIT.consumer(broker.bootstrap(), isolation);
        }
    }

    KafkaConsumer<byte[], byte[]> consumer(IsolationLevel isolation) {
        return consumer(broker.bootstrap(), isolation);
    }

    static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, IsolationLevel isolation) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString().toLowerCase(java.util.Locale.ROOT));
        return new KafkaConsumer<>(props);
    }

    static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
