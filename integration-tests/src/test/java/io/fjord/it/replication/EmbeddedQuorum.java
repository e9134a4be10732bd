package io.fjord.it.replication;

import io.fjord.broker.BrokerServer;
import io.fjord.common.Time;
import io.fjord.common.config.BrokerConfig;
import io.fjord.it.BrokerProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * N Fjord brokers in the test's JVM, each a voter of one Raft metadata quorum (node ids 1..N, a PLAINTEXT
 * and a CONTROLLER listener on free loopback ports, data under {@code <dir>/node-<id>}): fast to start,
 * and any one can be stopped and started again on its data. All start at once, since a quorum member is
 * ready only once a majority is up. Not thread-safe: one test thread drives it.
 */
final class EmbeddedQuorum implements AutoCloseable {

    private final List<Map<String, String>> settings = new ArrayList<>();
    private final BrokerServer[] servers;

    private EmbeddedQuorum(int size) {
        this.servers = new BrokerServer[size];
    }

    static EmbeddedQuorum start(Path dir, int size, Map<String, String> overrides) throws Exception {
        return start(dir, size, overrides, id -> Map.of());
    }

    /** As {@link #start(Path, int, Map)}, with {@code perNode} settings of each node id on top. */
    static EmbeddedQuorum start(
            Path dir, int size, Map<String, String> overrides, IntFunction<Map<String, String>> perNode)
            throws Exception {
        EmbeddedQuorum quorum = new EmbeddedQuorum(size);
        StringBuilder voters = new StringBuilder();
        int[] kafkaPorts = new int[size];
        int[] raftPorts = new int[size];
        for (int i = 0; i < size; i++) {
            kafkaPorts[i] = BrokerProcess.freePort();
            raftPorts[i] = BrokerProcess.freePort();
            voters.append(i == 0 ? "" : ",").append(i + 1).append("@127.0.0.1:").append(raftPorts[i]);
        }
        for (int i = 0; i < size; i++) {
            Map<String, String> s = new LinkedHashMap<>();
            s.put("node.id", Integer.toString(i + 1));
            s.put("process.roles", "broker,controller");
            s.put("controller.quorum.voters", voters.toString());
            s.put("listeners", "PLAINTEXT://127.0.0.1:" + kafkaPorts[i] + ",CONTROLLER://127.0.0.1:" + raftPorts[i]);
            s.put("controller.listener.names", "CONTROLLER");
            s.put("log.dirs", dir.resolve("node-" + (i + 1)).toAbsolutePath().toString());
            s.putAll(overrides);
            s.putAll(perNode.apply(i + 1));
            quorum.settings.add(s);
        }
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (int id = 1; id <= size; id++) {
            int node = id;
            starts.add(CompletableFuture.runAsync(() -> quorum.startBroker(node)));
        }
        try {
            CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).get(180, TimeUnit.SECONDS);
        } catch (Exception e) {
            quorum.close();
            throw e;
        }
        return quorum;
    }

    /** Starts broker {@code id} (1-based) on its data; blocks until it serves. */
    void startBroker(int id) {
        BrokerServer server = new BrokerServer(BrokerConfig.parse(settings.get(id - 1)), Time.SYSTEM);
        server.startup();
        servers[id - 1] = server;
    }

    /** Stops broker {@code id} as SIGTERM would (controlled shutdown first). */
    void stopBroker(int id) {
        BrokerServer server = servers[id - 1];
        servers[id - 1] = null;
        if (server != null) {
            server.shutdown();
        }
    }

    /** The log directory of broker {@code id}. */
    Path logDir(int id) {
        return Path.of(settings.get(id - 1).get("log.dirs"));
    }

    /** The client address of running broker {@code id}. */
    java.net.InetSocketAddress address(int id) {
        return servers[id - 1].boundAddress();
    }

    /** Every running broker's address, comma-separated. */
    String bootstrap() {
        List<String> addresses = new ArrayList<>();
        for (BrokerServer server : servers) {
            if (server != null) {
                addresses.add("127.0.0.1:" + server.boundAddress().getPort());
            }
        }
        return addresses.stream().collect(Collectors.joining(","));
    }

    @Override
    public void close() {
        for (int id = 1; id <= servers.length; id++) {
            stopBroker(id);
        }
    }
}
