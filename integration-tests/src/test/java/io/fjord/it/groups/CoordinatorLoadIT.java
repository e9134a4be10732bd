package io.fjord.it.groups;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Errors;
import io.fjord.coordinator.GroupCoordinator;
import io.fjord.it.EmbeddedBroker;
import io.fjord.it.RawKafkaClient;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.ByteBufferReadable;
import io.fjord.protocol.message.OffsetCommitRequest;
import io.fjord.protocol.message.OffsetCommitResponse;
import io.fjord.protocol.message.OffsetFetchRequest;
import io.fjord.protocol.message.OffsetFetchResponse;
import io.fjord.protocol.message.ResponseHeader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restarted coordinator loading a large {@code __consumer_offsets} partition: requests for its groups get
 * COORDINATOR_LOAD_IN_PROGRESS meanwhile (the official consumer waits and then resumes from its committed
 * offset) while groups of the other partitions are served. The partition is made large the real way: many
 * groups committing many offsets. Its load is held at its start until the test has looked, since a fast
 * machine loads it before the restart returns.
 */
class CoordinatorLoadIT {

    private static final int OFFSETS_PARTITIONS = 3; // GroupClients.BROKER_SETTINGS
    /** Loads run in partition order: the last one loads while the others already serve. */
    private static final int LARGE_PARTITION = OFFSETS_PARTITIONS - 1;

    private static final int BULK_TOPIC_PARTITIONS = 100;
    private static final int BULK_GROUPS = 12_000;
    private static final int PIPELINE_DEPTH = 64;
    private static final short COMMIT_V8 = 8;
    private static final short FETCH_V8 = 8;

    @TempDir
    Path dataDir;

    @Test
    void groupsOfALoadingPartitionGetLoadInProgressWhileOtherPartitionsServe() throws Exception {
        String waiting = groupOn(LARGE_PARTITION, "waiting-");
        String served = groupOn(0, "served-");
        try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir, GroupClients.BROKER_SETTINGS)) {
            GroupClients.createTopic(broker.bootstrap(), "data", 1);
            GroupClients.createTopic(broker.bootstrap(), "bulk", BULK_TOPIC_PARTITIONS);
            GroupClients.produce(broker.bootstrap(), "data", 1, 0, 20);
            TopicPartition data = new TopicPartition("data", 0);
            commit(broker, waiting, data, 7);
            commit(broker, served, data, 3);
            long records = fillPartition(broker, LARGE_PARTITION);

            // The large partition's load is held until the test has seen what clients get meanwhile.
            CountDownLatch loadReached = new CountDownLatch(1);
            CountDownLatch loadReleased = new CountDownLatch(1);
            broker.restart(partition -> {
                if (partition == LARGE_PARTITION) {
                    loadReached.countDown();
                    awaitQuietly(loadReleased);
                }
            });

            List<Errors> waitingStatus = new ArrayList<>();
            try (RawKafkaClient raw = new RawKafkaClient(broker.address())) {
                assertThat(loadReached.await(60, TimeUnit.SECONDS)).isTrue();
                OffsetFetchResponse first = fetch(raw, waiting, served);
                assertThat(Errors.forCode(first.groups().get(0).errorCode()))
                        .as("the group of the partition still loading (%d records)", records)
                        .isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
                assertThat(Errors.forCode(first.groups().get(1).errorCode()))
                        .as("a group of a loaded partition")
                        .isEqualTo(Errors.NONE);
                assertThat(first.groups()
                                .get(1)
                                .topics()
                                .get(0)
                                .partitions()
                                .get(0)
                                .committedOffset())
                        .isEqualTo(3);

                try (KafkaConsumer<String, String> consumer =
                        GroupClients.consumer(broker.bootstrap(), waiting, "classic")) {
                    consumer.subscribe(List.of("data"));
                    assertThat(GroupClients.pollRecords(consumer, 1, 2_000))
                            .as("nothing read while the group's partition loads")
                            .isEmpty();
                    loadReleased.countDown();
                    List<ConsumerRecord<String, String>> resumed = GroupClients.pollRecords(consumer, 13, 120_000);
                    assertThat(resumed).hasSize(13);
                    assertThat(resumed.get(0).offset())
                            .as("resumes at the committed offset")
                            .isEqualTo(7);
                }
                waitingStatus.add(Errors.forCode(
                        fetch(raw, waiting, served).groups().get(0).errorCode()));
            } finally {
                loadReleased.countDown();
            }
            assertThat(waitingStatus).containsExactly(Errors.NONE);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A group id whose offsets live in {@code __consumer_offsets} partition {@code partition}. */
    private static String groupOn(int partition, String prefix) {
        for (int i = 0; ; i++) {
            if (GroupCoordinator.partitionFor(prefix + i, OFFSETS_PARTITIONS) == partition) {
                return prefix + i;
            }
        }
    }

    private static void commit(EmbeddedBroker broker, String group, TopicPartition tp, long offset) {
        try (KafkaConsumer<String, String> consumer = GroupClients.consumer(broker.bootstrap(), group, "classic")) {
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(offset)));
            assertThat(consumer.committed(Set.of(tp)).get(tp).offset()).isEqualTo(offset);
        }
    }

    /**
     * Commits {@link #BULK_TOPIC_PARTITIONS} offsets for each of {@link #BULK_GROUPS} groups of {@code
     * partition}, pipelined on one connection; returns the number of offset records written.
     */
    private static long fillPartition(EmbeddedBroker broker, int partition) throws Exception {
        List<OffsetCommitRequest.OffsetCommitRequestPartition> partitions = new ArrayList<>();
        for (int p = 0; p < BULK_TOPIC_PARTITIONS; p++) {
            partitions.add(new OffsetCommitRequest.OffsetCommitRequestPartition()
                    .setPartitionIndex(p)
                    .setCommittedOffset(p));
        }
        List<OffsetCommitRequest.OffsetCommitRequestTopic> topics =
                List.of(new OffsetCommitRequest.OffsetCommitRequestTopic()
                        .setName("bulk")
                        .setPartitions(partitions));
        long written = 0;
        int inFlight = 0;
        int candidate = 0;
        try (RawKafkaClient raw = new RawKafkaClient(broker.address())) {
            for (int g = 0; g < BULK_GROUPS; g++) {
                String group = groupOn(partition, "bulk-" + candidate + "-");
                candidate++;
                OffsetCommitRequest request = new OffsetCommitRequest()
                        .setGroupId(group)
                        .setGenerationIdOrMemberEpoch(-1)
                        .setMemberId("")
                        .setTopics(topics);
                raw.sendOnly(ApiKeys.OFFSET_COMMIT, COMMIT_V8, request, g + 1);
                if (++inFlight == PIPELINE_DEPTH) {
                    written += readCommits(raw, inFlight);
                    inFlight = 0;
                }
            }
            written += readCommits(raw, inFlight);
        }
        assertThat(written).isEqualTo((long) BULK_GROUPS * BULK_TOPIC_PARTITIONS);
        return written;
    }

    /** Reads {@code count} pipelined OffsetCommit answers; returns how many offsets they committed. */
    private static long readCommits(RawKafkaClient raw, int count) throws Exception {
        long committed = 0;
        for (int i = 0; i < count; i++) {
            ByteBufferReadable in = new ByteBufferReadable(raw.readFrame());
            new ResponseHeader(in, ApiKeys.OFFSET_COMMIT.responseHeaderVersion(COMMIT_V8));
            OffsetCommitResponse response = new OffsetCommitResponse(in, COMMIT_V8);
            for (OffsetCommitResponse.OffsetCommitResponsePartition p :
                    response.topics().get(0).partitions()) {
                if (p.errorCode() == Errors.NONE.code()) {
                    committed++;
                }
            }
        }
        return committed;
    }

    private static OffsetFetchResponse fetch(RawKafkaClient raw, String... groups) throws Exception {
        List<OffsetFetchRequest.OffsetFetchRequestGroup> requested = new ArrayList<>();
        for (String group : groups) {
            requested.add(new OffsetFetchRequest.OffsetFetchRequestGroup()
                    .setGroupId(group)
                    .setTopics(List.of(new OffsetFetchRequest.OffsetFetchRequestTopics()
                            .setName("data")
                            .setPartitionIndexes(List.of(0)))));
        }
        return (OffsetFetchResponse)
                raw.send(ApiKeys.OFFSET_FETCH, FETCH_V8, new OffsetFetchRequest().setGroups(requested));
    }
}
