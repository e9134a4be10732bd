package io.fjord.broker.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.common.Uuid;
import io.fjord.metadata.MetadataDelta;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.PartitionRecord;
import io.fjord.metadata.PartitionRegistration;
import io.fjord.metadata.TopicRecord;
import io.fjord.storage.LogConfig;
import io.fjord.storage.LogManager;
import io.fjord.testkit.MockTime;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicaManagerTest {

    private static final int LOCAL = 1;
    private static final Uuid TOPIC_ID = new Uuid(7, 11);
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    @TempDir
    Path dir;

    private LogManager logManager;
    private ScheduledExecutorService timer;
    private ReplicaManager replicas;

    @BeforeEach
    void setUp() {
        logManager = new LogManager(List.of(dir), new MockTime(), LogConfig.DEFAULT);
        logManager.startup();
        timer = Executors.newSingleThreadScheduledExecutor();
        replicas = new ReplicaManager(logManager, timer, LOCAL);
    }

    @AfterEach
    void tearDown() {
        replicas.shutdown();
        logManager.shutdown();
        timer.shutdownNow();
    }

    @Test
    void theLeaderServesItsPartition() {
        replicas.applyPartition(P0, TOPIC_ID, LogConfig.DEFAULT, reg(new int[] {LOCAL}, LOCAL, 0), 1);

        assertThat(replicas.partitionOrThrow(P0).leaderId()).isEqualTo(LOCAL);
    }

    @Test
    void aFollowerAnswersNotLeaderOrFollower() {
        replicas.applyPartition(P0, TOPIC_ID, LogConfig.DEFAULT, reg(new int[] {2, LOCAL}, 2, 0), 1);

        assertThatThrownBy(() -> replicas.partitionOrThrow(P0))
                .isInstanceOf(ApiException.class)
                .extracting(e -> ((ApiException) e).error())
                .isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
    }

    @Test
    void aPartitionOfTheMetadataWithoutAReplicaHereAnswersNotLeaderOrFollower() {
        replicas.onMetadataImage(imageWithPartitions(2));

        assertThatThrownBy(() -> replicas.partitionOrThrow(P1))
                .extracting(e -> ((ApiException) e).error())
                .isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThatThrownBy(() -> replicas.partitionOrThrow(new TopicPartition("t", 5)))
                .extracting(e -> ((ApiException) e).error())
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThatThrownBy(() -> replicas.partitionOrThrow(new TopicPartition("other", 0)))
                .extracting(e -> ((ApiException) e).error())
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    @Test
    void aPartitionWhoseLeadershipMovesHereIsServedFromThen() {
        replicas.applyPartition(P0, TOPIC_ID, LogConfig.DEFAULT, reg(new int[] {2, LOCAL}, 2, 0), 1);
        replicas.applyPartition(P0, TOPIC_ID, LogConfig.DEFAULT, reg(new int[] {LOCAL}, LOCAL, 1), 1);

        assertThat(replicas.partitionOrThrow(P0).leaderEpoch()).isEqualTo(1);
    }

    @Test
    void aFollowerFetchesFromItsLeaderUntilItLeadsOrTheLeaderIsGone() {
        replicas.applyPartition(P0, TOPIC_ID, LogConfig.DEFAULT, reg(new int[] {2, LOCAL}, 2, 0), 1);
        assertThat(replicas.fetchedPartitions()).containsExactly(P0);

        replicas.applyPartition(P0, TOPIC_ID, LogConfig.DEFAULT, reg(new int[] {LOCAL}, LOCAL, 1), 1);
        assertThat(replicas.fetchedPartitions()).isEmpty();
        assertThat(replicas.partitionOrThrow(P0).isLeader()).isTrue();

        replicas.applyPartition(P0, TOPIC_ID, LogConfig.DEFAULT, reg(new int[] {LOCAL}, -1, 2), 1);
        assertThat(replicas.fetchedPartitions())
                .as("no leader: nothing to fetch from")
                .isEmpty();
        assertThatThrownBy(() -> replicas.partitionOrThrow(P0))
                .extracting(e -> ((ApiException) e).error())
                .isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);

        replicas.applyPartition(P0, TOPIC_ID, LogConfig.DEFAULT, reg(new int[] {2, LOCAL}, 2, 3), 1);
        assertThat(replicas.fetchedPartitions()).containsExactly(P0);
        replicas.removePartition(P0);
        assertThat(replicas.fetchedPartitions()).isEmpty();
        assertThat(replicas.hostedPartitions()).isEmpty();
    }

    private static PartitionRegistration reg(int[] isr, int leader, int leaderEpoch) {
        return new PartitionRegistration(new int[] {LOCAL, 2}, isr, leader, leaderEpoch, leaderEpoch);
    }

    private static MetadataImage imageWithPartitions(int count) {
        MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
        delta.replay(new TopicRecord("t", TOPIC_ID));
        for (int p = 0; p < count; p++) {
            delta.replay(new PartitionRecord(TOPIC_ID, p, new int[] {2}, new int[] {2}, 2, 0, 0));
        }
        return delta.apply(0);
    }
}
