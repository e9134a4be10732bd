package io.fjord.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RequestFrameDecoderTest {

    private static final int MAX_REQUEST_BYTES = 4 << 20;
    private static final int READ_BYTES = 64 * 1024;

    /** Records the capacity of every buffer the decoder asks for. */
    private static final class RecordingAllocator extends AbstractByteBufAllocator {
        final List<Integer> capacities = new ArrayList<>();

        RecordingAllocator() {
            super(false);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            capacities.add(initialCapacity);
            return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            capacities.add(initialCapacity);
            return new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }

    private final RecordingAllocator allocator = new RecordingAllocator();
    /** The listener's bound, for the tests that do not set their own. */
    private final RequestFrameDecoder.Reservations listenerBound =
            new RequestFrameDecoder.Reservations(NetworkServer.RESERVED_REQUEST_BYTES);

    private EmbeddedChannel channel(RequestFrameDecoder.Reservations reservations) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(allocator);
        channel.pipeline().addLast(new RequestFrameDecoder(MAX_REQUEST_BYTES, reservations));
        return channel;
    }

    private static byte[] request(int bodyBytes, long seed) {
        byte[] request = new byte[4 + bodyBytes];
        new Random(seed).nextBytes(request);
        Unpooled.wrappedBuffer(request).setInt(0, bodyBytes);
        return request;
    }

    /** Writes {@code bytes[from, to)} to the channel in reads of at most {@link #READ_BYTES}. */
    private static void send(EmbeddedChannel channel, byte[] bytes, int from, int to) {
        for (int at = from; at < to; at += READ_BYTES) {
            channel.writeInbound(Unpooled.copiedBuffer(bytes, at, Math.min(READ_BYTES, to - at)));
        }
    }

    private static void assertBody(ByteBuf frame, byte[] request) {
        try {
            byte[] body = new byte[frame.readableBytes()];
            frame.readBytes(body);
            assertThat(body).isEqualTo(Arrays.copyOfRange(request, 4, request.length));
        } finally {
            frame.release();
        }
    }

    @Test
    void aRequestSpanningManyReadsIsGatheredIntoOneBufferOfItsDeclaredSize() {
        EmbeddedChannel channel = channel(listenerBound);
        byte[] request = request(2 << 20, 1);

        send(channel, request, 0, 2 * READ_BYTES);

        assertThat(channel.inboundMessages()).isEmpty();
        assertThat(allocator.capacities).containsExactly(request.length);
        assertThat(listenerBound.reservedBytes()).isEqualTo(request.length - 2L * READ_BYTES);

        send(channel, request, 2 * READ_BYTES, request.length);

        assertBody(channel.readInbound(), request);
        assertThat(allocator.capacities).as("no buffer grown or copied again").containsExactly(request.length);
        assertThat(listenerBound.reservedBytes()).isZero();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void backToBackRequestsSplitAcrossReadsAllArriveWhole() {
        EmbeddedChannel channel = channel(listenerBound);
        List<byte[]> requests = List.of(request(300_000, 2), request(10, 3), request(0, 4), request(1 << 20, 5));
        byte[] stream = new byte[requests.stream().mapToInt(r -> r.length).sum()];
        int at = 0;
        for (byte[] r : requests) {
            System.arraycopy(r, 0, stream, at, r.length);
            at += r.length;
        }

        // Reads of 64 KiB end mid-request and carry the start of the next one.
        send(channel, stream, 0, stream.length);

        for (byte[] r : requests) {
            assertBody(channel.readInbound(), r);
        }
        assertThat(listenerBound.reservedBytes()).isZero();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aRequestLargerThanWhatIsLeftToReserveGrowsAsItsBytesArrive() {
        RequestFrameDecoder.Reservations reservations = new RequestFrameDecoder.Reservations(256 * 1024);
        EmbeddedChannel channel = channel(reservations);
        byte[] request = request(1 << 20, 6);

        send(channel, request, 0, 2 * READ_BYTES);

        assertThat(reservations.reservedBytes()).isZero();
        assertThat(allocator.capacities).allMatch(capacity -> capacity < request.length);

        send(channel, request, 2 * READ_BYTES, request.length);

        assertBody(channel.readInbound(), request);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void connectionsShareTheBoundAndAClosedConnectionGivesItsPartBack() {
        RequestFrameDecoder.Reservations reservations = new RequestFrameDecoder.Reservations(3 << 20);
        EmbeddedChannel first = channel(reservations);
        EmbeddedChannel second = channel(reservations);
        byte[] request = request(2 << 20, 7);

        send(first, request, 0, 2 * READ_BYTES);
        long firstReserved = reservations.reservedBytes();
        send(second, request, 0, 2 * READ_BYTES);

        assertThat(firstReserved).isEqualTo(request.length - 2L * READ_BYTES);
        assertThat(reservations.reservedBytes())
                .as("no room left for the second")
                .isEqualTo(firstReserved);

        first.close();

        assertThat(reservations.reservedBytes()).isZero();
        send(second, request, 2 * READ_BYTES, request.length);
        assertBody(second.readInbound(), request);
        assertThat(second.finish()).isFalse();
    }

    @Test
    void aSizePrefixOverTheLimitReservesNothing() {
        EmbeddedChannel channel = channel(listenerBound);
        ByteBuf tooLong = Unpooled.buffer().writeInt(MAX_REQUEST_BYTES + 1).writeZero(16);

        try {
            channel.writeInbound(tooLong);
        } catch (RuntimeException expected) {
            // TooLongFrameException, which ConnectionHandler answers by closing the connection
        }
        channel.writeInbound(Unpooled.buffer().writeZero(READ_BYTES));

        assertThat(listenerBound.reservedBytes()).isZero();
        channel.finishAndReleaseAll();
    }
}
