package io.fjord.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.protocol.message.RequestHeader;
import io.fjord.protocol.message.ResponseHeader;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The request and response headers, byte for byte. */
class HeaderTest {
    @Test
    void flexibleRequestHeaderKeepsTheClassicClientIdEncoding() {
        RequestHeader header = new RequestHeader()
                .setRequestApiKey((short) 18)
                .setRequestApiVersion((short) 4)
                .setCorrelationId(7)
                .setClientId("abc");
        byte[] bytes = KafkaCodec.writeOurs(header, (short) 2);
        assertThat(bytes).containsExactly(0, 18, 0, 4, 0, 0, 0, 7, 0, 3, 'a', 'b', 'c', 0);
        RequestHeader parsed = new RequestHeader(new ByteBufferReadable(ByteBuffer.wrap(bytes)), (short) 2);
        assertThat(parsed).isEqualTo(header);
    }

    @Test
    void requestHeaderV1HasNoTaggedFieldsAndANullableClientId() {
        RequestHeader header = new RequestHeader()
                .setRequestApiKey((short) 3)
                .setCorrelationId(1)
                .setClientId(null);
        byte[] bytes = KafkaCodec.writeOurs(header, (short) 1);
        assertThat(bytes).containsExactly(0, 3, 0, 0, 0, 0, 0, 1, -1, -1);
        assertThat(new RequestHeader(new ByteBufferReadable(ByteBuffer.wrap(bytes)), (short) 1).clientId())
                .isNull();
    }

    @Test
    void responseHeaderV1EndsWithAnEmptyTaggedFieldSection() {
        ResponseHeader header = new ResponseHeader().setCorrelationId(258);
        assertThat(KafkaCodec.writeOurs(header, (short) 0)).containsExactly(0, 0, 1, 2);
        assertThat(KafkaCodec.writeOurs(header, (short) 1)).containsExactly(0, 0, 1, 2, 0);
    }

    @Test
    void writingAnUnsupportedVersionFails() {
        assertThatThrownBy(() -> KafkaCodec.writeOurs(new ResponseHeader(), (short) 2))
                .isInstanceOf(UnsupportedVersionException.class);
    }
}
