package io.fjord.bench.jmh;

import io.fjord.protocol.record.RecordBatch;
import io.fjord.protocol.record.RecordVisitor;
import java.nio.ByteBuffer;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The produce path's per-batch work on {@link RecordBatch}: header reads, CRC-32C, the validation walk over every
 * record (no object per record), and offset assignment by patching baseOffset and partitionLeaderEpoch in place.
 * 16 records of 1 KiB is one default 16 KiB producer batch; 256 is a batch.size=262144 batch.
 *
 * <p>JMH state is per thread; run with {@code bench/jmh RecordBatchBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RecordBatchBench {

    @Param({"none", "lz4"})
    public String compression;

    @Param({"16", "256"})
    public int records;

    private ByteBuffer batch;
    private long nextOffset;
    private final CountingVisitor visitor = new CountingVisitor();

    @Setup
    public void setUp() {
        batch = BatchFixtures.batch(compression, records, 1024, 42);
    }

    /** The header fields the broker reads for every batch before it appends. */
    @Benchmark
    public void readHeader(Blackhole bh) {
        RecordBatch b = RecordBatch.at(batch, 0);
        bh.consume(b.sizeInBytes());
        bh.consume(b.magic());
        bh.consume(b.attributes());
        bh.consume(b.lastOffsetDelta());
        bh.consume(b.recordCount());
        bh.consume(b.maxTimestamp());
        bh.consume(b.producerId());
        bh.consume(b.producerEpoch());
        bh.consume(b.baseSequence());
        bh.consume(b.checksum());
    }

    /** CRC-32C over attributes..end (the dominant cost of validating an uncompressed batch). */
    @Benchmark
    public long computeChecksum() {
        return RecordBatch.at(batch, 0).computeChecksum();
    }

    /** Full validation: magic and CRC, then every record's structure (decompressing a compressed batch once). */
    @Benchmark
    public int validate() {
        RecordBatch b = RecordBatch.at(batch, 0);
        b.ensureValid();
        visitor.count = 0;
        b.walkRecords(RecordBatch.DEFAULT_MAX_DECOMPRESSED_BYTES, visitor);
        return visitor.count;
    }

    /** Offset assignment in place: both fields lie outside the CRC, so nothing is recomputed. */
    @Benchmark
    public long assignOffsets() {
        RecordBatch b = RecordBatch.at(batch, 0);
        b.setBaseOffset(nextOffset);
        b.setPartitionLeaderEpoch(7);
        nextOffset += records;
        return b.lastOffset();
    }

    /** Counts records and folds their sizes so the walk cannot be optimised away. */
    static final class CountingVisitor implements RecordVisitor {
        int count;

        @Override
        public void onRecord(int index, int offsetDelta, long timestamp, int keySize, int valueSize, int headerCount) {
            count += 1 + (valueSize & 1);
        }
    }
}
