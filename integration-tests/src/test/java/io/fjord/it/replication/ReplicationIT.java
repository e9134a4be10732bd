package io.fjord.it.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Time;
import io.fjord.it.RawKafkaClient;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.MetadataRequest;
import io.fjord.protocol.message.MetadataResponse;
import io.fjord.storage.FetchDataInfo;
import io.fjord.storage.LogConfig;
import io.fjord.storage.UnifiedLog;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Data replication between three in-process brokers of one Raft quorum, seen through the official Java
 * client: a topic with three replicas and min.insync.replicas=2 acknowledges acks=all writes once every
 * in-sync replica has them, each broker's log then holds the same batches byte for byte, and consumer
 * groups commit to a replicated {@code __consumer_offsets}.
 */
class ReplicationIT extends QuorumTest {

    static final String TOPIC = "replicated";
    static final int RECORDS = 300;

    /**
     * The quorum's settings. replica.lag.time.max.ms is long enough that a follower stalled by a loaded machine
     * stays in the ISR; a stopped broker leaves it sooner anyway, once the controller fences it (at the latest
     * after broker.session.timeout.ms).
     */
    static Map<String, String> settings() {
        return Map.of(
                "broker.session.timeout.ms", "6000",
                "broker.heartbeat.interval.ms", "500",
                "replica.lag.time.max.ms", "10000",
                "controlled.shutdown.enable", "false",
                "group.initial.rebalance.delay.ms", "0",
                "offsets.topic.num.partitions", "3");
    }

    static Admin admin(String bootstrap) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        return Admin.create(props);
    }

    static KafkaProducer<String, String> producer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    static void createTopic(Admin admin, String topic, int partitions) throws Exception {
        admin.createTopics(
                        List.of(new NewTopic(topic, partitions, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                .all()
                .get(30, TimeUnit.SECONDS);
    }

    static TopicPartitionInfo describe(Admin admin, String topic, int partition) throws Exception {
        TopicDescription description = admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get(topic);
        return description.partitions().get(partition);
    }

    /** Describes the partition until {@code condition} holds or 30 s pass; returns the last description. */
    static TopicPartitionInfo awaitPartition(
            Admin admin, String topic, int partition, java.util.function.Predicate<TopicPartitionInfo> condition)
            throws Exception {
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        TopicPartitionInfo info = describe(admin, topic, partition);
        while (!condition.test(info) && System.nanoTime() < deadlineNs) {
            Thread.sleep(100);
            info = describe(admin, topic, partition);
        }
        return info;
    }

    /**
     * Waits (up to 30 s) until the broker at {@code broker} itself names {@code leaderId} the leader of the partition.
     * An Admin client may learn of a new leader from another broker's metadata before the leader has applied it, and a
     * request sent to the leader in between is answered NOT_LEADER_OR_FOLLOWER.
     */
    static void awaitLeaderKnowsIt(InetSocketAddress broker, String topic, int partition, int leaderId)
            throws Exception {
        MetadataRequest request = new MetadataRequest()
                .setTopics(List.of(new MetadataRequest.MetadataRequestTopic().setName(topic)))
                .setAllowAutoTopicCreation(false);
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            int seen = -1;
            try (RawKafkaClient client = new RawKafkaClient(broker)) {
                MetadataResponse response = (MetadataResponse) client.send(ApiKeys.METADATA, (short) 12, request);
                for (MetadataResponse.MetadataResponseTopic t : response.topics()) {
                    for (MetadataResponse.MetadataResponsePartition p : t.partitions()) {
                        if (t.name().equals(topic) && p.partitionIndex() == partition) {
                            seen = p.leaderId();
                        }
                    }
                }
            }
            if (seen == leaderId) {
                return;
            }
            assertThat(System.nanoTime() - deadlineNs)
                    .as("broker at %s still names %d the leader of %s-%d", broker, seen, topic, partition)
                    .isNegative();
            Thread.sleep(50);
        }
    }

    static List<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).sorted().toList();
    }

    /** Sends {@code count} records and waits for each acknowledgement; returns the offsets in order. */
    static List<Long> produce(KafkaProducer<String, String> producer, String topic, String prefix, int count)
            throws Exception {
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sends.add(producer.send(new ProducerRecord<>(topic, 0, "k" + i, prefix + i)));
        }
        List<Long> offsets = new ArrayList<>();
        for (Future<RecordMetadata> send : sends) {
            offsets.add(send.get(60, TimeUnit.SECONDS).offset());
        }
        return offsets;
    }

    @Test
    void acksAllWritesAreAcknowledgedAndEveryReplicaHoldsTheSameBatches() throws Exception {
        long offsetsEnd;
        try (Admin admin = admin(quorum.bootstrap());
                KafkaProducer<String, String> producer = producer(quorum.bootstrap())) {
            createTopic(admin, TOPIC, 1);
            long startNs = System.nanoTime();
            List<Long> offsets = produce(producer, TOPIC, "v", RECORDS);
            System.out.printf(
                    "%d acks=all records on 3 replicas acknowledged in %d ms%n",
                    RECORDS, (System.nanoTime() - startNs) / 1_000_000);
            assertThat(offsets).hasSize(RECORDS).doesNotHaveDuplicates();
            offsetsEnd = offsets.get(offsets.size() - 1) + 1;
            // acks=all waits for the ISR of the moment; a follower that fell behind for a while catches up and
            // is back in the ISR, and so holds every batch, before the brokers stop.
            assertThat(ids(awaitPartition(admin, TOPIC, 0, p -> p.isr().size() == 3)
                            .isr()))
                    .containsExactly(1, 2, 3);
            assertThat(consumeAll(quorum.bootstrap(), TOPIC, RECORDS)).hasSize(RECORDS);
        }
        quorum.close();

        byte[] first = null;
        for (int id = 1; id <= 3; id++) {
            byte[] log = readLog(quorum.logDir(id).resolve(TOPIC + "-0"), offsetsEnd);
            assertThat(log).as("broker %d holds the batches", id).isNotEmpty();
            if (first == null) {
                first = log;
            } else {
                assertThat(log).as("broker %d's log equals broker 1's", id).isEqualTo(first);
            }
        }
    }

    @Test
    void consumerGroupsCommitToAReplicatedOffsetsTopic() throws Exception {
        try (Admin admin = admin(quorum.bootstrap());
                KafkaProducer<String, String> producer = producer(quorum.bootstrap())) {
            createTopic(admin, TOPIC, 1);
            produce(producer, TOPIC, "v", 10);
            Properties props = consumerProps(quorum.bootstrap());
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "g1");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
                consumer.subscribe(List.of(TOPIC));
                int seen = 0;
                long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (seen < 10 && System.nanoTime() < deadlineNs) {
                    seen += consumer.poll(Duration.ofMillis(500)).count();
                }
                assertThat(seen).isEqualTo(10);
                consumer.commitSync(Duration.ofSeconds(30));
            }
            TopicPartitionInfo offsetsPartition = describe(admin, "__consumer_offsets", 0);
            assertThat(offsetsPartition.replicas()).hasSize(3);
            assertThat(admin.listConsumerGroupOffsets("g1")
                            .partitionsToOffsetAndMetadata()
                            .get(30, TimeUnit.SECONDS)
                            .get(new TopicPartition(TOPIC, 0))
                            .offset())
                    .isEqualTo(10);
        }
    }

    static Properties consumerProps(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return props;
    }

    static List<ConsumerRecord<String, String>> consumeAll(String bootstrap, String topic, int expected) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps(bootstrap))) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            consumer.seekToBeginning(List.of(new TopicPartition(topic, 0)));
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (out.size() < expected && System.nanoTime() < deadlineNs) {
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }

    /** The bytes of the batches below {@code endOffset} in the partition directory (broker stopped). */
    static byte[] readLog(Path partitionDir, long endOffset) {
        try (UnifiedLog log = UnifiedLog.open(partitionDir, LogConfig.DEFAULT, Time.SYSTEM)) {
            assertThat(log.logEndOffset()).isGreaterThanOrEqualTo(endOffset);
            FetchDataInfo read = log.read(0, Integer.MAX_VALUE, endOffset, true);
            ByteBuffer bytes = ByteBuffer.allocate(read.records().sizeInBytes());
            read.records().copyTo(bytes);
            return bytes.array();
        }
    }
}
