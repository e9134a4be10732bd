package io.fjord.serde.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.fjord.serde.SerdeConfig;
import io.fjord.serde.TestSchemas;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class ProtobufJsonTest {
    private static final Map<String, Object> CONFIG = Map.of(SerdeConfig.SCHEMA_FILE, TestSchemas.file("user.proto"));
    private static final Descriptor USER = ProtoSchema.parse(SerdeConfig.readSchemaFile(TestSchemas.path("user.proto")))
            .message("User");

    @Test
    void aJsonLineSurvivesTheWireAndPrintsBackTheSame() {
        String line = "{\"name\":\"ada\",\"age\":36,\"emails\":[\"a@x\"],\"address\":{\"street\":\"Main\",\"zip\":123},"
                + "\"status\":\"BLOCKED\",\"scores\":{\"math\":1.5},\"avatar\":\"AQID\",\"visits\":4294967295,"
                + "\"balance_cents\":-9007199254740993,\"fax\":\"1\",\"created\":{\"seconds\":1700000000},"
                + "\"tags\":[{\"label\":\"a\"},{\"label\":\"b\"}],\"wallet\":{\"currency\":\"EUR\",\"units\":3}}";
        ProtobufSerializer<Message> serializer = new ProtobufSerializer<>();
        serializer.configure(CONFIG, false);
        DynamicMessage message = ProtobufJson.fromJson(
                line, serializer.configuredMessageType().getFile().findMessageTypeByName("User"));
        ProtobufDeserializer<Message> deserializer = new ProtobufDeserializer<>();
        deserializer.configure(CONFIG, false);
        Message read = deserializer.deserialize("t", serializer.serialize("t", message));
        assertThat(ProtobufJson.toJson(read)).isEqualTo(line);
    }

    @Test
    void acceptsJsonNamesNumericStringsAndEnumNumbers() {
        DynamicMessage m = ProtobufJson.fromJson("{\"balanceCents\":\"12\",\"status\":2,\"name\":null}", USER);
        assertThat(ProtobufJson.toJson(m)).isEqualTo("{\"status\":\"BLOCKED\",\"balance_cents\":12}");
    }

    @Test
    void printsGeneratedMessagesToo() {
        assertThat(ProtobufJson.toJson(Timestamp.newBuilder().setSeconds(5).build()))
                .isEqualTo("{\"seconds\":5}");
    }

    @Test
    void errorsNameTheFieldAndTheProblem() {
        assertThatThrownBy(() -> ProtobufJson.fromJson("{\"address\":{\"zip\":\"x\"}}", USER))
                .isInstanceOf(SerializationException.class)
                .hasMessage("field 'address.zip': expected int32, found string \"x\"");
        assertThatThrownBy(() -> ProtobufJson.fromJson("{\"nick\":\"b\"}", USER))
                .hasMessage("field 'nick': not a field of message fjord.example.User");
        assertThatThrownBy(() -> ProtobufJson.fromJson("{\"emails\":[\"ok\",7]}", USER))
                .hasMessage("field 'emails[1]': expected string, found integer 7");
        assertThatThrownBy(() -> ProtobufJson.fromJson("{\"tags\":[{\"label\":1}]}", USER))
                .hasMessage("field 'tags[0].label': expected string, found integer 1");
        assertThatThrownBy(() -> ProtobufJson.fromJson("{\"status\":\"GONE\"}", USER))
                .hasMessage("field 'status': expected one of the values [STATUS_UNSPECIFIED, ACTIVE, BLOCKED] of enum"
                        + " fjord.example.User.Status, found string \"GONE\"");
        assertThatThrownBy(() -> ProtobufJson.fromJson("{\"visits\":-1}", USER))
                .hasMessage("field 'visits': value -1 is out of range for uint32");
        assertThatThrownBy(() -> ProtobufJson.fromJson("{\"age\":2147483648}", USER))
                .hasMessage("field 'age': value 2147483648 is out of range for int32");
        assertThatThrownBy(() -> ProtobufJson.fromJson("{\"scores\":{\"math\":\"high\"}}", USER))
                .hasMessage("field 'scores[\"math\"]': expected double, found string \"high\"");
        assertThatThrownBy(() -> ProtobufJson.fromJson("{\"phone\":\"1\",\"fax\":\"2\"}", USER))
                .hasMessage("field 'fax': oneof contact already has field phone");
        assertThatThrownBy(() -> ProtobufJson.fromJson("{\"avatar\":\"%%%\"}", USER))
                .hasMessageStartingWith("field 'avatar': expected base64 text for bytes");
        assertThatThrownBy(() -> ProtobufJson.fromJson("[1]", USER))
                .hasMessage("value: expected message fjord.example.User (object), found array");
        assertThatThrownBy(() -> ProtobufJson.fromJson("{\"name\":", USER)).hasMessageStartingWith("not valid JSON: ");
    }
}
