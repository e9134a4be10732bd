package io.fjord.serde.avro;

import io.fjord.serde.ConfiguredSchemaSource;
import io.fjord.serde.SchemaSource;
import io.fjord.serde.SchemaType;
import io.fjord.serde.SerdeConfig;
import io.fjord.serde.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro data in the {@link WireFormat}: header, then Avro binary. Accepts {@link SpecificRecord}s,
 * {@code GenericRecord}s and other generic data (enum symbols, fixed, arrays, primitives) of the configured
 * schema.
 *
 * <p>The writer schema is the record's own schema; a configured schema ({@link SerdeConfig#SCHEMA},
 * {@link SerdeConfig#SCHEMA_FILE}) is needed for non-record data, and when both exist they must be equal,
 * because without a registry a reader will decode the bytes with the configured schema. Thread-safe after
 * {@link #configure}.
 */
public class AvroSerializer implements Serializer<Object> {
    private Schema configuredSchema;
    /** Until configure(): no schema, id 0, as after configure() with an empty map. */
    private SchemaSource schemaSource = new ConfiguredSchemaSource(SerdeConfig.DEFAULT_SCHEMA_ID, null, "no schema");

    private boolean isKey;

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        SerdeConfig config = new SerdeConfig(configs, isKey);
        SerdeConfig.SchemaText schema = config.schemaText();
        this.configuredSchema = schema == null ? null : AvroSchemas.parse(schema);
        this.schemaSource = config.schemaSource(configs, schema);
        this.isKey = isKey;
    }

    /** The schema from configuration, or null. */
    public Schema configuredSchema() {
        return configuredSchema;
    }

    @Override
    public byte[] serialize(String topic, Object data) {
        if (data == null) {
            return null;
        }
        Schema schema = writerSchema(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WireFormat.writeHeader(out, schemaSource.idForWrite(topic, isKey, SchemaType.AVRO, schema.toString()));
        DatumWriter<Object> writer = data instanceof SpecificRecord
                ? new SpecificDatumWriter<>(schema, SpecificData.getForSchema(schema))
                : new GenericDatumWriter<>(schema, GenericData.get());
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(data, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException(
                    "cannot write Avro data of schema " + schema.getFullName() + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private Schema writerSchema(Object data) {
        if (data instanceof GenericContainer container) {
            Schema own = container.getSchema();
            if (configuredSchema != null && !configuredSchema.equals(own)) {
                throw new SerializationException("record schema " + own.getFullName()
                        + " differs from the configured schema " + configuredSchema.getFullName());
            }
            return own;
        }
        if (configuredSchema == null) {
            throw new SerializationException(
                    "no Avro schema configured (set " + SerdeConfig.SCHEMA + " or " + SerdeConfig.SCHEMA_FILE
                            + ") for a value of type " + data.getClass().getName());
        }
        return configuredSchema;
    }
}
