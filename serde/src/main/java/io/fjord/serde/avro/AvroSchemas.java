package io.fjord.serde.avro;

import io.fjord.serde.SchemaException;
import io.fjord.serde.SerdeConfig;
import org.apache.avro.Schema;

/** Parses Avro schemas (.avsc JSON) with one-line errors that name where the schema came from. Stateless. */
public final class AvroSchemas {
    private AvroSchemas() {}

    public static Schema parse(SerdeConfig.SchemaText schema) {
        return parse(schema.text(), schema.origin());
    }

    /**
     * @param origin "schema file x.avsc" or similar, the start of the error message
     * @throws SchemaException if the text is not a valid Avro schema
     */
    public static Schema parse(String text, String origin) {
        if (text.isBlank()) {
            throw new SchemaException(origin + ": empty");
        }
        try {
            return new Schema.Parser().parse(text);
        } catch (org.apache.avro.AvroRuntimeException e) {
            throw new SchemaException(origin + ": invalid Avro schema: " + firstLine(e.getMessage()), e);
        }
    }

    static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        int source = line.indexOf(" at [Source:");
        return source < 0 ? line : line.substring(0, source);
    }
}
