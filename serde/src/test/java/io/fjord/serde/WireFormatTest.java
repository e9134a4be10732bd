package io.fjord.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.utils.internals.ByteUtils;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    @Test
    void headerIsMagicZeroThenTheSchemaIdBigEndian() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WireFormat.writeHeader(out, 0x01020304);
        assertThat(out.toByteArray()).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void readReturnsTheSchemaIdAndTheBytesAfterTheHeader() {
        WireFormat.Framed framed = WireFormat.read(new byte[] {0, 0, 0, 1, 0, 42, 43});
        assertThat(framed.schemaId()).isEqualTo(256);
        assertThat(framed.rest().remaining()).isEqualTo(2);
        assertThat(framed.rest().get()).isEqualTo((byte) 42);
    }

    @Test
    void rejectsAWrongMagicByte() {
        assertThatThrownBy(() -> WireFormat.read(new byte[] {1, 0, 0, 0, 1, 9}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("unknown magic byte 0x01");
    }

    @Test
    void rejectsARecordShorterThanTheHeader() {
        assertThatThrownBy(() -> WireFormat.read(new byte[] {0, 0, 0}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("too short")
                .hasMessageContaining("3 bytes");
    }

    @Test
    void theFirstMessageIsTheSingleByteZero() {
        assertThat(indexBytes(0)).containsExactly(0);
        assertThat(WireFormat.readMessageIndexes(ByteBuffer.wrap(new byte[] {0})))
                .containsExactly(0);
    }

    @Test
    void otherIndexesAreACountThenZigZagVarints() {
        assertThat(indexBytes(1)).containsExactly(2, 2);
        assertThat(indexBytes(1, 0)).containsExactly(4, 2, 0);
        assertThat(indexBytes(0, 2, 70)).containsExactly(6, 0, 4, 0x8c, 0x01);
    }

    @Test
    void indexEncodingMatchesKafkasZigZagVarints() {
        int[] indexes = {3, 200, 0, 1_000_000};
        ByteBuffer expected = ByteBuffer.allocate(32);
        ByteUtils.writeVarint(indexes.length, expected);
        for (int index : indexes) {
            ByteUtils.writeVarint(index, expected);
        }
        expected.flip();
        byte[] expectedBytes = new byte[expected.remaining()];
        expected.get(expectedBytes);
        assertThat(indexBytes(indexes)).containsExactly(expectedBytes);
        assertThat(WireFormat.readMessageIndexes(ByteBuffer.wrap(expectedBytes)))
                .containsExactly(indexes);
    }

    @Test
    void rejectsAnIndexCountLargerThanTheBytesPresent() {
        // count 1000 (zig-zag 2000 = 0xd0 0x0f), then two bytes
        ByteBuffer in = ByteBuffer.wrap(new byte[] {(byte) 0xd0, 0x0f, 2, 2});
        assertThatThrownBy(() -> WireFormat.readMessageIndexes(in))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("invalid message index count 1000");
    }

    @Test
    void rejectsTruncatedIndexes() {
        assertThatThrownBy(() -> WireFormat.readMessageIndexes(ByteBuffer.wrap(new byte[] {4, 2})))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("count 2 with 1 bytes left");
        assertThatThrownBy(() -> WireFormat.readMessageIndexes(ByteBuffer.wrap(new byte[] {4, 2, (byte) 0x80})))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> WireFormat.readMessageIndexes(ByteBuffer.wrap(new byte[] {(byte) 0x80})))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("truncated");
    }

    private static byte[] indexBytes(int... indexes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WireFormat.writeMessageIndexes(out, indexes);
        return out.toByteArray();
    }
}
