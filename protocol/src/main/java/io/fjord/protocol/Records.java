package io.fjord.protocol;

import java.nio.ByteBuffer;

/**
 * The bytes of a {@code records} field: one or more record batches, held in memory ({@link MemoryRecords})
 * or as a slice of a segment file (storage's {@code FileRecords}, sent with sendfile by the broker).
 */
public interface Records {
    /** The exact number of bytes these records occupy on the wire. */
    int sizeInBytes();

    /** Writes exactly {@link #sizeInBytes()} bytes at {@code dst}'s position, advancing it. */
    void copyTo(ByteBuffer dst);
}
