package io.fjord.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import io.fjord.serde.avro.AvroDeserializer;
import io.fjord.serde.avro.AvroJson;
import io.fjord.serde.avro.AvroSerializer;
import io.fjord.serde.protobuf.ProtobufDeserializer;
import io.fjord.serde.protobuf.ProtobufJson;
import io.fjord.serde.protobuf.ProtobufSerializer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.errors.SerializationException;

/** Whatever the bytes, a deserializer answers with a value or a SerializationException, never anything else. */
class CorruptInputPropertiesTest {
    private static final Map<String, Object> AVRO = Map.of(SerdeConfig.SCHEMA_FILE, TestSchemas.file("user.avsc"));
    private static final Map<String, Object> PROTO =
            Map.of(SerdeConfig.SCHEMA_FILE, TestSchemas.file("user.proto"), SerdeConfig.PROTOBUF_MESSAGE, "User");

    @Property
    void messageIndexesRoundTrip(@ForAll @Size(min = 1, max = 8) int[] raw) {
        int[] indexes = java.util.Arrays.stream(raw)
                .map(Math::abs)
                .map(i -> i == Integer.MIN_VALUE ? 0 : i)
                .toArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WireFormat.writeMessageIndexes(out, indexes);
        assertThat(WireFormat.readMessageIndexes(ByteBuffer.wrap(out.toByteArray())))
                .containsExactly(indexes);
    }

    @Property(tries = 300)
    void avroReadsOfMutatedRecordsFailOnlyWithSerializationException(
            @ForAll("mutations") int[] mutation, @ForAll @IntRange(min = 0, max = 100) int cut) {
        AvroSerializer serializer = new AvroSerializer();
        serializer.configure(AVRO, false);
        byte[] bytes = serializer.serialize(
                "t",
                AvroJson.fromJson(
                        "{\"name\":\"ada\",\"age\":3,\"emails\":[\"a\",\"b\"],\"address\":{\"street\":\"s\",\"zip\":1},"
                                + "\"scores\":{\"x\":1.0},\"avatar\":\"AQID\"}",
                        serializer.configuredSchema()));
        AvroDeserializer deserializer = new AvroDeserializer();
        deserializer.configure(AVRO, false);
        assertOnlySerializationErrors(() -> deserializer.deserialize("t", mutate(bytes, mutation, cut)));
    }

    @Property(tries = 300)
    void protobufReadsOfMutatedRecordsFailOnlyWithSerializationException(
            @ForAll("mutations") int[] mutation, @ForAll @IntRange(min = 0, max = 100) int cut) {
        ProtobufSerializer<Message> serializer = new ProtobufSerializer<>();
        serializer.configure(PROTO, false);
        byte[] bytes = serializer.serialize(
                "t",
                ProtobufJson.fromJson(
                        "{\"name\":\"ada\",\"age\":3,\"emails\":[\"a\"],\"address\":{\"zip\":1},\"scores\":{\"x\":1.0},"
                                + "\"tags\":[{\"label\":\"q\"}]}",
                        serializer.configuredMessageType()));
        ProtobufDeserializer<Message> deserializer = new ProtobufDeserializer<>();
        deserializer.configure(PROTO, false);
        assertOnlySerializationErrors(() -> deserializer.deserialize("t", mutate(bytes, mutation, cut)));
    }

    @Provide
    Arbitrary<int[]> mutations() {
        return Arbitraries.integers().between(0, 1 << 16).array(int[].class).ofMaxSize(6);
    }

    /** Overwrites bytes (position, value) pairs, keeping the header's magic byte, then keeps cut% of the record. */
    private static byte[] mutate(byte[] bytes, int[] mutation, int cut) {
        byte[] out = bytes.clone();
        for (int m : mutation) {
            int position = 1 + (m >>> 8) % (out.length - 1);
            out[position] = (byte) m;
        }
        return java.util.Arrays.copyOf(out, Math.max(1, out.length * cut / 100));
    }

    private static void assertOnlySerializationErrors(Runnable read) {
        try {
            read.run();
        } catch (SerializationException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }
}
