package io.fjord.it.groups;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.it.EmbeddedBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * offsets.retention.minutes as a user sees it: the committed offsets of a group that has been empty for the
 * retention disappear (Admin lists none; a new consumer starts again by its reset policy), while a group with
 * an active member keeps the offsets of the topics it subscribes to.
 */
class OffsetsRetentionIT {

    private static final long RETENTION_MS = 60_000; // offsets.retention.minutes=1, the smallest setting

    @TempDir
    Path dataDir;

    @Test
    void anEmptyGroupsOffsetsExpireAfterTheRetentionWhileAnActiveGroupKeepsItsOwn() throws Exception {
        Map<String, String> settings = GroupClients.brokerSettings(
                Map.of("offsets.retention.minutes", "1", "offsets.retention.check.interval.ms", "1000"));
        try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir, settings);
                Admin admin = GroupClients.admin(broker.bootstrap())) {
            GroupClients.createTopic(broker.bootstrap(), "retained", 1);
            GroupClients.produce(broker.bootstrap(), "retained", 1, 0, 10);
            TopicPartition tp = new TopicPartition("retained", 0);
            long beforeCommitMs;
            try (KafkaConsumer<String, String> leaving = GroupClients.consumer(broker.bootstrap(), "left", "classic")) {
                leaving.subscribe(List.of("retained"));
                assertThat(GroupClients.pollRecords(leaving, 10, 60_000)).hasSize(10);
                // Taken before the commit: the retention runs from the later of the commit and the group becoming
                // empty, both after this on the broker's clock (the same wall clock).
                beforeCommitMs = System.currentTimeMillis();
                leaving.commitSync(Map.of(tp, new OffsetAndMetadata(10)));
            }
            try (KafkaConsumer<String, String> active =
                    GroupClients.consumer(broker.bootstrap(), "active", "classic")) {
                active.subscribe(List.of("retained"));
                assertThat(GroupClients.pollRecords(active, 10, 60_000)).hasSize(10);
                active.commitSync(Map.of(tp, new OffsetAndMetadata(10)));
                assertThat(offsets(admin, "left")).containsEntry(tp, 10L);

                while (!offsets(admin, "left").isEmpty()) {
                    assertThat(System.currentTimeMillis() - beforeCommitMs)
                            .as("expired within the retention and a few checks")
                            .isLessThan(RETENTION_MS + 30_000);
                    active.poll(Duration.ofMillis(500)); // stays a live member
                }
                long expiredAfterMs = System.currentTimeMillis() - beforeCommitMs;
                assertThat(expiredAfterMs).as("not before the retention").isGreaterThanOrEqualTo(RETENTION_MS);

                active.poll(Duration.ofMillis(100));
                assertThat(offsets(admin, "active"))
                        .as("a group with a member keeps the offsets of its subscribed topic")
                        .containsEntry(tp, 10L);
            }
            try (KafkaConsumer<String, String> returning =
                    GroupClients.consumer(broker.bootstrap(), "left", "classic")) {
                returning.subscribe(List.of("retained"));
                List<ConsumerRecord<String, String>> records = GroupClients.pollRecords(returning, 10, 60_000);
                assertThat(records).hasSize(10);
                assertThat(records.get(0).offset())
                        .as("auto.offset.reset=earliest again")
                        .isZero();
            }
        }
    }

    @Test
    void aDeletedTopicsOffsetsGoWithItSoATopicCreatedAgainUnderItsNameIsReadFromItsStart() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir, GroupClients.BROKER_SETTINGS);
                Admin admin = GroupClients.admin(broker.bootstrap())) {
            GroupClients.createTopic(broker.bootstrap(), "recycled", 1);
            GroupClients.produce(broker.bootstrap(), "recycled", 1, 0, 10);
            TopicPartition tp = new TopicPartition("recycled", 0);
            try (KafkaConsumer<String, String> first = GroupClients.consumer(broker.bootstrap(), "g", "consumer")) {
                first.subscribe(List.of("recycled"));
                assertThat(GroupClients.pollRecords(first, 10, 60_000)).hasSize(10);
                first.commitSync(Map.of(tp, new OffsetAndMetadata(10)));
            }
            assertThat(offsets(admin, "g")).containsEntry(tp, 10L);

            admin.deleteTopics(List.of("recycled")).all().get();
            long deadlineMs = System.currentTimeMillis() + 30_000;
            while (!offsets(admin, "g").isEmpty()) {
                assertThat(System.currentTimeMillis())
                        .as("offsets deleted with the topic")
                        .isLessThan(deadlineMs);
                Thread.sleep(100);
            }
            GroupClients.createTopic(broker.bootstrap(), "recycled", 1);
            GroupClients.produce(broker.bootstrap(), "recycled", 1, 0, 15);
            try (KafkaConsumer<String, String> next = GroupClients.consumer(broker.bootstrap(), "g", "consumer")) {
                next.subscribe(List.of("recycled"));
                List<ConsumerRecord<String, String>> records = GroupClients.pollRecords(next, 15, 60_000);
                assertThat(records).hasSize(15);
                assertThat(records.get(0).offset())
                        .as("from the new topic's start, not the old topic's committed 10")
                        .isZero();
            }
        }
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get();
        Map<TopicPartition, Long> out = new HashMap<>();
        committed.forEach((tp, om) -> {
            if (om != null) {
                out.put(tp, om.offset());
            }
        });
        return out;
    }
}
