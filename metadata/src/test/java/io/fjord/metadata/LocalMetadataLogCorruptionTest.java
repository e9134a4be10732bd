package io.fjord.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Fault injection: whatever happens to the file's bytes, reopening yields a prefix of what was committed. */
class LocalMetadataLogCorruptionTest {

    @Property(seed = "20261122", tries = 150)
    void anyTruncationOrFlippedByteLeavesAPrefixOfTheCommittedBatches(@ForAll long seed) throws Exception {
        Random random = new Random(seed);
        Path dir = Files.createTempDirectory("metadata-log-fault");
        try {
            List<MetadataBatch> written = new ArrayList<>();
            try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
                for (int b = 1 + random.nextInt(6); b > 0; b--) {
                    List<MetadataRecord> records = new ArrayList<>();
                    for (int r = 1 + random.nextInt(4); r > 0; r--) {
                        records.add(MetadataRecordSerdeTest.randomRecord(random));
                    }
                    long last = log.append(records).get(10, TimeUnit.SECONDS);
                    written.add(new MetadataBatch(last - records.size() + 1, records));
                }
            }
            corrupt(MetadataLogDirectory.segmentFile(dir, 0), random);

            try (LocalMetadataLog log = LocalMetadataLog.open(dir)) {
                LocalMetadataLogTest.RecordingListener listener = new LocalMetadataLogTest.RecordingListener();
                log.register(listener);
                long lastOffset = listener.replayed.get(10, TimeUnit.SECONDS);
                List<MetadataBatch> recovered = new ArrayList<>(listener.batches);
                assertThat(recovered.size()).isLessThanOrEqualTo(written.size());
                assertThat(recovered).isEqualTo(written.subList(0, recovered.size()));
                assertThat(lastOffset)
                        .isEqualTo(
                                recovered.isEmpty()
                                        ? -1
                                        : recovered.get(recovered.size() - 1).lastOffset());
                assertThat(log.append(List.of(new NoOpRecord())).get(10, TimeUnit.SECONDS))
                        .isEqualTo(lastOffset + 1);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void corrupt(Path file, Random random) throws IOException {
        long size = Files.size(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            if (random.nextBoolean()) {
                raf.setLength(random.nextLong(size + 1));
            } else {
                long position = random.nextLong(size);
                raf.seek(position);
                int b = raf.read();
                raf.seek(position);
                raf.write(b ^ (1 + random.nextInt(255)));
            }
        }
    }
}
