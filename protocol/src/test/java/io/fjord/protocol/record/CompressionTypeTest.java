package io.fjord.protocol.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.ByteBufferOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xerial.snappy.Snappy;

class CompressionTypeTest {

    /** 200 KB of compressible data: several lz4 blocks, several snappy chunks. */
    private static byte[] data(long seed, int length) {
        Random random = new Random(seed);
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i % 1000 < 500 ? 'x' : 'a' + random.nextInt(20));
        }
        return bytes;
    }

    static byte[] ours(CompressionType type, byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream compressing = type.wrapForOutput(out)) {
            compressing.write(data);
        }
        return out.toByteArray();
    }

    static byte[] kafkas(CompressionType type, byte[] data) throws IOException {
        ByteBufferOutputStream out = new ByteBufferOutputStream(1024);
        try (OutputStream compressing =
                KafkaOracle.kafkaCompression(type).wrapForOutput(out, RecordBatch.MAGIC_VALUE_V2)) {
            compressing.write(data);
        }
        ByteBuffer buffer = out.buffer().flip();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    static byte[] kafkaDecompress(CompressionType type, byte[] compressed) throws IOException {
        try (InputStream in = KafkaOracle.kafkaCompression(type)
                .wrapForInput(ByteBuffer.wrap(compressed), RecordBatch.MAGIC_VALUE_V2, BufferSupplier.NO_CACHING)) {
            return in.readAllBytes();
        }
    }

    static byte[] decompress(CompressionType type, byte[] compressed) {
        ByteBuffer out = type.decompress(ByteBuffer.wrap(compressed), 10 << 20);
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void roundTripsEmptySmallAndMultiBlockInput(CompressionType type) throws IOException {
        for (int length : new int[] {0, 1, 100, 65_536, 200_000}) {
            byte[] data = data(length, length);
            assertThat(decompress(type, ours(type, data))).isEqualTo(data);
        }
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void kafkaDecodesOurStreamsAndWeDecodeKafkas(CompressionType type) throws IOException {
        byte[] data = data(7, 200_000);
        assertThat(kafkaDecompress(type, ours(type, data))).isEqualTo(data);
        assertThat(decompress(type, kafkas(type, data))).isEqualTo(data);
    }

    @ParameterizedTest
    @EnumSource(
            value = CompressionType.class,
            names = {"LZ4", "SNAPPY", "GZIP", "ZSTD"})
    void writesTheSameBytesAsKafka(CompressionType type) throws IOException {
        byte[] data = data(9, 200_000);
        assertThat(ours(type, data)).isEqualTo(kafkas(type, data));
    }

    @Test
    void readsRawUnframedSnappyAsLibrdkafkaWritesIt() throws IOException {
        byte[] data = data(3, 100_000);
        assertThat(decompress(CompressionType.SNAPPY, Snappy.compress(data))).isEqualTo(data);
    }

    @Test
    void readsConcatenatedXerialSnappyStreams() throws IOException {
        byte[] first = data(1, 50_000);
        byte[] second = data(2, 40_000);
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.write(ours(CompressionType.SNAPPY, first));
        both.write(ours(CompressionType.SNAPPY, second));
        ByteArrayOutputStream want = new ByteArrayOutputStream();
        want.write(first);
        want.write(second);
        assertThat(decompress(CompressionType.SNAPPY, both.toByteArray())).isEqualTo(want.toByteArray());
    }

    @Test
    void lz4FramesOpenOneAfterAnotherOrAtOnceOnOneThreadEachReadTheirOwnBytes() throws IOException {
        byte[] first = data(7, 200_000);
        byte[] second = data(8, 150_000);
        byte[] firstFrame = ours(CompressionType.LZ4, first);
        byte[] secondFrame = ours(CompressionType.LZ4, second);

        // One after another: the second frame decodes into the block buffer the first handed back.
        assertThat(decompress(CompressionType.LZ4, firstFrame)).isEqualTo(first);
        assertThat(decompress(CompressionType.LZ4, secondFrame)).isEqualTo(second);

        // At once: the second stream must not share the block the first still reads from.
        try (InputStream a = CompressionType.LZ4.wrapForInput(ByteBuffer.wrap(firstFrame), first.length);
                InputStream b = CompressionType.LZ4.wrapForInput(ByteBuffer.wrap(secondFrame), second.length)) {
            ByteArrayOutputStream gotA = new ByteArrayOutputStream();
            ByteArrayOutputStream gotB = new ByteArrayOutputStream();
            byte[] chunk = new byte[10_000];
            int n;
            while ((n = a.read(chunk)) > 0) {
                gotA.write(chunk, 0, n);
                int m = b.read(chunk);
                if (m > 0) {
                    gotB.write(chunk, 0, m);
                }
            }
            gotB.write(b.readAllBytes());
            assertThat(gotA.toByteArray()).isEqualTo(first);
            assertThat(gotB.toByteArray()).isEqualTo(second);
        }

        // A closed stream reads nothing more, even once its block serves the next frame.
        InputStream closed = CompressionType.LZ4.wrapForInput(ByteBuffer.wrap(firstFrame), first.length);
        assertThat(closed.read()).isEqualTo(first[0] & 0xff);
        closed.close();
        assertThat(decompress(CompressionType.LZ4, secondFrame)).isEqualTo(second);
        assertThat(closed.read()).isEqualTo(-1);
    }

    @Test
    void readsLz4FramesWithContentSizeBlockAndContentChecksumsAsLiblz4WritesThem() throws IOException {
        byte[] data = data(4, 300_000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream lz4 = new LZ4FrameOutputStream(
                out,
                LZ4FrameOutputStream.BLOCKSIZE.SIZE_256KB,
                data.length,
                LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE,
                LZ4FrameOutputStream.FLG.Bits.BLOCK_CHECKSUM,
                LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM,
                LZ4FrameOutputStream.FLG.Bits.CONTENT_SIZE)) {
            lz4.write(data);
        }
        byte[] frame = out.toByteArray();
        assertThat(decompress(CompressionType.LZ4, frame)).isEqualTo(data);

        byte[] badContentChecksum = frame.clone();
        badContentChecksum[badContentChecksum.length - 1] ^= 1;
        assertThatThrownBy(() -> decompress(CompressionType.LZ4, badContentChecksum))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("content checksum");
        byte[] badBlockChecksum = frame.clone();
        badBlockChecksum[30] ^= 1; // inside the first block: its checksum no longer matches
        assertThatThrownBy(() -> decompress(CompressionType.LZ4, badBlockChecksum))
                .isInstanceOf(CorruptRecordException.class);
    }

    @Test
    void rejectsAnLz4FrameWithABadDescriptorChecksum() throws IOException {
        byte[] frame = ours(CompressionType.LZ4, data(5, 1000));
        frame[6] ^= 1;
        assertThatThrownBy(() -> decompress(CompressionType.LZ4, frame))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("descriptor checksum");
    }

    @Test
    void findsCodecsByIdAndName() {
        for (CompressionType type : CompressionType.values()) {
            assertThat(CompressionType.forId(type.id())).isEqualTo(type);
            assertThat(CompressionType.forName(type.title())).isEqualTo(type);
            assertThat(KafkaOracle.kafkaType(type).name).isEqualTo(type.title());
        }
        assertThatThrownBy(() -> CompressionType.forId(5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CompressionType.forName("brotli")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wrapForInputFailsOnceTheBoundIsPassed() throws IOException {
        byte[] compressed = ours(CompressionType.ZSTD, new byte[100_000]);
        try (InputStream in = CompressionType.ZSTD.wrapForInput(ByteBuffer.wrap(compressed), 50_000)) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining("bound");
        }
    }

    @Test
    void readsSingleShotZstdFramesWithContentSizeAsLibrdkafkaWritesThem() {
        byte[] data = data(6, 150_000);
        assertThat(decompress(CompressionType.ZSTD, com.github.luben.zstd.Zstd.compress(data, 3)))
                .isEqualTo(data);
    }
}
