package io.fjord.it.groups;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The official Java clients set up the way the group integration tests use them: consumers with the session
 * timeout and heartbeat interval the broker under test also uses ({@link #BROKER_SETTINGS}), topics,
 * producing numbered records.
 * Stateless.
 */
final class GroupClients {

    /**
     * The session timeout of every member, classic (set by the client) and KIP-848 (set by the broker). Long
     * enough that a member on a loaded machine (a new consumer finding its coordinator, members reconnecting
     * after a broker restart, a consumer JVM starting) heartbeats in time; the tests that wait for a session
     * to expire wait up to 60 s.
     */
    static final int SESSION_TIMEOUT_MS = 10_000;

    /** The heartbeat interval of every member, classic and KIP-848. */
    static final int HEARTBEAT_INTERVAL_MS = 500;

    /** Broker settings for fast groups: no initial delay, few offsets partitions, heartbeats every 500 ms. */
    static final Map<String, String> BROKER_SETTINGS = Map.of(
            "group.initial.rebalance.delay.ms", "0",
            "offsets.topic.num.partitions", "3",
            "group.min.session.timeout.ms", "1000",
            "group.consumer.session.timeout.ms", Integer.toString(SESSION_TIMEOUT_MS),
            "group.consumer.heartbeat.interval.ms", Integer.toString(HEARTBEAT_INTERVAL_MS));

    private GroupClients() {}

    static Map<String, String> brokerSettings(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(BROKER_SETTINGS);
        settings.putAll(extra);
        return settings;
    }

    static Properties consumerProps(String bootstrap, String group, String protocol, String reset) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, reset);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        if (protocol.equals("classic")) {
            props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Integer.toString(SESSION_TIMEOUT_MS));
            props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Integer.toString(HEARTBEAT_INTERVAL_MS));
        }
        return props;
    }

    static KafkaConsumer<String, String> consumer(String bootstrap, String group, String protocol) {
        return new KafkaConsumer<>(consumerProps(bootstrap, group, protocol, "earliest"));
    }

    static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                    .all()
                    .get();
        }
    }

    /** Produces values "v{from}".."v{to-1}", record i to partition {@code i % partitions}, and waits for acks. */
    static void produce(String bootstrap, String topic, int partitions, int from, int to) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<String, String> p = new KafkaProducer<>(props)) {
            for (int i = from; i < to; i++) {
                p.send(new ProducerRecord<>(topic, i % partitions, "k" + i, "v" + i));
            }
            p.flush();
        }
    }

    /** Polls {@code consumers} in turn (100 ms each) until {@code done} holds; fails after {@code timeoutMs}. */
    static void pollUntil(List<KafkaConsumer<String, String>> consumers, BooleanSupplier done, long timeoutMs) {
        long deadlineMs = System.currentTimeMillis() + timeoutMs;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > deadlineMs) {
                List<Object> assignments = new ArrayList<>();
                consumers.forEach(c -> assignments.add(c.assignment()));
                throw new AssertionError("condition not met in " + timeoutMs + " ms; assignments " + assignments);
            }
            for (KafkaConsumer<String, String> c : consumers) {
                c.poll(Duration.ofMillis(100));
            }
        }
    }

    /** Polls one consumer until it has returned {@code count} records (or fails after {@code timeoutMs}). */
    static List<ConsumerRecord<String, String>> pollRecords(
            KafkaConsumer<String, String> consumer, int count, long timeoutMs) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        long deadlineMs = System.currentTimeMillis() + timeoutMs;
        while (out.size() < count && System.currentTimeMillis() < deadlineMs) {
            consumer.poll(Duration.ofMillis(100)).forEach(out::add);
        }
        return out;
    }
}
