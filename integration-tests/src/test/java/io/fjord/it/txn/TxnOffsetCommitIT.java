package io.fjord.it.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.Errors;
import io.fjord.coordinator.GroupCoordinator;
import io.fjord.it.EmbeddedBroker;
import io.fjord.it.RawKafkaClient;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.InitProducerIdResponse;
import io.fjord.protocol.message.OffsetFetchRequest;
import io.fjord.protocol.message.OffsetFetchResponse;
import io.fjord.protocol.message.TxnOffsetCommitRequest;
import io.fjord.protocol.message.TxnOffsetCommitResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TxnOffsetCommit against a real broker, read back by the official Java clients: the consumer's
 * {@code committed()} (OffsetFetch with require_stable) cannot read a partition whose offsets a transaction
 * holds pending, the Admin client's {@code listConsumerGroupOffsets} (without require_stable) sees the last
 * committed offset, and both see the transaction's offsets once its COMMIT marker is in the log. No
 * WriteTxnMarkers yet on this branch: the markers are written and reported through {@link EmbeddedBroker}'s
 * test hooks, the way the broker will.
 */
class TxnOffsetCommitIT {

    private static final int OFFSETS_PARTITIONS = 3;
    /** The transactions here are forged (no coordinator knows them), so no leader verifies them. */
    private static final Map<String, String> BROKER_SETTINGS = Map.of(
            "offsets.topic.num.partitions",
            Integer.toString(OFFSETS_PARTITIONS),
            "transaction.partition.verification.enable",
            "false");

    private static final String GROUP = "etl";
    private static final int GROUP_PARTITION = GroupCoordinator.partitionFor(GROUP, OFFSETS_PARTITIONS);
    /** The version the Java producer sends without transactions V2 (KIP-890). */
    private static final short TXN_OFFSET_COMMIT_V4 = 4;

    private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);
    private static final TopicPartition ORDERS_1 = new TopicPartition("orders", 1);

    @TempDir
    Path dataDir;

    @Test
    void pendingOffsetsStayUnstableUntilTheCommitMarkerAndAnAbortedTransactionLeavesNothing() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir, BROKER_SETTINGS);
                Admin admin = admin(broker);
                KafkaConsumer<String, String> consumer = consumer(broker);
                RawKafkaClient raw = new RawKafkaClient(broker.address())) {
            admin.createTopics(List.of(new NewTopic("orders", 2, (short) 1)))
                    .all()
                    .get();
            consumer.commitSync(Map.of(ORDERS_0, new OffsetAndMetadata(5)));
            InitProducerIdResponse committing = raw.initProducerId();
            InitProducerIdResponse aborting = raw.initProducerId();

            assertThat(txnCommit(raw, committing, ORDERS_0, 42)).isEqualTo(Errors.NONE);
            assertThat(txnCommit(raw, aborting, ORDERS_1, 17)).isEqualTo(Errors.NONE);

            assertThat(stableFetchErrors(raw))
                    .as("require_stable: per partition")
                    .containsExactly(Errors.UNSTABLE_OFFSET_COMMIT, Errors.UNSTABLE_OFFSET_COMMIT);
            assertThatThrownBy(() -> consumer.committed(Set.of(ORDERS_0), Duration.ofSeconds(2)))
                    .as("the consumer retries UNSTABLE_OFFSET_COMMIT until its timeout")
                    .isInstanceOf(TimeoutException.class);
            assertThat(listOffsets(admin))
                    .as("without require_stable: the last committed offsets")
                    .isEqualTo(Map.of(ORDERS_0, 5L));

            // The markers the transaction coordinator writes, over WriteTxnMarkers: the broker ends the pending
            // offsets of each producer once its marker is committed to the group's partition.
            writeGroupMarker(broker, committing, true);
            writeGroupMarker(broker, aborting, false);

            Map<TopicPartition, OffsetAndMetadata> committed =
                    consumer.committed(Set.of(ORDERS_0, ORDERS_1), Duration.ofSeconds(30));
            assertThat(committed.get(ORDERS_0).offset()).isEqualTo(42);
            assertThat(committed.get(ORDERS_0).metadata()).isEqualTo("txn");
            assertThat(committed.get(ORDERS_1)).as("aborted").isNull();
            assertThat(listOffsets(admin)).isEqualTo(Map.of(ORDERS_0, 42L));
        }
    }

    /** WriteTxnMarkers of {@code producer}'s COMMIT or ABORT to the group's {@code __consumer_offsets} partition. */
    private static void writeGroupMarker(EmbeddedBroker broker, InitProducerIdResponse producer, boolean commit)
            throws Exception {
        assertThat(Errors.forCode(TxnClients.sendMarker(
                                broker.address(),
                                producer.producerId(),
                                producer.producerEpoch(),
                                commit,
                                new TopicPartition("__consumer_offsets", GROUP_PARTITION))
                        .errorCode()))
                .isEqualTo(Errors.NONE);
    }

    @Test
    void pendingOffsetsSurviveARestartAndACommitMarkerInTheLogMakesThemVisibleOnLoad() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir, BROKER_SETTINGS)) {
            InitProducerIdResponse producer;
            try (Admin admin = admin(broker);
                    RawKafkaClient raw = new RawKafkaClient(broker.address())) {
                admin.createTopics(List.of(new NewTopic("orders", 2, (short) 1)))
                        .all()
                        .get();
                listOffsets(admin); // creates __consumer_offsets and waits for the group's coordinator
                producer = raw.initProducerId();
                assertThat(txnCommit(raw, producer, ORDERS_0, 42)).isEqualTo(Errors.NONE);
                assertThat(txnCommit(raw, producer, ORDERS_1, 43)).isEqualTo(Errors.NONE);
            }

            broker.restart();
            try (Admin admin = admin(broker);
                    RawKafkaClient raw = new RawKafkaClient(broker.address())) {
                assertThat(listOffsets(admin))
                        .as("still pending: nothing committed")
                        .isEmpty();
                assertThat(stableFetchErrors(raw))
                        .containsExactly(Errors.UNSTABLE_OFFSET_COMMIT, Errors.UNSTABLE_OFFSET_COMMIT);
            }

            // After the restart only the log knows of the end: the load replays the marker.
            writeGroupMarker(broker, producer, true);
            broker.restart();
            try (Admin admin = admin(broker);
                    KafkaConsumer<String, String> consumer = consumer(broker)) {
                Map<TopicPartition, OffsetAndMetadata> committed =
                        consumer.committed(Set.of(ORDERS_0, ORDERS_1), Duration.ofSeconds(30));
                assertThat(committed.get(ORDERS_0).offset()).isEqualTo(42);
                assertThat(committed.get(ORDERS_1).offset()).isEqualTo(43);
                assertThat(listOffsets(admin)).isEqualTo(Map.of(ORDERS_0, 42L, ORDERS_1, 43L));
            }
        }
    }

    /** TxnOffsetCommit v4 of {@code producer} outside any membership; retried while the coordinator is not ready. */
    private static Errors txnCommit(RawKafkaClient raw, InitProducerIdResponse producer, TopicPartition tp, long offset)
            throws Exception {
        TxnOffsetCommitRequest request = new TxnOffsetCommitRequest()
                .setTransactionalId("txn-" + producer.producerId())
                .setGroupId(GROUP)
                .setProducerId(producer.producerId())
                .setProducerEpoch(producer.producerEpoch())
                .setTopics(List.of(new TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic()
                        .setName(tp.topic())
                        .setPartitions(List.of(new TxnOffsetCommitRequest.TxnOffsetCommitRequestPartition()
                                .setPartitionIndex(tp.partition())
                                .setCommittedOffset(offset)
                                .setCommittedMetadata("txn")))));
        return untilServed(() -> {
            try {
                TxnOffsetCommitResponse response =
                        (TxnOffsetCommitResponse) raw.send(ApiKeys.TXN_OFFSET_COMMIT, TXN_OFFSET_COMMIT_V4, request);
                return Errors.forCode(
                        response.topics().get(0).partitions().get(0).errorCode());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** OffsetFetch v8 with require_stable for orders-0 and orders-1: each partition's error. */
    private static List<Errors> stableFetchErrors(RawKafkaClient raw) throws Exception {
        OffsetFetchRequest request = new OffsetFetchRequest()
                .setRequireStable(true)
                .setGroups(List.of(new OffsetFetchRequest.OffsetFetchRequestGroup()
                        .setGroupId(GROUP)
                        .setTopics(List.of(new OffsetFetchRequest.OffsetFetchRequestTopics()
                                .setName("orders")
                                .setPartitionIndexes(List.of(0, 1))))));
        List<Errors> errors = new ArrayList<>();
        Errors groupError = untilServed(() -> {
            try {
                OffsetFetchResponse response = (OffsetFetchResponse) raw.send(ApiKeys.OFFSET_FETCH, (short) 8, request);
                OffsetFetchResponse.OffsetFetchResponseGroup group =
                        response.groups().get(0);
                errors.clear();
                group.topics().get(0).partitions().forEach(p -> errors.add(Errors.forCode(p.errorCode())));
                return Errors.forCode(group.errorCode());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(groupError).isEqualTo(Errors.NONE);
        return errors;
    }

    /** Repeats {@code call} while the group's coordinator is loading or not yet found, for up to 30 s. */
    private static Errors untilServed(Supplier<Errors> call) throws InterruptedException {
        long deadlineMs = System.currentTimeMillis() + 30_000;
        while (true) {
            Errors error = call.get();
            boolean notReady = error == Errors.COORDINATOR_LOAD_IN_PROGRESS
                    || error == Errors.NOT_COORDINATOR
                    || error == Errors.COORDINATOR_NOT_AVAILABLE;
            if (!notReady || System.currentTimeMillis() > deadlineMs) {
                return error;
            }
            Thread.sleep(50);
        }
    }

    /** The group's committed offsets as the Admin client lists them (no require_stable), offset only. */
    private static Map<TopicPartition, Long> listOffsets(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(GROUP)
                .partitionsToOffsetAndMetadata()
                .get();
        Map<TopicPartition, Long> result = new HashMap<>();
        offsets.forEach((tp, om) -> {
            if (om != null) {
                result.put(tp, om.offset());
            }
        });
        return result;
    }

    private static Admin admin(EmbeddedBroker broker) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        return Admin.create(props);
    }

    /** A consumer of the group that only reads committed offsets (no subscription). */
    private static KafkaConsumer<String, String> consumer(EmbeddedBroker broker) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }
}
