package io.fjord.serde.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.serde.SchemaException;
import io.fjord.serde.SerdeConfig;
import io.fjord.serde.TestSchemas;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AvroSerdeTest {
    private static final Map<String, Object> CONFIG =
            Map.of(SerdeConfig.SCHEMA_FILE, TestSchemas.file("user.avsc"), SerdeConfig.SCHEMA_ID, 42);

    private final AvroSerializer serializer = new AvroSerializer();
    private final AvroDeserializer deserializer = new AvroDeserializer();

    private GenericRecord user() {
        serializer.configure(CONFIG, false);
        Schema schema = serializer.configuredSchema();
        Schema addressSchema = schema.getField("address").schema().getTypes().get(1);
        GenericRecord address = new GenericData.Record(addressSchema);
        address.put("street", "Main St");
        address.put("zip", 12345);
        GenericRecord user = new GenericData.Record(schema);
        user.put("name", "ada");
        user.put("age", null);
        user.put("emails", List.of("a@x", "b@x"));
        user.put("address", address);
        user.put("status", new GenericData.EnumSymbol(schema.getField("status").schema(), "BLOCKED"));
        user.put("scores", Map.of("math", 1.5));
        user.put("avatar", ByteBuffer.wrap(new byte[] {1, 2, 3}));
        return user;
    }

    @Test
    void roundTripsAGenericRecordWithNestedOptionalAndRepeatedFields() {
        GenericRecord user = user();
        deserializer.configure(CONFIG, false);
        GenericRecord read = (GenericRecord) deserializer.deserialize("t", serializer.serialize("t", user));
        assertThat(read.get("name").toString()).isEqualTo("ada");
        assertThat(read.get("age")).isNull();
        assertThat(read.get("emails").toString()).isEqualTo("[a@x, b@x]");
        assertThat(((GenericRecord) read.get("address")).get("zip")).isEqualTo(12345);
        assertThat(read.get("status").toString()).isEqualTo("BLOCKED");
        assertThat(read.get("avatar")).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertThat(read.get("scores").toString()).isEqualTo("{math=1.5}");
    }

    @Test
    void writesTheHeaderThenAvroBinary() {
        serializer.configure(Map.of(SerdeConfig.SCHEMA, "\"int\"", SerdeConfig.SCHEMA_ID, 0x0102), false);
        // int 3 is zig-zag varint 6
        assertThat(serializer.serialize("t", 3)).containsExactly(0, 0, 0, 1, 2, 6);
    }

    @Test
    void schemaIdDefaultsToZero() {
        serializer.configure(Map.of(SerdeConfig.SCHEMA, "\"string\""), false);
        assertThat(Arrays.copyOf(serializer.serialize("t", "x"), 5)).containsExactly(0, 0, 0, 0, 0);
    }

    @Test
    void keySideReadsKeyPrefixedConfigFirst() {
        serializer.configure(Map.of("key.schema", "\"long\"", SerdeConfig.SCHEMA, "\"string\""), true);
        assertThat(serializer.configuredSchema().getType()).isEqualTo(Schema.Type.LONG);
    }

    @Test
    void roundTripsASpecificRecord() {
        AvroSerializer specificSerializer = new AvroSerializer();
        specificSerializer.configure(Map.of(), false);
        byte[] bytes = specificSerializer.serialize("t", new TestUser("ada", 36, List.of("a@x")));
        deserializer.configure(
                Map.of(SerdeConfig.SCHEMA, TestUser.SCHEMA$.toString(), SerdeConfig.SPECIFIC_AVRO_READER, "true"),
                false);
        TestUser read = (TestUser) deserializer.deserialize("t", bytes);
        assertThat(read.name()).isEqualTo("ada");
        assertThat(read.age()).isEqualTo(36);
        assertThat(read.emails()).containsExactly("a@x");
    }

    @Test
    void rejectsARecordWhoseSchemaDiffersFromTheConfiguredOne() {
        serializer.configure(CONFIG, false);
        assertThatThrownBy(() -> serializer.serialize("t", new TestUser("ada", 1, List.of())))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("differs from the configured schema io.fjord.example.User");
    }

    @Test
    void aMissingRequiredValueNamesTheField() {
        GenericRecord user = user();
        user.put("name", null);
        assertThatThrownBy(() -> serializer.serialize("t", user))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("name");
    }

    @Test
    void corruptInputIsASerializationException() {
        byte[] good = serializer.serialize("t", user());
        deserializer.configure(CONFIG, false);
        byte[] wrongMagic = good.clone();
        wrongMagic[0] = 1;
        assertThatThrownBy(() -> deserializer.deserialize("t", wrongMagic))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("magic byte");
        assertThatThrownBy(() -> deserializer.deserialize("t", Arrays.copyOf(good, good.length - 4)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("cannot read Avro data (schema id 42, io.fjord.example.User)");
        assertThatThrownBy(() -> deserializer.deserialize("t", Arrays.copyOf(good, good.length + 3)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("trailing bytes");
        assertThatThrownBy(() -> deserializer.deserialize("t", Arrays.copyOf(good, 3)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("too short");
    }

    @Test
    void aHugeDeclaredLengthDoesNotAllocateIt() {
        // string of length 2^30 (zig-zag varint) with 2 bytes actually present
        byte[] bytes = {0, 0, 0, 0, 0, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08, 'a', 'b'};
        deserializer.configure(Map.of(SerdeConfig.SCHEMA, "\"string\""), false);
        assertThatThrownBy(() -> deserializer.deserialize("t", bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("string length 1073741824 with 2 bytes left");
    }

    @Test
    void aBadSchemaFileIsOneLineNamingTheFileAndTheProblem(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.avsc");
        Files.writeString(
                bad, "{\"type\": \"record\", \"name\": \"X\", \"fields\": [{\"name\": \"a\", \"type\": \"nope\"}]}");
        assertThatThrownBy(() -> serializer.configure(Map.of(SerdeConfig.SCHEMA_FILE, bad.toString()), false))
                .isInstanceOf(SchemaException.class)
                .hasMessageStartingWith("schema file " + bad + ": invalid Avro schema: ")
                .hasMessageContaining("nope")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        Files.writeString(bad, "{\"type\": ");
        assertThatThrownBy(() -> serializer.configure(Map.of(SerdeConfig.SCHEMA_FILE, bad.toString()), false))
                .isInstanceOf(SchemaException.class)
                .hasMessageStartingWith("schema file " + bad + ": invalid Avro schema: ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> serializer.configure(
                        Map.of(SerdeConfig.SCHEMA_FILE, dir.resolve("none.avsc").toString()), false))
                .isInstanceOf(SchemaException.class)
                .hasMessage("schema file " + dir.resolve("none.avsc") + ": no such file");
    }

    @Test
    void readingWithoutAConfiguredSchemaSaysSo() {
        byte[] bytes = serializer.serialize("t", user());
        deserializer.configure(Map.of(), false);
        assertThatThrownBy(() -> deserializer.deserialize("t", bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("schema id 42")
                .hasMessageContaining("no AVRO schema is configured");
    }
}
