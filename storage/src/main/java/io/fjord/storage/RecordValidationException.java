package io.fjord.storage;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import java.util.List;

/**
 * A producer's batch refused because of some of its records (Kafka's {@code RecordValidationException}): a record
 * without a key on a compacted topic, or a CreateTime outside the topic's window. Besides the partition's error
 * (INVALID_TIMESTAMP when any record's timestamp is out of range, else INVALID_RECORD) it names each refused record
 * by its index in the batch, which the Produce response carries as {@code record_errors} (v8+): the Java producer then
 * fails those records with their own message and the batch's other records with a generic error.
 */
public final class RecordValidationException extends ApiException {

    private static final long serialVersionUID = 1L;

    /** One refused record: its index in the batch and why. */
    public record RecordError(int batchIndex, String message) {
        @Override
        public String toString() {
            return "RecordError(batchIndex=" + batchIndex + ", message='" + message + "')";
        }
    }

    private final transient List<RecordError> recordErrors;

    RecordValidationException(Errors error, String message, List<RecordError> recordErrors) {
        super(error, message);
        this.recordErrors = List.copyOf(recordErrors);
    }

    /** The refused records, in batch order. */
    public List<RecordError> recordErrors() {
        return recordErrors;
    }
}
