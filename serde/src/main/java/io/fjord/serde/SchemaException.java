package io.fjord.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A schema that could not be read or parsed: a missing file, bad syntax, an unknown type. The message is one
 * line that names where the schema came from (the file, or the config key of an inline schema) and the problem,
 * so a command-line tool can print it as it is.
 */
public class SchemaException extends SerializationException {
    private static final long serialVersionUID = 1L;

    public SchemaException(String message) {
        super(message);
    }

    public SchemaException(String message, Throwable cause) {
        super(message, cause);
    }
}
