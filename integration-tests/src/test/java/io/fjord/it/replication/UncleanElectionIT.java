package io.fjord.it.replication;

import static io.fjord.it.replication.ReplicationIT.admin;
import static io.fjord.it.replication.ReplicationIT.awaitPartition;
import static io.fjord.it.replication.ReplicationIT.ids;
import static io.fjord.it.replication.ReplicationIT.produce;
import static io.fjord.it.replication.ReplicationIT.producer;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Unclean leader election, off by default as in Kafka, with the official clients and three in-process
 * brokers. A partition on brokers 2 and 3 loses its follower 3 (the ISR shrinks to [2]), takes more writes,
 * then loses its leader 2 while 3 comes back: 3 is alive but out of sync, so the partition stays without a
 * leader rather than lose what only 2 had. Setting the topic's {@code unclean.leader.election.enable=true}
 * elects 3 at once; the records written while it was away are gone (the price Kafka documents), everything
 * before and after is there.
 */
class UncleanElectionIT extends QuorumTest {

    private static final String TOPIC = "unclean";

    @Test
    void anOutOfSyncReplicaLeadsOnlyOnceUncleanElectionIsEnabled() throws Exception {
        try (Admin admin = admin(quorum.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, Map.of(0, List.of(2, 3)))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            assertThat(ids(awaitPartition(admin, TOPIC, 0, p -> p.isr().size() == 2)
                            .isr()))
                    .containsExactly(2, 3);
            try (KafkaProducer<String, String> producer = producer(quorum.bootstrap())) {
                produce(producer, TOPIC, "before-", 20);
                quorum.stopBroker(3);
                assertThat(ids(awaitPartition(admin, TOPIC, 0, p -> p.isr().size() == 1)
                                .isr()))
                        .containsExactly(2);
                produce(producer, TOPIC, "while-3-was-away-", 20);
            }
        }
        // Broker 2 goes while 3 comes back: 1 and 3 keep the metadata quorum's majority.
        quorum.stopBroker(2);
        quorum.startBroker(3);
        try (Admin admin = admin(quorum.bootstrap())) {
            TopicPartitionInfo leaderless = awaitPartition(admin, TOPIC, 0, UncleanElectionIT::leaderless);
            assertThat(leaderless(leaderless))
                    .as("no leader once broker 2 is fenced")
                    .isTrue();
            Thread.sleep(3_000); // broker 3 is registered and heartbeating: still no leader
            TopicPartitionInfo still = describe(admin);
            assertThat(leaderless(still))
                    .as("an out-of-sync replica is not elected")
                    .isTrue();
            assertThat(ids(still.isr())).containsExactly(2);

            long enabledNs = System.nanoTime();
            admin.incrementalAlterConfigs(Map.of(
                            new ConfigResource(ConfigResource.Type.TOPIC, TOPIC),
                            List.of(new AlterConfigOp(
                                    new ConfigEntry("unclean.leader.election.enable", "true"),
                                    AlterConfigOp.OpType.SET))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            TopicPartitionInfo elected = awaitPartition(admin, TOPIC, 0, p -> !leaderless(p));
            System.out.printf(
                    "UNCLEAN broker %d elected %d ms after unclean.leader.election.enable=true%n",
                    elected.leader().id(), (System.nanoTime() - enabledNs) / 1_000_000);
            assertThat(elected.leader().id()).isEqualTo(3);
            assertThat(ids(elected.isr())).containsExactly(3);
        }
        try (KafkaProducer<String, String> producer = producer(quorum.bootstrap())) {
            produce(producer, TOPIC, "after-", 10);
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expected.add("before-" + i);
        }
        for (int i = 0; i < 10; i++) {
            expected.add("after-" + i);
        }
        assertThat(consumeAll(expected.size())).containsExactlyElementsOf(expected);
    }

    private static boolean leaderless(TopicPartitionInfo partition) {
        return partition.leader() == null || partition.leader().id() < 0;
    }

    private static TopicPartitionInfo describe(Admin admin) throws Exception {
        TopicDescription topic = admin.describeTopics(List.of(TOPIC))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get(TOPIC);
        return topic.partitions().get(0);
    }

    private List<String> consumeAll(int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, quorum.bootstrap());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(new TopicPartition(TOPIC, 0)));
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.size() < expected && System.nanoTime() < deadlineNs) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
            // Nothing more arrives: the records only broker 2 had are not served.
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
                values.add(record.value());
            }
        }
        return values;
    }
}
