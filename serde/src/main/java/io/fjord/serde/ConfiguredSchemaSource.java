package io.fjord.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The schema source used without a registry: one schema id and one schema text, both from configuration.
 *
 * <p>Serializers write the configured id (default {@link SerdeConfig#DEFAULT_SCHEMA_ID} = 0, an id that
 * registries never assign, so records written this way are recognisable). Deserializers read any id with the
 * configured schema: without a registry there is nothing to check the id against, and records written by
 * other producers (with their registry's ids) are still readable when the same schema is configured.
 * Immutable and thread-safe.
 */
public final class ConfiguredSchemaSource implements SchemaSource {
    private final int schemaId;
    private final String schemaText;
    private final String origin;

    /**
     * @param schemaText the configured schema, or null when none was configured
     * @param origin where the schema came from (for messages), e.g. "schema file x.avsc"
     */
    public ConfiguredSchemaSource(int schemaId, String schemaText, String origin) {
        this.schemaId = schemaId;
        this.schemaText = schemaText;
        this.origin = origin;
    }

    public int schemaId() {
        return schemaId;
    }

    @Override
    public int idForWrite(String topic, boolean isKey, SchemaType type, String text) {
        return schemaId;
    }

    @Override
    public String schemaText(int id, SchemaType type) {
        if (schemaText == null) {
            throw new SerializationException("record has schema id " + id + " but no " + type
                    + " schema is configured (set " + SerdeConfig.SCHEMA + " or " + SerdeConfig.SCHEMA_FILE
                    + ") and no schema registry is used");
        }
        return schemaText;
    }

    @Override
    public String toString() {
        return "ConfiguredSchemaSource(id=" + schemaId + ", " + origin + ")";
    }
}
