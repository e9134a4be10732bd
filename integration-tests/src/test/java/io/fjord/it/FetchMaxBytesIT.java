package io.fjord.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker's fetch.max.bytes, as in Kafka, caps every fetch response whatever the consumer asks for: the Java
 * consumer, asking for 1 MiB a partition and 50 MiB a fetch, gets responses of at most 64 KiB (the first batch
 * whole), and reads every record all the same.
 */
class FetchMaxBytesIT {

    private static final int CAP = 64 * 1024;

    @TempDir
    Path dataDir;

    @Test
    void theJavaConsumerGetsResponsesNoLargerThanTheBrokersFetchMaxBytes() throws Exception {
        int records = 2_000;
        int valueBytes = 1024;
        int batchBytes = 16 * 1024;
        try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir, Map.of("fetch.max.bytes", Integer.toString(CAP)))) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
                admin.createTopics(List.of(new NewTopic("capped", 1, (short) 1)))
                        .all()
                        .get();
            }
            Properties producerProps = new Properties();
            producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
            producerProps.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(batchBytes));
            producerProps.put(ProducerConfig.LINGER_MS_CONFIG, "20");
            producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps)) {
                Random random = new Random(11);
                for (int i = 0; i < records; i++) {
                    byte[] value = new byte[valueBytes];
                    random.nextBytes(value);
                    producer.send(new ProducerRecord<>("capped", value));
                }
                producer.flush();
            }

            Properties consumerProps = new Properties();
            consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
            consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            int read = 0;
            double largestResponse;
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps)) {
                TopicPartition partition = new TopicPartition("capped", 0);
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                long deadline = System.currentTimeMillis() + 60_000;
                while (read < records && System.currentTimeMillis() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        assertThat(r.offset()).isEqualTo(read);
                        read++;
                    }
                }
                largestResponse = consumer.metrics().entrySet().stream()
                        .filter(e -> e.getKey().name().equals("fetch-size-max")
                                && e.getKey().group().equals("consumer-fetch-manager-metrics")
                                && e.getKey().tags().size() == 1)
                        .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                        .max()
                        .orElse(Double.NaN);
            }
            assertThat(read).isEqualTo(records);
            // about 2 MB was there to read; no response carried more than the cap and one batch of slack
            assertThat(largestResponse).isPositive().isLessThanOrEqualTo(CAP + batchBytes + 1024);
        }
    }
}
