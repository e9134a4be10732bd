package io.fjord.serde.protobuf;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.fjord.serde.ConfiguredSchemaSource;
import io.fjord.serde.SchemaSource;
import io.fjord.serde.SchemaType;
import io.fjord.serde.SerdeConfig;
import io.fjord.serde.WireFormat;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Protobuf messages in the {@link WireFormat}. With {@link SerdeConfig#PROTOBUF_TYPE} (a generated class)
 * it returns instances of that class; otherwise a {@link DynamicMessage} of the type that the record's message
 * indexes name in the schema (from the {@link SchemaSource} by id; without a registry the configured .proto).
 * Thread-safe after {@link #configure}; parsed schemas are cached per id.
 */
public class ProtobufDeserializer<T extends Message> implements Deserializer<T> {
    private static final int MAX_CACHED_SCHEMAS = 1000;

    private final Map<Integer, ProtoSchema> schemas = new ConcurrentHashMap<>();
    private ProtoSchema configuredSchema;
    /** Until configure(): no schema, id 0, as after configure() with an empty map. */
    private SchemaSource schemaSource = new ConfiguredSchemaSource(SerdeConfig.DEFAULT_SCHEMA_ID, null, "no schema");

    private Parser<? extends Message> generatedParser;
    private Descriptor generatedType;
    private int[] generatedIndexes;

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        SerdeConfig config = new SerdeConfig(configs, isKey);
        SerdeConfig.SchemaText schema = config.schemaText();
        this.configuredSchema = schema == null ? null : ProtoSchema.parse(schema);
        this.schemaSource = config.schemaSource(configs, schema);
        Class<?> type = config.type(SerdeConfig.PROTOBUF_TYPE);
        this.generatedParser = type == null ? null : parserOf(type);
        if (generatedParser != null) {
            this.generatedType = defaultInstance(type).getDescriptorForType();
            this.generatedIndexes = ProtoSchema.messageIndexes(generatedType);
        }
        schemas.clear();
    }

    private static Parser<? extends Message> parserOf(Class<?> type) {
        return defaultInstance(type).getParserForType();
    }

    private static Message defaultInstance(Class<?> type) {
        if (!Message.class.isAssignableFrom(type) || type == DynamicMessage.class) {
            throw new ConfigException(
                    SerdeConfig.PROTOBUF_TYPE, type.getName(), "not a generated Protobuf message class");
        }
        try {
            return (Message) type.getMethod("getDefaultInstance").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new ConfigException(SerdeConfig.PROTOBUF_TYPE, type.getName(), "has no getDefaultInstance(): " + e);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        WireFormat.Framed framed = WireFormat.read(data);
        ByteBuffer rest = framed.rest();
        int[] indexes = WireFormat.readMessageIndexes(rest);
        if (generatedParser != null) {
            if (!Arrays.equals(indexes, generatedIndexes)) {
                throw new SerializationException("record holds the message at indexes " + Arrays.toString(indexes)
                        + " of its schema, not " + generatedType.getFullName() + " (configured "
                        + SerdeConfig.PROTOBUF_TYPE
                        + ")");
            }
            try {
                return (T) generatedParser.parseFrom(rest);
            } catch (InvalidProtocolBufferException e) {
                throw new SerializationException("cannot read Protobuf message: " + e.getMessage(), e);
            }
        }
        Descriptor type = schema(framed.schemaId()).messageAt(indexes);
        try {
            CodedInputStream in = CodedInputStream.newInstance(rest);
            DynamicMessage message = DynamicMessage.parseFrom(type, in);
            return (T) message;
        } catch (java.io.IOException e) {
            throw new SerializationException(
                    "cannot read Protobuf message " + type.getFullName() + " (schema id " + framed.schemaId()
                            + ", message indexes " + Arrays.toString(indexes) + "): " + e.getMessage(),
                    e);
        }
    }

    private ProtoSchema schema(int schemaId) {
        if (configuredSchema != null && schemaSource instanceof ConfiguredSchemaSource) {
            return configuredSchema;
        }
        ProtoSchema cached = schemas.get(schemaId);
        if (cached != null) {
            return cached;
        }
        String text = schemaSource.schemaText(schemaId, SchemaType.PROTOBUF);
        ProtoSchema parsed = ProtoSchema.parse(text, "schema id " + schemaId, null);
        if (schemas.size() < MAX_CACHED_SCHEMAS) {
            schemas.put(schemaId, parsed);
        }
        return parsed;
    }
}
