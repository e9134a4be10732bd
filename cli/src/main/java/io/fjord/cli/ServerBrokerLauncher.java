package io.fjord.cli;

import io.fjord.broker.BrokerServer;
import io.fjord.broker.network.NetworkServer;
import io.fjord.common.Time;
import io.fjord.common.config.BrokerConfig;
import java.net.InetSocketAddress;

/** Starts the real {@link BrokerServer} on the system clock. The only class of cli that knows it. */
public final class ServerBrokerLauncher implements BrokerLauncher {

    @Override
    public void prepare() {
        NetworkServer.preloadInBackground();
    }

    @Override
    public RunningBroker launch(BrokerConfig config) {
        BrokerServer server = new BrokerServer(config, Time.SYSTEM);
        server.startup();
        return new RunningBroker() {
            @Override
            public InetSocketAddress boundAddress() {
                return server.boundAddress();
            }

            @Override
            public void shutdown() {
                server.shutdown();
            }

            @Override
            public void awaitShutdown() {
                try {
                    server.awaitShutdown();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }
}
