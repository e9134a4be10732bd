package io.fjord.it;

import io.fjord.broker.BrokerServer;
import io.fjord.common.Time;
import io.fjord.common.config.BrokerConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntConsumer;

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
        broker.startServer(partition -> {});
        return broker;
    }

    private void startServer(IntConsumer beforeGroupLoad) {
        server = new BrokerServer(BrokerConfig.parse(settings), Time.SYSTEM);
        server.beforeGroupLoad(beforeGroupLoad);
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

    /** The bytes the broker sets aside now for requests declared by their size prefix but not yet received. */
    public long reservedRequestBytes() {
        return server.reservedRequestBytes();
    }

    public void restart() {
        restart(partition -> {});
    }

    /**
     * Restarts with {@code beforeGroupLoad} run on the loading thread before each {@code __consumer_offsets}
     * partition's load (with the partition): blocking in it holds that load, and the loads after it.
     */
    public void restart(IntConsumer beforeGroupLoad) {
        server.shutdown();
        startServer(beforeGroupLoad);
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
