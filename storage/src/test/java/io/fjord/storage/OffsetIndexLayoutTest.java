package io.fjord.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.testkit.MockTime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code .index} layout Kafka's tools expect: each entry maps the last offset of a batch to the position where
 * that batch starts (kafka-dump-log reports every entry that does not), however the segment was written.
 */
class OffsetIndexLayoutTest {

    @TempDir
    Path tmp;

    final MockTime time = new MockTime();
    UnifiedLog log;

    @AfterEach
    void closeLog() {
        if (log != null) {
            log.close();
        }
    }

    static LogConfig config() {
        return LogConfig.builder().indexIntervalBytes(100).build();
    }

    Path dir() {
        return tmp.resolve("t-0");
    }

    /** (offset, position) of every entry of segment 0's index file, read as kafka-dump-log reads it. */
    List<long[]> indexEntries() throws IOException {
        ByteBuffer index = ByteBuffer.wrap(Files.readAllBytes(dir().resolve(LogSegment.fileName(0, ".index"))));
        List<long[]> entries = new ArrayList<>();
        for (int slot = 0; slot + 8 <= index.limit(); slot += 8) {
            int relative = index.getInt(slot);
            int position = index.getInt(slot + 4);
            if (position == 0) {
                break; // unused preallocated space
            }
            entries.add(new long[] {relative, position});
        }
        return entries;
    }

    /** Asserts that each entry names the last offset of the batch starting at its position, and that there are some. */
    void assertEveryEntryNamesTheLastOffsetOfItsBatch() throws IOException {
        List<long[]> entries = indexEntries();
        assertThat(entries).hasSizeGreaterThan(5);
        try (FileChannel segment = FileChannel.open(LogSegment.logFile(dir(), 0), StandardOpenOption.READ)) {
            for (long[] entry : entries) {
                FileBatchCursor cursor = new FileBatchCursor(segment, (int) entry[1], (int) segment.size());
                assertThat(cursor.next(true)).isTrue();
                assertThat(cursor.position()).isEqualTo((int) entry[1]);
                assertThat(cursor.lastOffset())
                        .as("index entry at position %d", entry[1])
                        .isEqualTo(entry[0]);
            }
        }
    }

    /** Every offset below {@code end} reads back from the batch that holds it. */
    void assertEveryOffsetReadsItsBatch(long end, int recordsPerBatch) {
        for (long o = 0; o < end; o++) {
            assertThat(TestBatches.baseOffsets(log.read(o, 1, end, true).records()))
                    .as("read at %d", o)
                    .containsExactly(o - o % recordsPerBatch);
        }
    }

    void appendLeaderBatches(int batches, int recordsPerBatch) {
        for (int i = 0; i < batches; i++) {
            log.appendAsLeader(TestBatches.simple(recordsPerBatch, time.milliseconds() + i), 0);
        }
    }

    /** Writes 40 leader batches of 3 records on a new log and closes it. */
    void writeLeaderLogAndClose() {
        log = UnifiedLog.open(dir(), config(), time);
        appendLeaderBatches(40, 3);
        log.close();
        log = null;
    }

    /** Reads every offset back, closes the log and checks the layout of its index file. */
    void assertReadableThenCloseAndCheckTheIndex() throws IOException {
        assertEveryOffsetReadsItsBatch(120, 3);
        log.close();
        log = null;
        assertEveryEntryNamesTheLastOffsetOfItsBatch();
    }

    @Test
    void aLeadersAppendsIndexTheLastOffsetOfEachIndexedBatch() throws Exception {
        log = UnifiedLog.open(dir(), config(), time);
        appendLeaderBatches(40, 3);
        assertReadableThenCloseAndCheckTheIndex();
    }

    @Test
    void aFollowersAppendOfManyBatchesIsIndexedBatchByBatch() throws Exception {
        ByteArrayOutputStream replicated = new ByteArrayOutputStream();
        for (int i = 0; i < 40; i++) {
            TestBatches batch = TestBatches.batch().baseOffset(3L * i);
            for (int r = 0; r < 3; r++) {
                batch.record(time.milliseconds() + i, "k", "v" + r);
            }
            replicated.writeBytes(toArray(batch.build()));
        }
        log = UnifiedLog.open(dir(), config(), time);
        log.appendAsFollower(ByteBuffer.wrap(replicated.toByteArray()));
        // One append of 40 batches of about 90 bytes: an entry every other batch, as on the leader.
        assertThat(log.segments().firstEntry().getValue().offsetIndex().entries())
                .isGreaterThanOrEqualTo(15);
        assertReadableThenCloseAndCheckTheIndex();
    }

    @Test
    void aRebuiltIndexHasTheSameLayout() throws Exception {
        writeLeaderLogAndClose();
        Files.delete(dir().resolve(LogSegment.fileName(0, ".index")));
        Files.delete(dir().resolve(LogSegment.fileName(0, ".timeindex")));
        log = UnifiedLog.open(dir(), config(), time, null, false, new UnifiedLog.LogCheckpoints(0, 0, 0));
        assertReadableThenCloseAndCheckTheIndex();
    }

    @Test
    void anIndexOfBaseOffsetsWrittenByAnEarlierFjordStillFindsEveryOffset() throws Exception {
        writeLeaderLogAndClose();
        // Rewrite each entry as earlier versions wrote it: the base offset of the batch at that position.
        Path indexFile = dir().resolve(LogSegment.fileName(0, ".index"));
        List<long[]> entries = indexEntries();
        try (FileChannel index = FileChannel.open(indexFile, StandardOpenOption.WRITE)) {
            for (int slot = 0; slot < entries.size(); slot++) {
                ByteBuffer entry = ByteBuffer.allocate(4).putInt(0, (int) entries.get(slot)[0] - 2);
                index.write(entry, slot * 8L);
            }
        }
        log = UnifiedLog.open(dir(), config(), time, null, true, new UnifiedLog.LogCheckpoints(120, 0, 120));
        assertThat(log.segments().firstEntry().getValue().offsetIndex().entries())
                .isEqualTo(entries.size());
        assertEveryOffsetReadsItsBatch(120, 3);
        appendLeaderBatches(40, 3); // new entries follow the old ones
        assertEveryOffsetReadsItsBatch(240, 3);
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
