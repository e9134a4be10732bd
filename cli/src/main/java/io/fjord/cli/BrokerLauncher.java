package io.fjord.cli;

import io.fjord.common.config.BrokerConfig;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * Starts a broker for {@code fjord start}. The seam lets the command be tested without a network or a
 * disk: tests pass a fake, {@link ServerBrokerLauncher} starts the real {@code BrokerServer}.
 */
public interface BrokerLauncher {

    /**
     * Called first thing by {@code fjord start}, before the configuration is read: may begin, in the background,
     * work that {@link #launch} would otherwise do on the caller's thread.
     */
    default void prepare() {}

    /**
     * Starts a broker and returns once it accepts requests.
     *
     * @throws RuntimeException when the broker cannot start (port in use, unreadable data directory...)
     */
    RunningBroker launch(BrokerConfig config);

    /** A started broker. Its methods may be called from any thread (a shutdown hook calls them). */
    interface RunningBroker {

        /** The address the first listener is bound to. */
        InetSocketAddress boundAddress();

        /** Every listener's bound address by name, in the order of {@code listeners}. */
        default Map<String, InetSocketAddress> boundAddresses() {
            return Map.of("PLAINTEXT", boundAddress());
        }

        /** Begins a clean shutdown; calling it again does nothing. */
        void shutdown();

        /** Blocks until the broker has stopped. */
        void awaitShutdown();
    }
}
