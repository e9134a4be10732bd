package io.fjord.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.DoubleSerializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordFormatTest {
    @TempDir
    Path tmp;

    @Test
    void numbersUseTheOfficialClientsSerializerLayouts() {
        try (var ints = new IntegerSerializer();
                var longs = new LongSerializer();
                var doubles = new DoubleSerializer()) {
            assertThat(RecordFormat.INT.codec(null, null, false).encode("t", " -7 "))
                    .isEqualTo(ints.serialize("t", -7));
            assertThat(RecordFormat.LONG.codec(null, null, false).encode("t", "1234567890123"))
                    .isEqualTo(longs.serialize("t", 1234567890123L));
            assertThat(RecordFormat.DOUBLE.codec(null, null, false).encode("t", "2.5"))
                    .isEqualTo(doubles.serialize("t", 2.5));
        }
        RecordFormat.Codec floats = RecordFormat.FLOAT.codec(null, null, false);
        assertThat(floats.decode("t", floats.encode("t", "0.25"))).isEqualTo("0.25");
    }

    @Test
    void aBadNumberOrAWrongSizeIsASerializationErrorThatSaysWhy() {
        assertThatThrownBy(() -> RecordFormat.INT.codec(null, null, false).encode("t", "ten"))
                .isInstanceOf(SerializationException.class)
                .hasMessage("not an int: \"ten\"");
        assertThatThrownBy(() -> RecordFormat.FLOAT.codec(null, null, false).encode("t", "1e99"))
                .hasMessage("not a float: \"1e99\"");
        assertThatThrownBy(() -> RecordFormat.LONG.codec(null, null, false).decode("t", new byte[3]))
                .hasMessage("expected 8 bytes for a long, found 3");
    }

    @Test
    void jsonLinesRoundTripAndBadJsonIsRefused() {
        RecordFormat.Codec json = RecordFormat.JSON.codec(null, null, false);
        assertThat(json.decode("t", json.encode("t", "{\"a\": [1, 2]}"))).isEqualTo("{\"a\":[1,2]}");
        assertThatThrownBy(() -> json.encode("t", "{\"a\":")).isInstanceOf(SerializationException.class);
    }

    @Test
    void avroNeedsAReadableSchemaFileAndUsesIt() throws Exception {
        assertThatThrownBy(() -> RecordFormat.AVRO.codec(null, null, false))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("needs a schema file");
        assertThatThrownBy(() -> RecordFormat.AVRO.codec(tmp.resolve("none.avsc"), null, false))
                .hasMessageContaining("cannot read it");
        Path avsc = Files.writeString(
                tmp.resolve("p.avsc"),
                "{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"x\",\"type\":\"long\"}]}");
        RecordFormat.Codec avro = RecordFormat.AVRO.codec(avsc, null, false);
        assertThat(avro.decode("t", avro.encode("t", "{\"x\": 5}"))).isEqualTo("{\"x\":5}");
        assertThatThrownBy(() -> RecordFormat.STRING.codec(avsc, null, false))
                .hasMessageContaining("only used with the json, avro and protobuf formats");
    }
}
