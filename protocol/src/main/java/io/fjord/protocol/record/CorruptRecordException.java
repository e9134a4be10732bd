package io.fjord.protocol.record;

/**
 * A record batch or a record inside it is malformed: a bad CRC, a length that points past the bytes
 * present, a count that disagrees with the records found, a codec stream that does not decode, or a
 * decompressed size over the caller's bound ({@link RecordsTooLargeException}, which the broker answers a
 * producer with MESSAGE_TOO_LARGE). The broker answers the others with CORRUPT_MESSAGE; storage recovery
 * truncates at any of them.
 *
 * <p>Unchecked, because it is raised from iterators and views whose interfaces cannot declare it.
 */
public class CorruptRecordException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CorruptRecordException(String message) {
        super(message);
    }

    public CorruptRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
