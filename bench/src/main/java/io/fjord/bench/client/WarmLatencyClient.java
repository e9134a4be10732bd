package io.fjord.bench.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code latency BOOTSTRAP TOPIC RECORDS ACKS RECORD_BYTES PASSES}: the loop of kafka-tools' EndToEndLatency (send
 * one record, wait for its acknowledgement, poll until it is read back; the same client settings: linger.ms=0,
 * fetch.max.wait.ms=0, partitions assigned at their end) run {@code PASSES} times over in one JVM. The official
 * tool runs its 10,000 records in a fresh JVM, so its tail percentiles hold the client's own JIT warm-up, the same
 * for any broker; the later passes here show the broker's part once the client is warm. Prints one line per pass:
 * {@code PASS n p50_us p99_us p999_us max_us}, in microseconds (the tool prints whole milliseconds).
 *
 * <p>Single threaded.
 */
final class WarmLatencyClient {

    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(60);

    private WarmLatencyClient() {}

    static void run(String[] args) throws InterruptedException, ExecutionException {
        String bootstrap = args[0];
        String topic = args[1];
        int records = Integer.parseInt(args[2]);
        String acks = args[3];
        int recordBytes = Integer.parseInt(args[4]);
        int passes = Integer.parseInt(args[5]);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(bootstrap));
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(bootstrap, acks))) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            for (TopicPartition partition : partitions) {
                consumer.position(partition);
            }
            Random random = new Random();
            byte[] value = new byte[recordBytes];
            long[] micros = new long[records];
            for (int pass = 1; pass <= passes; pass++) {
                for (int i = 0; i < records; i++) {
                    random.nextBytes(value);
                    long begin = System.nanoTime();
                    producer.send(new ProducerRecord<>(topic, value)).get();
                    ConsumerRecords<byte[], byte[]> read = consumer.poll(POLL_TIMEOUT);
                    long elapsed = System.nanoTime() - begin;
                    if (read.count() != 1) {
                        throw new IllegalStateException("expected the one record sent, read " + read.count());
                    }
                    micros[i] = elapsed / 1_000;
                }
                BenchClient.say(passLine(pass, micros));
            }
        }
    }

    /** {@code PASS n p50 p99 p99.9 max}, indexed as EndToEndLatency indexes its sorted latencies. */
    static String passLine(int pass, long[] micros) {
        long[] sorted = micros.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return "PASS " + pass + " " + sorted[(int) (n * 0.5)] + " " + sorted[(int) (n * 0.99)] + " "
                + sorted[(int) (n * 0.999)] + " " + sorted[n - 1];
    }

    private static Properties consumerProperties(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-warm-latency-" + System.currentTimeMillis());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "0");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    private static Properties producerProperties(String bootstrap, String acks) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(Long.MAX_VALUE));
        p.put(ProducerConfig.ACKS_CONFIG, acks);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }
}
