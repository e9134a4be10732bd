package io.fjord.cli;

import io.fjord.broker.BrokerServer;
import io.fjord.broker.network.NetworkServer;
import io.fjord.common.Time;
import io.fjord.common.config.BrokerConfig;
import java.net.InetSocketAddress;
import java.util.Map;

/** Starts the real {@link BrokerServer} on the system clock. The only class of cli that knows it. */
public final class ServerBrokerLauncher implements BrokerLauncher {

    static final String SELECTOR_PROVIDER = "java.nio.channels.spi.SelectorProvider";

    /**
     * Names the JDK's selector provider, then starts {@link NetworkServer#preloadInBackground}. Netty opens a JDK
     * Selector while it loads its native transport, and without the property the JDK first looks for other
     * providers with a ServiceLoader, which opens every jar of the class path: about 20 ms of the start (alternating
     * starts, 8 each). On Linux the class named is the JDK's own default, so nothing else changes; elsewhere, or when
     * the property is already set, it is left alone.
     */
    @Override
    public void prepare() {
        nameSelectorProvider();
        NetworkServer.preloadInBackground();
    }

    // Visible for testing
    static void nameSelectorProvider() {
        if (System.getProperty(SELECTOR_PROVIDER) == null && "Linux".equals(System.getProperty("os.name"))) {
            System.setProperty(SELECTOR_PROVIDER, "sun.nio.ch.EPollSelectorProvider");
        }
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
            public Map<String, InetSocketAddress> boundAddresses() {
                return server.boundAddresses();
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
