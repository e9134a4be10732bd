package io.fjord.broker.network;

import io.netty.channel.DefaultFileRegion;
import java.nio.channels.FileChannel;

/**
 * A {@link DefaultFileRegion} over a segment file that the log keeps open and owns. Netty closes a
 * DefaultFileRegion's channel when the region is released; this one leaves it open, because the same
 * channel serves every fetch of that segment. It stays a DefaultFileRegion so the epoll transport
 * still sends it with sendfile(2).
 */
final class SharedFileRegion extends DefaultFileRegion {

    private final FileChannel channel;

    SharedFileRegion(FileChannel channel, long position, long count) {
        super(channel, position, count);
        this.channel = channel;
    }

    /** The segment's file, for reading the region when it cannot be sent with sendfile (TLS). */
    FileChannel channel() {
        return channel;
    }

    @Override
    protected void deallocate() {
        // The log owns the channel: nothing to close here.
    }
}
