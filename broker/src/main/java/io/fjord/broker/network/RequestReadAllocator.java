package io.fjord.broker.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * A connection's socket reads: while its {@link RequestFrameDecoder} gathers a request into a buffer of the request's
 * size, each read goes straight into the part of that buffer still missing, instead of into a buffer of its own
 * that the decoder then copies. Otherwise it reads as the channel's own allocator would, whose handle keeps
 * guessing read sizes and deciding when to stop reading.
 *
 * <p>A read into the request's buffer never goes past the request's end, so the bytes of the next request stay in
 * the socket for the following read.
 */
final class RequestReadAllocator implements RecvByteBufAllocator {

    private final RecvByteBufAllocator delegate;
    private final RequestFrameDecoder decoder;

    RequestReadAllocator(RecvByteBufAllocator delegate, RequestFrameDecoder decoder) {
        this.delegate = delegate;
        this.decoder = decoder;
    }

    @Override
    public Handle newHandle() {
        return new ReadHandle((ExtendedHandle) delegate.newHandle(), decoder);
    }

    /** The delegate's handle, with reads into the request being gathered when there is one. */
    private static final class ReadHandle extends DelegatingHandle implements ExtendedHandle {

        private final RequestFrameDecoder decoder;

        ReadHandle(ExtendedHandle delegate, RequestFrameDecoder decoder) {
            super(delegate);
            this.decoder = decoder;
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            ByteBuf target = decoder.readTarget();
            return target != null ? target : delegate().allocate(alloc);
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return ((ExtendedHandle) delegate()).continueReading(maybeMoreDataSupplier);
        }
    }
}
