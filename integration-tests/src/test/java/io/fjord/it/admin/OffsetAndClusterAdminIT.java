package io.fjord.it.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeReplicaLogDirsResult;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.LogTruncationException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionReplica;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ListOffsets (earliest, latest, by timestamp, max timestamp), DeleteRecords and what a consumer sees
 * after it, OffsetForLeaderEpoch through a consumer's position validation, DescribeCluster and
 * DescribeFeatures, across a broker restart where it matters.
 */
class OffsetAndClusterAdminIT extends AdminITBase {

    @BeforeAll
    static void start() {
        startBroker(Map.of());
    }

    @Test
    void listOffsetsFindsEarliestLatestByTimestampAndMaxTimestamp() throws Exception {
        createTopic("timed", 1, Map.of());
        TopicPartition tp = new TopicPartition("timed", 0);
        long baseMs = System.currentTimeMillis() - 100_000;
        // timestamps base+0, base+1000, ..., except offset 6 which carries the maximum
        long[] timestamps = new long[10];
        for (int i = 0; i < 10; i++) {
            timestamps[i] = i == 6 ? baseMs + 50_000 : baseMs + i * 1000L;
        }
        produceWithTimestamps(tp, timestamps);

        assertThat(offset(tp, OffsetSpec.earliest())).isZero();
        assertThat(offset(tp, OffsetSpec.latest())).isEqualTo(10);
        assertThat(offset(tp, OffsetSpec.earliestLocal())).isZero();
        assertThat(offset(tp, OffsetSpec.latestTiered()))
                .as("nothing is tiered: -1, as Kafka without remote storage")
                .isEqualTo(-1);
        assertThat(offset(tp, OffsetSpec.earliestPendingUpload()))
                .as("nothing waits to be tiered: -1, as Kafka without remote storage")
                .isEqualTo(-1);
        assertThat(offset(tp, OffsetSpec.forTimestamp(baseMs + 2500))).isEqualTo(3);
        assertThat(offset(tp, OffsetSpec.forTimestamp(baseMs))).isZero();
        ListOffsetsResult.ListOffsetsResultInfo byTime = admin.listOffsets(
                        Map.of(tp, OffsetSpec.forTimestamp(baseMs + 9000)))
                .partitionResult(tp)
                .get();
        assertThat(byTime.offset()).isEqualTo(6);
        assertThat(byTime.timestamp()).isEqualTo(baseMs + 50_000);
        assertThat(offset(tp, OffsetSpec.forTimestamp(baseMs + 60_000))).isEqualTo(-1);
        ListOffsetsResult.ListOffsetsResultInfo max = admin.listOffsets(Map.of(tp, OffsetSpec.maxTimestamp()))
                .partitionResult(tp)
                .get();
        assertThat(max.offset()).isEqualTo(6);
        assertThat(max.timestamp()).isEqualTo(baseMs + 50_000);
        // without transactions the last stable offset is the high watermark
        long readCommitted = admin.listOffsets(
                        Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .partitionResult(tp)
                .get()
                .offset();
        assertThat(readCommitted).isEqualTo(10);
    }

    @Test
    void deleteRecordsMovesEarliestAndAConsumerSeekingBelowItIsOutOfRange() throws Exception {
        createTopic("trimmed", 1, Map.of());
        TopicPartition tp = new TopicPartition("trimmed", 0);
        long nowMs = System.currentTimeMillis();
        produceWithTimestamps(tp, new long[] {nowMs, nowMs, nowMs, nowMs, nowMs, nowMs, nowMs, nowMs});

        long low = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(5)))
                .lowWatermarks()
                .get(tp)
                .get(15, TimeUnit.SECONDS)
                .lowWatermark();

        assertThat(low).isEqualTo(5);
        assertThat(offset(tp, OffsetSpec.earliest())).isEqualTo(5);
        assertThat(offset(tp, OffsetSpec.latest())).isEqualTo(8);

        try (KafkaConsumer<String, String> strict =
                newConsumer(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"))) {
            strict.assign(List.of(tp));
            strict.seek(tp, 0);
            Throwable thrown = catchThrowable(() -> {
                long deadlineMs = System.currentTimeMillis() + 10_000;
                while (System.currentTimeMillis() < deadlineMs) {
                    strict.poll(Duration.ofMillis(200));
                }
            });
            assertThat(thrown).isInstanceOf(OffsetOutOfRangeException.class);
        }
        try (KafkaConsumer<String, String> resetting =
                newConsumer(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))) {
            resetting.assign(List.of(tp));
            resetting.seek(tp, 0);
            List<ConsumerRecord<String, String>> records = pollAtLeast(resetting, 3);
            assertThat(records).extracting(ConsumerRecord::offset).containsExactly(5L, 6L, 7L);
        }
        try (KafkaConsumer<String, String> latest =
                newConsumer(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"))) {
            latest.assign(List.of(tp));
            latest.seek(tp, 0);
            latest.poll(Duration.ofMillis(500));
            assertThat(latest.position(tp, Duration.ofSeconds(10))).isEqualTo(8);
        }
    }

    @Test
    void listOffsetsOfAnUnknownTopicFailsWithUnknownTopicOrPartition() {
        TopicPartition tp = new TopicPartition("no-such-topic", 0);

        Throwable failure =
                failureOf(admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp));

        assertThat(failure).isInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void deletedRecordsAndARecreatedTopicSurviveARestart() throws Exception {
        long nowMs = System.currentTimeMillis();
        createTopic("trimmed-durably", 1, Map.of());
        TopicPartition trimmed = new TopicPartition("trimmed-durably", 0);
        produceWithTimestamps(trimmed, new long[] {nowMs, nowMs, nowMs, nowMs, nowMs});
        admin.deleteRecords(Map.of(trimmed, RecordsToDelete.beforeOffset(-1)))
                .all()
                .get(15, TimeUnit.SECONDS);
        assertThat(offset(trimmed, OffsetSpec.earliest())).isEqualTo(5);

        createTopic("reborn", 1, Map.of());
        admin.deleteTopics(List.of("reborn")).all().get(15, TimeUnit.SECONDS);
        createTopic("reborn", 1, Map.of());
        TopicPartition reborn = new TopicPartition("reborn", 0);
        produceWithTimestamps(reborn, new long[] {nowMs, nowMs});
        org.apache.kafka.common.Uuid rebornId = admin.describeTopics(List.of("reborn"))
                .allTopicNames()
                .get()
                .get("reborn")
                .topicId();

        restartBroker();

        assertThat(offset(trimmed, OffsetSpec.earliest())).isEqualTo(5);
        assertThat(offset(trimmed, OffsetSpec.latest())).isEqualTo(5);
        assertThat(admin.describeTopics(List.of("reborn"))
                        .allTopicNames()
                        .get()
                        .get("reborn")
                        .topicId())
                .isEqualTo(rebornId);
        assertThat(offset(reborn, OffsetSpec.latest())).isEqualTo(2);
        produceWithTimestamps(trimmed, new long[] {nowMs});
        assertThat(offset(trimmed, OffsetSpec.latest())).isEqualTo(6);
    }

    @Test
    void deleteRecordsBeyondTheEndFailsWithOffsetOutOfRange() throws Exception {
        createTopic("trim-too-far", 1, Map.of());
        TopicPartition tp = new TopicPartition("trim-too-far", 0);
        produceWithTimestamps(tp, new long[] {System.currentTimeMillis()});

        Throwable failure = failureOf(admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(50)))
                .all());

        assertThat(failure).isInstanceOf(org.apache.kafka.common.errors.OffsetOutOfRangeException.class);
    }

    @Test
    void deleteRecordsOnACompactOnlyTopicFailsWithPolicyViolation() throws Exception {
        createTopic("trim-compacted", 1, Map.of("cleanup.policy", "compact"));
        TopicPartition tp = new TopicPartition("trim-compacted", 0);
        produceWithTimestamps(tp, new long[] {System.currentTimeMillis(), System.currentTimeMillis()});

        Throwable failure = failureOf(
                admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(1))).all());

        assertThat(failure).isInstanceOf(org.apache.kafka.common.errors.PolicyViolationException.class);
        assertThat(offset(tp, OffsetSpec.earliest())).isZero();
    }

    @Test
    void aConsumerSeekingWithALeaderEpochIsValidatedAndKeepsReadingAcrossARestart() throws Exception {
        createTopic("epochs", 1, Map.of());
        TopicPartition tp = new TopicPartition("epochs", 0);
        long nowMs = System.currentTimeMillis();
        produceWithTimestamps(tp, new long[] {nowMs, nowMs, nowMs, nowMs, nowMs});

        try (KafkaConsumer<String, String> consumer =
                newConsumer(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, 2);
            List<ConsumerRecord<String, String>> first = pollAtLeast(consumer, 3);
            assertThat(first).extracting(ConsumerRecord::offset).containsExactly(2L, 3L, 4L);
            Optional<Integer> epoch = first.get(0).leaderEpoch();
            assertThat(epoch).isPresent();

            restartBroker();
            produceWithTimestamps(tp, new long[] {nowMs, nowMs});
            // a position with an epoch is validated with OffsetForLeaderEpoch before fetching
            consumer.seek(tp, new OffsetAndMetadata(3, epoch, ""));
            List<ConsumerRecord<String, String>> after = pollAtLeast(consumer, 4);
            assertThat(after).extracting(ConsumerRecord::offset).containsExactly(3L, 4L, 5L, 6L);
        }
    }

    @Test
    void aPositionBeyondTheEndOfItsEpochIsDetectedAsTruncation() throws Exception {
        createTopic("truncated", 1, Map.of());
        TopicPartition tp = new TopicPartition("truncated", 0);
        long nowMs = System.currentTimeMillis();
        produceWithTimestamps(tp, new long[] {nowMs, nowMs, nowMs});
        int epoch;
        try (KafkaConsumer<String, String> reader = newConsumer(Map.of())) {
            reader.assign(List.of(tp));
            reader.seek(tp, 0);
            epoch = pollAtLeast(reader, 1).get(0).leaderEpoch().orElseThrow();
        }

        try (KafkaConsumer<String, String> strict =
                newConsumer(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"))) {
            strict.assign(List.of(tp));
            strict.seek(tp, new OffsetAndMetadata(10, Optional.of(epoch), ""));
            Throwable thrown = catchThrowable(() -> {
                long deadlineMs = System.currentTimeMillis() + 10_000;
                while (System.currentTimeMillis() < deadlineMs) {
                    strict.poll(Duration.ofMillis(200));
                }
            });
            assertThat(thrown).isInstanceOf(LogTruncationException.class);
            assertThat(((LogTruncationException) thrown)
                            .divergentOffsets()
                            .get(tp)
                            .offset())
                    .isEqualTo(3);
        }
    }

    @Test
    void describeClusterShowsThisBrokerAsControllerWithAClusterIdStableAcrossRestart() throws Exception {
        DescribeClusterResult before = admin.describeCluster();
        String clusterId = before.clusterId().get();
        Node controller = before.controller().get();
        List<Node> nodes = new ArrayList<>(before.nodes().get());

        assertThat(clusterId).isNotBlank();
        assertThat(controller.id()).isEqualTo(1);
        assertThat(nodes).extracting(Node::id).containsExactly(1);
        assertThat(nodes.get(0).port()).isEqualTo(broker.address().getPort());

        restartBroker();

        DescribeClusterResult after = admin.describeCluster();
        assertThat(after.clusterId().get()).isEqualTo(clusterId);
        assertThat(after.controller().get().id()).isEqualTo(1);
    }

    /**
     * describeLogDirs (kafka-log-dirs.sh) and describeReplicaLogDirs: the broker's one data directory, every
     * partition of a topic with its log's bytes on disk, no lag, and the directory's file store's space.
     */
    @Test
    void describeLogDirsShowsTheDataDirectoryWithTheBytesOfEachPartition() throws Exception {
        createTopic("sized", 3, Map.of());
        try (KafkaProducer<String, String> producer = newProducer(Map.of())) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>("sized", 1, "k" + i, "v".repeat(100)));
            }
            producer.flush();
        }

        Map<String, LogDirDescription> dirs = admin.describeLogDirs(List.of(1))
                .allDescriptions()
                .get(15, TimeUnit.SECONDS)
                .get(1);
        assertThat(dirs).hasSize(1);
        String dir = dirs.keySet().iterator().next();
        LogDirDescription description = dirs.get(dir);
        TopicPartition written = new TopicPartition("sized", 1);
        long onDisk;
        try (Stream<Path> files = Files.list(Path.of(dir).resolve("sized-1"))) {
            onDisk = files.filter(f -> f.toString().endsWith(".log"))
                    .mapToLong(f -> f.toFile().length())
                    .sum();
        }
        DescribeReplicaLogDirsResult.ReplicaLogDirInfo replica = admin.describeReplicaLogDirs(
                        List.of(new TopicPartitionReplica("sized", 1, 1)))
                .all()
                .get(15, TimeUnit.SECONDS)
                .get(new TopicPartitionReplica("sized", 1, 1));

        assertThat(Path.of(dir)).isAbsolute().isDirectory();
        assertThat(description.error()).isNull();
        assertThat(description.replicaInfos())
                .containsKeys(written, new TopicPartition("sized", 0), new TopicPartition("sized", 2));
        assertThat(description.replicaInfos().get(written).size())
                .as("the bytes of the partition's segments")
                .isGreaterThan(100 * 100)
                .isEqualTo(onDisk);
        assertThat(description
                        .replicaInfos()
                        .get(new TopicPartition("sized", 0))
                        .size())
                .isZero();
        assertThat(description.replicaInfos().get(written).offsetLag()).isZero();
        assertThat(description.replicaInfos().get(written).isFuture()).isFalse();
        assertThat(description.totalBytes()).isPresent();
        assertThat(description.totalBytes().getAsLong()).isPositive();
        assertThat(description.usableBytes().getAsLong())
                .isBetween(0L, description.totalBytes().getAsLong());
        assertThat(replica.getCurrentReplicaLogDir()).isEqualTo(dir);
        assertThat(replica.getCurrentReplicaOffsetLag()).isZero();
    }

    /**
     * The broker answers describeFeatures (from ApiVersions) and reports no feature flags yet: the Admin
     * client sees empty maps rather than an error. When features are added, this assertion names them.
     */
    @Test
    void describeFeaturesAnswersFromApiVersionsWithNoFeaturesYet() throws Exception {
        FeatureMetadata features = admin.describeFeatures().featureMetadata().get(15, TimeUnit.SECONDS);
        assertThat(features.finalizedFeatures()).isEmpty();
        assertThat(features.supportedFeatures()).isEmpty();
    }

    static long offset(TopicPartition tp, OffsetSpec spec) throws Exception {
        return admin.listOffsets(Map.of(tp, spec))
                .partitionResult(tp)
                .get(15, TimeUnit.SECONDS)
                .offset();
    }

    static void produceWithTimestamps(TopicPartition tp, long[] timestamps) throws Exception {
        try (KafkaProducer<String, String> producer = newProducer(Map.of())) {
            for (int i = 0; i < timestamps.length; i++) {
                producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), timestamps[i], "k" + i, "v" + i))
                        .get(15, TimeUnit.SECONDS);
            }
        }
    }

    static List<ConsumerRecord<String, String>> pollAtLeast(KafkaConsumer<String, String> consumer, int count) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        long deadlineMs = System.currentTimeMillis() + 15_000;
        while (records.size() < count && System.currentTimeMillis() < deadlineMs) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }
}
