package io.fjord.it.durability;

import static io.fjord.it.durability.DurabilityClients.bytes;
import static io.fjord.it.durability.DurabilityClients.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Errors;
import io.fjord.protocol.message.InitProducerIdResponse;
import io.fjord.protocol.message.ProduceResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A clean restart on the same data directory, in-process and as a separate process stopped with
 * SIGTERM: every record is still there at its offset, new records continue at the old end offsets, the
 * topic keeps its id and configs, and an idempotent producer's retried batch is answered with its
 * original offset without being written again. Segments are 1 MiB (Kafka 4's minimum segment.bytes), so
 * each partition holds more than one.
 */
class RestartIT {

    private static final String TOPIC = "restart";
    private static final int PARTITIONS = 3;
    private static final int RECORDS = 4_500;
    private static final String PADDING = "x".repeat(1000);

    @TempDir
    Path dataDir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"embedded", "process"})
    void everythingSurvivesACleanRestartAndARetriedBatchIsNotWrittenTwice(String kind) throws Exception {
        try (RestartableBroker broker = RestartableBroker.start(kind, dataDir.resolve("data"), Map.of())) {
            Uuid topicId;
            try (Admin admin = DurabilityClients.admin(broker.bootstrap())) {
                admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1)
                                .configs(Map.of("retention.ms", "86400000", "segment.bytes", "1048576"))))
                        .all()
                        .get();
                topicId = admin.describeTopics(List.of(TOPIC))
                        .allTopicNames()
                        .get()
                        .get(TOPIC)
                        .topicId();
            }
            Map<String, Long> acked = produce(broker.bootstrap(), "before");

            InitProducerIdResponse pid = DurabilityClients.initProducerId(broker.address());
            ByteBuffer batch =
                    DurabilityClients.idempotentBatch(pid.producerId(), pid.producerEpoch(), 0, "dup-0", "dup-1");
            ProduceResponse.PartitionProduceResponse first =
                    DurabilityClients.produce(broker.address(), TOPIC, 0, batch);
            assertThat(first.errorCode()).isEqualTo(Errors.NONE.code());
            Map<Integer, Long> endsBefore = endOffsets(broker.bootstrap());

            long restartMs = broker.restart();
            System.out.printf("RestartIT[%s]: restart took %d ms%n", kind, restartMs);

            ProduceResponse.PartitionProduceResponse retry =
                    DurabilityClients.produce(broker.address(), TOPIC, 0, batch);
            assertThat(retry.errorCode()).as("retried batch").isEqualTo(Errors.NONE.code());
            assertThat(retry.baseOffset()).as("retried batch keeps its offset").isEqualTo(first.baseOffset());
            assertThat(endOffsets(broker.bootstrap()))
                    .as("the retry wrote nothing")
                    .isEqualTo(endsBefore);

            try (Admin admin = DurabilityClients.admin(broker.bootstrap())) {
                assertThat(admin.describeTopics(List.of(TOPIC))
                                .allTopicNames()
                                .get()
                                .get(TOPIC)
                                .topicId())
                        .isEqualTo(topicId);
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
                Config config =
                        admin.describeConfigs(List.of(resource)).all().get().get(resource);
                assertThat(config.get("retention.ms").value()).isEqualTo("86400000");
                assertThat(config.get("segment.bytes").value()).isEqualTo("1048576");
            }
            assertEveryAckedRecordIsThereOnce(broker.bootstrap(), acked, first.baseOffset());

            Map<String, Long> after = produce(broker.bootstrap(), "after");
            Map<Integer, Long> firstAfter = new HashMap<>();
            after.forEach((value, position) -> firstAfter.merge(partitionOf(position), offsetOf(position), Math::min));
            assertThat(firstAfter).as("offsets continue where they were").isEqualTo(endsBefore);
        }
    }

    /** Produces RECORDS keyed records; returns value -> (partition << 48 | offset) of each ack. */
    private static Map<String, Long> produce(String bootstrap, String prefix) throws Exception {
        Map<String, Long> acked = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = DurabilityClients.producer(bootstrap, Map.of())) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                futures.add(producer.send(
                        new ProducerRecord<>(TOPIC, bytes("key-" + i), bytes(prefix + "-" + i + "|" + PADDING))));
            }
            for (int i = 0; i < RECORDS; i++) {
                RecordMetadata md = futures.get(i).get();
                acked.put(prefix + "-" + i, ((long) md.partition() << 48) | md.offset());
            }
        }
        return acked;
    }

    private static int partitionOf(long position) {
        return (int) (position >>> 48);
    }

    private static long offsetOf(long position) {
        return position & ((1L << 48) - 1);
    }

    private static Map<Integer, Long> endOffsets(String bootstrap) throws Exception {
        Map<Integer, Long> ends = new HashMap<>();
        try (Admin admin = DurabilityClients.admin(bootstrap)) {
            for (int p = 0; p < PARTITIONS; p++) {
                ends.put(p, DurabilityClients.offset(admin, new TopicPartition(TOPIC, p), OffsetSpec.latest()));
            }
        }
        return ends;
    }

    private static void assertEveryAckedRecordIsThereOnce(String bootstrap, Map<String, Long> acked, long dupOffset) {
        Map<Integer, List<ConsumerRecord<byte[], byte[]>>> read =
                DurabilityClients.readAll(bootstrap, TOPIC, PARTITIONS);
        Map<String, Long> found = new HashMap<>();
        int dups = 0;
        for (var records : read.values()) {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                String value = text(r.value()).split("\\|")[0];
                if (value.startsWith("dup-")) {
                    dups++;
                    assertThat(r.offset()).isBetween(dupOffset, dupOffset + 1);
                    continue;
                }
                Long previous = found.put(value, ((long) r.partition() << 48) | r.offset());
                assertThat(previous).as("record %s read once", value).isNull();
            }
        }
        assertThat(dups).as("the retried batch is in the log once").isEqualTo(2);
        assertThat(found).isEqualTo(acked);
    }
}
