package io.fjord.protocol.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class ByteUtilsTest {

    @Property
    void varintsMatchKafkasEncodingAndRoundTrip(@ForAll int value) {
        ByteBuffer ours = ByteBuffer.allocate(5);
        ByteUtils.writeVarint(value, ours);
        ByteBuffer kafkas = ByteBuffer.allocate(5);
        org.apache.kafka.common.utils.internals.ByteUtils.writeVarint(value, kafkas);
        assertThat(ours.flip()).isEqualTo(kafkas.flip());
        assertThat(ByteUtils.sizeOfVarint(value)).isEqualTo(ours.remaining());
        assertThat(ByteUtils.readVarint(ours)).isEqualTo(value);
    }

    @Property
    void varlongsRoundTripWithTheirSize(@ForAll long value) {
        ByteBuffer buffer = ByteBuffer.allocate(10);
        ByteUtils.writeVarlong(value, buffer);
        buffer.flip();
        assertThat(ByteUtils.sizeOfVarlong(value)).isEqualTo(buffer.remaining());
        assertThat(org.apache.kafka.common.utils.internals.ByteUtils.readVarlong(buffer.duplicate()))
                .isEqualTo(value);
        assertThat(ByteUtils.readVarlong(buffer)).isEqualTo(value);
    }

    @Test
    void rejectsVarintsLongerThanTheirType() {
        byte[] tooLong = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0};
        assertThatThrownBy(() -> ByteUtils.readVarint(ByteBuffer.wrap(tooLong)))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] tooLongLong = new byte[11];
        java.util.Arrays.fill(tooLongLong, (byte) 0x80);
        assertThatThrownBy(() -> ByteUtils.readVarlong(ByteBuffer.wrap(tooLongLong)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
