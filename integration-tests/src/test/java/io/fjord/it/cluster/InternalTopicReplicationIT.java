package io.fjord.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.it.RawKafkaClient;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.FindCoordinatorRequest;
import io.fjord.protocol.message.FindCoordinatorResponse;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The internal topics get their configured replication factor, as in Kafka: while fewer brokers are up
 * than {@code offsets.topic.replication.factor} or {@code transaction.state.log.replication.factor} ask
 * for, FindCoordinator answers COORDINATOR_NOT_AVAILABLE and nothing is created; once enough brokers are
 * back, the topics are created with every replica. Created with fewer, a young cluster's committed
 * offsets and transaction states would have stayed on fewer brokers for good.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class InternalTopicReplicationIT {

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    LocalCluster cluster;

    @AfterEach
    void stop() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void internalTopicsWaitForEnoughBrokersAndThenGetEveryReplica() throws Exception {
        cluster = LocalCluster.start(
                dir, 3, Map.of("broker.session.timeout.ms", "3000", "broker.heartbeat.interval.ms", "500"));
        assertThat(cluster.broker(3).stop()).isZero();
        try (Admin admin = cluster.admin()) {
            awaitBrokers(admin, 2);
        }

        for (byte keyType : new byte[] {0, 1}) { // a group, then a transactional id
            for (int attempt = 0; attempt < 5; attempt++) {
                assertThat(findCoordinator(keyType).errorCode())
                        .as("FindCoordinator with two of three brokers up, key type %s", keyType)
                        .isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE.code());
                Thread.sleep(200);
            }
        }
        try (Admin admin = cluster.admin()) {
            assertThat(admin.listTopics(new ListTopicsOptions().listInternal(true))
                            .names()
                            .get(15, TimeUnit.SECONDS))
                    .doesNotContain("__consumer_offsets", "__transaction_state");
        }
        assertThat(cluster.broker(1).logFile())
                .content()
                .contains("Number of alive brokers '2' does not meet the required replication factor '3' for the"
                        + " __consumer_offsets topic (configured via 'offsets.topic.replication.factor')");

        cluster.restart(3);
        for (byte keyType : new byte[] {0, 1}) {
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (findCoordinator(keyType).errorCode() != Errors.NONE.code()) {
                assertThat(System.nanoTime()).as("a coordinator within 60 s").isLessThan(deadlineNs);
                Thread.sleep(200);
            }
        }
        try (Admin admin = cluster.admin()) {
            Map<String, TopicDescription> topics = describeOnceEveryBrokerKnows(admin);
            for (TopicDescription topic : topics.values()) {
                assertThat(topic.partitions()).as(topic.name()).isNotEmpty().allSatisfy(p -> assertThat(p.replicas())
                        .hasSize(3));
            }
        }
    }

    /**
     * Broker 1 found a coordinator, so it has both topics; the broker the Admin asks may apply them a moment later
     * and says UNKNOWN_TOPIC_OR_PARTITION until then, as a Kafka broker does while metadata propagates.
     */
    private static Map<String, TopicDescription> describeOnceEveryBrokerKnows(Admin admin) throws Exception {
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try {
                return admin.describeTopics(List.of("__consumer_offsets", "__transaction_state"))
                        .allTopicNames()
                        .get(15, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadlineNs) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private FindCoordinatorResponse.Coordinator findCoordinator(byte keyType) throws Exception {
        try (RawKafkaClient raw = new RawKafkaClient(
                new InetSocketAddress("127.0.0.1", cluster.broker(1).port()))) {
            FindCoordinatorResponse response = (FindCoordinatorResponse) raw.send(
                    ApiKeys.FIND_COORDINATOR,
                    (short) 4,
                    new FindCoordinatorRequest()
                            .setKeyType(keyType)
                            .setCoordinatorKeys(new java.util.ArrayList<>(List.of(keyType == 0 ? "g" : "t"))));
            return response.coordinators().get(0);
        }
    }

    private static void awaitBrokers(Admin admin, int count) throws Exception {
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (LocalCluster.nodeIds(admin).size() != count) {
            assertThat(System.nanoTime())
                    .as("%s unfenced brokers within 30 s", count)
                    .isLessThan(deadlineNs);
            Thread.sleep(200);
        }
    }
}
