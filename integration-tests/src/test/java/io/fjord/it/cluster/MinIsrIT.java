package io.fjord.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.Errors;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code min.insync.replicas=2} on a partition with replicas [1, 2, 3]: with one replica's broker down
 * acks=all writes succeed; with two down the leader refuses them with NOT_ENOUGH_REPLICAS while acks=1
 * writes still succeed. Five brokers, so that two dead replicas leave the metadata quorum (all five are
 * voters) a majority and the controller can shrink the ISR.
 */
class MinIsrIT {

    private static final String TOPIC = "min-isr";

    @RegisterExtension
    static final ClusterExtension CLUSTER = new ClusterExtension(5, LocalCluster.FAST_FAILOVER);

    private static LocalCluster cluster() {
        return CLUSTER.cluster();
    }

    @Test
    void acksAllNeedsMinInsyncReplicasWhileAcksOneNeedsOnlyTheLeader() throws Exception {
        try (Admin admin = cluster().admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, Map.of(0, List.of(1, 2, 3)))
                            .configs(Map.of("min.insync.replicas", "2"))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            cluster().awaitIsrSize(TOPIC, 0, 3, 30_000);
            assertThat(cluster().leaderOf(TOPIC, 0)).isEqualTo(1);

            long killNs = System.nanoTime();
            cluster().kill9(2);
            cluster().awaitIsrSize(TOPIC, 0, 2, 30_000);
            System.out.printf("MIN_ISR isrShrunkTo2Ms=%d%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killNs));
            try (KafkaProducer<String, String> producer = producer("all")) {
                RecordMetadata written = producer.send(new ProducerRecord<>(TOPIC, 0, "k", "one-down"))
                        .get(30, TimeUnit.SECONDS);
                assertThat(written.offset()).isGreaterThanOrEqualTo(0);
            }

            killNs = System.nanoTime();
            cluster().kill9(3);
            cluster().awaitIsrSize(TOPIC, 0, 1, 30_000);
            System.out.printf("MIN_ISR isrShrunkTo1Ms=%d%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killNs));
            assertThat(cluster().isrOf(TOPIC, 0)).isEqualTo(Set.of(1));
        }
        try (KafkaProducer<String, String> producer = producer("all")) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(TOPIC, 0, "k", "two-down"))
                            .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(NotEnoughReplicasException.class);
        }
        assertThat(BrokerProbe.produce(cluster().broker(1).port(), TOPIC, 0, (short) -1, "k", "raw-two-down", 5_000))
                .isEqualTo(Errors.NOT_ENOUGH_REPLICAS);
        try (KafkaProducer<String, String> producer = producer("1")) {
            RecordMetadata written = producer.send(new ProducerRecord<>(TOPIC, 0, "k", "acks-one"))
                    .get(30, TimeUnit.SECONDS);
            assertThat(written.offset()).isGreaterThanOrEqualTo(1);
        }
    }

    /** A plain producer without retries, so the broker's answer reaches the test as it is. */
    private static KafkaProducer<String, String> producer(String acks) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster().bootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, acks);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        props.put(ProducerConfig.RETRIES_CONFIG, 0);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }
}
