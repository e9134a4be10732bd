package io.fjord.protocol;

/**
 * A protocol structure that can be read from and written to the wire at a given version. Generated
 * classes implement it; they are mutable and not thread-safe: one thread builds or reads an instance.
 */
public interface Message {
    /** Replaces every field with what {@code in} holds for {@code version}. */
    void read(Readable in, short version);

    /** Writes exactly {@link #size(short)} bytes. */
    void write(Writable out, short version);

    /** The exact encoded size in bytes at {@code version}. */
    int size(short version);
}
