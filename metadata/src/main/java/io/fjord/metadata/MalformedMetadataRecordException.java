package io.fjord.metadata;

/**
 * The bytes handed to {@link MetadataRecordSerde#read} are not a metadata record this code understands:
 * truncated, an unknown type or version, a length beyond the bytes present, invalid UTF-8, trailing bytes.
 * The message names the offending value.
 */
public final class MalformedMetadataRecordException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MalformedMetadataRecordException(String message) {
        super(message);
    }

    public MalformedMetadataRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
