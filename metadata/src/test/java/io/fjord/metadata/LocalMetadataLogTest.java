package io.fjord.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.Uuid;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalMetadataLogTest {

    @TempDir
    Path dir;

    /** Records every callback, in order, with the thread it came on. */
    static final class RecordingListener implements MetadataListener {
        final List<MetadataBatch> batches = Collections.synchronizedList(new ArrayList<>());
        final CompletableFuture<Long> replayed = new CompletableFuture<>();
        volatile String threadName;

        @Override
        public void onCommit(MetadataBatch batch) {
            threadName = Thread.currentThread().getName();
            batches.add(batch);
        }

        @Override
        public void onReplayComplete(long lastOffset) {
            replayed.complete(lastOffset);
        }

        final CompletableFuture<Long> leaderEpoch = new CompletableFuture<>();

        @Override
        public void onBecomeLeader(long epoch) {
            if (!replayed.isDone()) {
                leaderEpoch.completeExceptionally(new AssertionError("leader before the replay completed"));
            }
            leaderEpoch.complete(epoch);
        }

        List<MetadataRecord> records() {
            List<MetadataRecord> records = new ArrayList<>();
            synchronized (batches) {
                batches.forEach(b -> records.addAll(b.records()));
            }
            return records;
        }
    }

    static <T> T get(CompletableFuture<T> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }

    static List<MetadataRecord> topic(String name, long seed) {
        Uuid id = new Uuid(seed, seed);
        return List.of(
                new TopicRecord(name, id),
                new PartitionRecord(id, 0, new int[] {1}, new int[] {1}, 1, 0, 0),
                new ConfigRecord(ConfigResourceType.TOPIC, name, "retention.ms", String.valueOf(seed)));
    }

    @Test
    void appendsCompleteWithTheLastOffsetAfterListenersHeardTheBatch() throws Exception {
        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            RecordingListener listener = new RecordingListener();
            log.register(listener);
            assertThat(get(listener.replayed)).isEqualTo(-1L);

            assertThat(get(log.append(topic("a", 1)))).isEqualTo(2L);
            assertThat(listener.batches).hasSize(1);
            assertThat(get(log.append(List.of(new NoOpRecord())))).isEqualTo(3L);
            assertThat(listener.batches).extracting(MetadataBatch::baseOffset).containsExactly(0L, 3L);
            assertThat(listener.threadName).isEqualTo("fjord-metadata-log-writer");
            assertThat(log.endOffset()).isEqualTo(4L);
        }
    }

    @Test
    void concurrentAppendsAreCommittedInOrderWithDistinctOffsets() throws Exception {
        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            RecordingListener listener = new RecordingListener();
            log.register(listener);
            List<CompletableFuture<Long>> futures = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                futures.add(log.append(List.of(new NoOpRecord(), new RemoveTopicRecord(new Uuid(i, i)))));
            }
            for (int i = 0; i < futures.size(); i++) {
                assertThat(get(futures.get(i))).isEqualTo(2L * i + 1);
            }
            assertThat(listener.batches)
                    .extracting(MetadataBatch::baseOffset)
                    .containsExactlyElementsOf(
                            LongStream.range(0, 200).map(i -> 2 * i).boxed().toList());
        }
        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            assertThat(log.endOffset()).isEqualTo(400L);
        }
    }

    @Test
    void aReopenedLogReplaysEveryBatchInOrderThenContinuesTheOffsets() throws Exception {
        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            get(log.append(topic("a", 1)));
            get(log.append(topic("b", 2)));
        }
        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            RecordingListener listener = new RecordingListener();
            log.register(listener);
            assertThat(get(listener.replayed)).isEqualTo(5L);
            List<MetadataRecord> expected = new ArrayList<>(topic("a", 1));
            expected.addAll(topic("b", 2));
            assertThat(listener.records()).isEqualTo(expected);

            assertThat(get(log.append(List.of(new NoOpRecord())))).isEqualTo(6L);
            assertThat(listener.batches).extracting(MetadataBatch::baseOffset).containsExactly(0L, 3L, 6L);
        }
    }

    @Test
    void aTornTailIsTruncatedOnOpenAndTheImageEqualsTheOneBeforeTheLostWrite() throws Exception {
        MetadataLoader before = new MetadataLoader();
        long goodSize;
        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            log.register(before);
            get(log.append(topic("a", 1)));
            get(log.append(topic("b", 2)));
            goodSize = Files.size(log.file());
            get(log.append(topic("c", 3)));
        }
        Path file = MetadataLogDirectory.segmentFile(dir, 0);
        long fullSize = Files.size(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(goodSize + (fullSize - goodSize) / 2); // a crash in the middle of the third frame
        }

        MetadataImage recovered = reopenAndLoad();
        assertThat(Files.size(file)).isEqualTo(goodSize);
        assertThat(recovered.topics().topicsByName().keySet()).containsExactlyInAnyOrder("a", "b");
        assertThat(recovered.offset()).isEqualTo(5L);
        MetadataImage expected = MetadataDeltaTest.replay(
                MetadataImage.EMPTY,
                5,
                before.image().toRecords().stream()
                        .filter(r -> !mentions(r, "c", new Uuid(3, 3)))
                        .toArray(MetadataRecord[]::new));
        assertThat(recovered).isEqualTo(expected);
    }

    private static boolean mentions(MetadataRecord record, String name, Uuid id) {
        return (record instanceof TopicRecord t && t.name().equals(name))
                || (record instanceof PartitionRecord p && p.topicId().equals(id))
                || (record instanceof ConfigRecord c && c.resourceName().equals(name));
    }

    @Test
    void aFlippedByteInTheLastFrameTruncatesItAndAppendsReuseItsOffsets() throws Exception {
        long goodSize;
        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            get(log.append(topic("a", 1)));
            goodSize = Files.size(log.file());
            get(log.append(topic("b", 2)));
        }
        Path file = MetadataLogDirectory.segmentFile(dir, 0);
        flipByte(file, Files.size(file) - 3);

        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            assertThat(Files.size(file)).isEqualTo(goodSize);
            assertThat(log.endOffset()).isEqualTo(3L);
            assertThat(get(log.append(topic("c", 3)))).isEqualTo(5L);
        }
        assertThat(reopenAndLoad().topics().topicsByName().keySet()).containsExactlyInAnyOrder("a", "c");
    }

    @Test
    void anImageSurvivesCloseAndReopenUnchanged() throws Exception {
        MetadataLoader before = new MetadataLoader();
        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            log.register(before);
            for (int i = 0; i < 20; i++) {
                get(log.append(topic("t" + i, i + 1)));
            }
            get(log.append(List.of(new RemoveTopicRecord(new Uuid(5, 5)))));
        }
        assertThat(reopenAndLoad()).isEqualTo(before.image());
    }

    @Test
    void garbageInsteadOfAFrameHeaderIsTruncatedToAnEmptyLog() throws Exception {
        Files.write(
                MetadataLogDirectory.segmentFile(dir, 0),
                new byte[] {0x7F, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21});
        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            assertThat(Files.size(log.file())).isZero();
            assertThat(get(log.append(List.of(new NoOpRecord())))).isZero();
        }
    }

    @Test
    void aFrameWhoseBaseOffsetDoesNotContinueTheLogIsTruncated() throws Exception {
        Path file = MetadataLogDirectory.segmentFile(dir, 0);
        byte[] first = frameBytes(0, List.of(new NoOpRecord()));
        byte[] skipping = frameBytes(5, List.of(new NoOpRecord()));
        byte[] both = new byte[first.length + skipping.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(skipping, 0, both, first.length, skipping.length);
        Files.write(file, both);

        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            assertThat(Files.size(file)).isEqualTo(first.length);
            assertThat(log.endOffset()).isEqualTo(1L);
        }
    }

    @Test
    void aBatchLargerThanTheLimitFailsWithoutTouchingTheLog() throws Exception {
        try (LocalMetadataLog log = LocalMetadataLog.open(dir, 64)) {
            CompletableFuture<Long> tooBig = log.append(topic("a-rather-long-topic-name-for-a-tiny-limit", 1));
            assertThatThrownBy(() -> get(tooBig))
                    .isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("exceeds the limit of 64 bytes");
            assertThat(get(log.append(List.of(new NoOpRecord())))).isZero();
        }
    }

    @Test
    void appendsAfterCloseFailAndEmptyBatchesAreRefused() throws Exception {
        LocalMetadataLog log = LocalMetadataLog.open(dir);
        assertThatThrownBy(() -> get(log.append(List.of()))).hasCauseInstanceOf(IllegalArgumentException.class);
        log.close();
        assertThatThrownBy(() -> get(log.append(List.of(new NoOpRecord())))).hasMessageContaining("closed");
    }

    private MetadataImage reopenAndLoad() throws Exception {
        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            MetadataLoader loader = new MetadataLoader();
            log.register(loader);
            return get(loader.caughtUp());
        }
    }

    private static byte[] frameBytes(long baseOffset, List<MetadataRecord> records) {
        java.nio.ByteBuffer frame =
                MetadataLogFrames.encode(baseOffset, records, LocalMetadataLog.DEFAULT_MAX_BATCH_BYTES);
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        return bytes;
    }

    static void flipByte(Path file, long position) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(position);
            int b = raf.read();
            raf.seek(position);
            raf.write(b ^ 0x40);
        }
    }

    @Test
    void aSingleNodeLogLeadsAtEpochZeroOnceItsListenerHasReplayed() throws Exception {
        try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
            get(log.append(topic("a", 1)));
            RecordingListener listener = new RecordingListener();
            log.register(listener);
            assertThat(get(listener.leaderEpoch)).isZero();
            assertThat(get(listener.replayed)).isEqualTo(topic("a", 1).size() - 1L);
        }
    }
}
