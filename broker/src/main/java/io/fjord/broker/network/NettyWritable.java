package io.fjord.broker.network;

import io.fjord.protocol.MemoryRecords;
import io.fjord.protocol.Records;
import io.fjord.protocol.Writable;
import io.fjord.storage.FileRecords;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Serializes a response into the messages a Netty channel writes: {@link ByteBuf}s for the fields and a
 * {@link SharedFileRegion} for each {@link FileRecords} so record bytes go from the segment file to the
 * socket without passing through the heap.
 *
 * <p>Owns the buffers it allocates until {@link #finish()} hands them to the caller (who writes them,
 * which releases them) or {@link #release()} drops them. Single-threaded.
 */
final class NettyWritable implements Writable {

    private final ByteBufAllocator allocator;
    private final List<Object> parts = new ArrayList<>(4);
    private ByteBuf current;

    NettyWritable(ByteBufAllocator allocator, int expectedFieldBytes) {
        this.allocator = allocator;
        this.current = allocator.buffer(Math.max(64, expectedFieldBytes));
    }

    @Override
    public void writeByte(byte value) {
        current.writeByte(value);
    }

    @Override
    public void writeShort(short value) {
        current.writeShort(value);
    }

    @Override
    public void writeInt(int value) {
        current.writeInt(value);
    }

    @Override
    public void writeLong(long value) {
        current.writeLong(value);
    }

    @Override
    public void writeDouble(double value) {
        current.writeDouble(value);
    }

    @Override
    public void writeByteArray(byte[] bytes) {
        current.writeBytes(bytes);
    }

    @Override
    public void writeByteBuffer(ByteBuffer buffer) {
        current.writeBytes(buffer.duplicate());
    }

    @Override
    public void writeRecords(Records records) {
        if (records instanceof FileRecords file && file.sizeInBytes() > 0) {
            parts.add(current);
            parts.add(new SharedFileRegion(file.channel(), file.position(), file.sizeInBytes()));
            current = allocator.buffer(64);
        } else if (records instanceof MemoryRecords memory) {
            current.writeBytes(memory.buffer());
        } else {
            ByteBuffer copy = ByteBuffer.allocate(records.sizeInBytes());
            records.copyTo(copy);
            copy.flip();
            current.writeBytes(copy);
        }
    }

    /** The parts in order; the caller owns them now. */
    List<Object> finish() {
        parts.add(current);
        current = null;
        return parts;
    }

    /** Drops everything written so far (on a serialization failure). */
    void release() {
        for (Object part : parts) {
            io.netty.util.ReferenceCountUtil.release(part);
        }
        parts.clear();
        if (current != null) {
            current.release();
            current = null;
        }
    }
}
