package io.fjord.it.txn;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Errors;
import io.fjord.it.RawKafkaClient;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.InitProducerIdResponse;
import io.fjord.protocol.message.ProduceRequest;
import io.fjord.protocol.message.ProduceResponse;
import io.fjord.protocol.message.WriteTxnMarkersRequest;
import io.fjord.protocol.message.WriteTxnMarkersResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the transaction ITs send and read: a producer id from InitProducerId, transactional and plain
 * batches built by kafka-clients, raw Produce (acks=all) and WriteTxnMarkers requests as a transaction
 * coordinator would send them, and the official Java consumer and Admin client at either isolation
 * level. Used from the test thread only.
 */
public final class TxnClients {

    private static final short PRODUCE_VERSION = 9;
    /** The first version that tells TRANSACTION_ABORTABLE (KIP-890), as a current Java producer sends. */
    private static final short TRANSACTIONAL_PRODUCE_VERSION = 11;

    private static final short WRITE_TXN_MARKERS_VERSION = 1;
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    /**
     * The broker settings for transactions forged here without a transaction coordinator: no leader may verify
     * them with one (KIP-890 part 1), as the coordinator knows none of them.
     */
    public static final Map<String, String> FORGED_TRANSACTIONS =
            Map.of("transaction.partition.verification.enable", "false");

    private TxnClients() {}

    /** A producer id and epoch from InitProducerId, and the next sequence of its one partition. */
    public static final class Producer {
        private final long producerId;
        private final short epoch;
        private int nextSequence;

        Producer(long producerId, short epoch) {
            this.producerId = producerId;
            this.epoch = epoch;
        }

        public long producerId() {
            return producerId;
        }

        public short epoch() {
            return epoch;
        }

        /** A transactional batch of {@code values} at the producer's next sequence. */
        public ByteBuffer txnBatch(String... values) {
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

    /**
     * The producer {@code producerId} at {@code epoch} whose next batch starts at {@code nextSequence}: a producer
     * the broker already knows, such as a real client's, to forge the batch it could have sent next.
     */
    public static Producer resume(long producerId, short epoch, int nextSequence) {
        Producer producer = new Producer(producerId, epoch);
        producer.nextSequence = nextSequence;
        return producer;
    }

    public static Producer newProducer(InetSocketAddress broker) throws IOException {
        try (RawKafkaClient client = new RawKafkaClient(broker)) {
            InitProducerIdResponse response = client.initProducerId();
            assertThat(Errors.forCode(response.errorCode())).isEqualTo(Errors.NONE);
            return new Producer(response.producerId(), response.producerEpoch());
        }
    }

    public static ByteBuffer plainBatch(String... values) {
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

    public static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    /** Produces {@code batch} with acks=all to the leader at {@code broker}; returns its base offset. */
    public static long produce(InetSocketAddress broker, TopicPartition tp, ByteBuffer batch) throws IOException {
        return produce(broker, null, PRODUCE_VERSION, tp, batch);
    }

    /** Writes the producer's COMMIT or ABORT marker through the leader at {@code broker}; expects NONE. */
    public static void writeMarker(InetSocketAddress broker, Producer producer, boolean commit, TopicPartition tp)
            throws IOException {
        assertThat(Errors.forCode(sendMarker(broker, producer.producerId, producer.epoch, commit, tp)
                        .errorCode()))
                .isEqualTo(Errors.NONE);
    }

    /** WriteTxnMarkers v1 of one marker for one partition; the partition's result. */
    public static WriteTxnMarkersResponse.WritableTxnMarkerPartitionResult sendMarker(
            InetSocketAddress broker, long producerId, short epoch, boolean commit, TopicPartition tp)
            throws IOException {
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
        try (RawKafkaClient client = new RawKafkaClient(broker)) {
            WriteTxnMarkersResponse response = (WriteTxnMarkersResponse)
                    client.send(ApiKeys.WRITE_TXN_MARKERS, WRITE_TXN_MARKERS_VERSION, request);
            WriteTxnMarkersResponse.WritableTxnMarkerResult result =
                    response.markers().get(0);
            assertThat(result.producerId()).isEqualTo(producerId);
            return result.topics().get(0).partitions().get(0);
        }
    }

    /** The late batch that hangs a partition (see {@link #hangAfterAbort}): its producer and offset. */
    public record Hanging(String transactionalId, long producerId, short producerEpoch, long startOffset) {}

    /**
     * Hangs {@code tp}, led by {@code leader}, the way it happened before KIP-890 (needs {@link
     * #FORGED_TRANSACTIONS} on the leader): a real producer of {@code transactionalId} commits "committed" and
     * aborts "aborted" there; then "late", a batch of the aborted transaction at the producer's next sequence that
     * was still in flight, lands after the abort marker and opens a transaction its coordinator does not know.
     */
    public static Hanging hangAfterAbort(
            String bootstrap, InetSocketAddress leader, Admin admin, String transactionalId, TopicPartition tp)
            throws Exception {
        try (KafkaProducer<String, String> producer = transactionalProducer(bootstrap, transactionalId)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), "k", "committed"));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), "k", "aborted"));
            producer.flush();
            producer.abortTransaction();
        }
        // The abort is answered once decided (PrepareAbort); its marker and CompleteAbort follow.
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        TransactionDescription description = describe(admin, transactionalId);
        ProducerState state = producerOf(admin, tp, description.producerId());
        while (description.state() != TransactionState.COMPLETE_ABORT
                || state.currentTransactionStartOffset().isPresent()) {
            assertThat(System.nanoTime())
                    .as("abort completed within %s: %s, %s", DEADLINE, description, state)
                    .isLessThan(deadline);
            Thread.sleep(20);
            description = describe(admin, transactionalId);
            state = producerOf(admin, tp, description.producerId());
        }
        short epoch = (short) description.producerEpoch();
        Producer late = resume(description.producerId(), epoch, state.lastSequence() + 1);
        long offset = produceTransactional(leader, transactionalId, tp, late.txnBatch("late"));
        // find-hanging counts a transaction as open past a timeout of 0 once the clock passed its last batch.
        long producedMs = System.currentTimeMillis();
        while (System.currentTimeMillis() <= producedMs) {
            Thread.onSpinWait();
        }
        return new Hanging(transactionalId, description.producerId(), epoch, offset);
    }

    private static TransactionDescription describe(Admin admin, String transactionalId) throws Exception {
        return admin.describeTransactions(List.of(transactionalId))
                .description(transactionalId)
                .get();
    }

    /**
     * A transactional Produce (v11, acks=all) of {@code batch} as the producer of {@code transactionalId} sends it
     * to the leader at {@code broker}; expects NONE and returns its base offset.
     */
    public static long produceTransactional(
            InetSocketAddress broker, String transactionalId, TopicPartition tp, ByteBuffer batch) throws IOException {
        return produce(broker, transactionalId, TRANSACTIONAL_PRODUCE_VERSION, tp, batch);
    }

    private static long produce(
            InetSocketAddress broker, String transactionalId, short version, TopicPartition tp, ByteBuffer batch)
            throws IOException {
        ProduceRequest request = new ProduceRequest()
                .setTransactionalId(transactionalId)
                .setAcks((short) -1)
                .setTimeoutMs(10_000)
                .setTopicData(new ArrayList<>(List.of(new ProduceRequest.TopicProduceData()
                        .setName(tp.topic())
                        .setPartitionData(new ArrayList<>(List.of(new ProduceRequest.PartitionProduceData()
                                .setIndex(tp.partition())
                                .setRecords(io.fjord.protocol.MemoryRecords.of(batch.duplicate()))))))));
        try (RawKafkaClient client = new RawKafkaClient(broker)) {
            ProduceResponse response = (ProduceResponse) client.send(ApiKeys.PRODUCE, version, request);
            ProduceResponse.PartitionProduceResponse partition =
                    response.responses().get(0).partitionResponses().get(0);
            assertThat(Errors.forCode(partition.errorCode())).isEqualTo(Errors.NONE);
            return partition.baseOffset();
        }
    }

    /** Calls {@code attempt} until it answers non-null, within {@link #DEADLINE}. */
    public static <T> T until(ThrowingSupplier<T> attempt) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            T result = attempt.get();
            if (result != null) {
                return result;
            }
            assertThat(System.nanoTime()).as("within %s", DEADLINE).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** Waits until {@code condition} holds, within {@link #DEADLINE}. */
    public static void await(ThrowingSupplier<Boolean> condition) throws Exception {
        until(() -> condition.get() ? Boolean.TRUE : null);
    }

    /** A supplier that may throw, for {@link #until}. */
    @FunctionalInterface
    public interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    /** The state DescribeProducers reports on {@code tp}'s leader for {@code producerId}; fails when there is none. */
    public static ProducerState producerOf(Admin admin, TopicPartition tp, long producerId) throws Exception {
        return admin.describeProducers(List.of(tp)).partitionResult(tp).get().activeProducers().stream()
                .filter(p -> p.producerId() == producerId)
                .findFirst()
                .orElseThrow(() -> new AssertionError("producer " + producerId + " not on " + tp));
    }

    /** The official Java producer for {@code transactionalId}, with String keys and values. */
    public static KafkaProducer<String, String> transactionalProducer(String bootstrap, String transactionalId) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        return new KafkaProducer<>(props);
    }

    /** The consumer's end offset: the last stable offset under read_committed. */
    public static long endOffset(String bootstrap, TopicPartition tp, IsolationLevel isolation) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, isolation)) {
            return consumer.endOffsets(List.of(tp)).get(tp);
        }
    }

    /** ListOffsets LATEST through the Admin client. */
    public static long latestOffset(String bootstrap, TopicPartition tp, IsolationLevel isolation) throws Exception {
        try (Admin admin = admin(bootstrap)) {
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
    public static List<String> readToEnd(String bootstrap, TopicPartition tp, IsolationLevel isolation) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, isolation)) {
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

    public static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, IsolationLevel isolation) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString().toLowerCase(Locale.ROOT));
        return new KafkaConsumer<>(props);
    }

    public static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
