package io.fjord.it.replication;

import static io.fjord.it.replication.ReplicationIT.admin;
import static io.fjord.it.replication.ReplicationIT.awaitPartition;
import static io.fjord.it.replication.ReplicationIT.consumerProps;
import static io.fjord.it.replication.ReplicationIT.createTopic;
import static io.fjord.it.replication.ReplicationIT.produce;
import static io.fjord.it.replication.ReplicationIT.producer;
import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.it.RawKafkaClient;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.FetchRequest;
import io.fjord.protocol.message.FetchResponse;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetching from the closest replica (KIP-392): brokers in racks r1..r3 with {@code replica.selector.class}
 * set to Kafka's RackAwareReplicaSelector; the leader answers a fetch from a consumer of another broker's
 * rack with that broker as preferred read replica, the follower serves the records up to its high
 * watermark, and a Java consumer with {@code client.rack} reads everything that way.
 */
class FetchFromFollowerIT {

    static final String TOPIC = "racks";
    static final short FETCH_VERSION = 13;

    @TempDir
    Path dir;

    EmbeddedQuorum quorum;

    @BeforeEach
    void startQuorum() throws Exception {
        Map<String, String> settings = new HashMap<>(ReplicationIT.settings());
        settings.put("replica.selector.class", "org.apache.kafka.common.replica.RackAwareReplicaSelector");
        quorum = EmbeddedQuorum.start(dir, 3, settings, id -> Map.of("broker.rack", "r" + id));
    }

    @AfterEach
    void stopQuorum() {
        if (quorum != null) {
            quorum.close();
        }
    }

    private static FetchResponse.PartitionData fetch(Node broker, org.apache.kafka.common.Uuid topicId, String rack)
            throws Exception {
        FetchRequest request = new FetchRequest()
                .setMaxWaitMs(0)
                .setMinBytes(1)
                .setRackId(rack)
                .setTopics(List.of(new FetchRequest.FetchTopic()
                        .setTopicId(new io.fjord.common.Uuid(
                                topicId.getMostSignificantBits(), topicId.getLeastSignificantBits()))
                        .setPartitions(List.of(new FetchRequest.FetchPartition()
                                .setPartition(0)
                                .setFetchOffset(0)
                                .setPartitionMaxBytes(1 << 20)))));
        try (RawKafkaClient client = new RawKafkaClient(new InetSocketAddress(broker.host(), broker.port()))) {
            FetchResponse response = (FetchResponse) client.send(ApiKeys.FETCH, FETCH_VERSION, request);
            return response.responses().get(0).partitions().get(0);
        }
    }

    @Test
    void theLeaderSendsAConsumerToTheFollowerInItsRackWhichServesTheRecords() throws Exception {
        try (Admin admin = admin(quorum.bootstrap());
                KafkaProducer<String, String> producer = producer(quorum.bootstrap())) {
            createTopic(admin, TOPIC, 1);
            produce(producer, TOPIC, "v", 20);
            // The leader names only an in-sync follower as preferred read replica.
            TopicPartitionInfo info =
                    awaitPartition(admin, TOPIC, 0, p -> p.isr().size() == 3);
            assertThat(info.isr()).hasSize(3);
            org.apache.kafka.common.Uuid topicId = admin.describeTopics(List.of(TOPIC))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(TOPIC)
                    .topicId();
            Node leader = info.leader();
            Node follower = info.replicas().stream()
                    .filter(n -> n.id() != leader.id())
                    .findFirst()
                    .orElseThrow();

            FetchResponse.PartitionData fromLeader = fetch(leader, topicId, "r" + follower.id());
            assertThat(fromLeader.preferredReadReplica()).isEqualTo(follower.id());
            assertThat(fromLeader.records().sizeInBytes()).isZero();
            assertThat(fetch(leader, topicId, "r" + leader.id()).records().sizeInBytes())
                    .as("a consumer of the leader's rack reads from the leader")
                    .isPositive();

            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            FetchResponse.PartitionData fromFollower = fetch(follower, topicId, "r" + follower.id());
            while (fromFollower.highWatermark() < 20 && System.nanoTime() < deadlineNs) {
                Thread.sleep(100);
                fromFollower = fetch(follower, topicId, "r" + follower.id());
            }
            assertThat(fromFollower.errorCode()).isZero();
            assertThat(fromFollower.highWatermark()).isEqualTo(20);
            assertThat(fromFollower.records().sizeInBytes()).isPositive();

            Properties props = consumerProps(quorum.bootstrap());
            props.put(ConsumerConfig.CLIENT_RACK_CONFIG, "r" + follower.id());
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
                consumer.assign(List.of(new TopicPartition(TOPIC, 0)));
                consumer.seekToBeginning(List.of(new TopicPartition(TOPIC, 0)));
                int seen = 0;
                long consumeDeadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (seen < 20 && System.nanoTime() < consumeDeadlineNs) {
                    seen += consumer.poll(Duration.ofMillis(500)).count();
                }
                assertThat(seen).isEqualTo(20);
            }
        }
    }
}
