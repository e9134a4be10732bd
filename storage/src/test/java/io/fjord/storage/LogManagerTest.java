package io.fjord.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.common.Uuid;
import io.fjord.testkit.MockTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogManagerTest {

    @TempDir
    Path tmp;

    final MockTime time = new MockTime();
    final TopicPartition tp = new TopicPartition("my-topic", 3);
    final Uuid topicId = Uuid.random(new Random(42));
    final LogConfig config =
            LogConfig.builder().segmentBytes(500).indexIntervalBytes(100).build();
    LogManager manager;

    LogManager start() {
        manager = new LogManager(List.of(tmp.resolve("a"), tmp.resolve("b")), time, config, 60_000, 60_000, 2);
        manager.startup();
        return manager;
    }

    @AfterEach
    void stop() {
        if (manager != null) {
            manager.shutdown();
        }
    }

    void append(UnifiedLog log, int batches) {
        for (int i = 0; i < batches; i++) {
            log.appendAsLeader(
                    TestBatches.batch()
                            .producer(9, 0, (int) log.logEndOffset())
                            .record(time.milliseconds(), "k", "v")
                            .build(),
                    0);
        }
    }

    @Test
    void createsLogsSpreadOverTheLogDirs() {
        start();
        UnifiedLog first = manager.getOrCreateLog(tp, topicId, config);
        UnifiedLog second = manager.getOrCreateLog(new TopicPartition("other", 0), topicId, config);
        assertThat(first.dir()).isEqualTo(tmp.resolve("a").resolve("my-topic-3"));
        assertThat(second.dir().getParent()).isEqualTo(tmp.resolve("b"));
        assertThat(manager.getOrCreateLog(tp, topicId, config)).isSameAs(first);
        assertThat(manager.log(tp)).contains(first);
    }

    @Test
    void aCheckpointIsRewrittenOnlyWhenItsEntriesChange() throws Exception {
        start();
        UnifiedLog log = manager.getOrCreateLog(tp, topicId, config);
        append(log, 3);
        manager.writeCheckpoints();
        Path dir = log.dir().getParent();
        Object hwFile = Files.getAttribute(dir.resolve(LogManager.HIGH_WATERMARK_CHECKPOINT), "unix:ino");
        Object startFile = Files.getAttribute(dir.resolve(LogManager.LOG_START_OFFSET_CHECKPOINT), "unix:ino");

        manager.writeCheckpoints();
        assertThat(Files.getAttribute(dir.resolve(LogManager.HIGH_WATERMARK_CHECKPOINT), "unix:ino"))
                .isEqualTo(hwFile);

        log.updateHighWatermark(log.logEndOffset());
        manager.writeCheckpoints();
        assertThat(Files.getAttribute(dir.resolve(LogManager.HIGH_WATERMARK_CHECKPOINT), "unix:ino"))
                .isNotEqualTo(hwFile);
        assertThat(Files.readAllLines(dir.resolve(LogManager.HIGH_WATERMARK_CHECKPOINT)))
                .contains("my-topic 3 " + log.logEndOffset());
        assertThat(Files.getAttribute(dir.resolve(LogManager.LOG_START_OFFSET_CHECKPOINT), "unix:ino"))
                .isEqualTo(startFile);
    }

    @Test
    void refusesAnotherTopicIdForAnExistingLog() {
        start();
        manager.getOrCreateLog(tp, topicId, config);
        assertThatThrownBy(() -> manager.getOrCreateLog(tp, Uuid.random(new Random(7)), config))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.error()).isEqualTo(Errors.INCONSISTENT_TOPIC_ID));
    }

    @Test
    void aCleanRestartRestoresOffsetsHighWatermarkStartOffsetAndProducerState() {
        start();
        UnifiedLog log = manager.getOrCreateLog(tp, topicId, config);
        append(log, 40);
        log.updateHighWatermark(35);
        log.deleteRecordsBefore(12);
        manager.shutdown();
        assertThat(tmp.resolve("a").resolve(LogManager.CLEAN_SHUTDOWN_FILE)).exists();
        start();
        assertThat(tmp.resolve("a").resolve(LogManager.CLEAN_SHUTDOWN_FILE)).doesNotExist();
        UnifiedLog reloaded = manager.log(tp).orElseThrow();
        assertThat(reloaded.logEndOffset()).isEqualTo(40);
        assertThat(reloaded.highWatermark()).isEqualTo(35);
        assertThat(reloaded.logStartOffset()).isEqualTo(12);
        assertThat(manager.topicId(tp)).contains(topicId);
        LogAppendInfo retry = reloaded.appendAsLeader(
                TestBatches.batch()
                        .producer(9, 0, 39)
                        .record(time.milliseconds(), "k", "v")
                        .build(),
                0);
        assertThat(retry.firstOffset()).isEqualTo(39);
        assertThat(reloaded.logEndOffset()).isEqualTo(40);
    }

    @Test
    void anUncleanRestartRecoversTheLogs() throws Exception {
        start();
        UnifiedLog log = manager.getOrCreateLog(tp, topicId, config);
        append(log, 40);
        manager.flushDirtyLogs(); // checkpoints, recovery point at the active segment
        append(log, 5);
        // simulate a crash: drop the manager without shutdown, tear the active segment
        Path active = LogSegment.logFile(log.dir(), log.activeSegmentBaseOffset());
        try (var ch = java.nio.channels.FileChannel.open(active, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 5);
        }
        manager = null;
        start();
        UnifiedLog reloaded = manager.log(tp).orElseThrow();
        assertThat(reloaded.logEndOffset()).isEqualTo(44);
        assertThat(reloaded.appendAsLeader(
                                TestBatches.batch()
                                        .producer(9, 0, 44)
                                        .record(time.milliseconds(), "k", "v")
                                        .build(),
                                0)
                        .firstOffset())
                .isEqualTo(44);
    }

    @Test
    void deletingALogRemovesItsDirectory() throws Exception {
        start();
        UnifiedLog log = manager.getOrCreateLog(tp, topicId, config);
        append(log, 3);
        assertThat(manager.deleteLog(tp)).isTrue();
        assertThat(manager.log(tp)).isEmpty();
        assertThat(log.dir()).doesNotExist();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Stream<Path> children = Files.list(tmp.resolve("a"))) {
                if (children.noneMatch(p -> p.getFileName().toString().endsWith(LogManager.DELETE_DIR_SUFFIX))) {
                    return;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the renamed directory was not deleted");
    }

    @Test
    void retentionPassDeletesExpiredSegmentsOfEveryLog() {
        start();
        LogConfig shortLived = config.toBuilder().retentionMs(1_000).build();
        UnifiedLog log = manager.getOrCreateLog(tp, topicId, shortLived);
        append(log, 30);
        log.updateHighWatermark(30);
        time.advanceMs(2_000);
        manager.runRetention();
        assertThat(log.logStartOffset()).isEqualTo(30);
        assertThat(log.numberOfSegments()).isEqualTo(1);
    }

    @Test
    void flushMsFlushesAndAdvancesTheRecoveryPoint() {
        start();
        UnifiedLog log = manager.getOrCreateLog(
                tp, topicId, config.toBuilder().flushMs(1_000).build());
        append(log, 3);
        assertThat(log.recoveryPoint()).isZero();
        time.advanceMs(1_000);
        manager.flushDirtyLogs();
        assertThat(log.recoveryPoint()).isEqualTo(3);
    }

    @Test
    void flushMessagesFlushesOnAppend() {
        start();
        UnifiedLog log = manager.getOrCreateLog(
                tp, topicId, config.toBuilder().flushMessages(2).build());
        append(log, 1);
        assertThat(log.recoveryPoint()).isZero();
        append(log, 1);
        assertThat(log.recoveryPoint()).isEqualTo(2);
    }

    @Test
    void retentionWaitsForTheTopicConfigOfALogLoadedAtStartup() {
        start();
        LogConfig keepForever = LogConfig.builder()
                .segmentBytes(500)
                .indexIntervalBytes(100)
                .retentionMs(-1)
                .build();
        append(manager.getOrCreateLog(tp, topicId, keepForever), 40);
        manager.shutdown();
        time.advanceMs(30L * 24 * 3_600_000); // older than the broker default of 7 days
        manager = new LogManager(
                List.of(tmp.resolve("a"), tmp.resolve("b")),
                time,
                LogConfig.builder().segmentBytes(500).retentionMs(1_000).build(),
                60_000,
                60_000,
                2);
        manager.startup();
        UnifiedLog loaded = manager.log(tp).orElseThrow();
        loaded.updateHighWatermark(loaded.logEndOffset());
        manager.runRetention();
        assertThat(loaded.logStartOffset())
                .as("no retention before the topic config is known")
                .isZero();
        manager.getOrCreateLog(tp, topicId, keepForever);
        manager.runRetention();
        assertThat(loaded.logStartOffset()).isZero();
        manager.getOrCreateLog(
                tp,
                topicId,
                LogConfig.builder().segmentBytes(500).retentionMs(1_000).build());
        manager.runRetention();
        assertThat(loaded.logStartOffset()).isEqualTo(40);
    }
}
