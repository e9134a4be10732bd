package io.fjord.it.badinput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.Errors;
import io.fjord.it.EmbeddedBroker;
import io.fjord.it.RawKafkaClient;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.InitProducerIdRequest;
import io.fjord.protocol.message.InitProducerIdResponse;
import io.fjord.protocol.message.MetadataRequest;
import io.fjord.protocol.message.MetadataResponse;
import io.fjord.protocol.message.ProduceRequest;
import io.fjord.protocol.message.ProduceResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.internals.Crc32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every row of PROTOCOL-NOTES "What a broker rejects on produce", sent by a raw client with batches
 * built by kafka-clients' own record builders (then patched where a row needs a field no builder
 * writes), gets exactly its error code; after each, a default Java producer and a consumer still work
 * on the same broker.
 */
class ProduceRejectionsIT {

    private static final short PRODUCE_VERSION = 11;
    private static final int MAGIC_OFFSET = 16;
    private static final int CRC_OFFSET = 17;
    private static final int ATTRIBUTES_OFFSET = 21;
    private static final int LAST_OFFSET_DELTA_OFFSET = 23;
    private static final int BASE_SEQUENCE_OFFSET = 53;
    private static final int RECORD_COUNT_OFFSET = 57;

    @TempDir
    static Path dataDir;

    static EmbeddedBroker broker;
    static HealthyClients healthy;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start(dataDir, Map.of());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            admin.createTopics(List.of(
                            new NewTopic("plain", 1, (short) 1),
                            new NewTopic("compacted", 1, (short) 1).configs(Map.of("cleanup.policy", "compact")),
                            new NewTopic("small", 1, (short) 1).configs(Map.of("max.message.bytes", "1000")),
                            new NewTopic("future", 1, (short) 1)
                                    .configs(Map.of("message.timestamp.after.max.ms", "60000")),
                            new NewTopic("past", 1, (short) 1)
                                    .configs(Map.of("message.timestamp.before.max.ms", "60000"))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        healthy = new HealthyClients(broker.bootstrap(), "healthy");
    }

    @AfterAll
    static void stop() {
        if (healthy != null) {
            healthy.close();
        }
        broker.close();
    }

    @AfterEach
    void aNormalClientStillWorks() throws Exception {
        healthy.assertRoundTrip();
    }

    @ParameterizedTest
    @ValueSource(bytes = {0, 1})
    void aLegacyMagicBatchIsAnInvalidRecordAsKafka4Answers(byte magic) throws Exception {
        ByteBuffer legacy = MemoryRecords.withRecords(magic, Compression.NONE, record("k", "v"))
                .buffer();
        assertThat(legacy.get(MAGIC_OFFSET)).isEqualTo(magic);
        assertThat(produce("plain", legacy)).isEqualTo(Errors.INVALID_RECORD);
    }

    @Test
    void aMagicByteOutsideZeroToTwoIsACorruptMessageAsKafka4Answers() throws Exception {
        ByteBuffer batch = batch(record("k", "v"));
        batch.put(MAGIC_OFFSET, (byte) 3);
        assertThat(produce("plain", batch)).isEqualTo(Errors.CORRUPT_MESSAGE);
    }

    @Test
    void twoBatchesForOnePartitionAreAnInvalidRecord() throws Exception {
        ByteBuffer first = batch(record("a", "1"));
        ByteBuffer second = batch(record("b", "2"));
        ByteBuffer both = ByteBuffer.allocate(first.remaining() + second.remaining());
        both.put(first).put(second).flip();
        assertThat(produce("plain", both)).isEqualTo(Errors.INVALID_RECORD);
    }

    @Test
    void aBaseOffsetOtherThanZeroIsAnInvalidRecord() throws Exception {
        ByteBuffer batch = MemoryRecords.withRecords(5L, Compression.NONE, record("k", "v"))
                .buffer();
        assertThat(produce("plain", batch)).isEqualTo(Errors.INVALID_RECORD);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1})
    void aRecordCountOfZeroOrLessIsAnInvalidRecord(int count) throws Exception {
        ByteBuffer batch = batch(record("k", "v"));
        batch.putInt(RECORD_COUNT_OFFSET, count);
        resealCrc(batch);
        assertThat(produce("plain", batch)).isEqualTo(Errors.INVALID_RECORD);
    }

    @Test
    void aLastOffsetDeltaThatDisagreesWithTheCountIsAnInvalidRecord() throws Exception {
        ByteBuffer batch = batch(record("a", "1"), record("b", "2"));
        batch.putInt(LAST_OFFSET_DELTA_OFFSET, 5);
        resealCrc(batch);
        assertThat(produce("plain", batch)).isEqualTo(Errors.INVALID_RECORD);
    }

    @Test
    void aDeclaredCountLargerThanTheRecordsPresentIsAnInvalidRecordAsKafkaAnswers() throws Exception {
        ByteBuffer batch = batch(record("a", "1"), record("b", "2"));
        batch.putInt(RECORD_COUNT_OFFSET, 3);
        batch.putInt(LAST_OFFSET_DELTA_OFFSET, 2);
        resealCrc(batch);
        assertThat(produce("plain", batch)).isEqualTo(Errors.INVALID_RECORD);
    }

    @Test
    void bytesLeftOverAfterTheDeclaredRecordsAreAnInvalidRecordAsKafkaAnswers() throws Exception {
        ByteBuffer batch = batch(record("a", "1"), record("b", "2"));
        batch.putInt(RECORD_COUNT_OFFSET, 1);
        batch.putInt(LAST_OFFSET_DELTA_OFFSET, 0);
        resealCrc(batch);
        assertThat(produce("plain", batch)).isEqualTo(Errors.INVALID_RECORD);
    }

    @Test
    void aControlBatchFromAClientIsAnInvalidRecord() throws Exception {
        ByteBuffer marker = MemoryRecords.withEndTransactionMarker(
                        4242L, (short) 0, new EndTransactionMarker(ControlRecordType.COMMIT, 0))
                .buffer();
        assertThat(produce("plain", marker)).isEqualTo(Errors.INVALID_RECORD);
    }

    @Test
    void aProducerIdWithANegativeBaseSequenceIsAnInvalidRecord() throws Exception {
        ByteBuffer batch = idempotentBatch(4243L, (short) 0, 0, record("k", "v"));
        batch.putInt(BASE_SEQUENCE_OFFSET, -1);
        resealCrc(batch);
        assertThat(produce("plain", batch)).isEqualTo(Errors.INVALID_RECORD);
    }

    @Test
    void aNullKeyOnACompactedTopicIsAnInvalidRecord() throws Exception {
        ByteBuffer batch = batch(record("k", "v"), new SimpleRecord(System.currentTimeMillis(), null, bytes("v")));
        assertThat(produce("compacted", batch)).isEqualTo(Errors.INVALID_RECORD);
        assertThat(produce("compacted", batch(record("k", "v")))).isEqualTo(Errors.NONE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
    void aNullKeyInACompressedBatchOnACompactedTopicIsAnInvalidRecord(String codec) throws Exception {
        ByteBuffer batch = MemoryRecords.withRecords(
                        Compression.of(codec).build(),
                        record("k", "v"),
                        new SimpleRecord(System.currentTimeMillis(), null, bytes("v")))
                .buffer();
        assertThat(produce("compacted", batch)).isEqualTo(Errors.INVALID_RECORD);
    }

    @Test
    void zstdBeforeProduceV7IsAnUnsupportedCompressionType() throws Exception {
        ByteBuffer zstd = MemoryRecords.withRecords(Compression.zstd().build(), record("k", "v"))
                .buffer();
        assertThat(zstd.getShort(ATTRIBUTES_OFFSET) & 0x07).isEqualTo(4);
        assertThat(produce("plain", zstd.duplicate(), (short) 6, (short) 1))
                .isEqualTo(Errors.UNSUPPORTED_COMPRESSION_TYPE);
        assertThat(produce("plain", zstd.duplicate(), (short) 7, (short) 1)).isEqualTo(Errors.NONE);
    }

    @Test
    void aBatchLargerThanMaxMessageBytesIsMessageTooLarge() throws Exception {
        ByteBuffer batch = batch(new SimpleRecord(System.currentTimeMillis(), bytes("k"), new byte[2000]));
        assertThat(produce("small", batch)).isEqualTo(Errors.MESSAGE_TOO_LARGE);
        assertThat(produce("small", batch(record("k", "v")))).isEqualTo(Errors.NONE);
    }

    @Test
    void aCrcMismatchIsACorruptMessage() throws Exception {
        ByteBuffer batch = batch(record("key", "value"));
        batch.put(batch.limit() - 1, (byte) (batch.get(batch.limit() - 1) ^ 0x5A));
        assertThat(produce("plain", batch)).isEqualTo(Errors.CORRUPT_MESSAGE);
        ByteBuffer badCrc = batch(record("key", "value"));
        badCrc.putInt(CRC_OFFSET, badCrc.getInt(CRC_OFFSET) + 1);
        assertThat(produce("plain", badCrc)).isEqualTo(Errors.CORRUPT_MESSAGE);
    }

    @Test
    void aBatchShorterThanItsHeaderIsACorruptMessage() throws Exception {
        ByteBuffer full = batch(record("k", "v"));
        ByteBuffer shortBatch = ByteBuffer.allocate(40);
        shortBatch.put(full.duplicate().limit(40)).flip();
        shortBatch.putInt(8, 40 - 12);
        assertThat(produce("plain", shortBatch)).isEqualTo(Errors.CORRUPT_MESSAGE);
    }

    @Test
    void aCreateTimeTooFarAheadIsAnInvalidTimestamp() throws Exception {
        long now = System.currentTimeMillis();
        assertThat(produce("future", batch(recordAt(now + 10 * 60_000L)))).isEqualTo(Errors.INVALID_TIMESTAMP);
        assertThat(produce("plain", batch(recordAt(now + 2 * 3_600_000L)))).isEqualTo(Errors.INVALID_TIMESTAMP);
        assertThat(produce("future", batch(recordAt(now + 1000)))).isEqualTo(Errors.NONE);
    }

    @Test
    void aCreateTimeTooFarBehindIsAnInvalidTimestamp() throws Exception {
        long now = System.currentTimeMillis();
        assertThat(produce("past", batch(recordAt(now - 10 * 60_000L)))).isEqualTo(Errors.INVALID_TIMESTAMP);
        assertThat(produce("plain", batch(recordAt(now - 10 * 60_000L)))).isEqualTo(Errors.NONE);
    }

    @Test
    void aRetryOfABatchOlderThanTheFiveRememberedIsADuplicate() throws Exception {
        Producer producer = initProducerId();
        for (int seq = 0; seq < 7; seq++) {
            assertThat(produce("plain", idempotentBatch(producer.id, producer.epoch, seq, record("k", "v" + seq))))
                    .isEqualTo(Errors.NONE);
        }
        // The Java client and librdkafka count DUPLICATE_SEQUENCE_NUMBER as written; OUT_OF_ORDER would be
        // retried until the delivery timeout (a retry that reached a new leader after its later batches).
        assertThat(produce("plain", idempotentBatch(producer.id, producer.epoch, 0, record("k", "v0"))))
                .isEqualTo(Errors.DUPLICATE_SEQUENCE_NUMBER);
    }

    @Test
    void aSequenceGapIsOutOfOrderSequenceNumber() throws Exception {
        Producer producer = initProducerId();
        assertThat(produce("plain", idempotentBatch(producer.id, producer.epoch, 0, record("a", "1"))))
                .isEqualTo(Errors.NONE);
        assertThat(produce("plain", idempotentBatch(producer.id, producer.epoch, 5, record("b", "2"))))
                .isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
        assertThat(produce("plain", idempotentBatch(producer.id, producer.epoch, 1, record("b", "2"))))
                .isEqualTo(Errors.NONE);
    }

    @Test
    void aStaleProducerEpochIsInvalidProducerEpoch() throws Exception {
        Producer producer = initProducerId();
        short newer = (short) (producer.epoch + 1);
        assertThat(produce("plain", idempotentBatch(producer.id, newer, 0, record("a", "1"))))
                .isEqualTo(Errors.NONE);
        assertThat(produce("plain", idempotentBatch(producer.id, producer.epoch, 1, record("b", "2"))))
                .isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
    }

    @Test
    void aDuplicateOfOneOfTheLastFiveBatchesSucceedsWithItsOriginalOffset() throws Exception {
        Producer producer = initProducerId();
        List<ByteBuffer> batches = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        try (RawKafkaClient client = new RawKafkaClient(broker.address())) {
            for (int i = 0; i < 5; i++) {
                ByteBuffer batch =
                        idempotentBatch(producer.id, producer.epoch, i * 2, record("a" + i, "1"), record("b" + i, "2"));
                batches.add(batch.duplicate());
                ProduceResponse.PartitionProduceResponse response = send(client, "plain", batch);
                assertThat(response.errorCode()).isZero();
                offsets.add(response.baseOffset());
            }
            for (int i = 0; i < 5; i++) {
                ProduceResponse.PartitionProduceResponse again =
                        send(client, "plain", batches.get(i).duplicate());
                assertThat(again.errorCode()).as("retry of batch %d", i).isZero();
                assertThat(again.baseOffset()).as("retry of batch %d", i).isEqualTo(offsets.get(i));
            }
            ProduceResponse.PartitionProduceResponse next =
                    send(client, "plain", idempotentBatch(producer.id, producer.epoch, 10, record("c", "3")));
            assertThat(next.baseOffset()).as("nothing was written twice").isEqualTo(offsets.get(4) + 2);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "has space", "slash/name", "colon:name", "ünïcode"})
    void aBadTopicNameIsAnInvalidTopicExceptionOnProduceAndMetadata(String name) throws Exception {
        assertThat(produce(name, batch(record("k", "v")))).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION);
        try (RawKafkaClient client = new RawKafkaClient(broker.address())) {
            MetadataRequest request = new MetadataRequest().setAllowAutoTopicCreation(true);
            request.topics().add(new MetadataRequest.MetadataRequestTopic().setName(name));
            MetadataResponse response = (MetadataResponse) client.send(ApiKeys.METADATA, (short) 12, request);
            assertThat(Errors.forCode(response.topics().get(0).errorCode())).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION);
        }
    }

    @Test
    void aTooLongTopicNameIsAnInvalidTopicExceptionEverywhere() throws Exception {
        String name = "x".repeat(250);
        assertThat(produce(name, batch(record("k", "v")))).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic(name, 1, (short) 1)))
                            .all()
                            .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(InvalidTopicException.class);
        }
    }

    @ParameterizedTest
    @ValueSource(shorts = {2, -2, 5, Short.MAX_VALUE})
    void invalidAcksAreInvalidRequiredAcks(short acks) throws Exception {
        assertThat(produce("plain", batch(record("k", "v")), PRODUCE_VERSION, acks))
                .isEqualTo(Errors.INVALID_REQUIRED_ACKS);
    }

    @Test
    void aFailedAcksZeroProduceClosesTheConnectionAndAGoodOneAnswersNothing() throws Exception {
        try (RawKafkaClient client = new RawKafkaClient(broker.address())) {
            client.sendOnly(ApiKeys.PRODUCE, PRODUCE_VERSION, request("plain", batch(record("k", "v")), (short) 0), 1);
            MetadataResponse metadata =
                    (MetadataResponse) client.send(ApiKeys.METADATA, (short) 12, new MetadataRequest());
            assertThat(metadata.brokers()).hasSize(1);
        }
        try (RawKafkaClient client = new RawKafkaClient(broker.address())) {
            ByteBuffer corrupt = batch(record("k", "v"));
            corrupt.putInt(CRC_OFFSET, 0);
            client.sendOnly(ApiKeys.PRODUCE, PRODUCE_VERSION, request("plain", corrupt, (short) 0), 1);
            assertThat(client.isClosedByPeer()).isTrue();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private record Producer(long id, short epoch) {}

    private static Producer initProducerId() throws Exception {
        try (RawKafkaClient client = new RawKafkaClient(broker.address())) {
            InitProducerIdResponse response = (InitProducerIdResponse) client.send(
                    ApiKeys.INIT_PRODUCER_ID,
                    (short) 4,
                    new InitProducerIdRequest().setTransactionalId(null).setTransactionTimeoutMs(60_000));
            assertThat(response.errorCode()).isZero();
            return new Producer(response.producerId(), response.producerEpoch());
        }
    }

    private static Errors produce(String topic, ByteBuffer records) throws Exception {
        return produce(topic, records, PRODUCE_VERSION, (short) -1);
    }

    private static Errors produce(String topic, ByteBuffer records, short version, short acks) throws Exception {
        try (RawKafkaClient client = new RawKafkaClient(broker.address())) {
            ProduceResponse response =
                    (ProduceResponse) client.send(ApiKeys.PRODUCE, version, request(topic, records, acks));
            ProduceResponse.PartitionProduceResponse partition =
                    response.responses().get(0).partitionResponses().get(0);
            return Errors.forCode(partition.errorCode());
        }
    }

    private static ProduceResponse.PartitionProduceResponse send(
            RawKafkaClient client, String topic, ByteBuffer records) throws Exception {
        ProduceResponse response =
                (ProduceResponse) client.send(ApiKeys.PRODUCE, PRODUCE_VERSION, request(topic, records, (short) -1));
        return response.responses().get(0).partitionResponses().get(0);
    }

    private static ProduceRequest request(String topic, ByteBuffer records, short acks) {
        ProduceRequest request = new ProduceRequest().setAcks(acks).setTimeoutMs(10_000);
        ProduceRequest.TopicProduceData data = new ProduceRequest.TopicProduceData().setName(topic);
        data.partitionData()
                .add(new ProduceRequest.PartitionProduceData()
                        .setIndex(0)
                        .setRecords(io.fjord.protocol.MemoryRecords.of(records)));
        request.topicData().add(data);
        return request;
    }

    private static ByteBuffer batch(SimpleRecord... records) {
        return MemoryRecords.withRecords(Compression.NONE, records).buffer();
    }

    private static ByteBuffer idempotentBatch(long producerId, short epoch, int baseSequence, SimpleRecord... records) {
        return MemoryRecords.withRecords(
                        RecordBatch.CURRENT_MAGIC_VALUE,
                        0L,
                        Compression.NONE,
                        TimestampType.CREATE_TIME,
                        producerId,
                        epoch,
                        baseSequence,
                        RecordBatch.NO_PARTITION_LEADER_EPOCH,
                        false,
                        records)
                .buffer();
    }

    /** Recomputes the CRC-32C over attributes..end after a test patched a field under it. */
    private static void resealCrc(ByteBuffer batch) {
        long crc = Crc32C.compute(batch, ATTRIBUTES_OFFSET, batch.limit() - ATTRIBUTES_OFFSET);
        batch.putInt(CRC_OFFSET, (int) crc);
    }

    private static SimpleRecord record(String key, String value) {
        return new SimpleRecord(System.currentTimeMillis(), bytes(key), bytes(value));
    }

    private static SimpleRecord recordAt(long timestampMs) {
        return new SimpleRecord(timestampMs, bytes("k"), bytes("v"));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
