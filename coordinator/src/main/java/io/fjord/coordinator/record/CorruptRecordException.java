package io.fjord.coordinator.record;

/** A coordinator record whose bytes do not follow the format in {@link GroupRecords}. */
public final class CorruptRecordException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CorruptRecordException(String message) {
        super(message);
    }
}
