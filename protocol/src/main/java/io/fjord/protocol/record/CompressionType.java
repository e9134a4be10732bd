package io.fjord.protocol.record;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.xerial.snappy.SnappyOutputStream;

/**
 * The codecs of bits 0-2 of the batch attributes, with the stream formats Kafka uses on the wire:
 *
 * <pre>
 * | id | codec  | written as                                   | also read                      |
 * |----|--------|----------------------------------------------|--------------------------------|
 * |  0 | none   | the records                                  |                                |
 * |  1 | gzip   | JDK GZIP (RFC 1952), 8 KiB deflater buffer   | concatenated members           |
 * |  2 | snappy | xerial snappy-java framing (SnappyOutputStream) | raw snappy (librdkafka)     |
 * |  3 | lz4    | LZ4 frame, 64 KiB independent blocks (Kafka) | checksums, content size (LZ4F) |
 * |  4 | zstd   | zstd frame (zstd-jni streams)                |                                |
 * </pre>
 *
 * <p>Decompression is always bounded: {@link #wrapForInput} takes the most bytes the caller accepts,
 * and the stream fails with an {@link IOException} before it yields more. Immutable; streams are not
 * thread-safe.
 */
public enum CompressionType {
    NONE(0, "none"),
    GZIP(1, "gzip"),
    SNAPPY(2, "snappy"),
    LZ4(3, "lz4"),
    ZSTD(4, "zstd");

    private static final int GZIP_BUFFER_BYTES = 8 * 1024;
    private static final int ZSTD_BUFFER_BYTES = 16 * 1024;
    private static final CompressionType[] BY_ID = values();

    private final int id;
    private final String title;

    CompressionType(int id, String title) {
        this.id = id;
        this.title = title;
    }

    public int id() {
        return id;
    }

    /** The name used in configs ({@code compression.type}) and by clients. */
    public String title() {
        return title;
    }

    /** The codec with this attribute id; {@link IllegalArgumentException} for 5-7. */
    public static CompressionType forId(int id) {
        if (id < 0 || id >= BY_ID.length) {
            throw new IllegalArgumentException("Unknown compression type id: " + id);
        }
        return BY_ID[id];
    }

    /** The codec with this name ({@code none}, {@code gzip}, ...). */
    public static CompressionType forName(String name) {
        for (CompressionType type : BY_ID) {
            if (type.title.equals(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException("Unknown compression type: " + name);
    }

    /** The level used when the caller names none, the same as Kafka's defaults. */
    public int defaultLevel() {
        return switch (this) {
            case NONE, SNAPPY -> 0;
            case GZIP -> Deflater.DEFAULT_COMPRESSION;
            case LZ4 -> Lz4FrameOutputStream.DEFAULT_LEVEL;
            case ZSTD -> 3;
        };
    }

    /** A stream that compresses into {@code out} at {@link #defaultLevel()}; closing it closes {@code out}. */
    public OutputStream wrapForOutput(OutputStream out) throws IOException {
        return wrapForOutput(out, defaultLevel());
    }

    /**
     * A stream that compresses into {@code out}; closing it finishes the codec's frame and closes
     * {@code out}. {@code level} is the codec's own scale (gzip -1..9, lz4 1..17, zstd as zstd) and
     * ignored for none and snappy.
     */
    public OutputStream wrapForOutput(OutputStream out, int level) throws IOException {
        return switch (this) {
            case NONE -> out;
            case GZIP -> new LeveledGzipOutputStream(out, checkGzipLevel(level));
            case SNAPPY -> new SnappyOutputStream(out);
            case LZ4 -> new Lz4FrameOutputStream(out, level);
            case ZSTD -> new BufferedOutputStream(zstdOutput(out, level), ZSTD_BUFFER_BYTES);
        };
    }

    /**
     * A stream of the decompressed bytes of {@code compressed} (its remaining bytes; its position is not
     * moved) that throws an {@link IOException} once it would yield more than
     * {@code maxDecompressedBytes}, and on any malformed input.
     */
    public InputStream wrapForInput(ByteBuffer compressed, long maxDecompressedBytes) throws IOException {
        return switch (this) {
            case NONE -> new BoundedInputStream(new ByteBufferInputStream(compressed), maxDecompressedBytes);
            case GZIP ->
                new BoundedInputStream(
                        new GZIPInputStream(new ByteBufferInputStream(compressed), GZIP_BUFFER_BYTES),
                        maxDecompressedBytes);
            case SNAPPY -> new SnappyInput(compressed, maxDecompressedBytes);
            case LZ4 -> new Lz4FrameInputStream(compressed, maxDecompressedBytes);
            case ZSTD ->
                new BoundedInputStream(
                        new ZstdInputStreamNoFinalizer(new ByteBufferInputStream(compressed)), maxDecompressedBytes);
        };
    }

    /**
     * Decompresses all of {@code compressed} into a new heap buffer (position 0, limit = size).
     * Throws {@link CorruptRecordException} if the input is malformed, {@link RecordsTooLargeException} if it
     * expands past {@code maxDecompressedBytes}; the memory used never exceeds about twice that bound.
     */
    public ByteBuffer decompress(ByteBuffer compressed, int maxDecompressedBytes) {
        if (this == NONE) {
            if (compressed.remaining() > maxDecompressedBytes) {
                throw new RecordsTooLargeException("Records of " + compressed.remaining()
                        + " bytes exceed the bound of " + maxDecompressedBytes + " bytes");
            }
            return compressed.slice();
        }
        long initial = Math.max(1024L, Math.min(4L * compressed.remaining(), 1L << 20));
        byte[] out = new byte[(int) Math.min(initial, (long) maxDecompressedBytes + 1)];
        int size = 0;
        try (InputStream in = wrapForInput(compressed, maxDecompressedBytes)) {
            while (true) {
                if (size == out.length) {
                    long grown = Math.min(2L * out.length, (long) maxDecompressedBytes + 1);
                    if (grown <= out.length) {
                        throw new RecordsTooLargeException("Decompressed " + title + " records exceed the bound of "
                                + maxDecompressedBytes + " bytes");
                    }
                    out = Arrays.copyOf(out, (int) grown);
                }
                int n = in.read(out, size, out.length - size);
                if (n < 0) {
                    break;
                }
                size += n;
            }
        } catch (BoundedInputStream.DecompressionLimitException e) {
            throw new RecordsTooLargeException(
                    "Decompressed " + title + " records exceed the bound of " + maxDecompressedBytes + " bytes", e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof CorruptRecordException corrupt) {
                throw corrupt;
            }
            throw new CorruptRecordException("Malformed " + title + " stream: " + e.getMessage(), e);
        }
        return ByteBuffer.wrap(out, 0, size).slice();
    }

    private static int checkGzipLevel(int level) {
        if (level != Deflater.DEFAULT_COMPRESSION
                && (level < Deflater.BEST_SPEED || level > Deflater.BEST_COMPRESSION)) {
            throw new IllegalArgumentException("gzip level must be -1 or in [1, 9], got " + level);
        }
        return level;
    }

    private static OutputStream zstdOutput(OutputStream out, int level) throws IOException {
        if (level < Zstd.minCompressionLevel() || level > Zstd.maxCompressionLevel()) {
            throw new IllegalArgumentException("zstd level must be in [" + Zstd.minCompressionLevel() + ", "
                    + Zstd.maxCompressionLevel() + "], got " + level);
        }
        ZstdOutputStreamNoFinalizer zstd = new ZstdOutputStreamNoFinalizer(out);
        zstd.setLevel(level);
        return zstd;
    }

    /** The JDK's GZIPOutputStream with a chosen deflate level, as Kafka's GzipOutputStream does. */
    private static final class LeveledGzipOutputStream extends GZIPOutputStream {
        LeveledGzipOutputStream(OutputStream out, int level) throws IOException {
            super(out, GZIP_BUFFER_BYTES);
            def.setLevel(level);
        }
    }
}
