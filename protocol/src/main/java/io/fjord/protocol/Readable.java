package io.fjord.protocol;

import io.fjord.common.Uuid;

/**
 * A source of protocol primitives (big-endian). Implementations check every declared length against
 * {@link #remaining()} before allocating and throw {@link ProtocolParseException} on any violation,
 * including reading past the end.
 */
public interface Readable {
    byte readByte();

    short readShort();

    int readInt();

    long readLong();

    double readDouble();

    /** An unsigned varint of at most 5 bytes, returned as its low 32 bits (values over 2^31-1 are negative). */
    int readUnsignedVarint();

    int readVarint();

    long readVarlong();

    Uuid readUuid();

    /** A fresh copy of the next {@code length} bytes. */
    byte[] readBytes(int length);

    /** The next {@code length} bytes as records, without copying them. */
    Records readRecords(int length);

    int remaining();

    /** Skips {@code length} bytes (bounded by {@link #remaining()}). */
    default void skip(int length) {
        readBytes(length);
    }
}
