package io.fjord.broker.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Splits a connection's bytes into size-prefixed requests, like {@link LengthFieldBasedFrameDecoder} (a size above
 * {@code maxRequestBytes} or below zero fails at once), with one difference in how a request that spans many reads
 * is gathered. Netty merges each read into a buffer that grows by powers of two, copying what it holds at every
 * step: a 2 MiB produce request (a producer's 256 KiB lz4 batches for 8 partitions) arrives in reads of up to 64
 * KiB and was copied about twice over. Here, once the size prefix is in and the request needs a larger buffer, the
 * buffer is allocated at the request's declared size, so each byte is copied once.
 *
 * <p>The bytes a request declares but has not sent yet are memory a client can make the broker set aside with a
 * size prefix alone. A {@link Reservations} shared by every connection of the listener bounds them: a request that
 * does not fit in what is left grows as Netty's would. A connection's reservation ends when its request is whole
 * or the connection closes.
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

    private final Reservations reservations;
    private long reserved;

    RequestFrameDecoder(int maxRequestBytes, Reservations reservations) {
        super(maxRequestBytes + SIZE_PREFIX_BYTES, 0, SIZE_PREFIX_BYTES, 0, SIZE_PREFIX_BYTES, true);
        this.reservations = reservations;
        setCumulator(this::cumulate);
    }

    private ByteBuf cumulate(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
        int held = cumulation.readableBytes();
        int arriving = in.readableBytes();
        boolean fitsInPlace = arriving <= cumulation.maxFastWritableBytes() && cumulation.refCnt() == 1;
        if (held < SIZE_PREFIX_BYTES || fitsInPlace || cumulation.isReadOnly()) {
            return MERGE_CUMULATOR.cumulate(alloc, cumulation, in);
        }
        // decode has seen this size prefix and failed it if it was negative or over the limit (either way, the
        // checks below would not reserve for it: the request would be complete, or larger than the bound).
        long whole = SIZE_PREFIX_BYTES + (long) cumulation.getInt(cumulation.readerIndex());
        long received = (long) held + arriving;
        if (whole <= received || !reservations.tryReserve(whole - received)) {
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
