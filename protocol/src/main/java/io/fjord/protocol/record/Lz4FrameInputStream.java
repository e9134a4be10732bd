package io.fjord.protocol.record;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.StreamingXXHash32;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Reads one LZ4 frame (layout in {@link Lz4FrameOutputStream}) from a buffer: what Kafka's Java client
 * and librdkafka (liblz4's LZ4F with independent blocks) write. Accepts the optional content size,
 * block checksums and content checksum, all verified; rejects dependent blocks and dictionary ids as
 * Kafka does. Bytes after the end mark are ignored, as Kafka ignores them.
 *
 * <p>Every length is checked against the bytes present, and the total output against
 * {@code maxBytes}, before anything is allocated: the block buffer is at most the smaller of the
 * frame's block size (&le; 4 MiB) and 255 times the block's compressed size (LZ4's largest ratio). Not thread-safe.
 */
final class Lz4FrameInputStream extends InputStream {

    private static final LZ4SafeDecompressor DECOMPRESSOR =
            LZ4Factory.fastestInstance().safeDecompressor();
    private static final XXHash32 HASH = XXHashFactory.fastestInstance().hash32();

    /** Block buffers up to this size go back to their thread on close (Kafka's clients write 64 KiB blocks). */
    private static final int KEPT_BLOCK_BYTES = 256 * 1024;

    /**
     * The thread's block buffer while no open frame of that thread holds it: validating an lz4 produce otherwise
     * allocates a 64 KiB block per batch, most of the garbage (and the young collections) of that path.
     */
    private static final ThreadLocal<byte[]> SPARE_BLOCK = new ThreadLocal<>();

    private static final byte[] NO_BLOCK = new byte[0];

    private final ByteBuffer in;
    private final long maxBytes;
    private long producedBytes;
    private boolean blockChecksum;
    private StreamingXXHash32 contentHash;
    private int maxBlockSize;
    private byte[] block;
    private int blockPosition;
    private int blockLimit;
    private boolean finished;

    Lz4FrameInputStream(ByteBuffer compressed, long maxBytes) throws IOException {
        this.in = compressed.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.maxBytes = maxBytes;
        readFrameHeader();
        byte[] spare = SPARE_BLOCK.get();
        SPARE_BLOCK.set(null);
        block = spare != null ? spare : NO_BLOCK;
    }

    private void readFrameHeader() throws IOException {
        require(7, "frame header");
        int magic = in.getInt();
        if (magic != Lz4FrameOutputStream.MAGIC) {
            throw new IOException("Not an LZ4 frame: magic " + Integer.toHexString(magic));
        }
        int descriptorStart = in.position();
        int flg = in.get() & 0xff;
        int bd = in.get() & 0xff;
        if ((flg >>> 6) != 1) {
            throw new IOException("Unsupported LZ4 frame version " + (flg >>> 6));
        }
        if ((flg & 0x03) != 0) {
            throw new IOException("LZ4 frame reserved bits or dictionary id set: FLG " + flg);
        }
        if ((flg & 0x20) == 0) {
            throw new IOException("LZ4 frames with dependent blocks are not supported");
        }
        int blockSizeId = (bd >>> 4) & 0x07;
        if ((bd & 0x8f) != 0 || blockSizeId < 4) {
            throw new IOException("Invalid LZ4 block descriptor " + bd);
        }
        maxBlockSize = 1 << (2 * blockSizeId + 8);
        blockChecksum = (flg & 0x10) != 0;
        if ((flg & 0x04) != 0) {
            contentHash = XXHashFactory.fastestInstance().newStreamingHash32(0);
        }
        if ((flg & 0x08) != 0) {
            require(8 + 1, "content size");
            in.position(in.position() + 8);
        }
        require(1, "header checksum");
        int hash = HASH.hash(in, descriptorStart, in.position() - descriptorStart, 0);
        if (in.get() != (byte) ((hash >> 8) & 0xff)) {
            throw new IOException("LZ4 frame descriptor checksum mismatch");
        }
    }

    /** Decodes the next block; returns false at the end mark. */
    private boolean readBlock() throws IOException {
        require(4, "block size");
        int word = in.getInt();
        boolean stored = (word & Lz4FrameOutputStream.UNCOMPRESSED_BLOCK_FLAG) != 0;
        int size = word & ~Lz4FrameOutputStream.UNCOMPRESSED_BLOCK_FLAG;
        if (size == 0) {
            verifyContentChecksum();
            return false;
        }
        if (size > maxBlockSize) {
            throw new IOException("LZ4 block of " + size + " bytes exceeds the frame's maximum " + maxBlockSize);
        }
        require(size + (blockChecksum ? 4 : 0), "block");
        int start = in.position();
        // LZ4 expands at most ~255:1, so the buffer is bounded by the bytes present as well.
        int capacity = (int) Math.min(maxBlockSize, stored ? size : 255L * size + 64);
        if (block.length < capacity) {
            block = new byte[capacity];
        }
        if (stored) {
            in.get(start, block, 0, size);
            blockLimit = size;
        } else {
            try {
                blockLimit = DECOMPRESSOR.decompress(in, start, size, ByteBuffer.wrap(block), 0, capacity);
            } catch (LZ4Exception e) {
                throw new IOException("LZ4 block does not decode", e);
            }
        }
        if (blockLimit > maxBytes - producedBytes) {
            throw new BoundedInputStream.DecompressionLimitException(maxBytes);
        }
        blockPosition = 0;
        in.position(start + size);
        if (blockChecksum && HASH.hash(in, start, size, 0) != in.getInt()) {
            throw new IOException("LZ4 block checksum mismatch");
        }
        if (contentHash != null) {
            contentHash.update(block, 0, blockLimit);
        }
        return true;
    }

    private void verifyContentChecksum() throws IOException {
        if (contentHash != null) {
            require(4, "content checksum");
            if (contentHash.getValue() != in.getInt()) {
                throw new IOException("LZ4 content checksum mismatch");
            }
        }
    }

    private boolean fill() throws IOException {
        while (!finished && blockPosition == blockLimit) {
            if (!readBlock()) {
                finished = true;
            }
        }
        return !finished;
    }

    @Override
    public int read() throws IOException {
        if (!fill()) {
            return -1;
        }
        count(1);
        return block[blockPosition++] & 0xff;
    }

    @Override
    public int read(byte[] dst, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(length, blockLimit - blockPosition);
        count(n);
        System.arraycopy(block, blockPosition, dst, offset, n);
        blockPosition += n;
        return n;
    }

    @Override
    public int available() {
        return blockLimit - blockPosition;
    }

    /** Ends the stream and hands its block buffer back to the thread for its next frame. */
    @Override
    public void close() {
        byte[] held = block;
        block = NO_BLOCK;
        blockPosition = 0;
        blockLimit = 0;
        finished = true;
        byte[] spare = SPARE_BLOCK.get();
        if (held.length <= KEPT_BLOCK_BYTES && (spare == null || spare.length < held.length)) {
            SPARE_BLOCK.set(held);
        }
    }

    private void count(int n) throws IOException {
        producedBytes += n;
        if (producedBytes > maxBytes) {
            throw new BoundedInputStream.DecompressionLimitException(maxBytes);
        }
    }

    private void require(int bytes, String what) throws IOException {
        if (in.remaining() < bytes) {
            throw new IOException("LZ4 frame truncated in " + what);
        }
    }
}
