package io.fjord.protocol.record;

import static io.fjord.protocol.record.RecordBatchDescriptor.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordBatchesTest {

    private static ByteBuffer threeBatches() {
        ByteBuffer a = TestBatches.simple(CompressionType.NONE, 0L, 2);
        ByteBuffer b = TestBatches.simple(CompressionType.GZIP, 2L, 3);
        ByteBuffer c = TestBatches.simple(CompressionType.ZSTD, 5L, 1);
        ByteBuffer all = ByteBuffer.allocate(a.limit() + b.limit() + c.limit());
        all.put(a).put(b).put(c).flip();
        return all;
    }

    @Test
    void walksConsecutiveBatchesToTheEnd() {
        ByteBuffer buffer = threeBatches();
        BatchIterator batches = RecordBatches.iterate(buffer);
        List<Long> baseOffsets = new ArrayList<>();
        while (batches.hasNext()) {
            RecordBatch batch = batches.next();
            assertThat(batch.isValid()).isTrue();
            baseOffsets.add(batch.baseOffset());
        }
        assertThat(baseOffsets).containsExactly(0L, 2L, 5L);
        assertThat(batches.stop()).isEqualTo(BatchIterator.Stop.END);
        assertThat(batches.validBytes()).isEqualTo(buffer.limit());
        assertThat(buffer.position()).isZero();
    }

    @Test
    void stopsCleanlyAtAPartialTailAndReportsTheValidBytes() {
        ByteBuffer buffer = threeBatches();
        int lastStart =
                buffer.limit() - TestBatches.simple(CompressionType.ZSTD, 5L, 1).limit();
        for (int cut = lastStart + 1; cut < buffer.limit(); cut++) {
            BatchIterator batches = RecordBatches.iterate(buffer.duplicate().limit(cut));
            int count = 0;
            while (batches.hasNext()) {
                batches.next();
                count++;
            }
            assertThat(count).isEqualTo(2);
            assertThat(batches.stop()).isEqualTo(BatchIterator.Stop.PARTIAL_TAIL);
            assertThat(batches.validBytes()).isEqualTo(lastStart);
            assertThat(RecordBatches.validBytes(buffer.duplicate().limit(cut))).isEqualTo(lastStart);
        }
    }

    @Test
    void stopsAtAnImpossibleOrOversizedLength() {
        ByteBuffer buffer = threeBatches();
        int second = TestBatches.simple(CompressionType.NONE, 0L, 2).limit();
        buffer.putInt(second + BATCH_LENGTH_OFFSET, 10);
        BatchIterator batches = RecordBatches.iterate(buffer);
        batches.next();
        assertThat(batches.hasNext()).isFalse();
        assertThat(batches.stop()).isEqualTo(BatchIterator.Stop.CORRUPT_LENGTH);
        assertThat(batches.validBytes()).isEqualTo(second);

        BatchIterator limited = RecordBatches.iterate(threeBatches(), second - 1);
        assertThat(limited.hasNext()).isFalse();
        assertThat(limited.stop()).isEqualTo(BatchIterator.Stop.CORRUPT_LENGTH);
    }

    @Test
    void startsAtTheBuffersPositionAndReportsDeclaredSizes() {
        ByteBuffer batches = threeBatches();
        ByteBuffer shifted = ByteBuffer.allocate(batches.limit() + 5);
        shifted.position(5);
        shifted.put(batches).flip().position(5);
        BatchIterator iterator = RecordBatches.iterate(shifted);
        RecordBatch first = iterator.next();
        assertThat(first.position()).isEqualTo(5);
        assertThat(RecordBatches.declaredSizeAt(shifted, 5)).isEqualTo(first.sizeInBytes());
        assertThat(RecordBatches.declaredSizeAt(shifted, shifted.limit() - 3)).isEqualTo(-1);
        assertThat(RecordBatches.validBytes(shifted)).isEqualTo(batches.limit());
    }
}
