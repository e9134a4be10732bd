package io.fjord.broker;

import io.fjord.common.Time;
import io.fjord.common.config.BrokerConfig;
import java.net.InetSocketAddress;

/**
 * PLACEHOLDER so that the cli module compiles on the helper/config branch; the lead's real BrokerServer
 * replaces this file. Only the public signatures of the contract (/work/contracts.md, Broker) are here.
 */
public final class BrokerServer {

    private final BrokerConfig config;
    private final Time time;

    public BrokerServer(BrokerConfig config, Time time) {
        this.config = config;
        this.time = time;
    }

    /** Binds the listeners and starts serving; returns once the broker accepts requests. */
    public void startup() {
        throw new UnsupportedOperationException(
                "BrokerServer is a placeholder on this branch (node " + config.nodeId() + ", " + time + ")");
    }

    /** Begins a clean shutdown. */
    public void shutdown() {}

    /** Blocks until the broker has stopped. */
    public void awaitShutdown() {}

    /** The address the first listener is bound to (its real port when configured as 0). */
    public InetSocketAddress boundAddress() {
        throw new UnsupportedOperationException("BrokerServer is a placeholder on this branch");
    }
}
