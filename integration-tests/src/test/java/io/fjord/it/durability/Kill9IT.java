package io.fjord.it.durability;

import static io.fjord.it.durability.DurabilityClients.bytes;
import static io.fjord.it.durability.DurabilityClients.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Errors;
import io.fjord.it.BrokerProcess;
import io.fjord.protocol.message.InitProducerIdResponse;
import io.fjord.protocol.message.ProduceResponse;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a broker process while acks=1 and acks=all producers write to it, then a restart on the same
 * data directory: the log recovers, every acknowledged record is there exactly once at its acknowledged
 * offset with its value, and the broker takes new writes. Also the single-node user who asks for an
 * fsync on every append (flush.messages=1), with a torn batch left at the end of the segment.
 *
 * <p>kill -9 leaves the page cache intact, so these tests show recovery without a clean-shutdown marker
 * and the handling of a tail cut mid-write, not survival of a power loss.
 */
class Kill9IT {

    private static final String TOPIC = "load";
    private static final int PARTITIONS = 3;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedRecordSurvivesKill9DuringAProduceLoad() throws Exception {
        Path data = dir.resolve("data");
        try (BrokerProcess broker = new BrokerProcess(data, Map.of())) {
            broker.start();
            try (Admin admin = DurabilityClients.admin(broker.bootstrap())) {
                admin.createTopics(List.of(
                                new NewTopic(TOPIC, PARTITIONS, (short) 1).configs(Map.of("segment.bytes", "1048576"))))
                        .all()
                        .get();
            }
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", broker.port());
            InitProducerIdResponse pid = DurabilityClients.initProducerId(address);
            ByteBuffer batch = DurabilityClients.idempotentBatch(pid.producerId(), pid.producerEpoch(), 0, "dup-0");
            ProduceResponse.PartitionProduceResponse first = DurabilityClients.produce(address, TOPIC, 0, batch);
            assertThat(first.errorCode()).isEqualTo(Errors.NONE.code());

            Map<String, Long> acked = new ConcurrentHashMap<>();
            acked.put("dup-0", first.baseOffset());
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> loaders = List.of(
                    loader(broker.bootstrap(), "1", acked, stop), loader(broker.bootstrap(), "all", acked, stop));
            loaders.forEach(Thread::start);
            long deadlineNs = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (acked.size() < 40_000 && System.nanoTime() < deadlineNs) {
                Thread.sleep(20);
            }
            broker.kill9();
            int ackedAtKill = acked.size();
            stop.set(true);
            for (Thread t : loaders) {
                t.join(30_000);
            }
            assertThat(ackedAtKill).as("records acknowledged before kill -9").isGreaterThan(1_000);

            long startNs = System.nanoTime();
            broker.start();
            long recoveryMs = (System.nanoTime() - startNs) / 1_000_000;
            System.out.printf(
                    "Kill9IT: %d records acked before kill -9; restart took %d ms (JVM start included); broker"
                            + " said: %s / %s%n",
                    acked.size(), recoveryMs, lastLine(data, "logs with recovery"), lastLine(data, "Fjord started"));

            ProduceResponse.PartitionProduceResponse retry = DurabilityClients.produce(address, TOPIC, 0, batch);
            assertThat(retry.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(retry.baseOffset())
                    .as("a retry after kill -9 gets the original offset (producer state rebuilt from the log)")
                    .isEqualTo(first.baseOffset());

            Map<String, List<Long>> found = new HashMap<>();
            for (var records : DurabilityClients.readAll(broker.bootstrap(), TOPIC, PARTITIONS)
                    .values()) {
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    found.computeIfAbsent(text(r.value()), v -> new ArrayList<>())
                            .add(((long) r.partition() << 48) | r.offset());
                }
            }
            int total = found.values().stream().mapToInt(List::size).sum();
            System.out.printf("Kill9IT: %d records in the recovered log%n", total);
            for (var e : acked.entrySet()) {
                assertThat(found.get(e.getKey()))
                        .as("acknowledged record %s", e.getKey())
                        .containsExactly(e.getValue());
            }

            try (KafkaProducer<byte[], byte[]> producer = DurabilityClients.producer(broker.bootstrap(), Map.of())) {
                RecordMetadata md = producer.send(new ProducerRecord<>(TOPIC, 0, null, bytes("after-recovery")))
                        .get();
                assertThat(md.offset()).isGreaterThanOrEqualTo(0L);
            }
        }
    }

    @Test
    void withFlushMessagesOneEveryAcknowledgedRecordSurvivesKill9RightAfterTheAckAndATornTail() throws Exception {
        Path data = dir.resolve("fsync");
        int records = 300;
        try (BrokerProcess broker = new BrokerProcess(data, Map.of())) {
            broker.start();
            try (Admin admin = DurabilityClients.admin(broker.bootstrap())) {
                admin.createTopics(List.of(new NewTopic("fsync", 1, (short) 1).configs(Map.of("flush.messages", "1"))))
                        .all()
                        .get();
            }
            try (KafkaProducer<byte[], byte[]> producer = DurabilityClients.producer(
                    broker.bootstrap(), Map.of(ProducerConfig.ACKS_CONFIG, "1", "enable.idempotence", "false"))) {
                for (int i = 0; i < records; i++) {
                    RecordMetadata md = producer.send(new ProducerRecord<>("fsync", bytes("v-" + i)))
                            .get();
                    assertThat(md.offset()).isEqualTo(i);
                }
                broker.kill9();
                producer.close(Duration.ZERO);
            }
            // a write the kill cut short: half a batch header after the last acknowledged batch
            List<Path> segments = DurabilityClients.segmentFiles(data.resolve("fsync-0"));
            Files.write(segments.get(segments.size() - 1), new byte[37], StandardOpenOption.APPEND);
            broker.start();
            List<ConsumerRecord<byte[], byte[]>> read =
                    DurabilityClients.readAll(broker.bootstrap(), "fsync", 1).get(0);
            assertThat(read).hasSize(records);
            for (int i = 0; i < records; i++) {
                assertThat(read.get(i).offset()).isEqualTo(i);
                assertThat(text(read.get(i).value())).isEqualTo("v-" + i);
            }
            try (KafkaProducer<byte[], byte[]> producer = DurabilityClients.producer(broker.bootstrap(), Map.of())) {
                assertThat(producer.send(new ProducerRecord<>("fsync", bytes("after")))
                                .get()
                                .offset())
                        .as("the torn tail was cut: the next record follows the last acknowledged one")
                        .isEqualTo(records);
            }
        }
    }

    private static Thread loader(String bootstrap, String acks, Map<String, Long> acked, AtomicBoolean stop) {
        Map<String, Object> overrides = new HashMap<>();
        overrides.put(ProducerConfig.ACKS_CONFIG, acks);
        overrides.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, acks.equals("all"));
        overrides.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        if (acks.equals("1")) {
            overrides.put(ProducerConfig.RETRIES_CONFIG, 0); // a retry without idempotence may duplicate
        }
        overrides.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5_000);
        overrides.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        overrides.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000);
        Thread t = new Thread(
                () -> {
                    try (KafkaProducer<byte[], byte[]> producer = DurabilityClients.producer(bootstrap, overrides)) {
                        for (int i = 0; !stop.get(); i++) {
                            String value = "acks" + acks + "-" + i;
                            try {
                                producer.send(new ProducerRecord<>(TOPIC, bytes(value)), (md, error) -> {
                                    if (error == null) {
                                        acked.put(value, ((long) md.partition() << 48) | md.offset());
                                    }
                                });
                            } catch (RuntimeException e) {
                                // the broker is gone; the loop ends when the test says stop
                            }
                        }
                        producer.close(Duration.ZERO);
                    }
                },
                "load-acks-" + acks);
        t.setDaemon(true);
        return t;
    }

    /** The last line of the broker's output that contains {@code text}. */
    private static String lastLine(Path data, String text) throws Exception {
        Path log = data.resolveSibling(data.getFileName() + ".log");
        String last = "";
        for (String line : Files.readAllLines(log)) {
            if (line.contains(text)) {
                last = line.strip();
            }
        }
        return last;
    }
}
