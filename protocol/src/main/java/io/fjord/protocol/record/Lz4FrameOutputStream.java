package io.fjord.protocol.record;

import java.io.IOException;
import java.io.OutputStream;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Writes the LZ4 frame format (v1.5.1) exactly as Kafka's {@code Lz4BlockOutputStream} does with its
 * defaults, so every Kafka client and librdkafka reads it:
 *
 * <pre>
 * | bytes | field                                                                           |
 * |-------|---------------------------------------------------------------------------------|
 * |     4 | magic 0x184D2204, little-endian                                                 |
 * |     1 | FLG = 0x60: version 01, independent blocks, no checksums, no content size       |
 * |     1 | BD = 0x40: maximum block size 64 KiB                                            |
 * |     1 | HC = second byte of XXH32(FLG, BD, seed 0)                                      |
 * |   4+n | blocks: little-endian size (high bit set = stored uncompressed), then the bytes |
 * |     4 | end mark: 0                                                                     |
 * </pre>
 *
 * <p>Level {@value #DEFAULT_LEVEL} (Kafka's default) uses the fast compressor, other levels the high
 * compressor. Not thread-safe.
 */
final class Lz4FrameOutputStream extends OutputStream {

    static final int MAGIC = 0x184D2204;
    static final int UNCOMPRESSED_BLOCK_FLAG = 0x80000000;
    static final int DEFAULT_LEVEL = 9;
    static final int MIN_LEVEL = 1;
    static final int MAX_LEVEL = 17;

    private static final byte FLG = 0x60;
    private static final byte BD_64KB = 0x40;
    private static final int BLOCK_SIZE = 64 * 1024;

    private final OutputStream out;
    private final LZ4Compressor compressor;
    private final byte[] block = new byte[BLOCK_SIZE];
    private final byte[] compressed;
    private final byte[] word = new byte[4];
    private int blockLength;
    private boolean closed;

    Lz4FrameOutputStream(OutputStream out, int level) throws IOException {
        if (level < MIN_LEVEL || level > MAX_LEVEL) {
            throw new IllegalArgumentException("lz4 level must be in [1, 17], got " + level);
        }
        this.out = out;
        LZ4Factory factory = LZ4Factory.fastestInstance();
        this.compressor = level == DEFAULT_LEVEL ? factory.fastCompressor() : factory.highCompressor(level);
        this.compressed = new byte[compressor.maxCompressedLength(BLOCK_SIZE)];
        writeFrameHeader();
    }

    private void writeFrameHeader() throws IOException {
        byte[] header = new byte[7];
        putIntLe(header, 0, MAGIC);
        header[4] = FLG;
        header[5] = BD_64KB;
        int hash = XXHashFactory.fastestInstance().hash32().hash(header, 4, 2, 0);
        header[6] = (byte) ((hash >> 8) & 0xff);
        out.write(header);
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        if (blockLength == BLOCK_SIZE) {
            writeBlock();
        }
        block[blockLength++] = (byte) b;
    }

    @Override
    public void write(byte[] src, int offset, int length) throws IOException {
        ensureOpen();
        if (offset < 0 || length < 0 || offset > src.length - length) {
            throw new IndexOutOfBoundsException("offset " + offset + ", length " + length + ", size " + src.length);
        }
        while (length > 0) {
            if (blockLength == BLOCK_SIZE) {
                writeBlock();
            }
            int n = Math.min(length, BLOCK_SIZE - blockLength);
            System.arraycopy(src, offset, block, blockLength, n);
            blockLength += n;
            offset += n;
            length -= n;
        }
    }

    private void writeBlock() throws IOException {
        if (blockLength == 0) {
            return;
        }
        int compressedLength = compressor.compress(block, 0, blockLength, compressed, 0);
        if (compressedLength >= blockLength) {
            writeIntLe(blockLength | UNCOMPRESSED_BLOCK_FLAG);
            out.write(block, 0, blockLength);
        } else {
            writeIntLe(compressedLength);
            out.write(compressed, 0, compressedLength);
        }
        blockLength = 0;
    }

    @Override
    public void flush() throws IOException {
        if (!closed) {
            writeBlock();
            out.flush();
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            writeBlock();
            writeIntLe(0);
            out.flush();
        } finally {
            closed = true;
            out.close();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("The lz4 stream is already closed");
        }
    }

    private void writeIntLe(int value) throws IOException {
        putIntLe(word, 0, value);
        out.write(word, 0, 4);
    }

    private static void putIntLe(byte[] dst, int offset, int value) {
        dst[offset] = (byte) value;
        dst[offset + 1] = (byte) (value >>> 8);
        dst[offset + 2] = (byte) (value >>> 16);
        dst[offset + 3] = (byte) (value >>> 24);
    }
}
