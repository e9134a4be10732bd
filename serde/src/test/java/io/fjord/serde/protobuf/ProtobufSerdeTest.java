package io.fjord.serde.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.fjord.serde.SerdeConfig;
import io.fjord.serde.TestSchemas;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class ProtobufSerdeTest {
    private static final Map<String, Object> CONFIG = Map.of(
            SerdeConfig.SCHEMA_FILE,
            TestSchemas.file("user.proto"),
            SerdeConfig.SCHEMA_ID,
            5,
            SerdeConfig.PROTOBUF_MESSAGE,
            "User");

    private final ProtobufSerializer<Message> serializer = new ProtobufSerializer<>();
    private final ProtobufDeserializer<Message> deserializer = new ProtobufDeserializer<>();

    private DynamicMessage user() {
        serializer.configure(CONFIG, false);
        Descriptor type = serializer.configuredMessageType();
        return ProtobufJson.fromJson(
                "{\"name\":\"ada\",\"age\":0,\"emails\":[\"a@x\",\"b@x\"],"
                        + "\"address\":{\"street\":\"Main\",\"zip\":123,\"geo\":{\"lat\":1.5,\"lon\":-2}},"
                        + "\"status\":\"ACTIVE\",\"scores\":{\"math\":1.5},\"phone\":\"555\","
                        + "\"created\":{\"seconds\":1700000000},\"tags\":[{\"label\":\"x\"}]}",
                type);
    }

    @Test
    void roundTripsADynamicMessageWithNestedOptionalRepeatedAndMapFields() {
        DynamicMessage user = user();
        deserializer.configure(CONFIG, false);
        Message read = deserializer.deserialize("t", serializer.serialize("t", user));
        assertThat(read).isInstanceOf(DynamicMessage.class);
        // The reader parsed the .proto on its own, so descriptors differ by identity: compare content.
        assertThat(read.toByteString()).isEqualTo(user.toByteString());
        assertThat(read.toString()).isEqualTo(user.toString());
        Descriptor type = read.getDescriptorForType();
        assertThat(read.hasField(type.findFieldByName("age"))).isTrue();
        assertThat(read.getRepeatedFieldCount(type.findFieldByName("emails"))).isEqualTo(2);
    }

    @Test
    void headerCarriesTheSchemaIdAndTheMessageIndexes() {
        byte[] userBytes = serializer.serialize("t", user());
        assertThat(Arrays.copyOf(userBytes, 7)).containsExactly(0, 0, 0, 0, 5, 2, 2);
        assertThat(Arrays.copyOfRange(userBytes, 7, userBytes.length)).containsExactly(user().toByteArray());

        Descriptor tagType = serializer.configuredSchema().message("Tag");
        DynamicMessage tag = ProtobufJson.fromJson("{\"label\":\"x\"}", tagType);
        byte[] tagBytes = serializer.serialize("t", tag);
        assertThat(Arrays.copyOf(tagBytes, 6)).containsExactly(0, 0, 0, 0, 5, 0);

        Descriptor geoType = serializer.configuredSchema().message("User.Address.Geo");
        byte[] geoBytes = serializer.serialize("t", ProtobufJson.fromJson("{\"lat\":1}", geoType));
        assertThat(Arrays.copyOf(geoBytes, 9)).containsExactly(0, 0, 0, 0, 5, 6, 2, 2, 0);
        deserializer.configure(CONFIG, false);
        assertThat(deserializer
                        .deserialize("t", geoBytes)
                        .getDescriptorForType()
                        .getFullName())
                .isEqualTo("fjord.example.User.Address.Geo");
    }

    @Test
    void roundTripsGeneratedMessagesIntoTheirClass() {
        ProtobufSerializer<Timestamp> timestamps = new ProtobufSerializer<>();
        timestamps.configure(Map.of(), false);
        Timestamp ts =
                Timestamp.newBuilder().setSeconds(1_700_000_000L).setNanos(5).build();
        byte[] bytes = timestamps.serialize("t", ts);
        assertThat(Arrays.copyOf(bytes, 6)).containsExactly(0, 0, 0, 0, 0, 0);

        ProtobufDeserializer<Timestamp> reader = new ProtobufDeserializer<>();
        reader.configure(Map.of(SerdeConfig.PROTOBUF_TYPE, Timestamp.class.getName()), false);
        assertThat(reader.deserialize("t", bytes)).isEqualTo(ts);
    }

    @Test
    void generatedMessagesOtherThanTheFirstWriteTheirIndexes() {
        // descriptor.proto: FileDescriptorSet is message 0, FileDescriptorProto message 1.
        ProtobufSerializer<FileDescriptorProto> files = new ProtobufSerializer<>();
        files.configure(Map.of(SerdeConfig.SCHEMA_ID, 9), false);
        FileDescriptorProto file = FileDescriptorProto.newBuilder()
                .setName("a.proto")
                .addMessageType(DescriptorProto.newBuilder().setName("A"))
                .build();
        byte[] bytes = files.serialize("t", file);
        assertThat(Arrays.copyOf(bytes, 7)).containsExactly(0, 0, 0, 0, 9, 2, 2);

        ProtobufDeserializer<FileDescriptorProto> reader = new ProtobufDeserializer<>();
        reader.configure(Map.of(SerdeConfig.PROTOBUF_TYPE, FileDescriptorProto.class), false);
        assertThat(reader.deserialize("t", bytes)).isEqualTo(file);
    }

    @Test
    void aGeneratedReaderRejectsARecordOfAnotherMessageType() {
        ProtobufDeserializer<Timestamp> reader = new ProtobufDeserializer<>();
        reader.configure(Map.of(SerdeConfig.PROTOBUF_TYPE, Timestamp.class.getName()), false);
        byte[] userBytes = serializer.serialize("t", user());
        assertThatThrownBy(() -> reader.deserialize("t", userBytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("indexes [1] of its schema, not google.protobuf.Timestamp");
    }

    @Test
    void rejectsAMessageThatIsNotInTheConfiguredSchema() {
        serializer.configure(CONFIG, false);
        assertThatThrownBy(() -> serializer.serialize("t", Timestamp.getDefaultInstance()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("google.protobuf.Timestamp is not at the same place in the configured schema");
    }

    @Test
    void corruptInputIsASerializationException() {
        byte[] good = serializer.serialize("t", user());
        deserializer.configure(CONFIG, false);
        byte[] wrongMagic = good.clone();
        wrongMagic[0] = 7;
        assertThatThrownBy(() -> deserializer.deserialize("t", wrongMagic))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("magic byte 0x07");
        assertThatThrownBy(() -> deserializer.deserialize("t", Arrays.copyOf(good, good.length - 3)))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith(
                        "cannot read Protobuf message fjord.example.User (schema id 5, message indexes [1])");
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {0, 0, 0, 0, 5, 2, 14, 10}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("message indexes [7] do not name a message of user.proto");
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {0, 0, 0, 0, 5}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("truncated message indexes");
    }

    @Test
    void aBadMessageNameFailsAtConfigure() {
        assertThatThrownBy(() -> serializer.configure(
                        Map.of(
                                SerdeConfig.SCHEMA_FILE,
                                TestSchemas.file("user.proto"),
                                "value.protobuf.message",
                                "Nope"),
                        false))
                .hasMessageContaining("message 'Nope' not found in user.proto");
    }
}
