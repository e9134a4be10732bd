package io.fjord.protocol;

/**
 * Thrown when a message is written at a version that cannot carry what it holds: a non-ignorable field
 * with a non-default value that the version lacks, tagged fields in a non-flexible version, or a version
 * outside the message's valid range. It is a programmer error on the writing side.
 */
public class UnsupportedVersionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnsupportedVersionException(String message) {
        super(message);
    }
}
