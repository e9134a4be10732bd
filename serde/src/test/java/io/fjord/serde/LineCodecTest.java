package io.fjord.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class LineCodecTest {

    @Test
    void avroLinesRoundTripThroughRecordBytes() {
        LineCodec codec = LineCodec.avro(Map.of(SerdeConfig.SCHEMA_FILE, TestSchemas.file("user.avsc")), false);
        byte[] bytes = codec.fromLine("t", "{\"name\":\"ada\",\"age\":3}");
        assertThat(bytes[0]).isZero();
        assertThat(codec.toLine("t", bytes))
                .isEqualTo("{\"name\":\"ada\",\"age\":3,\"emails\":[],\"address\":null,\"status\":\"ACTIVE\","
                        + "\"scores\":{},\"avatar\":null}");
        assertThatThrownBy(() -> codec.fromLine("t", "{\"name\":1}"))
                .isInstanceOf(SerializationException.class)
                .hasMessage("field 'name': expected string, found integer 1");
    }

    @Test
    void avroKeysCanBePrimitives() {
        LineCodec codec = LineCodec.avro(Map.of("key.schema", "\"long\""), true);
        assertThat(codec.toLine("t", codec.fromLine("t", "42"))).isEqualTo("42");
    }

    @Test
    void protobufLinesRoundTripThroughRecordBytes() {
        LineCodec codec = LineCodec.protobuf(
                Map.of(SerdeConfig.SCHEMA_FILE, TestSchemas.file("user.proto"), SerdeConfig.PROTOBUF_MESSAGE, "User"),
                false);
        String line = "{\"name\":\"ada\",\"tags\":[{\"label\":\"x\"}]}";
        assertThat(codec.toLine("t", codec.fromLine("t", line))).isEqualTo(line);
        assertThatThrownBy(() -> codec.fromLine("t", "{\"tags\":[{\"lable\":\"x\"}]}"))
                .isInstanceOf(SerializationException.class)
                .hasMessage("field 'tags[0].lable': not a field of message fjord.example.Tag");
    }

    @Test
    void jsonLinesAreValidatedWhenASchemaIsGiven() {
        LineCodec plain = LineCodec.json(Map.of(), false);
        byte[] bytes = plain.fromLine("t", " {\"a\": [1, 2]} ");
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{\"a\":[1,2]}");
        assertThat(plain.toLine("t", bytes)).isEqualTo("{\"a\":[1,2]}");
        assertThat(plain.toLine("t", null)).isEqualTo("null");

        LineCodec checked =
                LineCodec.json(Map.of(SerdeConfig.SCHEMA_FILE, TestSchemas.file("person.schema.json")), false);
        assertThatThrownBy(() -> checked.fromLine("t", "{\"name\":\"a\",\"age\":\"old\"}"))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("$.age");
        assertThatThrownBy(() -> checked.fromLine("t", "{\"name\":\"a\"} x"))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("not valid JSON: ");
    }

    @Test
    void schemaFormatsWithoutASchemaFailAtOnce() {
        assertThatThrownBy(() -> LineCodec.avro(Map.of(), false))
                .isInstanceOf(SchemaException.class)
                .hasMessage("Avro needs a schema: set schema.file (or schema)");
        assertThatThrownBy(() -> LineCodec.protobuf(Map.of(SerdeConfig.SCHEMA_FILE, "missing.proto"), false))
                .isInstanceOf(SchemaException.class)
                .hasMessage("schema file missing.proto: no such file");
    }
}
