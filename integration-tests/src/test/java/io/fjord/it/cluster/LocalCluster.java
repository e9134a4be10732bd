package io.fjord.it.cluster;

import io.fjord.it.BrokerProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;

/**
 * N Fjord brokers in separate JVMs on loopback, each a member of the Raft metadata quorum, configured as
 * {@code fjord cluster up} configures them: node ids 1..N, {@code process.roles=broker,controller}, a
 * PLAINTEXT and a CONTROLLER listener (the Raft port), data under {@code <dir>/node-<id>}. All are
 * launched at once (a quorum needs a majority up before any is ready). Not thread-safe.
 */
final class LocalCluster implements AutoCloseable {

    private final List<BrokerProcess> brokers = new ArrayList<>();

    private LocalCluster() {}

    /** Starts {@code size} brokers with {@code overrides} on each and waits until all are ready. */
    static LocalCluster start(Path dir, int size, Map<String, String> overrides)
            throws IOException, InterruptedException {
        LocalCluster cluster = new LocalCluster();
        int[] kafkaPorts = new int[size];
        int[] raftPorts = new int[size];
        StringBuilder voters = new StringBuilder();
        for (int i = 0; i < size; i++) {
            kafkaPorts[i] = BrokerProcess.freePort();
            raftPorts[i] = BrokerProcess.freePort();
            voters.append(i == 0 ? "" : ",").append(i + 1).append("@127.0.0.1:").append(raftPorts[i]);
        }
        try {
            for (int i = 0; i < size; i++) {
                int id = i + 1;
                Map<String, String> settings = new LinkedHashMap<>();
                settings.put("node.id", Integer.toString(id));
                settings.put("process.roles", "broker,controller");
                settings.put("controller.quorum.voters", voters.toString());
                settings.put(
                        "listeners",
                        "PLAINTEXT://127.0.0.1:" + kafkaPorts[i] + ",CONTROLLER://127.0.0.1:" + raftPorts[i]);
                settings.put("controller.listener.names", "CONTROLLER");
                settings.putAll(overrides);
                BrokerProcess broker = new BrokerProcess(dir.resolve("node-" + id), kafkaPorts[i], settings);
                cluster.brokers.add(broker);
                broker.launch();
            }
            for (BrokerProcess broker : cluster.brokers) {
                broker.awaitReady();
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** The broker with node id {@code id} (1-based). */
    BrokerProcess broker(int id) {
        return brokers.get(id - 1);
    }

    int size() {
        return brokers.size();
    }

    /** Every live broker's address, comma-separated. */
    String bootstrap() {
        return brokers.stream()
                .filter(BrokerProcess::isAlive)
                .map(BrokerProcess::bootstrap)
                .collect(Collectors.joining(","));
    }

    static Admin admin(String bootstrap) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        return Admin.create(props);
    }

    /** The active controller's id as {@code admin}'s broker reports it, or -1 when none is known. */
    static int controllerId(Admin admin) throws InterruptedException, ExecutionException, TimeoutException {
        DescribeClusterResult cluster = admin.describeCluster();
        Node controller = cluster.controller().get(10, TimeUnit.SECONDS);
        return controller == null || controller.isEmpty() ? -1 : controller.id();
    }

    @Override
    public void close() throws InterruptedException {
        for (BrokerProcess broker : brokers) {
            broker.close();
        }
    }
}
