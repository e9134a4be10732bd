package io.fjord.broker.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.ByteArrayOutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRegionChunksTest {

    @TempDir
    Path dir;

    private static byte[] written(EmbeddedChannel channel) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            assertThat(buf.readableBytes()).isLessThanOrEqualTo(FileRegionChunks.CHUNK_BYTES);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            buf.release();
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }

    @Test
    void aRegionGoesOutAsChunksOfItsBytesAndTheFileStaysOpen() throws Exception {
        byte[] content = new byte[100_000];
        new Random(7).nextBytes(content);
        Path segment = Files.write(dir.resolve("0.log"), content);
        try (FileChannel file = FileChannel.open(segment, StandardOpenOption.READ)) {
            EmbeddedChannel channel = new EmbeddedChannel(new ChunkedWriteHandler(), new FileRegionChunks());
            SharedFileRegion region = new SharedFileRegion(file, 1_000, 90_000);
            channel.writeAndFlush(region).sync();
            assertThat(written(channel)).isEqualTo(Arrays.copyOfRange(content, 1_000, 91_000));
            assertThat(region.refCnt()).as("released once sent").isZero();
            assertThat(file.isOpen()).as("the log owns the segment's file").isTrue();
            assertThat(channel.finish()).isFalse();
        }
    }

    @Test
    void aFileShorterThanItsRegionFailsTheWriteInsteadOfSendingTooFew() throws Exception {
        Path segment = Files.write(dir.resolve("0.log"), new byte[40_000]);
        try (FileChannel file = FileChannel.open(segment, StandardOpenOption.READ)) {
            EmbeddedChannel channel = new EmbeddedChannel(new ChunkedWriteHandler(), new FileRegionChunks());
            SharedFileRegion region = new SharedFileRegion(file, 0, 50_000);
            var future = channel.write(region);
            var next = channel.write(io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {42}));
            channel.flush();
            assertThat(future.isSuccess()).isFalse();
            assertThat(future.cause()).hasMessageContaining("segment file ended at 40000");
            assertThat(channel.isOpen())
                    .as("closed at once: the response is cut short")
                    .isFalse();
            assertThat(next.isSuccess())
                    .as("nothing queued behind the region follows it onto the socket")
                    .isFalse();
            assertThat(written(channel)).hasSize(32 * 1024);
            assertThat(region.refCnt()).isZero();
        }
    }

    @Test
    void aRegionStillQueuedWhenTheConnectionClosesIsReleased() throws Exception {
        Path segment = Files.write(dir.resolve("0.log"), new byte[10_000]);
        try (FileChannel file = FileChannel.open(segment, StandardOpenOption.READ)) {
            EmbeddedChannel channel = new EmbeddedChannel(new ChunkedWriteHandler(), new FileRegionChunks());
            SharedFileRegion region = new SharedFileRegion(file, 0, 10_000);
            var future = channel.write(region); // queued until a flush that never comes
            channel.close();
            assertThat(future.isSuccess()).isFalse();
            assertThat(region.refCnt()).isZero();
            assertThat(file.isOpen()).isTrue();
        }
    }

    @Test
    void otherMessagesPassThrough() {
        EmbeddedChannel channel = new EmbeddedChannel(new ChunkedWriteHandler(), new FileRegionChunks());
        channel.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));
        assertThat(written(channel)).containsExactly(1, 2, 3);
    }
}
