package io.fjord.it.replication;

import static io.fjord.it.replication.ReplicationIT.ids;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A reassignment moves a partition's data, with the official Admin client and three in-process brokers:
 * the partition lives on broker 1 alone, is reassigned to broker 3, the new replica copies every record
 * from the leader, joins the ISR, the reassignment completes, broker 3 leads, broker 1 deletes its copy,
 * and a consumer reads every record, in order, from the new replica.
 */
class ReassignmentDataIT extends QuorumTest {

    private static final String TOPIC = "moving";
    private static final int RECORDS = 5_000;

    @Test
    void aPartitionReassignedToAnotherBrokerMovesItsRecordsThereAndLeavesTheOldBroker() throws Exception {
        try (Admin admin = ReplicationIT.admin(quorum.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, Map.of(0, List.of(1)))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            produce(RECORDS);
            Path oldCopy = quorum.logDir(1).resolve(TOPIC + "-0");
            assertThat(oldCopy).isDirectory();

            long startNs = System.nanoTime();
            admin.alterPartitionReassignments(
                            Map.of(new TopicPartition(TOPIC, 0), Optional.of(new NewPartitionReassignment(List.of(3)))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            TopicPartitionInfo moved = awaitReplicas(admin, List.of(3));
            long movedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            System.out.printf("REASSIGNMENT %d records moved from broker 1 to broker 3 in %d ms%n", RECORDS, movedMs);

            assertThat(moved.leader().id()).isEqualTo(3);
            assertThat(ids(moved.isr())).containsExactly(3);
            assertThat(admin.listPartitionReassignments().reassignments().get(30, TimeUnit.SECONDS))
                    .isEmpty();
            awaitGone(oldCopy);
        }
        List<String> values = consumeAll();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            expected.add("value-" + i);
        }
        assertThat(values).containsExactlyElementsOf(expected);
    }

    private void produce(int count) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, quorum.bootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(TOPIC, 0, "key-" + i, "value-" + i));
            }
            producer.flush();
        }
    }

    private List<String> consumeAll() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, quorum.bootstrap());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(new TopicPartition(TOPIC, 0)));
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (values.size() < RECORDS && System.nanoTime() < deadlineNs) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }

    private static TopicPartitionInfo awaitReplicas(Admin admin, List<Integer> replicas) throws Exception {
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            TopicDescription topic = admin.describeTopics(List.of(TOPIC))
                    .allTopicNames()
                    .get(15, TimeUnit.SECONDS)
                    .get(TOPIC);
            TopicPartitionInfo partition = topic.partitions().get(0);
            if (ids(partition.replicas()).equals(replicas) && partition.leader() != null) {
                return partition;
            }
            if (System.nanoTime() > deadlineNs) {
                throw new AssertionError("replicas stayed " + ids(partition.replicas()) + ", wanted " + replicas);
            }
            Thread.sleep(100);
        }
    }

    private static void awaitGone(Path dir) throws InterruptedException {
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Files.exists(dir) && System.nanoTime() < deadlineNs) {
            Thread.sleep(100);
        }
        assertThat(dir).as("the old replica's log, deleted by broker 1").doesNotExist();
    }
}
