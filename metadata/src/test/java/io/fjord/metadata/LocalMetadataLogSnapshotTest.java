package io.fjord.metadata;

import static io.fjord.metadata.LocalMetadataLogTest.flipByte;
import static io.fjord.metadata.LocalMetadataLogTest.get;
import static io.fjord.metadata.LocalMetadataLogTest.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.Uuid;
import io.fjord.testkit.MockTime;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LocalMetadataLogSnapshotTest {

    /** Snapshots after every append. */
    private static final MetadataSnapshotPolicy EVERY_APPEND = new MetadataSnapshotPolicy(1, 0);

    @TempDir
    Path dir;

    private final MockTime time = new MockTime();

    private LocalMetadataLog open(MetadataSnapshotPolicy policy) throws IOException {
        return LocalMetadataLog.open(dir, LocalMetadataLog.DEFAULT_MAX_BATCH_BYTES, policy, time);
    }

    /** Creates topics t0..t(n-1), deletes every third and sets a config, through {@code log}. */
    private static void churn(LocalMetadataLog log, int from, int n) throws Exception {
        for (int i = from; i < from + n; i++) {
            get(log.append(topic("t" + i, i + 1)));
            if (i % 3 == 0) {
                get(log.append(List.of(new RemoveTopicRecord(new Uuid(i + 1, i + 1)))));
            }
        }
    }

    /** Returns once the writer thread has finished what was queued before (a snapshot runs after an append). */
    private static void awaitWriter(LocalMetadataLog log) throws Exception {
        LocalMetadataLogTest.RecordingListener barrier = new LocalMetadataLogTest.RecordingListener();
        log.register(barrier);
        get(barrier.replayed);
    }

    private MetadataImage reopenAndLoad() throws Exception {
        try (LocalMetadataLog log = open(MetadataSnapshotPolicy.NEVER)) {
            MetadataLoader loader = new MetadataLoader();
            log.register(loader);
            return get(loader.caughtUp());
        }
    }

    private List<Long> offsetsOf(String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(name -> name.endsWith(suffix))
                    .map(name -> Long.parseLong(name.substring(0, 20)))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void aSnapshotPlusTheShorterLogLoadsTheSameImageAndOffsetsKeepCounting() throws Exception {
        MetadataLoader before = new MetadataLoader();
        long endOffset;
        try (LocalMetadataLog log = open(EVERY_APPEND)) {
            log.register(before);
            churn(log, 0, 30);
            endOffset = log.endOffset();
        }
        // The last two appends were topics of three records each.
        assertThat(offsetsOf(".snapshot")).containsExactly(endOffset - 4, endOffset - 1);
        assertThat(offsetsOf(".log"))
                .as("the log before the older snapshot is gone")
                .containsExactly(endOffset - 3, endOffset);

        assertThat(reopenAndLoad()).isEqualTo(before.image());
        try (LocalMetadataLog log = open(EVERY_APPEND)) {
            assertThat(log.endOffset()).isEqualTo(endOffset);
            assertThat(get(log.append(List.of(new NoOpRecord())))).isEqualTo(endOffset);
        }
    }

    @Test
    void scramCredentialsSurviveASnapshotThatReplacedTheirRecords() throws Exception {
        MetadataLoader before = new MetadataLoader();
        try (LocalMetadataLog log = open(EVERY_APPEND)) {
            log.register(before);
            get(log.append(List.of(
                    new UserScramCredentialRecord(
                            "alice", ScramAlgorithm.SCRAM_SHA_256, MetadataDeltaTest.credential(1)),
                    new UserScramCredentialRecord(
                            "bob", ScramAlgorithm.SCRAM_SHA_512, MetadataDeltaTest.credential(2)))));
            get(log.append(List.of(new RemoveUserScramCredentialRecord("bob", ScramAlgorithm.SCRAM_SHA_512))));
            churn(log, 0, 2); // later snapshots drop the log that held the credential records
            awaitWriter(log);
        }
        assertThat(offsetsOf(".log")).doesNotContain(0L);

        MetadataImage loaded = reopenAndLoad();
        assertThat(loaded.scram()).isEqualTo(before.image().scram());
        assertThat(loaded.scram().credential(ScramAlgorithm.SCRAM_SHA_256, "alice"))
                .isEqualTo(MetadataDeltaTest.credential(1));
        assertThat(loaded.scram().credentials(ScramAlgorithm.SCRAM_SHA_512)).isEmpty();
    }

    @Test
    void aListenerOfASnapshottedLogGetsTheImageAsOneBatchEndingAtTheSnapshotOffset() throws Exception {
        try (LocalMetadataLog log = open(EVERY_APPEND)) {
            churn(log, 0, 4);
        }
        try (LocalMetadataLog log = open(MetadataSnapshotPolicy.NEVER)) {
            LocalMetadataLogTest.RecordingListener listener = new LocalMetadataLogTest.RecordingListener();
            log.register(listener);
            assertThat(get(listener.replayed)).isEqualTo(log.endOffset() - 1);
            assertThat(listener.batches).hasSize(1);
            assertThat(listener.batches.get(0).lastOffset()).isEqualTo(log.endOffset() - 1);
        }
    }

    @Test
    void theTimeTriggerSnapshotsOnTheFirstAppendAfterTheInterval() throws Exception {
        try (LocalMetadataLog log = open(new MetadataSnapshotPolicy(Long.MAX_VALUE, 1000))) {
            get(log.append(topic("a", 1)));
            awaitWriter(log);
            assertThat(offsetsOf(".snapshot")).isEmpty();
            time.advanceMs(1000);
            get(log.append(topic("b", 2)));
            awaitWriter(log);
            assertThat(offsetsOf(".snapshot")).containsExactly(5L);
        }
    }

    @ParameterizedTest
    @EnumSource(LocalMetadataLog.SnapshotStep.class)
    void aCrashAfterAnySnapshotStepLoadsTheSameImage(LocalMetadataLog.SnapshotStep crashAt) throws Exception {
        try (LocalMetadataLog log = open(new MetadataSnapshotPolicy(Long.MAX_VALUE, 0))) {
            churn(log, 0, 12); // the full log, never snapshotted yet
        }
        MetadataLoader before = new MetadataLoader();
        long endOffset;
        // Two snapshots, the second stopping after crashAt as a crash would stop it.
        int[] snapshots = {0};
        LocalMetadataLog.SnapshotHook crash = step -> {
            if (snapshots[0] == 1 && step == crashAt) {
                throw new IOException("crash after " + step);
            }
            if (step == LocalMetadataLog.SnapshotStep.PREFIX_DROPPED) {
                snapshots[0]++;
            }
        };
        try (LocalMetadataLog log =
                LocalMetadataLog.open(dir, LocalMetadataLog.DEFAULT_MAX_BATCH_BYTES, EVERY_APPEND, time, crash)) {
            log.register(before);
            churn(log, 100, 2);
            endOffset = log.endOffset();
        }
        Files.write(dir.resolve(String.format("%020d", endOffset + 7) + ".snapshot.tmp"), new byte[] {1, 2, 3});

        assertThat(reopenAndLoad()).isEqualTo(before.image());
        assertThat(offsetsOf(".tmp")).isEmpty();
        try (LocalMetadataLog log = open(EVERY_APPEND)) {
            assertThat(get(log.append(List.of(new NoOpRecord())))).isEqualTo(endOffset);
        }
        assertThat(reopenAndLoad().offset()).isEqualTo(endOffset);
    }

    @Test
    void aCorruptNewestSnapshotFallsBackToTheOlderOneAndTheLogAfterIt() throws Exception {
        MetadataLoader before = new MetadataLoader();
        try (LocalMetadataLog log = open(EVERY_APPEND)) {
            log.register(before);
            churn(log, 0, 10);
        }
        List<Long> snapshots = offsetsOf(".snapshot");
        flipByte(MetadataLogDirectory.snapshotFile(dir, snapshots.get(1)), 30);

        assertThat(reopenAndLoad()).isEqualTo(before.image());
        assertThat(offsetsOf(".snapshot")).containsExactly(snapshots.get(0));
    }

    @Test
    void aCorruptFirstSnapshotFallsBackToTheFullLog() throws Exception {
        MetadataLoader before = new MetadataLoader();
        try (LocalMetadataLog log = open(new MetadataSnapshotPolicy(Long.MAX_VALUE, 1000))) {
            log.register(before);
            churn(log, 0, 10);
            time.advanceMs(1000);
            churn(log, 10, 1);
        }
        assertThat(offsetsOf(".snapshot")).hasSize(1);
        assertThat(offsetsOf(".log")).startsWith(0L);
        Path snapshot =
                MetadataLogDirectory.snapshotFile(dir, offsetsOf(".snapshot").get(0));
        try (RandomAccessFile raf = new RandomAccessFile(snapshot.toFile(), "rw")) {
            raf.setLength(raf.length() / 2); // torn
        }

        assertThat(reopenAndLoad()).isEqualTo(before.image());
    }

    @Test
    void withEverySnapshotCorruptAndTheLogPrefixGoneOpeningFailsNamingTheGap() throws Exception {
        try (LocalMetadataLog log = open(EVERY_APPEND)) {
            churn(log, 0, 10);
        }
        for (long offset : offsetsOf(".snapshot")) {
            flipByte(MetadataLogDirectory.snapshotFile(dir, offset), 30);
        }
        assertThatThrownBy(() -> open(EVERY_APPEND))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no intact snapshot covers the offsets before it");
    }

    @Test
    void aLogFromBeforeSegmentsIsTakenAsTheSegmentAtOffsetZero() throws Exception {
        MetadataLoader before = new MetadataLoader();
        try (LocalMetadataLog log = open(MetadataSnapshotPolicy.NEVER)) {
            log.register(before);
            churn(log, 0, 3);
        }
        Files.move(MetadataLogDirectory.segmentFile(dir, 0), dir.resolve(MetadataLogDirectory.LEGACY_FILE_NAME));

        assertThat(reopenAndLoad()).isEqualTo(before.image());
        assertThat(offsetsOf(".log")).containsExactly(0L);
    }
}
