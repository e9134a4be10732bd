package io.fjord.protocol.record;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.xerial.snappy.Snappy;

/**
 * Reads snappy-compressed records in both forms found in the wild:
 *
 * <ul>
 *   <li>xerial snappy-java framing, what Kafka's Java client writes ({@code SnappyOutputStream}): a
 *       16-byte header (magic {@code 82 'SNAPPY' 00}, int version, int compatible version), then
 *       chunks of a big-endian int length and that many bytes of raw snappy; a second header may
 *       appear between chunks (concatenated streams);
 *   <li>one raw snappy block without framing, what librdkafka writes.
 * </ul>
 *
 * <p>snappy-java's own {@code SnappyInputStream} is not used for reading because for unframed input
 * it allocates whatever uncompressed length the block declares (up to 4 GiB). Here each chunk's
 * declared uncompressed length is checked against the remaining output budget before a buffer is
 * allocated. Not thread-safe.
 */
final class SnappyInput extends InputStream {

    static final byte[] XERIAL_MAGIC = {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
    private static final int XERIAL_HEADER_SIZE = 16;

    private final ByteBuffer in;
    private final boolean framed;
    private final long maxBytes;
    private long producedBytes;
    private byte[] chunk = new byte[0];
    private int chunkPosition;
    private int chunkLimit;
    private boolean rawDone;

    SnappyInput(ByteBuffer compressed, long maxBytes) {
        this.in = compressed.duplicate();
        this.maxBytes = maxBytes;
        this.framed = startsWithMagic(in);
    }

    private static boolean startsWithMagic(ByteBuffer buffer) {
        if (buffer.remaining() < XERIAL_MAGIC.length) {
            return false;
        }
        for (int i = 0; i < XERIAL_MAGIC.length; i++) {
            if (buffer.get(buffer.position() + i) != XERIAL_MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** Decodes the next chunk into {@link #chunk}; returns false at the end of the input. */
    private boolean nextChunk() throws IOException {
        if (!framed) {
            if (rawDone) {
                return false;
            }
            rawDone = true;
            decode(in.position(), in.remaining());
            return true;
        }
        while (startsWithMagic(in)) {
            if (in.remaining() < XERIAL_HEADER_SIZE) {
                throw new IOException("snappy stream header truncated");
            }
            in.position(in.position() + XERIAL_HEADER_SIZE);
        }
        if (!in.hasRemaining()) {
            return false;
        }
        if (in.remaining() < 4) {
            throw new IOException("snappy chunk length truncated");
        }
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IOException("snappy chunk of " + length + " bytes, only " + in.remaining() + " present");
        }
        decode(in.position(), length);
        return true;
    }

    private void decode(int position, int length) throws IOException {
        byte[] src;
        int srcOffset;
        if (in.hasArray()) {
            src = in.array();
            srcOffset = in.arrayOffset() + position;
        } else {
            src = new byte[length];
            in.get(position, src, 0, length);
            srcOffset = 0;
        }
        in.position(position + length);
        int uncompressed = Snappy.uncompressedLength(src, srcOffset, length);
        long budget = maxBytes - producedBytes;
        if (uncompressed < 0 || uncompressed > budget) {
            throw new BoundedInputStream.DecompressionLimitException(maxBytes);
        }
        if (chunk.length < uncompressed) {
            chunk = new byte[uncompressed];
        }
        chunkLimit = Snappy.uncompress(src, srcOffset, length, chunk, 0);
        if (chunkLimit != uncompressed) {
            throw new IOException("snappy chunk decoded to " + chunkLimit + " bytes, declared " + uncompressed);
        }
        chunkPosition = 0;
    }

    private boolean fill() throws IOException {
        while (chunkPosition == chunkLimit) {
            if (!nextChunk()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int read() throws IOException {
        if (!fill()) {
            return -1;
        }
        producedBytes++;
        return chunk[chunkPosition++] & 0xff;
    }

    @Override
    public int read(byte[] dst, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(length, chunkLimit - chunkPosition);
        System.arraycopy(chunk, chunkPosition, dst, offset, n);
        chunkPosition += n;
        producedBytes += n;
        return n;
    }

    @Override
    public int available() {
        return chunkLimit - chunkPosition;
    }
}
