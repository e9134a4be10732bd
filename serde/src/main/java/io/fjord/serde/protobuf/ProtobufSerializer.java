package io.fjord.serde.protobuf;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import io.fjord.serde.ConfiguredSchemaSource;
import io.fjord.serde.SchemaSource;
import io.fjord.serde.SchemaType;
import io.fjord.serde.SerdeConfig;
import io.fjord.serde.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Protobuf messages, generated or {@code DynamicMessage}, in the {@link WireFormat}: header, the message
 * indexes of the message's type in its .proto file, then the Protobuf binary. With a configured schema
 * ({@link SerdeConfig#SCHEMA} / {@link SerdeConfig#SCHEMA_FILE}, .proto text) the message's type must be
 * defined in it, since readers will look the indexes up there. Thread-safe after {@link #configure}.
 */
public class ProtobufSerializer<T extends Message> implements Serializer<T> {
    private ProtoSchema configuredSchema;
    private Descriptor configuredMessageType;
    /** Until configure(): no schema, id 0, as after configure() with an empty map. */
    private SchemaSource schemaSource = new ConfiguredSchemaSource(SerdeConfig.DEFAULT_SCHEMA_ID, null, "no schema");

    private boolean isKey;

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        SerdeConfig config = new SerdeConfig(configs, isKey);
        SerdeConfig.SchemaText schema = config.schemaText();
        this.configuredSchema = schema == null ? null : ProtoSchema.parse(schema);
        this.configuredMessageType =
                configuredSchema == null ? null : configuredSchema.message(config.string(SerdeConfig.PROTOBUF_MESSAGE));
        this.schemaSource = config.schemaSource(configs, schema);
        this.isKey = isKey;
    }

    /** The schema from configuration, or null. */
    public ProtoSchema configuredSchema() {
        return configuredSchema;
    }

    /**
     * The message type of the configured schema named by {@link SerdeConfig#PROTOBUF_MESSAGE} (default: the
     * first message), e.g. to build {@code DynamicMessage}s from JSON lines; null without a configured schema.
     */
    public Descriptor configuredMessageType() {
        return configuredMessageType;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        Descriptor type = data.getDescriptorForType();
        if (configuredSchema != null && !type.getFullName().equals(configuredMessageName(type))) {
            throw new SerializationException("message " + type.getFullName() + " is not at the same place in the"
                    + " configured schema " + configuredSchema.file().getName() + ", so readers could not find it");
        }
        String text = configuredSchema == null ? null : configuredSchema.text();
        ByteArrayOutputStream out = new ByteArrayOutputStream(WireFormat.HEADER_BYTES + 8 + data.getSerializedSize());
        WireFormat.writeHeader(out, schemaSource.idForWrite(topic, isKey, SchemaType.PROTOBUF, text));
        WireFormat.writeMessageIndexes(out, ProtoSchema.messageIndexes(type));
        try {
            data.writeTo(out);
        } catch (IOException e) {
            throw new SerializationException("cannot write Protobuf message " + type.getFullName(), e);
        }
        return out.toByteArray();
    }

    /** The full name the configured schema gives to the type with the same path, or null. */
    private String configuredMessageName(Descriptor type) {
        try {
            return configuredSchema.messageAt(ProtoSchema.messageIndexes(type)).getFullName();
        } catch (SerializationException e) {
            return null;
        }
    }
}
