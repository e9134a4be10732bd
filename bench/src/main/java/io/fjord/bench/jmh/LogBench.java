package io.fjord.bench.jmh;

import io.fjord.common.Time;
import io.fjord.protocol.record.CompressionType;
import io.fjord.protocol.record.RecordBatchBuilder;
import io.fjord.storage.FetchDataInfo;
import io.fjord.storage.LogConfig;
import io.fjord.storage.UnifiedLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The storage side of produce and fetch on a real {@link UnifiedLog} in a temporary directory: {@code append} is
 * {@code appendAsLeader} of one batch of {@code records} x 1 KiB (validation, CRC-32C, offset assignment, the file
 * write and the sparse index entry; no fsync, as with Kafka's defaults); {@code read} is a fetch at a random offset
 * of a log of 64 MiB in 16 MiB segments (segment floor lookup, offset index binary search, the scan to the batch,
 * and the {@code FileRecords} slice that sendfile would send). The append log is truncated to 0 every 4,096
 * batches so the disk use stays bounded; that truncation is part of the measured time (once per 4,096 appends).
 *
 * <p>JMH state is per thread; run with {@code bench/jmh LogBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LogBench {

    private static final int TRUNCATE_EVERY_BATCHES = 4096;
    private static final int READ_LOG_BYTES = 64 << 20;

    @Param({"16", "256"})
    public int records;

    private Path dir;
    private UnifiedLog appendLog;
    private UnifiedLog readLog;
    private ByteBuffer template;
    private ByteBuffer scratch;
    private int appendsSinceTruncate;
    private final Random random = new Random(42);

    @Setup
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("fjord-logbench");
        Time time = new FixedTime(BatchFixtures.BASE_TIMESTAMP_MS);
        LogConfig config = LogConfig.builder().segmentBytes(16 << 20).build();
        appendLog = UnifiedLog.open(dir.resolve("append-0"), config, time);
        readLog = UnifiedLog.open(dir.resolve("read-0"), config, time);
        template = batch(records);
        scratch = ByteBuffer.allocate(template.remaining());
        for (long written = 0; written < READ_LOG_BYTES; written += template.remaining()) {
            readLog.appendAsLeader(copy(), 0);
        }
        readLog.updateHighWatermark(readLog.logEndOffset());
    }

    @TearDown
    public void tearDown() {
        appendLog.delete();
        readLog.delete();
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }

    /** appendAsLeader of one producer batch (the broker's per-partition produce work below the handler). */
    @Benchmark
    public long append() {
        if (++appendsSinceTruncate == TRUNCATE_EVERY_BATCHES) {
            appendsSinceTruncate = 0;
            appendLog.truncateTo(0);
        }
        return appendLog.appendAsLeader(copy(), 0).lastOffset();
    }

    /** A fetch of up to 1 MiB at a random offset: index lookup and slicing, no bytes copied. */
    @Benchmark
    public int read() {
        long offset = (long) (random.nextDouble() * readLog.logEndOffset());
        FetchDataInfo info = readLog.read(offset, 1 << 20, readLog.highWatermark(), true);
        return info.records().sizeInBytes();
    }

    private ByteBuffer copy() {
        scratch.clear();
        scratch.put(template.duplicate());
        scratch.flip();
        return scratch;
    }

    /** A batch without a producer id, so the same bytes can be appended again and again. */
    private static ByteBuffer batch(int records) {
        Random random = new Random(7);
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE);
        for (int i = 0; i < records; i++) {
            byte[] value = new byte[1024];
            for (int b = 0; b < value.length; b++) {
                value[b] = (byte) ('A' + random.nextInt(26));
            }
            builder.append(BatchFixtures.BASE_TIMESTAMP_MS + i, (byte[]) null, value);
        }
        return builder.build();
    }

    /** The clock the log reads: fixed at the batches' timestamps so timestamp validation always passes. */
    private record FixedTime(long nowMs) implements Time {
        @Override
        public long milliseconds() {
            return nowMs;
        }

        @Override
        public long nanoseconds() {
            return nowMs * 1_000_000L;
        }

        @Override
        public void sleep(long durationMs) {}
    }
}
