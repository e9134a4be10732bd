package io.fjord.storage;

import io.fjord.protocol.record.CompressionType;
import io.fjord.protocol.record.Record;
import io.fjord.protocol.record.RecordBatch;
import io.fjord.protocol.record.RecordBatchBuilder;
import io.fjord.protocol.record.RecordBatches;
import io.fjord.testkit.MockTime;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A compacted log on a MockTime, with helpers to append keyed records, clean it and read it back. */
final class CleanerTestContext implements AutoCloseable {

    /** One record as read back from the log. */
    record Entry(long offset, String key, String value) {}

    final MockTime time = new MockTime();
    final Path dir;
    UnifiedLog log;
    long checkpoint = -1L;

    CleanerTestContext(Path root, LogConfig config) {
        this.dir = root.resolve("t-0");
        this.log = UnifiedLog.open(dir, config, time);
    }

    static LogConfig.Builder compacted() {
        return LogConfig.builder().cleanupPolicy("compact").segmentBytes(1024).indexIntervalBytes(128);
    }

    /** Appends one batch of alternating key, value strings (a null value is a tombstone); HW follows. */
    long append(CompressionType codec, String... keyValues) {
        RecordBatchBuilder b = new RecordBatchBuilder(codec);
        for (int i = 0; i < keyValues.length; i += 2) {
            b.append(time.milliseconds(), bytes(keyValues[i]), bytes(keyValues[i + 1]));
        }
        long first = log.appendAsLeader(b.build(), 0).firstOffset();
        log.updateHighWatermark(log.logEndOffset());
        return first;
    }

    long append(String... keyValues) {
        return append(CompressionType.NONE, keyValues);
    }

    /** One cleaning pass with a key map of {@code mapBytes}; the checkpoint moves to where it got. */
    Cleaner.CleanResult clean(long mapBytes) {
        Cleaner cleaner = new Cleaner(new SkimpyOffsetMap(mapBytes, 0.9), new Throttler(Double.MAX_VALUE, time));
        long nowMs = time.milliseconds();
        Cleaner.CleanResult result = cleaner.clean(log, LogToClean.of(log, checkpoint, nowMs), nowMs, () -> false);
        checkpoint = result.cleanedUpTo();
        return result;
    }

    Cleaner.CleanResult clean() {
        return clean(1 << 20);
    }

    /** Every record from the log start to the log end, in offset order. */
    List<Entry> readAll() {
        List<Entry> out = new ArrayList<>();
        for (RecordBatch batch : batches()) {
            for (Record r : batch) {
                out.add(new Entry(r.offset(), string(r.key()), string(r.value())));
            }
        }
        return out;
    }

    /** The last value of each key (tombstoned keys absent), computed the way a consumer would. */
    static Map<String, String> lastValues(List<Entry> entries) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (e.value() == null) {
                out.remove(e.key());
            } else {
                out.put(e.key(), e.value());
            }
        }
        return out;
    }

    /** Every batch from the log start to the log end, copied out of the files. */
    List<RecordBatch> batches() {
        List<RecordBatch> out = new ArrayList<>();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            FetchDataInfo info = log.read(offset, 1 << 20, Long.MAX_VALUE, true);
            int size = info.records().sizeInBytes();
            if (size == 0) {
                break;
            }
            ByteBuffer buf = ByteBuffer.allocate(size);
            info.records().copyTo(buf);
            buf.flip();
            for (var it = RecordBatches.iterate(buf); it.hasNext(); ) {
                RecordBatch batch = it.next();
                out.add(batch);
                offset = batch.lastOffset() + 1;
            }
        }
        return out;
    }

    void reopen() {
        log.close();
        log = UnifiedLog.open(dir, log.config(), time);
    }

    static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    static String string(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return new String(out, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        log.close();
    }
}
