package io.fjord.broker.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Splits a connection's bytes into size-prefixed requests, like {@link LengthFieldBasedFrameDecoder} (a size above
 * {@code maxRequestBytes} or below zero fails at once), with one difference in how a request that spans many reads
 * is gathered. Netty merges each read into a buffer that grows by powers of two, copying what it holds at every
 * step: a 2 MiB produce request (a producer's 256 KiB lz4 batches for 8 partitions) arrives in reads of up to 64
 * KiB and was copied about twice over. Here, as soon as a read brings a size prefix whose request it does not
 * complete, the request gets a buffer of its declared size, and what has arrived is copied into it once.
 *
 * <p>The bytes a request declares but has not sent yet are memory a client can make the broker set aside with a
 * size prefix alone. A {@link Reservations} shared by every connection of the listener bounds them: a request that
 * does not fit in what is left grows as Netty's would. A connection's reservation ends when its request is whole
 * or the connection closes.
 *
 * <p>While such a buffer is being filled, {@link #readTarget()} offers the next socket read the part still missing
 * ({@link RequestReadAllocator}), so only the read that brought the size prefix is copied: the rest of the request
 * is read straight into place.
 *
 * <p>One instance per connection, used on its event loop only.
 */
final class RequestFrameDecoder extends LengthFieldBasedFrameDecoder {

    /** The listener-wide bound on bytes set aside for requests not yet received. Thread-safe. */
    static final class Reservations {

        private final long limitBytes;
        private final AtomicLong reservedBytes = new AtomicLong();

        Reservations(long limitBytes) {
            this.limitBytes = limitBytes;
        }

        boolean tryReserve(long bytes) {
            while (true) {
                long current = reservedBytes.get();
                if (current + bytes > limitBytes) {
                    return false;
                }
                if (reservedBytes.compareAndSet(current, current + bytes)) {
                    return true;
                }
            }
        }

        void release(long bytes) {
            reservedBytes.addAndGet(-bytes);
        }

        long reservedBytes() {
            return reservedBytes.get();
        }
    }

    private static final int SIZE_PREFIX_BYTES = 4;

    private final int maxFrameBytes;
    /** The largest frame taken now: {@link #maxFrameBytes}, or less until a SASL client has authenticated. */
    private int frameLimit;

    private final Reservations reservations;
    private long reserved;
    /** The view {@link #readTarget()} last handed out, until it comes back through {@link #cumulate}. */
    private ByteBuf readView;

    RequestFrameDecoder(int maxRequestBytes, Reservations reservations) {
        super(maxRequestBytes + SIZE_PREFIX_BYTES, 0, SIZE_PREFIX_BYTES, 0, SIZE_PREFIX_BYTES, true);
        this.maxFrameBytes = maxRequestBytes + SIZE_PREFIX_BYTES;
        this.frameLimit = maxFrameBytes;
        this.reservations = reservations;
        setCumulator(this::cumulate);
    }

    /**
     * Bounds requests to {@code maxRequestBytes} (at most the configured limit) from the next frame on, or lifts the
     * bound back to the configured limit when {@code maxRequestBytes} is larger: Kafka's {@code
     * sasl.server.max.receive.size} before a SASL client has authenticated. Called on the event loop.
     */
    void limitRequests(int maxRequestBytes) {
        frameLimit = (int) Math.min(maxFrameBytes, (long) maxRequestBytes + SIZE_PREFIX_BYTES);
    }

    /**
     * A view of the bytes the request being gathered still lacks, for the next socket read to fill in place, or null
     * when no request is being gathered into a buffer of its own. The view comes back as the read's message, and
     * {@link #cumulate} then only moves the buffer's writer index.
     */
    ByteBuf readTarget() {
        readView = null;
        if (reserved == 0) {
            return null;
        }
        ByteBuf request = internalBuffer();
        int end = request.readerIndex() + SIZE_PREFIX_BYTES + request.getInt(request.readerIndex());
        int missing = Math.min(end - request.writerIndex(), request.writableBytes());
        if (missing <= 0 || !request.isDirect() || request.refCnt() != 1) {
            return null;
        }
        readView = request.retainedSlice(request.writerIndex(), missing).clear();
        return readView;
    }

    private ByteBuf cumulate(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
        // The read handle asks readTarget for every read, so a view that came back is the latest one handed out,
        // cut from this very cumulation (nothing else touches it between the read and here).
        boolean readInPlace = in == readView;
        readView = null;
        if (readInPlace) {
            cumulation.writerIndex(cumulation.writerIndex() + in.readableBytes());
            in.release();
            return cumulation;
        }
        int held = cumulation.readableBytes();
        int arriving = in.readableBytes();
        boolean fitsInPlace = arriving <= cumulation.maxFastWritableBytes() && cumulation.refCnt() == 1;
        // The size prefix is in what is held, or, when nothing is held, at the start of this read.
        ByteBuf prefixed = held == 0 ? in : cumulation;
        if (prefixed.readableBytes() < SIZE_PREFIX_BYTES || fitsInPlace || cumulation.isReadOnly()) {
            return MERGE_CUMULATOR.cumulate(alloc, cumulation, in);
        }
        long whole = SIZE_PREFIX_BYTES + (long) prefixed.getInt(prefixed.readerIndex());
        long received = (long) held + arriving;
        // At a read that brings the prefix, decode has not yet failed an over-limit one: check it here.
        if (whole <= received || whole > frameLimit || !reservations.tryReserve(whole - received)) {
            return MERGE_CUMULATOR.cumulate(alloc, cumulation, in);
        }
        reserved += whole - received;
        ByteBuf request = alloc.buffer((int) whole);
        try {
            request.writeBytes(cumulation, cumulation.readerIndex(), held).writeBytes(in, in.readerIndex(), arriving);
        } catch (RuntimeException e) {
            request.release();
            throw e;
        } finally {
            in.release();
        }
        cumulation.release();
        return request;
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        if (frameLimit < maxFrameBytes && in.readableBytes() >= SIZE_PREFIX_BYTES) {
            long whole = SIZE_PREFIX_BYTES + (long) in.getInt(in.readerIndex());
            if (whole > frameLimit) {
                throw new TooLongFrameException("a request of " + (whole - SIZE_PREFIX_BYTES)
                        + " bytes before authentication (at most " + (frameLimit - SIZE_PREFIX_BYTES) + ")");
            }
        }
        Object frame = super.decode(ctx, in);
        if (frame != null) {
            endReservation();
        }
        return frame;
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        endReservation();
        super.handlerRemoved0(ctx);
    }

    private void endReservation() {
        if (reserved > 0) {
            reservations.release(reserved);
            reserved = 0;
        }
    }
}
