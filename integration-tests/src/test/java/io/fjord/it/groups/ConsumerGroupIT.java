package io.fjord.it.groups;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.it.EmbeddedBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Consumer groups with the official Java client, classic and KIP-848 protocols: three members of one
 * group on a 6-partition topic get two partitions each and never share one; committed offsets survive
 * a broker restart and a new member resumes right after them.
 */
class ConsumerGroupIT {

    @TempDir
    static Path dataDir;

    static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start(
                dataDir, Map.of("group.initial.rebalance.delay.ms", "0", "offsets.topic.num.partitions", "5"));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void threeMembersSplitSixPartitionsTwoEach(String protocol) throws Exception {
        String topic = "group-split-" + protocol;
        createTopic(topic, 6);
        List<KafkaConsumer<String, String>> consumers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                KafkaConsumer<String, String> c = new KafkaConsumer<>(consumerProps("split-" + protocol, protocol));
                c.subscribe(List.of(topic));
                consumers.add(c);
            }
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline) {
                for (KafkaConsumer<String, String> c : consumers) {
                    c.poll(Duration.ofMillis(100));
                }
                if (consumers.stream().allMatch(c -> c.assignment().size() == 2)) {
                    break;
                }
            }
            Set<TopicPartition> all = new HashSet<>();
            for (KafkaConsumer<String, String> c : consumers) {
                assertThat(c.assignment()).as("assignment of one member").hasSize(2);
                all.addAll(c.assignment());
            }
            assertThat(all).as("no partition shared, none missing").hasSize(6);
        } finally {
            consumers.forEach(KafkaConsumer::close);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void committedOffsetsSurviveRestartAndANewMemberResumesAfterThem(String protocol) throws Exception {
        String topic = "group-resume-" + protocol;
        String group = "resume-" + protocol;
        createTopic(topic, 1);
        produce(topic, 0, 100);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumerProps(group, protocol))) {
            c.subscribe(List.of(topic));
            int seen = 0;
            long deadline = System.currentTimeMillis() + 60_000;
            while (seen < 60 && System.currentTimeMillis() < deadline) {
                seen += c.poll(Duration.ofMillis(200)).count();
            }
            c.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(60)));
        }
        broker.restart();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumerProps(group, protocol))) {
            c.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 60_000;
            while (records.size() < 40 && System.currentTimeMillis() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            assertThat(records).hasSize(40);
            assertThat(records.get(0).offset()).isEqualTo(60);
            assertThat(records.get(0).value()).isEqualTo("v60");
        }
    }

    static void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                    .all()
                    .get();
        }
    }

    static void produce(String topic, int from, int to) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> p = new KafkaProducer<>(props)) {
            for (int i = from; i < to; i++) {
                p.send(new ProducerRecord<>(topic, 0, "k" + i, "v" + i));
            }
            p.flush();
        }
    }

    static Properties consumerProps(String group, String protocol) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return props;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
