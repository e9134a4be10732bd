package io.fjord.serde.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fjord.serde.JsonText;
import io.fjord.serde.SchemaException;
import io.fjord.serde.SerdeConfig;
import io.fjord.serde.TestSchemas;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class JsonSerdeTest {
    public record Address(String zip) {}

    public record Person(String name, Integer age, Address address, List<String> tags) {}

    private static final Map<String, Object> WITH_SCHEMA =
            Map.of(SerdeConfig.SCHEMA_FILE, TestSchemas.file("person.schema.json"), SerdeConfig.SCHEMA_ID, 7);

    @Test
    void roundTripsAnObjectWithNestedAndRepeatedFieldsWithoutAHeader() {
        JsonSerializer<Person> serializer = new JsonSerializer<>();
        serializer.configure(Map.of(), false);
        Person person = new Person("ada", 36, new Address("12345"), List.of("a", "b"));
        byte[] bytes = serializer.serialize("t", person);
        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .isEqualTo("{\"name\":\"ada\",\"age\":36,\"address\":{\"zip\":\"12345\"},\"tags\":[\"a\",\"b\"]}");

        JsonDeserializer<Person> deserializer = new JsonDeserializer<>();
        deserializer.configure(Map.of(SerdeConfig.JSON_TYPE, Person.class.getName()), false);
        assertThat(deserializer.deserialize("t", bytes)).isEqualTo(person);
    }

    @Test
    void withASchemaWritesTheHeaderAndReadsBackAJsonNode() {
        JsonSerializer<JsonNode> serializer = new JsonSerializer<>();
        serializer.configure(WITH_SCHEMA, false);
        JsonNode value = JsonText.parse("{\"name\":\"ada\",\"age\":36,\"tags\":[]}");
        byte[] bytes = serializer.serialize("t", value);
        assertThat(Arrays.copyOf(bytes, 5)).containsExactly(0, 0, 0, 0, 7);
        assertThat(new String(bytes, 5, bytes.length - 5, StandardCharsets.UTF_8))
                .isEqualTo("{\"name\":\"ada\",\"age\":36,\"tags\":[]}");

        JsonDeserializer<JsonNode> deserializer = new JsonDeserializer<>();
        deserializer.configure(WITH_SCHEMA, false);
        assertThat(deserializer.deserialize("t", bytes)).isEqualTo(value);
    }

    @Test
    void headerCanBeTurnedOffWithASchema() {
        JsonSerializer<JsonNode> serializer = new JsonSerializer<>();
        serializer.configure(
                Map.of(SerdeConfig.SCHEMA_FILE, TestSchemas.file("person.schema.json"), "value.json.header", "false"),
                false);
        assertThat(serializer.serialize("t", JsonText.parse("{\"name\":\"x\"}"))[0])
                .isEqualTo((byte) '{');
    }

    @Test
    void rejectsAValueThatDoesNotMatchTheSchemaNamingThePath() {
        JsonSerializer<JsonNode> serializer = new JsonSerializer<>();
        serializer.configure(WITH_SCHEMA, false);
        assertThatThrownBy(() ->
                        serializer.serialize("t", JsonText.parse("{\"name\":\"ada\",\"address\":{\"zip\":\"x1\"}}")))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("JSON does not match the schema: ")
                .hasMessageContaining("$.address.zip");
        assertThatThrownBy(() -> serializer.serialize("t", JsonText.parse("{\"age\":-1}")))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("$.age")
                .hasMessageContaining("name");
    }

    @Test
    void deserializerValidatesToo() {
        JsonDeserializer<JsonNode> deserializer = new JsonDeserializer<>();
        deserializer.configure(WITH_SCHEMA, false);
        assertThatThrownBy(() -> deserializer.deserialize("t", "{\"name\":5}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("$.name");
    }

    @Test
    void corruptInputIsASerializationException() {
        JsonDeserializer<JsonNode> deserializer = new JsonDeserializer<>();
        deserializer.configure(Map.of(), false);
        assertThatThrownBy(() -> deserializer.deserialize("t", "{\"name\":".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("not valid JSON: ");
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {0, 0, 0}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("too short");
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {1, 0, 0, 0, 0, '{', '}'}))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("not valid JSON: ");
    }

    @Test
    void aBadSchemaFileIsOneLineNamingTheFile() {
        JsonSerializer<JsonNode> serializer = new JsonSerializer<>();
        assertThatThrownBy(() -> serializer.configure(Map.of(SerdeConfig.SCHEMA_FILE, "/no/such/schema.json"), false))
                .isInstanceOf(SchemaException.class)
                .hasMessage("schema file /no/such/schema.json: no such file");
        assertThatThrownBy(() -> serializer.configure(Map.of(SerdeConfig.SCHEMA, "{\"type\": "), false))
                .isInstanceOf(SchemaException.class)
                .hasMessageStartingWith("inline schema (schema): not valid JSON: ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void nullIsWrittenAndReadAsNull() {
        JsonSerializer<Object> serializer = new JsonSerializer<>();
        serializer.configure(Map.of(), true);
        assertThat(serializer.serialize("t", null)).isNull();
        JsonDeserializer<Object> deserializer = new JsonDeserializer<>();
        deserializer.configure(Map.of(), true);
        assertThat(deserializer.deserialize("t", null)).isNull();
    }
}
