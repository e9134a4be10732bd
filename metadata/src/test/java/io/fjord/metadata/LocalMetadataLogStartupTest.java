package io.fjord.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Time;
import io.fjord.common.Uuid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up cost of a metadata log after 20k topic create+delete cycles, with and without snapshots:
 * prints the restart times (a measurement, never a gate on absolute times) and asserts what snapshots
 * change that a user sees: the log on disk stays small and a restart replays only what came after.
 */
class LocalMetadataLogStartupTest {

    private static final int CYCLES = 20_000;
    private static final int WINDOW = 500;
    private static final long SNAPSHOT_BYTES = 256 * 1024;
    private static final MetadataSnapshotPolicy POLICY = new MetadataSnapshotPolicy(SNAPSHOT_BYTES, 0);

    @TempDir
    Path dir;

    @Test
    void afterTwentyThousandTopicCyclesASnapshottedLogRestartsFromASmallTail() throws Exception {
        Path full = dir.resolve("full");
        Path snapshotted = dir.resolve("snapshotted");
        MetadataImage fullImage = churn(full, MetadataSnapshotPolicy.NEVER);
        MetadataImage snapshotImage = churn(snapshotted, POLICY);

        Restart before = restart(full);
        Restart after = restart(snapshotted);
        System.out.printf(
                "metadata log start-up after %d topic create+delete cycles: full log %d ms (%d bytes, %d batches"
                        + " replayed); with snapshots every 256 KiB %d ms (%d bytes, %d batches replayed)%n",
                CYCLES,
                before.millis(),
                before.bytes(),
                before.batches(),
                after.millis(),
                after.bytes(),
                after.batches());

        assertThat(before.image()).isEqualTo(fullImage);
        assertThat(after.image()).isEqualTo(snapshotImage);
        assertThat(after.image().topics().topicsByName()).containsOnlyKeys("kept");
        assertThat(after.image().offset()).isEqualTo(before.image().offset());
        // Two snapshots (each of a near-empty image) and the batches since the older of them.
        assertThat(after.bytes()).isLessThan(3 * SNAPSHOT_BYTES);
        assertThat(after.batches()).isLessThan(before.batches() / 2);
    }

    /** Registers a broker, creates and deletes CYCLES topics and keeps one; the image that results. */
    private static MetadataImage churn(Path directory, MetadataSnapshotPolicy policy) throws Exception {
        try (LocalMetadataLog log =
                LocalMetadataLog.open(directory, LocalMetadataLog.DEFAULT_MAX_BATCH_BYTES, policy, Time.SYSTEM)) {
            MetadataLoader loader = new MetadataLoader();
            log.register(loader);
            log.append(List.of(new RegisterBrokerRecord(0, new Uuid(9, 9), List.of(), null, false)));
            List<CompletableFuture<Long>> window = new ArrayList<>();
            for (int i = 0; i < CYCLES; i++) {
                Uuid id = new Uuid(i + 1L, i + 1L);
                window.add(log.append(List.of(
                        new TopicRecord("topic-" + i, id),
                        new PartitionRecord(id, 0, new int[] {0}, new int[] {0}, 0, 0, 0))));
                window.add(log.append(List.of(new RemoveTopicRecord(id))));
                if (window.size() >= WINDOW) {
                    CompletableFuture.allOf(window.toArray(CompletableFuture[]::new))
                            .get(60, TimeUnit.SECONDS);
                    window.clear();
                }
            }
            Uuid kept = new Uuid(0, 7);
            log.append(List.of(
                            new TopicRecord("kept", kept),
                            new PartitionRecord(kept, 0, new int[] {0}, new int[] {0}, 0, 0, 0)))
                    .get(60, TimeUnit.SECONDS);
            return loader.image();
        }
    }

    private record Restart(long millis, long bytes, int batches, MetadataImage image) {}

    /** Opens the log and loads it into a fresh loader, as a broker does at start; the fastest of three. */
    private static Restart restart(Path directory) throws Exception {
        Restart best = null;
        for (int run = 0; run < 3; run++) {
            long startNs = System.nanoTime();
            int[] batches = {0};
            MetadataLoader loader = new MetadataLoader();
            MetadataImage image;
            try (LocalMetadataLog log = LocalMetadataLog.open(directory)) {
                log.register(new MetadataListener() {
                    @Override
                    public void onCommit(MetadataBatch batch) {
                        batches[0]++;
                    }
                });
                log.register(loader);
                image = loader.caughtUp().get(60, TimeUnit.SECONDS);
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            if (best == null || millis < best.millis()) {
                best = new Restart(millis, directoryBytes(directory), batches[0], image);
            }
        }
        return best;
    }

    private static long directoryBytes(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            long total = 0;
            for (Path file : files.toList()) {
                total += Files.size(file);
            }
            return total;
        }
    }
}
