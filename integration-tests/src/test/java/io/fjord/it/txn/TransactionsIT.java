package io.fjord.it.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.it.EmbeddedBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transactions end to end with the official Java clients against one broker: committed records are read once by
 * read_committed consumers and aborted ones never; an open transaction holds them back; a new instance of a
 * transactional id fences the old one and aborts what it left open; a transaction open past its timeout is
 * aborted by the coordinator; consume-transform-produce with sendOffsetsToTransaction is exactly once across
 * an abort; the admin client lists and describes transactions and producers; all of it survives a restart.
 */
class TransactionsIT {

    private static final Map<String, String> SETTINGS = Map.of(
            "group.initial.rebalance.delay.ms", "0",
            "offsets.topic.num.partitions", "3",
            "transaction.state.log.num.partitions", "3",
            "transaction.abort.timed.out.transaction.cleanup.interval.ms", "500");

    @TempDir
    static java.nio.file.Path dataDir;

    static EmbeddedBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedBroker.start(dataDir, SETTINGS);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void committedRecordsAreReadOnceAndAbortedOnesNever() throws Exception {
        String topic = newTopic(3);
        try (KafkaProducer<String, String> producer = transactionalProducer("commit-abort", 60_000)) {
            producer.initTransactions();
            producer.beginTransaction();
            sendValues(producer, topic, "a", 10);
            producer.commitTransaction();
            producer.beginTransaction();
            sendValues(producer, topic, "aborted", 5);
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            sendValues(producer, topic, "b", 10);
            producer.commitTransaction();
        }
        List<String> committed = values(readAll(topic, "read_committed", 20));
        assertThat(committed).hasSize(20).doesNotHaveDuplicates().noneMatch(v -> v.startsWith("aborted"));
        assertThat(values(readAll(topic, "read_uncommitted", 25)))
                .as("read_uncommitted sees the aborted records too")
                .hasSize(25);
    }

    @Test
    void anOpenTransactionHoldsReadCommittedConsumersBackUntilItCommits() throws Exception {
        String topic = newTopic(1);
        try (KafkaProducer<String, String> producer = transactionalProducer("held-back", 60_000);
                KafkaConsumer<String, String> consumer = consumer(null, "read_committed")) {
            producer.initTransactions();
            producer.beginTransaction();
            sendValues(producer, topic, "open", 5);
            producer.flush();
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            assertThat(pollFor(consumer, Duration.ofSeconds(2)))
                    .as("nothing while the transaction is open")
                    .isEmpty();
            assertThat(consumer.endOffsets(List.of(tp)).get(tp))
                    .as("the last stable offset")
                    .isZero();
            producer.commitTransaction();
            assertThat(values(pollUntil(consumer, 5)))
                    .containsExactly("open-0", "open-1", "open-2", "open-3", "open-4");
        }
    }

    @Test
    void aNewInstanceFencesTheOldOneAndAbortsWhatItLeftOpen() throws Exception {
        String topic = newTopic(1);
        try (KafkaProducer<String, String> zombie = transactionalProducer("fenced", 60_000)) {
            zombie.initTransactions();
            zombie.beginTransaction();
            sendValues(zombie, topic, "zombie", 3);
            zombie.flush();
            try (KafkaProducer<String, String> successor = transactionalProducer("fenced", 60_000)) {
                successor.initTransactions();
                assertThatThrownBy(zombie::commitTransaction).isInstanceOf(ProducerFencedException.class);
                successor.beginTransaction();
                sendValues(successor, topic, "successor", 3);
                successor.commitTransaction();
            }
        }
        assertThat(values(readAll(topic, "read_committed", 3)))
                .containsExactly("successor-0", "successor-1", "successor-2");
    }

    @Test
    void aTransactionOpenPastItsTimeoutIsAbortedByTheCoordinator() throws Exception {
        String topic = newTopic(1);
        try (KafkaProducer<String, String> producer = transactionalProducer("times-out", 1_000)) {
            producer.initTransactions();
            producer.beginTransaction();
            sendValues(producer, topic, "late", 3);
            producer.flush();
            TopicPartition tp = new TopicPartition(topic, 0);
            try (KafkaConsumer<String, String> consumer = consumer(null, "read_committed")) {
                long deadline = System.currentTimeMillis() + 30_000;
                while (consumer.endOffsets(List.of(tp)).get(tp) < 4 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(consumer.endOffsets(List.of(tp)).get(tp))
                        .as("the last stable offset passes the abort marker")
                        .isEqualTo(4);
            }
            assertThatThrownBy(producer::commitTransaction).isInstanceOf(KafkaException.class);
        }
        assertThat(values(readAll(topic, "read_committed", 0))).isEmpty();
    }

    @Test
    void consumeTransformProduceIsExactlyOnceAcrossAnAbort() throws Exception {
        String input = newTopic(2);
        String output = newTopic(2);
        try (KafkaProducer<String, String> plain = plainProducer()) {
            sendValues(plain, input, "in", 100);
        }
        String group = "eos-" + UUID.randomUUID();
        try (KafkaProducer<String, String> producer = transactionalProducer("eos", 60_000)) {
            producer.initTransactions();
            int processed = 0;
            boolean abortedOnce = false;
            while (processed < 100) {
                try (KafkaConsumer<String, String> consumer = consumer(group, "read_committed")) {
                    consumer.subscribe(List.of(input));
                    long deadline = System.currentTimeMillis() + 60_000;
                    while (processed < 100 && System.currentTimeMillis() < deadline) {
                        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                        if (records.isEmpty()) {
                            continue;
                        }
                        producer.beginTransaction();
                        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                        for (ConsumerRecord<String, String> record : records) {
                            producer.send(new ProducerRecord<>(
                                    output, record.key(), record.value().toUpperCase()));
                            offsets.put(
                                    new TopicPartition(record.topic(), record.partition()),
                                    new OffsetAndMetadata(record.offset() + 1));
                        }
                        producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                        if (!abortedOnce) {
                            // The first batch fails half way: its output and its offsets must both vanish,
                            // and a new consumer of the group starts over from the committed offsets.
                            producer.flush();
                            producer.abortTransaction();
                            abortedOnce = true;
                            break;
                        }
                        producer.commitTransaction();
                        processed += records.count();
                    }
                }
            }
        }
        List<String> out = values(readAll(output, "read_committed", 100));
        assertThat(out).hasSize(100).doesNotHaveDuplicates().allMatch(v -> v.startsWith("IN-"));
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            long total = committed.values().stream()
                    .mapToLong(OffsetAndMetadata::offset)
                    .sum();
            assertThat(total)
                    .as("the group's committed offsets cover the input")
                    .isEqualTo(100);
        }
    }

    @Test
    void theAdminClientListsAndDescribesTransactionsAndProducers() throws Exception {
        String topic = newTopic(1);
        try (KafkaProducer<String, String> producer = transactionalProducer("described", 45_000);
                Admin admin = admin()) {
            producer.initTransactions();
            producer.beginTransaction();
            sendValues(producer, topic, "x", 1);
            producer.flush();
            TransactionDescription open = admin.describeTransactions(Set.of("described"))
                    .description("described")
                    .get();
            assertThat(open.state().toString()).isEqualTo("Ongoing");
            assertThat(open.transactionTimeoutMs()).isEqualTo(45_000);
            assertThat(open.topicPartitions()).containsExactly(new TopicPartition(topic, 0));
            List<String> listed = admin.listTransactions().all().get().stream()
                    .map(TransactionListing::transactionalId)
                    .toList();
            assertThat(listed).contains("described");
            TopicPartition tp = new TopicPartition(topic, 0);
            ProducerState openState = admin.describeProducers(List.of(tp))
                    .partitionResult(tp)
                    .get()
                    .activeProducers()
                    .get(0);
            assertThat(openState.producerId()).isEqualTo(open.producerId());
            assertThat(openState.currentTransactionStartOffset()).hasValue(0L);
            producer.commitTransaction();
            // The commit is answered once decided; the marker that ends the transaction follows.
            ProducerState done = openState;
            long deadline = System.currentTimeMillis() + 30_000;
            while (done.currentTransactionStartOffset().isPresent() && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
                done = admin.describeProducers(List.of(tp))
                        .partitionResult(tp)
                        .get()
                        .activeProducers()
                        .get(0);
            }
            assertThat(done.currentTransactionStartOffset()).isEmpty();
            assertThat(done.coordinatorEpoch()).hasValue(0);
        }
    }

    @Test
    void transactionsSurviveARestart() throws Exception {
        String topic = newTopic(1);
        long producerId;
        try (KafkaProducer<String, String> producer = transactionalProducer("restarted", 60_000)) {
            producer.initTransactions();
            producer.beginTransaction();
            sendValues(producer, topic, "before", 2);
            producer.commitTransaction();
            producer.beginTransaction();
            sendValues(producer, topic, "dropped", 2);
            producer.flush();
            producer.abortTransaction();
        }
        try (Admin admin = admin()) {
            producerId = admin.describeTransactions(Set.of("restarted"))
                    .description("restarted")
                    .get()
                    .producerId();
        }
        broker.restart();
        try (KafkaProducer<String, String> producer = transactionalProducer("restarted", 60_000);
                Admin admin = admin()) {
            producer.initTransactions();
            TransactionDescription after = admin.describeTransactions(Set.of("restarted"))
                    .description("restarted")
                    .get();
            assertThat(after.producerId()).as("the id keeps its producer id").isEqualTo(producerId);
            assertThat(after.producerEpoch()).as("and its epoch moves on").isEqualTo((short) 1);
            producer.beginTransaction();
            sendValues(producer, topic, "after", 2);
            producer.commitTransaction();
        }
        assertThat(values(readAll(topic, "read_committed", 4)))
                .containsExactly("before-0", "before-1", "after-0", "after-1");
    }

    // ---- helpers ----

    private static String newTopic(int partitions) throws Exception {
        String name = "tx-" + UUID.randomUUID();
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get();
        }
        return name;
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
    }

    private static KafkaProducer<String, String> transactionalProducer(String transactionalId, int timeoutMs) {
        Properties props = producerProps();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, timeoutMs);
        return new KafkaProducer<>(props);
    }

    private static KafkaProducer<String, String> plainProducer() {
        return new KafkaProducer<>(producerProps());
    }

    private static Properties producerProps() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        return props;
    }

    private static KafkaConsumer<String, String> consumer(String group, String isolation) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        if (group != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        }
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }

    private static void sendValues(KafkaProducer<String, String> producer, String topic, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            producer.send(new ProducerRecord<>(topic, prefix + "-" + i, prefix + "-" + i));
        }
    }

    /** Every record of {@code topic} up to its end for {@code isolation}; at least {@code expected} of them. */
    private static List<ConsumerRecord<String, String>> readAll(String topic, String isolation, int expected)
            throws Exception {
        try (KafkaConsumer<String, String> consumer = consumer(null, isolation)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<String, String>> out = pollUntil(consumer, expected);
            out.addAll(pollFor(consumer, Duration.ofMillis(500)));
            return out;
        }
    }

    private static List<ConsumerRecord<String, String>> pollUntil(KafkaConsumer<String, String> consumer, int count) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 30_000;
        while (out.size() < count && System.currentTimeMillis() < deadline) {
            consumer.poll(Duration.ofMillis(100)).forEach(out::add);
        }
        return out;
    }

    private static List<ConsumerRecord<String, String>> pollFor(
            KafkaConsumer<String, String> consumer, Duration duration) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        long deadline = System.currentTimeMillis() + duration.toMillis();
        while (System.currentTimeMillis() < deadline) {
            consumer.poll(Duration.ofMillis(100)).forEach(out::add);
        }
        return out;
    }

    private static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }
}
