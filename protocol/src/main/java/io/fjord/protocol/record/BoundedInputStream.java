package io.fjord.protocol.record;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes through at most {@code maxBytes} bytes of a decompressing stream and fails with an
 * {@link IOException} as soon as the stream tries to yield more: the guard against a small hostile
 * input that expands without limit. Not thread-safe.
 */
final class BoundedInputStream extends FilterInputStream {

    private final long maxBytes;
    private long readBytes;

    BoundedInputStream(InputStream in, long maxBytes) {
        super(in);
        this.maxBytes = maxBytes;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] dst, int offset, int length) throws IOException {
        int n = in.read(dst, offset, length);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = in.skip(n);
        if (skipped > 0) {
            count(skipped);
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void count(long n) throws IOException {
        readBytes += n;
        if (readBytes > maxBytes) {
            throw new DecompressionLimitException(maxBytes);
        }
    }

    /** The decompressed output passed the caller's bound. */
    static final class DecompressionLimitException extends IOException {
        private static final long serialVersionUID = 1L;

        DecompressionLimitException(long maxBytes) {
            super("Decompressed size exceeds the bound of " + maxBytes + " bytes");
        }
    }
}
