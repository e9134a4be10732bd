package io.fjord.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.fjord.protocol.generator.MessageSpec;
import io.fjord.protocol.message.FetchResponse;
import io.fjord.protocol.message.MetadataRequest;
import io.fjord.protocol.message.ProduceRequest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parsing bytes from the network must never fail with anything but {@link ProtocolParseException}, and
 * must never allocate more than the frame holds (CVE-2022-34917). The surefire JVM runs with -Xmx1g, so
 * an allocation sized by a hostile count of 2^31 elements would surface as an OutOfMemoryError here.
 */
class HostileInputTest {
    private static Message parse(Message message, byte[] bytes, short version) {
        message.read(new ByteBufferReadable(ByteBuffer.wrap(bytes)), version);
        return message;
    }

    @Test
    void hugeDeclaredArrayLengthInTwentyBytesIsRejectedBeforeAllocating() {
        ByteBuffer classic = ByteBuffer.allocate(20).putInt(0x7fffffff);
        assertThatThrownBy(() -> parse(new MetadataRequest(), classic.array(), (short) 4))
                .isInstanceOf(ProtocolParseException.class)
                .hasMessageContaining("2147483647");

        ByteBuffer compact = ByteBuffer.allocate(20);
        new ByteBufferWritable(compact).writeUnsignedVarint(0x7fffffff);
        assertThatThrownBy(() -> parse(new MetadataRequest(), compact.array(), (short) 12))
                .isInstanceOf(ProtocolParseException.class);
    }

    @Test
    void compactLengthBeyondTwoToTheThirtyOneIsRejected() {
        ByteBuffer compact = ByteBuffer.allocate(20);
        new ByteBufferWritable(compact).writeUnsignedVarint(0xfffffff0);
        assertThatThrownBy(() -> parse(new MetadataRequest(), compact.array(), (short) 12))
                .isInstanceOf(ProtocolParseException.class);
    }

    @Test
    void negativeLengthOtherThanMinusOneIsRejected() {
        byte[] bytes = ByteBuffer.allocate(20).putInt(1).putShort((short) -2).array();
        assertThatThrownBy(() -> parse(new MetadataRequest(), bytes, (short) 4))
                .isInstanceOf(ProtocolParseException.class)
                .hasMessageContaining("negative length -2");
    }

    @Test
    void nullForANonNullableArrayIsRejected() {
        byte[] bytes = ByteBuffer.allocate(4).putInt(-1).array();
        assertThatThrownBy(() -> parse(new MetadataRequest(), bytes, (short) 0))
                .isInstanceOf(ProtocolParseException.class)
                .hasMessageContaining("Non-nullable field Topics");
        assertThat(((MetadataRequest) parse(new MetadataRequest(), bytes, (short) 1)).topics())
                .isNull();
    }

    @Test
    void unknownTaggedFieldsAreSkippedAndOversizedOnesRejected() {
        // FetchResponse v12 top level: throttle, error, session, responses (empty), then tagged fields.
        ByteBuffer known = ByteBuffer.allocate(64);
        ByteBufferWritable out = new ByteBufferWritable(known);
        out.writeInt(7);
        out.writeShort((short) 0);
        out.writeInt(0);
        out.writeUnsignedVarint(1); // empty responses array
        out.writeUnsignedVarint(1); // one tagged field
        out.writeUnsignedVarint(42); // unknown tag
        out.writeUnsignedVarint(3);
        out.writeByteArray(new byte[] {1, 2, 3});
        byte[] bytes = Arrays.copyOf(known.array(), known.position());
        FetchResponse parsed = (FetchResponse) parse(new FetchResponse(), bytes, (short) 12);
        assertThat(parsed.throttleTimeMs()).isEqualTo(7);

        bytes[bytes.length - 4] = 100; // the tagged field now claims 100 bytes
        assertThatThrownBy(() -> parse(new FetchResponse(), bytes, (short) 12))
                .isInstanceOf(ProtocolParseException.class);
    }

    @Test
    void varintLongerThanFiveBytesIsRejected() {
        byte[] bytes = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01};
        assertThatThrownBy(() -> new ByteBufferReadable(ByteBuffer.wrap(bytes)).readUnsignedVarint())
                .isInstanceOf(ProtocolParseException.class);
    }

    @Test
    void recordsAreAZeroCopySliceOfTheRequestBuffer() {
        byte[] records = {10, 11, 12, 13};
        ProduceRequest request = new ProduceRequest()
                .setAcks((short) -1)
                .setTopicData(new ArrayList<>(List.of(new ProduceRequest.TopicProduceData()
                        .setName("t")
                        .setPartitionData(new ArrayList<>(List.of(new ProduceRequest.PartitionProduceData()
                                .setIndex(0)
                                .setRecords(MemoryRecords.of(ByteBuffer.wrap(records)))))))));
        byte[] wire = KafkaCodec.writeOurs(request, (short) 9);
        ByteBuffer wireBuffer = ByteBuffer.wrap(wire);
        ProduceRequest parsed = new ProduceRequest(new ByteBufferReadable(wireBuffer), (short) 9);
        MemoryRecords parsedRecords =
                (MemoryRecords) parsed.topicData().get(0).partitionData().get(0).records();
        assertThat(parsedRecords.sizeInBytes()).isEqualTo(4);

        int at = indexOf(wire, records);
        wire[at] = 99;
        assertThat(parsedRecords.buffer().get(0)).isEqualTo((byte) 99);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    static Stream<Arguments> everyMessageAndVersion() {
        return KafkaCompatibilityTest.everyMessageAndVersion();
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("everyMessageAndVersion")
    void everyTruncationOfAValidMessageIsAParseError(String name, short version) throws Exception {
        Message full = (Message) new SpecFiller(name, SpecFiller.Family.FJORD, version, 11).fill();
        byte[] bytes = KafkaCodec.writeOurs(full, version);
        for (int length = 0; length < bytes.length; length++) {
            byte[] prefix = Arrays.copyOf(bytes, length);
            Message message = newMessage(name);
            int at = length;
            assertThatThrownBy(() -> parse(message, prefix, version))
                    .as("%s v%d truncated to %d of %d bytes", name, version, at, bytes.length)
                    .isInstanceOf(ProtocolParseException.class);
        }
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("everyMessageAndVersion")
    void randomAndCorruptedBytesFailOnlyWithParseErrors(String name, short version) throws Exception {
        long seed = name.hashCode() * 31L + version;
        Random random = new Random(seed);
        byte[] valid = KafkaCodec.writeOurs(
                (Message) new SpecFiller(name, SpecFiller.Family.FJORD, version, seed).fill(), version);
        for (int i = 0; i < 60; i++) {
            byte[] bytes;
            if (i % 2 == 0 || valid.length == 0) {
                bytes = new byte[random.nextInt(64)];
                random.nextBytes(bytes);
            } else {
                bytes = valid.clone();
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt();
                }
            }
            try {
                parse(newMessage(name), bytes, version);
            } catch (ProtocolParseException expected) {
                // the only acceptable failure
            } catch (Throwable t) {
                fail("%s v%d (seed %d, case %d) threw %s", name, version, seed, i, t);
            }
        }
    }

    private static Message newMessage(String name) throws ReflectiveOperationException {
        return (Message) Class.forName(SpecFiller.Family.FJORD.className(name, null))
                .getConstructor()
                .newInstance();
    }

    @Test
    void everyGeneratedMessageHasASpec() {
        for (ApiKeys key : ApiKeys.values()) {
            MessageSpec spec = SpecFiller.spec(key.title() + "Request");
            assertThat(spec.apiKey()).isEqualTo(key.id());
        }
    }
}
