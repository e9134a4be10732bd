package io.fjord.it.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Errors;
import io.fjord.it.EmbeddedBroker;
import io.fjord.it.RawKafkaClient;
import io.fjord.protocol.message.InitProducerIdResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.apache.kafka.clients.admin.Admin;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Producer ids come from blocks the controller allocates (KIP-730): InitProducerId sent to different
 * brokers of a quorum, and to one broker across restarts, never returns an id twice, and two idempotent
 * producers that started at different brokers both land every record on one partition.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ProducerIdsIT {

    @TempDir
    Path dir;

    @Test
    void brokersOfAQuorumNeverHandOutTheSameProducerIdAlsoAfterARestart() throws Exception {
        try (EmbeddedQuorum quorum = EmbeddedQuorum.start(dir, 3, ReplicationIT.settings())) {
            Set<Long> ids = new HashSet<>();
            Set<Long> blocksSeen = new HashSet<>();
            for (int broker = 1; broker <= 3; broker++) {
                Set<Long> blocks = new HashSet<>();
                for (int i = 0; i < 5; i++) {
                    long id = initProducerId(quorum.address(broker));
                    assertThat(ids.add(id))
                            .as("id %d from broker %d is new", id, broker)
                            .isTrue();
                    blocks.add(id / 1000);
                }
                assertThat(java.util.Collections.disjoint(blocks, blocksSeen))
                        .as("broker %d's blocks %s belong to no other broker (%s)", broker, blocks, blocksSeen)
                        .isTrue();
                blocksSeen.addAll(blocks);
            }

            quorum.stopBroker(1);
            quorum.startBroker(1);
            for (int broker = 1; broker <= 3; broker++) {
                long id = initProducerId(quorum.address(broker));
                assertThat(ids.add(id))
                        .as("id %d from broker %d after a restart is new", id, broker)
                        .isTrue();
            }
            System.out.println("Producer ids handed out by the quorum: " + new java.util.TreeSet<>(ids));
        }
    }

    @Test
    void idempotentProducersStartedAtDifferentBrokersBothLandEveryRecordOnOnePartition() throws Exception {
        try (EmbeddedQuorum quorum = EmbeddedQuorum.start(dir, 3, ReplicationIT.settings())) {
            String bootstrap = quorum.bootstrap();
            try (Admin admin = ReplicationIT.admin(bootstrap)) {
                admin.createTopics(List.of(new NewTopic("shared", 1, (short) 3)))
                        .all()
                        .get(60, TimeUnit.SECONDS);
            }
            for (int broker = 1; broker <= 2; broker++) {
                String only = "127.0.0.1:" + quorum.address(broker).getPort();
                try (KafkaProducer<String, String> producer = producer(only)) {
                    for (int i = 0; i < 50; i++) {
                        producer.send(new ProducerRecord<>("shared", "from-" + broker + "-" + i));
                    }
                    producer.flush();
                }
            }
            assertThat(consumeAll(bootstrap, "shared", 100)).hasSize(100);
        }
    }

    @Test
    void aRestartedSingleBrokerNeverRepeatsAnIdAndStartsPastItsLegacyFile() throws Exception {
        Path data = dir.resolve("single");
        Files.createDirectories(data);
        Path legacy = data.resolve("producer-ids");
        Files.write(legacy, legacyFile(50_000L));
        try (EmbeddedBroker broker = EmbeddedBroker.start(data, Map.of())) {
            List<Long> ids = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 3; i++) {
                    ids.add(initProducerId(broker.address()));
                }
                broker.restart();
            }
            assertThat(ids).doesNotHaveDuplicates().allMatch(id -> id >= 50_000L);
            assertThat(legacy).as("migrated to the metadata log").doesNotExist();
            System.out.println("Single broker ids over 3 restarts: " + ids);
        }
    }

    /** InitProducerId at one broker; retried while the broker waits for a block (as Kafka clients do). */
    private static long initProducerId(InetSocketAddress address) throws IOException, InterruptedException {
        try (RawKafkaClient client = new RawKafkaClient(address)) {
            for (int attempt = 0; attempt < 100; attempt++) {
                InitProducerIdResponse response = client.initProducerId();
                if (response.errorCode() == Errors.NONE.code()) {
                    return response.producerId();
                }
                assertThat(response.errorCode()).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
                Thread.sleep(100);
            }
        }
        throw new AssertionError("no producer id from " + address + " after 100 attempts");
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    private static List<String> consumeAll(String bootstrap, String topic, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (values.size() < expected && System.nanoTime() < deadlineNs) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }

    private static byte[] legacyFile(long end) {
        ByteBuffer buffer = ByteBuffer.allocate(16).putInt(1).putLong(end);
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, 12);
        return buffer.putInt((int) crc.getValue()).array();
    }
}
