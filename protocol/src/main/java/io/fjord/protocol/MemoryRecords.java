package io.fjord.protocol;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Records held in a {@link ByteBuffer}: typically a zero-copy slice of a request buffer. The wrapped
 * buffer's position and limit are fixed at construction; readers get duplicates, so no caller can move
 * another's view. Immutable as a view; the bytes themselves belong to whoever owns the buffer.
 */
public final class MemoryRecords implements Records {
    public static final MemoryRecords EMPTY = new MemoryRecords(ByteBuffer.allocate(0));

    private final ByteBuffer buffer;

    private MemoryRecords(ByteBuffer buffer) {
        this.buffer = buffer.slice();
    }

    /** Wraps the bytes between {@code buffer}'s position and limit (not copied). */
    public static MemoryRecords of(ByteBuffer buffer) {
        return new MemoryRecords(Objects.requireNonNull(buffer, "buffer"));
    }

    /** A duplicate view of the records' bytes, positioned at their first byte. */
    public ByteBuffer buffer() {
        return buffer.duplicate();
    }

    @Override
    public int sizeInBytes() {
        return buffer.remaining();
    }

    @Override
    public void copyTo(ByteBuffer dst) {
        dst.put(buffer.duplicate());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MemoryRecords other && buffer.equals(other.buffer);
    }

    @Override
    public int hashCode() {
        return buffer.hashCode();
    }

    @Override
    public String toString() {
        return "MemoryRecords(sizeInBytes=" + buffer.remaining() + ")";
    }
}
