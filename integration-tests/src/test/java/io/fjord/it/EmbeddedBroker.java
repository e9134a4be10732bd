package io.fjord.it;

import io.fjord.broker.BrokerServer;
import io.fjord.common.Time;
import io.fjord.common.config.BrokerConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A Fjord broker in the test's JVM on a free loopback port: fast to start, for tests that do not need
 * to kill the process. {@link #restart()} stops it cleanly and starts it again on the same data.
 */
public final class EmbeddedBroker implements AutoCloseable {

    private final Map<String, String> settings;
    private BrokerServer server;

    private EmbeddedBroker(Map<String, String> settings) {
        this.settings = settings;
    }

    public static EmbeddedBroker start(Path dataDir, Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>();
        settings.put("listeners", "PLAINTEXT://127.0.0.1:" + BrokerProcess.freePort());
        settings.put("log.dirs", dataDir.toAbsolutePath().toString());
        settings.putAll(overrides);
        EmbeddedBroker broker = new EmbeddedBroker(settings);
        broker.startServer();
        return broker;
    }

    private void startServer() {
        server = new BrokerServer(BrokerConfig.parse(settings), Time.SYSTEM);
        server.startup();
    }

    public String bootstrap() {
        return "127.0.0.1:" + server.boundAddress().getPort();
    }

    public java.net.InetSocketAddress address() {
        return server.boundAddress();
    }

    /** The incremental fetch sessions the broker holds now. */
    public int fetchSessionCount() {
        return server.fetchSessionCount();
    }

    /** The incremental fetch sessions the broker opened since it started. */
    public long fetchSessionsOpened() {
        return server.fetchSessionsOpened();
    }

    public void restart() {
        server.shutdown();
        startServer();
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
