package io.fjord.serde.avro;

import io.fjord.serde.ConfiguredSchemaSource;
import io.fjord.serde.SchemaSource;
import io.fjord.serde.SchemaType;
import io.fjord.serde.SerdeConfig;
import io.fjord.serde.WireFormat;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Avro data in the {@link WireFormat}. The writer schema comes from the {@link SchemaSource} by the
 * record's schema id (without a registry: the configured schema); the reader schema is the configured one when
 * given (so a registry setup can evolve schemas), else the writer's. Returns {@code GenericRecord}s, or with
 * {@link SerdeConfig#SPECIFIC_AVRO_READER} the generated {@code SpecificRecord} class named by the schema.
 * Every byte of the payload must be consumed. Thread-safe after {@link #configure}; parsed schemas are cached
 * per id.
 */
public class AvroDeserializer implements Deserializer<Object> {
    private static final int MAX_CACHED_SCHEMAS = 1000;

    private final Map<Integer, Schema> writerSchemas = new ConcurrentHashMap<>();
    private Schema configuredSchema;
    /** Until configure(): no schema, id 0, as after configure() with an empty map. */
    private SchemaSource schemaSource = new ConfiguredSchemaSource(SerdeConfig.DEFAULT_SCHEMA_ID, null, "no schema");

    private boolean specific;

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        SerdeConfig config = new SerdeConfig(configs, isKey);
        SerdeConfig.SchemaText schema = config.schemaText();
        this.configuredSchema = schema == null ? null : AvroSchemas.parse(schema);
        this.schemaSource = config.schemaSource(configs, schema);
        this.specific = Boolean.TRUE.equals(config.bool(SerdeConfig.SPECIFIC_AVRO_READER));
        writerSchemas.clear();
    }

    /** The reader schema from configuration, or null. */
    public Schema configuredSchema() {
        return configuredSchema;
    }

    @Override
    public Object deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        WireFormat.Framed framed = WireFormat.read(data);
        Schema writer = writerSchema(framed.schemaId());
        try {
            AvroBinaryBounds.check(writer, framed.rest().duplicate());
        } catch (SerializationException e) {
            throw new SerializationException(
                    "cannot read Avro data (schema id " + framed.schemaId() + ", " + writer.getFullName() + "): "
                            + e.getMessage(),
                    e);
        }
        DatumReader<Object> reader = reader(writer);
        BinaryDecoder decoder = DecoderFactory.get()
                .binaryDecoder(data, WireFormat.HEADER_BYTES, framed.rest().remaining(), null);
        try {
            Object value = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new SerializationException("Avro data of schema " + writer.getFullName()
                        + " has trailing bytes after the value (corrupt, or written with another schema)");
            }
            return value;
        } catch (IOException | RuntimeException e) {
            if (e instanceof SerializationException s) {
                throw s;
            }
            String problem = e instanceof java.io.EOFException ? "truncated" : String.valueOf(e.getMessage());
            throw new SerializationException(
                    "cannot read Avro data (schema id " + framed.schemaId() + ", " + writer.getFullName() + "): "
                            + problem,
                    e);
        }
    }

    private DatumReader<Object> reader(Schema writer) {
        if (specific) {
            SpecificData specificData = SpecificData.getForSchema(writer);
            Class<?> cls = specificData.getClass(writer);
            Schema readerSchema = cls == null || cls == Object.class
                    ? (configuredSchema != null ? configuredSchema : writer)
                    : specificData.getSchema(cls);
            return new SpecificDatumReader<>(writer, readerSchema, specificData);
        }
        return new GenericDatumReader<>(
                writer, configuredSchema != null ? configuredSchema : writer, GenericData.get());
    }

    private Schema writerSchema(int schemaId) {
        Schema cached = writerSchemas.get(schemaId);
        if (cached != null) {
            return cached;
        }
        // Without a registry the source answers with the configured schema itself: skip parsing it again.
        Schema parsed = configuredSchema != null && schemaSource instanceof ConfiguredSchemaSource
                ? configuredSchema
                : AvroSchemas.parse(schemaSource.schemaText(schemaId, SchemaType.AVRO), "schema id " + schemaId);
        if (writerSchemas.size() < MAX_CACHED_SCHEMAS) {
            writerSchemas.put(schemaId, parsed);
        }
        return parsed;
    }
}
