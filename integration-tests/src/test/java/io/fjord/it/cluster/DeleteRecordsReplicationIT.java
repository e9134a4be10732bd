package io.fjord.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DeleteRecordsOptions;
import org.apache.kafka.clients.admin.DeletedRecords;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DeleteRecords on a partition with replicas [1, 2, 3] answers the Java Admin client once every live replica has
 * deleted, as Kafka's DelayedDeleteRecords does: with follower 3 paused (SIGSTOP; its broker stays registered and
 * unfenced, the session timeout being 60 s) the answer waits, and it comes with the low watermark once the follower
 * runs again and has moved its log start offset.
 */
class DeleteRecordsReplicationIT {

    private static final String TOPIC = "delete-replicated";

    @RegisterExtension
    static final ClusterExtension CLUSTER = new ClusterExtension(3, settings());

    private static Map<String, String> settings() {
        Map<String, String> settings = new HashMap<>(LocalCluster.FAST_FAILOVER);
        settings.put("broker.session.timeout.ms", "60000");
        settings.put("replica.lag.time.max.ms", "60000");
        return settings;
    }

    private static LocalCluster cluster() {
        return CLUSTER.cluster();
    }

    @Test
    void theAnswerWaitsForAPausedFollowerAndComesOnceItHasDeleted() throws Exception {
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        try (Admin setUp = cluster().admin()) {
            cluster().createTopic(setUp, TOPIC, List.of(1, 2, 3), 1);
        }
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster().bootstrap());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(TOPIC, 0, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
            }
        }

        Properties adminProps = new Properties();
        adminProps.put(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                cluster().broker(1).bootstrap() + "," + cluster().broker(2).bootstrap());
        adminProps.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "60000");
        adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000");
        try (Admin admin = Admin.create(adminProps)) {
            // Connected to the leader before the pause: a request the client sent to the paused broker would stall
            // on its own and say nothing about the leader's answer.
            assertThat(admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(0)))
                            .lowWatermarks()
                            .get(tp)
                            .get(30, TimeUnit.SECONDS)
                            .lowWatermark())
                    .isZero();
            cluster().pause(3);
            KafkaFuture<DeletedRecords> deleted;
            try {
                deleted = admin.deleteRecords(
                                Map.of(tp, RecordsToDelete.beforeOffset(6)),
                                new DeleteRecordsOptions().timeoutMs(60_000))
                        .lowWatermarks()
                        .get(tp);
                Thread.sleep(3_000);
                assertThat(deleted.isDone())
                        .as("answered while follower 3, alive, has not deleted")
                        .isFalse();
            } finally {
                cluster().resume(3);
            }
            long resumedNs = System.nanoTime();
            assertThat(deleted.get(30, TimeUnit.SECONDS).lowWatermark()).isEqualTo(6);
            System.out.printf(
                    "DELETE_RECORDS answeredAfterResumeMs=%d%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resumedNs));

            assertThat(admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(8)))
                            .lowWatermarks()
                            .get(tp)
                            .get(30, TimeUnit.SECONDS)
                            .lowWatermark())
                    .as("with every follower fetching")
                    .isEqualTo(8);
        }
    }
}
