package io.fjord.protocol.record;

/**
 * A compressed batch's records, well formed as far as they were read, decompress past the reader's bound: in all, or
 * one record. A {@link CorruptRecordException}, so a reader that only needs the records whole treats it as one; the
 * broker answers a producer's batch MESSAGE_TOO_LARGE, on which the Java producer splits the batch and sends its
 * halves again.
 */
public final class RecordsTooLargeException extends CorruptRecordException {

    private static final long serialVersionUID = 1L;

    public RecordsTooLargeException(String message) {
        super(message);
    }

    public RecordsTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }
}
