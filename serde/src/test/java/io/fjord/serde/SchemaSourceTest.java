package io.fjord.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Message;
import io.fjord.serde.avro.AvroDeserializer;
import io.fjord.serde.avro.AvroJson;
import io.fjord.serde.avro.AvroSerializer;
import io.fjord.serde.protobuf.ProtobufDeserializer;
import io.fjord.serde.protobuf.ProtobufJson;
import io.fjord.serde.protobuf.ProtobufSerializer;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SchemaSourceTest {
    private static final String V1 =
            "{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}";
    private static final String V2 =
            "{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},"
                    + "{\"name\":\"b\",\"type\":\"string\",\"default\":\"none\"}]}";

    @BeforeEach
    void clearRegistry() {
        InMemoryRegistry.reset();
    }

    @Test
    void aPluggedInSourceAssignsIdsAndAReaderEvolvesToItsOwnSchema() {
        AvroSerializer writer = new AvroSerializer();
        writer.configure(
                Map.of(SerdeConfig.SCHEMA, V1, SerdeConfig.SCHEMA_SOURCE, InMemoryRegistry.class.getName()), false);
        byte[] bytes = writer.serialize("orders", AvroJson.fromJson("{\"a\":7}", writer.configuredSchema()));
        assertThat(bytes).startsWith(0, 0, 0, 0, 1);
        assertThat(InMemoryRegistry.SUBJECTS).containsExactly("orders-value");
        assertThat(InMemoryRegistry.lastConfigs).containsKey(SerdeConfig.SCHEMA);

        AvroDeserializer reader = new AvroDeserializer();
        reader.configure(Map.of(SerdeConfig.SCHEMA, V2, SerdeConfig.SCHEMA_SOURCE, InMemoryRegistry.class), false);
        GenericRecord read = (GenericRecord) reader.deserialize("orders", bytes);
        assertThat(read.get("a")).isEqualTo(7);
        assertThat(read.get("b").toString()).isEqualTo("none");
    }

    @Test
    void protobufReadersFetchTheWriterSchemaById() {
        ProtobufSerializer<Message> writer = new ProtobufSerializer<>();
        writer.configure(
                Map.of(
                        SerdeConfig.SCHEMA_FILE,
                        TestSchemas.file("common/money.proto"),
                        SerdeConfig.SCHEMA_SOURCE,
                        InMemoryRegistry.class.getName()),
                true);
        byte[] bytes = writer.serialize(
                "orders", ProtobufJson.fromJson("{\"currency\":\"EUR\",\"units\":5}", writer.configuredMessageType()));
        assertThat(InMemoryRegistry.SUBJECTS).containsExactly("orders-key");

        ProtobufDeserializer<Message> reader = new ProtobufDeserializer<>();
        reader.configure(Map.of(SerdeConfig.SCHEMA_SOURCE, InMemoryRegistry.class.getName()), true);
        assertThat(ProtobufJson.toJson(reader.deserialize("orders", bytes)))
                .isEqualTo("{\"currency\":\"EUR\",\"units\":5}");
        assertThatThrownBy(() -> reader.deserialize("orders", new byte[] {0, 0, 0, 0, 9, 0}))
                .isInstanceOf(SerializationException.class)
                .hasMessage("schema id 9 not found");
    }

    @Test
    void aSourceClassThatIsNotASchemaSourceIsAConfigError() {
        assertThatThrownBy(() -> new AvroSerializer().configure(Map.of(SerdeConfig.SCHEMA_SOURCE, String.class), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.source");
    }
}
