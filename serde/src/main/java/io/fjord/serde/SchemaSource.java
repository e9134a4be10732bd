package io.fjord.serde;

/**
 * Where serializers get the id to write for a schema, and deserializers the schema for an id read from a
 * record: the seam where a schema-registry client plugs in. {@link ConfiguredSchemaSource} is the one used
 * without a registry.
 *
 * <p>A registry client would register {@code schemaText} under the subject {@code <topic>-key} or
 * {@code <topic>-value} (the registries' default "topic name" strategy) and cache the answers. Implementations
 * must be safe to call from several threads, since one producer may be used by many.
 */
public interface SchemaSource {

    /**
     * The schema id to write before a record of {@code topic} whose schema is {@code schemaText}.
     *
     * @param schemaText the schema as text (Avro JSON, JSON Schema, or .proto source); may be null for a
     *     Protobuf message of a generated class when no .proto text was configured
     * @throws org.apache.kafka.common.errors.SerializationException if no id can be given
     */
    int idForWrite(String topic, boolean isKey, SchemaType type, String schemaText);

    /**
     * The text of the schema registered under {@code schemaId}, used by deserializers to read a record.
     *
     * @throws org.apache.kafka.common.errors.SerializationException if the id is unknown
     */
    String schemaText(int schemaId, SchemaType type);
}
