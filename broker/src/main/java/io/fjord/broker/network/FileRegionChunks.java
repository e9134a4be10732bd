package io.fjord.broker.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.stream.ChunkedInput;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * On a TLS connection, turns each {@link SharedFileRegion} a response writes into a {@link ChunkedInput} of {@value
 * #CHUNK_BYTES}-byte buffers read from the segment file, for the {@code ChunkedWriteHandler} before it to hand to the
 * TLS handler one at a time as the socket takes them: TLS encrypts buffers, it cannot send a file region. So a fetch
 * response of many megabytes holds one chunk in memory per connection, not the whole response.
 *
 * <p>Sits between the request handler and the {@code ChunkedWriteHandler}; runs on the connection's event loop.
 */
final class FileRegionChunks extends ChannelOutboundHandlerAdapter {

    /** Bytes read from the file per chunk: Kafka's TLS transport also reads records in 32 KiB pieces. */
    static final int CHUNK_BYTES = 32 * 1024;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof SharedFileRegion region) {
            ctx.write(new FileChunks(region, ctx.channel()), promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    /**
     * The bytes of one region, read from its file a chunk at a time. Closing it releases the region, which leaves
     * the segment's file open (the log owns it). A read that fails closes the connection at once: the response is
     * already partly sent, and nothing queued behind it may follow it onto the socket.
     */
    static final class FileChunks implements ChunkedInput<ByteBuf> {

        private final SharedFileRegion region;
        private final Channel connection;
        private final FileChannel file;
        private final long end;
        private long position;
        private boolean released;

        FileChunks(SharedFileRegion region, Channel connection) {
            this.region = region;
            this.connection = connection;
            this.file = region.channel();
            this.position = region.position();
            this.end = region.position() + region.count();
        }

        @Override
        public boolean isEndOfInput() {
            return position >= end;
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                region.release();
            }
        }

        @Override
        @Deprecated
        public ByteBuf readChunk(ChannelHandlerContext ctx) throws IOException {
            return readChunk(ctx.alloc());
        }

        /** The next chunk; a file that ends before the region does fails the write (the connection then closes). */
        @Override
        public ByteBuf readChunk(ByteBufAllocator allocator) throws IOException {
            if (isEndOfInput()) {
                return null;
            }
            int size = (int) Math.min(CHUNK_BYTES, end - position);
            ByteBuf chunk = allocator.buffer(size);
            try {
                ByteBuffer target = chunk.nioBuffer(0, size);
                while (target.hasRemaining()) {
                    int read = file.read(target, position + target.position());
                    if (read < 0) {
                        throw new EOFException("segment file ended at " + (position + target.position())
                                + ", before the " + (end - position - target.position())
                                + " bytes of records the response holds");
                    }
                }
                chunk.writerIndex(size);
                position += size;
                return chunk;
            } catch (IOException | RuntimeException e) {
                chunk.release();
                connection.close();
                throw e;
            }
        }

        @Override
        public long length() {
            return end - region.position();
        }

        @Override
        public long progress() {
            return position - region.position();
        }
    }
}
