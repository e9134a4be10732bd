package io.fjord.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A read-only slice of a segment file: whole record batches starting at {@link #position()} and spanning
 * {@link #sizeInBytes()} bytes of {@link #channel()}. It never copies record bytes until asked to by
 * {@link #copyTo(ByteBuffer)}; the network layer sends it with sendfile.
 *
 * <p>Immutable and safe from any thread. The channel belongs to the segment: it stays open until the
 * segment is deleted, which a log delays by {@code file.delete.delay.ms} so that slices already handed
 * out can still be sent. {@link #EMPTY} has no channel.
 */
public final class FileRecords implements io.fjord.protocol.Records {

    /** No bytes, no channel. */
    public static final FileRecords EMPTY = new FileRecords(null, 0, 0);

    private final FileChannel channel;
    private final int position;
    private final int sizeInBytes;

    public FileRecords(FileChannel channel, int position, int sizeInBytes) {
        if (position < 0 || sizeInBytes < 0) {
            throw new IllegalArgumentException("bad slice: position " + position + ", size " + sizeInBytes);
        }
        if (channel == null && sizeInBytes != 0) {
            throw new IllegalArgumentException("a non-empty slice needs a channel");
        }
        this.channel = channel;
        this.position = position;
        this.sizeInBytes = sizeInBytes;
    }

    /** The segment's channel; null only for an empty slice. */
    public FileChannel channel() {
        return channel;
    }

    /** The file position of the first byte. */
    public int position() {
        return position;
    }

    public int sizeInBytes() {
        return sizeInBytes;
    }

    /**
     * Writes exactly {@link #sizeInBytes()} bytes at {@code dst}'s position, advancing it. Throws
     * {@link UncheckedIOException} if the file no longer holds them.
     */
    public void copyTo(ByteBuffer dst) {
        if (dst.remaining() < sizeInBytes) {
            throw new IllegalArgumentException(
                    "destination has " + dst.remaining() + " bytes left, slice needs " + sizeInBytes);
        }
        ByteBuffer target = dst.duplicate();
        target.limit(target.position() + sizeInBytes);
        long filePosition = position;
        try {
            while (target.hasRemaining()) {
                int n = channel.read(target, filePosition);
                if (n < 0) {
                    throw new IOException("end of file at " + filePosition + " while copying a slice of " + sizeInBytes
                            + " bytes at " + position);
                }
                filePosition += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        dst.position(dst.position() + sizeInBytes);
    }

    @Override
    public String toString() {
        return "FileRecords(position=" + position + ", size=" + sizeInBytes + ")";
    }
}
