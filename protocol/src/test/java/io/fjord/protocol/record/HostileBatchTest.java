package io.fjord.protocol.record;

import static io.fjord.protocol.record.RecordBatchDescriptor.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Whatever bytes arrive, decoding either succeeds or throws CorruptRecordException, within its bound. */
class HostileBatchTest {

    private static final long SEED = 20261122L;
    private static final int BOUND = 1 << 20;

    /** Reads every field of every record, as compaction would. */
    private static void decodeFully(ByteBuffer buffer) {
        RecordBatch batch = RecordBatch.at(buffer, 0);
        batch.isValid();
        batch.timestampType();
        batch.lastSequence();
        var records = batch.iterator(BOUND);
        while (records.hasNext()) {
            Record record = records.next();
            record.key();
            record.value();
            record.headers();
            record.timestamp();
        }
    }

    /**
     * Decodes fully, then walks without allocation: a CorruptRecordException is fine, anything else
     * fails the test, and both paths must agree on whether the batch is malformed.
     */
    private static void onlyCorrupt(ByteBuffer buffer, String what) {
        boolean decoded = succeeds(() -> decodeFully(buffer), what);
        boolean walked = succeeds(
                () -> RecordBatch.at(buffer, 0).walkRecords(BOUND, (i, delta, ts, key, value, headers) -> {}), what);
        assertThat(walked).as("walk agrees with the iterator on %s", what).isEqualTo(decoded);
    }

    private static boolean succeeds(Runnable action, String what) {
        try {
            action.run();
            return true;
        } catch (CorruptRecordException expected) {
            return false;
        } catch (Throwable other) {
            throw new AssertionError(what + " (seed " + SEED + ") threw " + other, other);
        }
    }

    private static ByteBuffer sample(CompressionType type) {
        TestRecords records = TestRecords.generate(SEED + type.id(), 12);
        RecordBatchBuilder builder = new RecordBatchBuilder(type).producer(3L, (short) 1, 0);
        records.specs().forEach(s -> builder.append(s.timestamp(), s.key(), s.value(), s.headers()));
        return builder.build();
    }

    private static ByteBuffer copy(ByteBuffer buffer, int length) {
        ByteBuffer copy = ByteBuffer.allocate(length);
        copy.put(buffer.duplicate().limit(length)).flip();
        return copy;
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void truncatedBatchesOnlyEverRaiseCorruptRecordException(CompressionType type) {
        ByteBuffer batch = sample(type);
        int step = Math.max(1, batch.limit() / 400);
        for (int length = 0; length < batch.limit(); length += step) {
            ByteBuffer cut = copy(batch, length);
            assertThatThrownBy(() -> RecordBatch.at(cut, 0)).isInstanceOf(CorruptRecordException.class);
            if (length >= HEADER_SIZE) {
                // A coherent header over a cut records section: only the records can be wrong now.
                cut.putInt(BATCH_LENGTH_OFFSET, length - LOG_OVERHEAD);
                TestBatches.fixCrc(cut);
                onlyCorrupt(cut, type + " cut at " + length);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void randomlyMutatedBatchesOnlyEverRaiseCorruptRecordException(CompressionType type) {
        ByteBuffer batch = sample(type);
        Random random = new Random(SEED + type.id());
        for (int i = 0; i < 1500; i++) {
            ByteBuffer mutated = copy(batch, batch.limit());
            int flips = 1 + random.nextInt(8);
            for (int f = 0; f < flips; f++) {
                // attributes onwards, so codec, flags and counts are mutated too
                int at = ATTRIBUTES_OFFSET + random.nextInt(mutated.limit() - ATTRIBUTES_OFFSET);
                mutated.put(at, (byte) random.nextInt(256));
            }
            TestBatches.fixCrc(mutated);
            onlyCorrupt(mutated, type + " mutation " + i);
        }
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void randomRecordsSectionsOnlyEverRaiseCorruptRecordException(CompressionType type) {
        Random random = new Random(SEED * 31 + type.id());
        for (int i = 0; i < 1500; i++) {
            byte[] section = new byte[random.nextInt(300)];
            random.nextBytes(section);
            if (type == CompressionType.LZ4 && section.length >= 7 && i % 2 == 0) {
                byte[] header = {0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, (byte) 0x82};
                System.arraycopy(header, 0, section, 0, header.length); // get past the frame header
            }
            int count = random.nextInt(4) == 0 ? random.nextInt() : random.nextInt(20);
            onlyCorrupt(TestBatches.withRecordsSection(type, count, section), type + " random section " + i);
        }
    }

    @Test
    void randomBuffersWalkedAsBatchesOnlyEverRaiseCorruptRecordException() {
        Random random = new Random(SEED * 7);
        for (int i = 0; i < 3000; i++) {
            ByteBuffer buffer = ByteBuffer.allocate(random.nextInt(400));
            random.ints(buffer.capacity()).forEach(b -> buffer.put((byte) b));
            buffer.flip();
            if (buffer.limit() >= HEADER_SIZE && i % 2 == 0) {
                buffer.putInt(BATCH_LENGTH_OFFSET, buffer.limit() - LOG_OVERHEAD); // reach the records
            }
            BatchIterator batches = RecordBatches.iterate(buffer);
            while (batches.hasNext()) {
                RecordBatch batch = batches.next();
                onlyCorrupt(batch.slice(), "random buffer " + i);
            }
            assertThat(batches.stop()).isNotEqualTo(BatchIterator.Stop.NONE);
        }
    }

    @Test
    void aGzipBombIsStoppedByTheDefaultBound() throws IOException {
        byte[] bomb = compressedZeros(CompressionType.GZIP, 256);
        assertThat(bomb.length).isLessThan(1 << 20);
        ByteBuffer batch = TestBatches.withRecordsSection(CompressionType.GZIP, 1, bomb);
        assertThatThrownBy(() -> RecordBatch.at(batch, 0).iterator())
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("exceed the bound of " + RecordBatch.DEFAULT_MAX_DECOMPRESSED_BYTES);
    }

    @Test
    void aZstdBombIsStoppedByTheDefaultBound() throws IOException {
        byte[] bomb = compressedZeros(CompressionType.ZSTD, 1024);
        assertThat(bomb.length).isLessThan(1 << 16);
        ByteBuffer batch = TestBatches.withRecordsSection(CompressionType.ZSTD, 1, bomb);
        assertThatThrownBy(() -> RecordBatch.at(batch, 0).iterator())
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("exceed the bound");
    }

    @ParameterizedTest
    @EnumSource(
            value = CompressionType.class,
            names = {"GZIP", "SNAPPY", "LZ4", "ZSTD", "NONE"})
    void everyCodecStopsAtTheCallersBound(CompressionType type) throws IOException {
        byte[] section = compressedZeros(type, 4);
        ByteBuffer batch = TestBatches.withRecordsSection(type, 1, section);
        assertThatThrownBy(() -> RecordBatch.at(batch, 0).iterator(BOUND))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("exceed the bound of " + BOUND);
    }

    @Test
    void snappyThatDeclaresAHugeLengthIsRejectedBeforeAllocating() {
        // raw snappy: varint uncompressed length 2_000_000_000, then a literal of 4 bytes
        byte[] raw = {(byte) 0x80, (byte) 0xa8, (byte) 0xd6, (byte) 0xb9, 0x07, 0x0c, 1, 2, 3, 4};
        ByteBuffer batch = TestBatches.withRecordsSection(CompressionType.SNAPPY, 1, raw);
        assertThatThrownBy(() -> RecordBatch.at(batch, 0).iterator())
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("bound");

        byte[] framed = new byte[16 + 4 + raw.length];
        System.arraycopy(SnappyInput.XERIAL_MAGIC, 0, framed, 0, 8);
        ByteBuffer.wrap(framed).putInt(8, 1).putInt(12, 1).putInt(16, raw.length);
        System.arraycopy(raw, 0, framed, 20, raw.length);
        ByteBuffer framedBatch = TestBatches.withRecordsSection(CompressionType.SNAPPY, 1, framed);
        assertThatThrownBy(() -> RecordBatch.at(framedBatch, 0).iterator()).isInstanceOf(CorruptRecordException.class);
    }

    /** {@code mebibytes} MiB of zeros through the codec, written 1 MiB at a time. */
    private static byte[] compressedZeros(CompressionType type, int mebibytes) throws IOException {
        byte[] zeros = new byte[1 << 20];
        Arrays.fill(zeros, (byte) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream compressing = type.wrapForOutput(out)) {
            for (int i = 0; i < mebibytes; i++) {
                compressing.write(zeros);
            }
        }
        return out.toByteArray();
    }
}
