package io.fjord.serde.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.serde.SerdeConfig;
import io.fjord.serde.TestSchemas;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroJsonTest {
    private static final Schema USER = AvroSchemas.parse(SerdeConfig.readSchemaFile(TestSchemas.path("user.avsc")));

    @Test
    void aJsonLineBecomesARecordThatSurvivesTheWireAndPrintsBackTheSame() {
        String line = "{\"name\":\"ada\",\"age\":36,\"emails\":[\"a@x\"],\"address\":{\"street\":\"Main\",\"zip\":123},"
                + "\"status\":\"BLOCKED\",\"scores\":{\"math\":1.5},\"avatar\":\"AQID\"}";
        GenericRecord record = (GenericRecord) AvroJson.fromJson(line, USER);

        Map<String, Object> config = Map.of(SerdeConfig.SCHEMA, USER.toString());
        AvroSerializer serializer = new AvroSerializer();
        serializer.configure(config, false);
        AvroDeserializer deserializer = new AvroDeserializer();
        deserializer.configure(config, false);
        Object read = deserializer.deserialize("t", serializer.serialize("t", record));

        assertThat(AvroJson.toJson(read, USER)).isEqualTo(line);
    }

    @Test
    void missingFieldsTakeTheirDefaults() {
        GenericRecord record = (GenericRecord) AvroJson.fromJson("{\"name\":\"ada\"}", USER);
        assertThat(AvroJson.toJson(record, USER))
                .isEqualTo("{\"name\":\"ada\",\"age\":null,\"emails\":[],\"address\":null,\"status\":\"ACTIVE\","
                        + "\"scores\":{},\"avatar\":null}");
    }

    @Test
    void acceptsAvrosUnionWrapper() {
        GenericRecord record = (GenericRecord) AvroJson.fromJson("{\"name\":\"ada\",\"age\":{\"int\":5}}", USER);
        assertThat(record.get("age")).isEqualTo(5);
    }

    @Test
    void errorsNameTheFieldAndTheProblem() {
        assertThatThrownBy(
                        () -> AvroJson.fromJson("{\"name\":\"a\",\"address\":{\"street\":\"s\",\"zip\":\"x\"}}", USER))
                .isInstanceOf(SerializationException.class)
                .hasMessage("field 'address.zip': expected int, found string \"x\"");
        assertThatThrownBy(() -> AvroJson.fromJson("{\"age\":3}", USER))
                .hasMessage("field 'name': missing (required string, no default)");
        assertThatThrownBy(() -> AvroJson.fromJson("{\"name\":\"a\",\"nick\":\"b\"}", USER))
                .hasMessage("field 'nick': not a field of record io.fjord.example.User");
        assertThatThrownBy(() -> AvroJson.fromJson("{\"name\":\"a\",\"emails\":[\"ok\",7]}", USER))
                .hasMessage("field 'emails[1]': expected string, found integer 7");
        assertThatThrownBy(() -> AvroJson.fromJson("{\"name\":\"a\",\"status\":\"GONE\"}", USER))
                .hasMessage(
                        "field 'status': expected one of the symbols [ACTIVE, BLOCKED] of enum io.fjord.example.Status,"
                                + " found string \"GONE\"");
        assertThatThrownBy(() -> AvroJson.fromJson("{\"name\":\"a\",\"age\":3000000000}", USER))
                .hasMessage("field 'age': value 3000000000 is out of range for int");
        assertThatThrownBy(() -> AvroJson.fromJson("{\"name\":\"a\",\"scores\":{\"x\":true}}", USER))
                .hasMessage("field 'scores.x': expected double, found boolean true");
        assertThatThrownBy(() -> AvroJson.fromJson("{\"name\":", USER)).hasMessageStartingWith("not valid JSON: ");
    }
}
