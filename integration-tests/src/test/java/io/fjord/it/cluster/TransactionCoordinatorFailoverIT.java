package io.fjord.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Transactions across three brokers: one transaction writes to partitions led by every broker (its markers go
 * over the network to each leader), and when the transaction coordinator's broker is killed with a transaction
 * open, the coordinator that takes over its {@code __transaction_state} partition serves the next instance of the
 * transactional id, which aborts what the dead one left open. A read_committed consumer then reads the two
 * committed transactions exactly once and nothing of the aborted one.
 */
class TransactionCoordinatorFailoverIT {

    private static final String TOPIC = "tx-spread";
    private static final String TRANSACTIONAL_ID = "spread";
    private static final int PARTITIONS = 6;

    @RegisterExtension
    static final ClusterExtension CLUSTER = new ClusterExtension(3, settings());

    private static Map<String, String> settings() {
        Map<String, String> settings = new HashMap<>(LocalCluster.FAST_FAILOVER);
        settings.put("transaction.state.log.num.partitions", "3");
        settings.put("transaction.state.log.replication.factor", "3");
        settings.put("transaction.state.log.min.isr", "2");
        return settings;
    }

    @Test
    void aTransactionSpanningBrokersCommitsAndTheNextCoordinatorAbortsWhatTheDeadOneLeftOpen() throws Exception {
        LocalCluster cluster = CLUSTER.cluster();
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(
                            new NewTopic(TOPIC, PARTITIONS, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            for (int p = 0; p < PARTITIONS; p++) {
                cluster.awaitIsrSize(TOPIC, p, 3, 30_000);
            }
        }
        int coordinator;
        try (KafkaProducer<String, String> first = producer(cluster.bootstrap())) {
            first.initTransactions();
            first.beginTransaction();
            send(first, "first", 60);
            first.commitTransaction();
            try (Admin admin = cluster.admin()) {
                coordinator = admin.describeTransactions(Set.of(TRANSACTIONAL_ID))
                        .description(TRANSACTIONAL_ID)
                        .get(30, TimeUnit.SECONDS)
                        .coordinatorId();
            }
            first.beginTransaction();
            send(first, "open", 30);
            first.flush();
            long killNs = System.nanoTime();
            cluster.kill9(coordinator);
            System.out.printf("TXN_FAILOVER killed coordinator %d%n", coordinator);

            try (KafkaProducer<String, String> next = producer(cluster.bootstrap())) {
                next.initTransactions();
                System.out.printf("TXN_FAILOVER nextInstanceReadyMs=%d%n", LocalCluster.msSince(killNs));
                next.beginTransaction();
                send(next, "next", 60);
                next.commitTransaction();
            }
        }
        List<String> values = readCommitted(cluster.bootstrap(), 120);
        assertThat(values).hasSize(120).doesNotHaveDuplicates().noneMatch(v -> v.startsWith("open"));
        assertThat(values.stream().filter(v -> v.startsWith("first"))).hasSize(60);
        assertThat(values.stream().filter(v -> v.startsWith("next"))).hasSize(60);
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TRANSACTIONAL_ID);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    private static void send(KafkaProducer<String, String> producer, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, prefix + "-" + i, prefix + "-" + i));
        }
    }

    private static List<String> readCommitted(String bootstrap, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(TOPIC, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.currentTimeMillis() + 60_000;
            while (out.size() < expected && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    out.add(record.value());
                }
            }
            long settle = System.currentTimeMillis() + 1_000;
            while (System.currentTimeMillis() < settle) {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> out.add(r.value()));
            }
        }
        return out;
    }
}
