package io.fjord.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
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
            super(true); // direct, as the broker's are: a read in place needs a direct buffer
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
        return channel(new RequestFrameDecoder(MAX_REQUEST_BYTES, reservations));
    }

    private EmbeddedChannel channel(RequestFrameDecoder decoder) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(allocator);
        channel.pipeline().addLast(decoder);
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

    /**
     * Reads {@code stream} as the transport does: each read fills what the connection's read handle allocates, with
     * at most {@link #READ_BYTES} (what the socket holds). Returns, per read, the bytes read and whether they went
     * straight into a request's own buffer (a negative count).
     */
    private static List<Integer> readThroughHandle(
            EmbeddedChannel channel, RecvByteBufAllocator.Handle handle, byte[] stream) {
        List<Integer> reads = new ArrayList<>();
        for (int at = 0; at < stream.length; ) {
            ByteBuf target = handle.allocate(channel.alloc());
            boolean inPlace = target.unwrap() != null;
            int n = Math.min(Math.min(READ_BYTES, target.writableBytes()), stream.length - at);
            target.writeBytes(stream, at, n);
            at += n;
            reads.add(inPlace ? -n : n);
            channel.writeInbound(target);
        }
        return reads;
    }

    private static byte[] concat(List<byte[]> requests) {
        byte[] stream = new byte[requests.stream().mapToInt(r -> r.length).sum()];
        int at = 0;
        for (byte[] r : requests) {
            System.arraycopy(r, 0, stream, at, r.length);
            at += r.length;
        }
        return stream;
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
        assertThat(listenerBound.reservedBytes())
                .as("set aside when the first read brought the size prefix")
                .isEqualTo(request.length - (long) READ_BYTES);

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
        byte[] stream = concat(requests);

        // Reads of 64 KiB end mid-request and carry the start of the next one.
        send(channel, stream, 0, stream.length);

        for (byte[] r : requests) {
            assertBody(channel.readInbound(), r);
        }
        assertThat(listenerBound.reservedBytes()).isZero();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void readsAfterTheSizePrefixGoStraightIntoTheRequestAndNeverPastItsEnd() {
        RequestFrameDecoder decoder = new RequestFrameDecoder(MAX_REQUEST_BYTES, listenerBound);
        EmbeddedChannel channel = channel(decoder);
        RecvByteBufAllocator.Handle handle =
                new RequestReadAllocator(new FixedRecvByteBufAllocator(READ_BYTES), decoder).newHandle();
        byte[] first = request(2 << 20, 8);
        byte[] second = request(100, 9);
        byte[] third = request(200_000, 10);

        List<Integer> reads = readThroughHandle(channel, handle, concat(List.of(first, second, third)));

        assertBody(channel.readInbound(), first);
        assertBody(channel.readInbound(), second);
        assertBody(channel.readInbound(), third);
        // The first request: one read of its own, then the rest in place, the last read ending exactly at its end.
        // The second request and the start of the third come in one read of their own. The third's buffer is set
        // aside only when the next read arrives (the decoder sees a size prefix in what it holds only once it has
        // handed out the second request); that read is copied too, and the rest goes in place.
        int firstInPlace = first.length - READ_BYTES;
        int thirdInPlace = third.length - (2 * READ_BYTES - second.length);
        int firstReads = 1 + (firstInPlace + READ_BYTES - 1) / READ_BYTES;
        assertThat(reads.subList(0, firstReads + 2)).startsWith(READ_BYTES).endsWith(READ_BYTES, READ_BYTES);
        assertThat(reads.subList(1, firstReads)).allMatch(n -> n < 0);
        assertThat(reads.subList(firstReads + 2, reads.size())).allMatch(n -> n < 0);
        assertThat(reads.stream().filter(n -> n < 0).mapToInt(n -> -n).sum()).isEqualTo(firstInPlace + thirdInPlace);
        assertThat(allocator.capacities)
                .as("each read of its own, and a buffer per request gathered; nothing for the reads in place")
                .containsExactly(READ_BYTES, first.length, READ_BYTES, READ_BYTES, third.length);
        assertThat(listenerBound.reservedBytes()).isZero();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aReadThatFilledNothingLeavesTheRequestToTheNextRead() {
        RequestFrameDecoder decoder = new RequestFrameDecoder(MAX_REQUEST_BYTES, listenerBound);
        EmbeddedChannel channel = channel(decoder);
        byte[] request = request(1 << 20, 11);
        send(channel, request, 0, READ_BYTES);

        // The socket had nothing after all: the transport releases the view without passing it on.
        ByteBuf unused = decoder.readTarget();
        assertThat(unused.writableBytes()).isEqualTo(request.length - READ_BYTES);
        unused.release();
        send(channel, request, READ_BYTES, request.length);

        assertBody(channel.readInbound(), request);
        assertThat(allocator.capacities).containsExactly(request.length);
        assertThat(decoder.readTarget()).as("no request being gathered").isNull();
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

        assertThat(firstReserved).isEqualTo(request.length - (long) READ_BYTES);
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
