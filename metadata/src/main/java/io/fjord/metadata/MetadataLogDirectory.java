package io.fjord.metadata;

import io.fjord.metadata.MetadataLogFrames.CorruptFrameException;
import io.fjord.metadata.MetadataLogFrames.Frame;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of a {@link LocalMetadataLog} directory and what survives a crash among them: log segments
 * named {@code <20-digit base offset>.log} (frames of {@link MetadataLogFrames}, offsets continuing from
 * one segment into the next) and snapshots named {@code <20-digit offset>.snapshot} ({@link
 * MetadataSnapshot}). A snapshot at X is written before the segment X+1 is started, and a segment is
 * deleted only when it lies wholly before the older of the two snapshots kept, so every crash leaves a
 * directory that loads to the same image. Stateless; called from the log's writer thread (or before it
 * starts).
 */
final class MetadataLogDirectory {

    private static final Logger log = LoggerFactory.getLogger(MetadataLogDirectory.class);

    static final String SEGMENT_SUFFIX = ".log";
    static final String SNAPSHOT_SUFFIX = ".snapshot";
    /** The single file of the log before it had segments; it is the segment at offset 0. */
    static final String LEGACY_FILE_NAME = "metadata.log";
    /** Snapshots kept: the newest, and one to fall back on if the newest turns out corrupt. */
    static final int SNAPSHOTS_KEPT = 2;

    private MetadataLogDirectory() {}

    static Path segmentFile(Path directory, long baseOffset) {
        return directory.resolve(String.format("%020d", baseOffset) + SEGMENT_SUFFIX);
    }

    static Path snapshotFile(Path directory, long offset) {
        return directory.resolve(String.format("%020d", offset) + SNAPSHOT_SUFFIX);
    }

    /** What {@link #recover} found: the state the writer thread starts from. */
    record Recovered(
            MetadataImage snapshotImage,
            SnapshotDelta delta,
            TreeMap<Long, Path> segments,
            TreeMap<Long, Path> snapshots,
            long endPosition,
            long endOffset,
            long bytesSinceSnapshot) {}

    /**
     * Loads the newest intact snapshot that the segments continue (deleting corrupt ones), replays the
     * segments after it into a delta and truncates a torn or corrupt tail (with any segment after it).
     * Fails if no snapshot is intact and the segments no longer start at offset 0.
     */
    static Recovered recover(Path directory, int maxBatchBytes) throws IOException {
        Files.createDirectories(directory);
        Path legacy = directory.resolve(LEGACY_FILE_NAME);
        if (Files.exists(legacy)) {
            Files.move(legacy, segmentFile(directory, 0), StandardCopyOption.ATOMIC_MOVE);
            MetadataSnapshot.fsyncDirectory(directory);
        }
        TreeMap<Long, Path> segments = list(directory, SEGMENT_SUFFIX);
        TreeMap<Long, Path> snapshots = list(directory, SNAPSHOT_SUFFIX);
        long logStart = segments.isEmpty() ? 0 : segments.firstKey();
        MetadataImage base = loadNewestSnapshot(snapshots, logStart);
        if (base.offset() + 1 < logStart) {
            throw new IOException("the metadata log in " + directory + " starts at offset " + logStart
                    + " and no intact snapshot covers the offsets before it");
        }
        long from = base.offset() + 1;
        SnapshotDelta delta = new SnapshotDelta(directory, base);
        Scan scan = scan(segments, from, maxBatchBytes, -1, delta);
        long endOffset = scan.nextOffset();
        long endPosition = scan.corruption() == null ? scan.position() : truncate(directory, segments, scan);
        if (segments.isEmpty() || endOffset < from) {
            if (!segments.isEmpty()) {
                log.warn(
                        "The metadata log in {} ends at offset {}, before its snapshot at {}: starting it afresh",
                        directory,
                        endOffset,
                        base.offset());
                deleteAll(segments);
            }
            segments.put(from, createSegment(directory, from));
            endOffset = from;
            endPosition = 0;
        }
        return new Recovered(base, delta, segments, snapshots, endPosition, endOffset, scan.deliveredBytes());
    }

    /**
     * The log's own image, kept for snapshots: batches replayed onto the last snapshot's image. A batch
     * that the image contradicts turns snapshots off for good (the log itself goes on). Writer thread only.
     */
    static final class SnapshotDelta implements Consumer<MetadataBatch> {
        private final Path directory;
        private MetadataDelta delta;

        SnapshotDelta(Path directory, MetadataImage base) {
            this.directory = directory;
            this.delta = new MetadataDelta(base);
        }

        @Override
        public void accept(MetadataBatch batch) {
            if (delta == null) {
                return;
            }
            try {
                batch.records().forEach(delta::replay);
            } catch (RuntimeException e) {
                delta = null;
                log.error(
                        "The metadata log in {} cannot replay the batch at offset {}; it takes no more snapshots",
                        directory,
                        batch.baseOffset(),
                        e);
            }
        }

        boolean isBroken() {
            return delta == null;
        }

        /** The image as of {@code offset} (the last record replayed); later batches build on it. */
        MetadataImage applyAndContinue(long offset) {
            MetadataImage image = delta.apply(offset);
            delta = new MetadataDelta(image);
            return image;
        }
    }

    private static MetadataImage loadNewestSnapshot(TreeMap<Long, Path> snapshots, long logStart) throws IOException {
        for (Long offset : new ArrayList<>(snapshots.descendingKeySet())) {
            if (offset + 1 < logStart) {
                break; // the log after this snapshot is gone, and after every older one too
            }
            Path file = snapshots.get(offset);
            try {
                MetadataImage image = MetadataSnapshot.read(file);
                if (image.offset() != offset) {
                    throw new IOException("snapshot " + file + " holds offset " + image.offset());
                }
                return image;
            } catch (IOException e) {
                log.warn(
                        "Deleting the metadata snapshot {}, falling back to an older one or the log: {}",
                        file,
                        e.getMessage());
                Files.deleteIfExists(file);
                snapshots.remove(offset);
            }
        }
        return MetadataImage.EMPTY;
    }

    /** Where a scan stopped: in which segment, at which byte, and the offset after the last good frame. */
    record Scan(
            long segmentBase, long position, long nextOffset, long deliveredBytes, CorruptFrameException corruption) {}

    /**
     * Reads the frames of {@code segments} from the one holding {@code fromOffset} on and hands {@code
     * visitor} every batch at or after it (a batch straddling it is cut). Stops at the first frame that is
     * torn, corrupt or does not continue the offsets (a segment's first frame must sit at its base).
     * {@code activeLimit}, if not negative, is where the last segment ends (the rest is not yet written).
     */
    static Scan scan(
            NavigableMap<Long, Path> segments,
            long fromOffset,
            int maxBatchBytes,
            long activeLimit,
            Consumer<MetadataBatch> visitor)
            throws IOException {
        Long start = segments.floorKey(fromOffset);
        NavigableMap<Long, Path> toScan = start == null ? segments : segments.tailMap(start, true);
        long nextOffset = toScan.isEmpty() ? fromOffset : toScan.firstKey();
        long delivered = 0;
        long base = -1;
        long position = 0;
        for (Map.Entry<Long, Path> segment : toScan.entrySet()) {
            base = segment.getKey();
            position = 0;
            if (base != nextOffset) {
                return new Scan(
                        base,
                        0,
                        nextOffset,
                        delivered,
                        new CorruptFrameException("segment " + segment.getValue()
                                + " does not continue the log at offset " + nextOffset));
            }
            try (FileChannel channel = FileChannel.open(segment.getValue(), StandardOpenOption.READ)) {
                long limit = activeLimit >= 0 && base == segments.lastKey() ? activeLimit : channel.size();
                while (position < limit) {
                    Frame frame;
                    try {
                        frame = MetadataLogFrames.readFrame(channel, position, limit, nextOffset, maxBatchBytes);
                    } catch (CorruptFrameException e) {
                        return new Scan(base, position, nextOffset, delivered, e);
                    }
                    position += frame.sizeInBytes();
                    MetadataBatch batch = frame.batch();
                    nextOffset = batch.lastOffset() + 1;
                    if (batch.lastOffset() >= fromOffset) {
                        delivered += frame.sizeInBytes();
                        visitor.accept(cut(batch, fromOffset));
                    }
                }
            }
        }
        return new Scan(base, position, nextOffset, delivered, null);
    }

    private static MetadataBatch cut(MetadataBatch batch, long fromOffset) {
        if (batch.baseOffset() >= fromOffset) {
            return batch;
        }
        int skip = (int) (fromOffset - batch.baseOffset());
        return new MetadataBatch(
                fromOffset, batch.records().subList(skip, batch.records().size()));
    }

    /**
     * Cuts the log at the corruption {@code scan} met: truncates its segment there (or deletes it if it
     * does not continue the one before) and deletes later ones. Returns the last segment's size.
     */
    private static long truncate(Path directory, TreeMap<Long, Path> segments, Scan scan) throws IOException {
        Path file = segments.get(scan.segmentBase());
        log.warn(
                "Truncating the metadata log segment {} at byte {} (offset {}) and deleting {} later segment(s): {}",
                file,
                scan.position(),
                scan.nextOffset(),
                segments.tailMap(scan.segmentBase(), false).size(),
                scan.corruption().getMessage());
        deleteAll(segments.tailMap(scan.segmentBase(), false));
        long endPosition = scan.position();
        if (scan.segmentBase() != scan.nextOffset() && scan.position() == 0) {
            // A segment that does not continue its predecessor, which the scan read whole.
            deleteAll(segments.tailMap(scan.segmentBase(), true));
            endPosition = Files.size(segments.lastEntry().getValue());
        } else {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(scan.position());
                channel.force(true);
            }
        }
        MetadataSnapshot.fsyncDirectory(directory);
        return endPosition;
    }

    /** Creates the empty segment {@code baseOffset} and makes its name durable. */
    static Path createSegment(Path directory, long baseOffset) throws IOException {
        Path file = segmentFile(directory, baseOffset);
        Files.deleteIfExists(file);
        Files.createFile(file);
        MetadataSnapshot.fsyncDirectory(directory);
        return file;
    }

    /**
     * Deletes snapshots beyond the {@link #SNAPSHOTS_KEPT} newest and, once two are kept, the segments that
     * lie wholly before the older one (oldest first, so a crash midway leaves the log contiguous).
     */
    static void dropBeforeRetained(Path directory, TreeMap<Long, Path> segments, TreeMap<Long, Path> snapshots)
            throws IOException {
        while (snapshots.size() > SNAPSHOTS_KEPT) {
            Files.deleteIfExists(snapshots.pollFirstEntry().getValue());
        }
        if (snapshots.size() == SNAPSHOTS_KEPT) {
            long keepFrom = snapshots.firstKey() + 1;
            while (segments.size() > 1 && segments.higherKey(segments.firstKey()) <= keepFrom) {
                Files.deleteIfExists(segments.pollFirstEntry().getValue());
            }
        }
        MetadataSnapshot.fsyncDirectory(directory);
    }

    private static void deleteAll(NavigableMap<Long, Path> files) throws IOException {
        for (Path file : files.values()) {
            Files.deleteIfExists(file);
        }
        files.clear();
    }

    /** The files named {@code <20 digits><suffix>} by offset; deletes leftover {@code .tmp} files. */
    private static TreeMap<Long, Path> list(Path directory, String suffix) throws IOException {
        TreeMap<Long, Path> files = new TreeMap<>();
        List<Path> stale = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            for (Path file : stream) {
                String name = file.getFileName().toString();
                if (name.endsWith(suffix + MetadataSnapshot.TMP_SUFFIX)) {
                    stale.add(file);
                } else if (name.length() == 20 + suffix.length()
                        && name.endsWith(suffix)
                        && name.chars().limit(20).allMatch(Character::isDigit)) {
                    files.put(Long.parseLong(name.substring(0, 20)), file);
                }
            }
        }
        for (Path file : stale) {
            Files.deleteIfExists(file);
        }
        return files;
    }
}
