package io.fjord.broker;

import io.fjord.common.Time;
import io.fjord.common.Uuid;
import io.fjord.common.config.BrokerConfig;
import io.fjord.common.config.ConfigException;
import io.fjord.common.config.Endpoint;
import io.fjord.common.config.QuorumVoter;
import io.fjord.metadata.ConfigValidator;
import io.fjord.metadata.ControllerApi;
import io.fjord.metadata.ControllerConfig;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.MetadataLoader;
import io.fjord.metadata.MetadataNode;
import io.fjord.metadata.MetadataSnapshotPolicy;
import io.fjord.metadata.QuorumDescription;
import io.fjord.raft.RaftConfig;
import io.fjord.raft.RaftMetadataNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;

/**
 * The metadata side one broker runs: a member of the Raft quorum ({@link RaftMetadataNode}) when {@code
 * controller.quorum.voters} is set, else the single-node {@link MetadataNode} on a local log, which is its
 * own controller. Either way the broker sees a {@link MetadataLoader} to hang publishers off, a {@link
 * ControllerApi} that any broker may call, and the active controller's id.
 *
 * <p>KRaft settings (checked by {@link #quorumSettings}, with Kafka's rules in {@link ProcessRoles}): a node
 * whose {@code process.roles} holds {@code controller} is a voter: its {@code node.id} is among the voters
 * and {@code controller.listener.names} names a listener on its voter port (the Ratis port; no Kafka
 * listener is opened on it). A broker-only node is not a voter: it receives the committed log as a
 * non-voting Ratis listener on {@code fjord.metadata.listener.port} and sends its controller requests to
 * the voters.
 *
 * <p>Thread-safe as its parts are; started and closed by the broker's lifecycle thread.
 */
final class BrokerMetadata implements AutoCloseable {

    static final String BROKER_SESSION_TIMEOUT_MS = "broker.session.timeout.ms";
    static final String BROKER_HEARTBEAT_INTERVAL_MS = "broker.heartbeat.interval.ms";

    private final MetadataNode local;
    private final RaftMetadataNode raft;

    private BrokerMetadata(MetadataNode local, RaftMetadataNode raft) {
        this.local = local;
        this.raft = raft;
    }

    /** Starts the node the configuration asks for; install publishers, then wait on {@link #ready()}. */
    static BrokerMetadata start(
            BrokerConfig config,
            ControllerConfig controllerConfig,
            ConfigValidator validator,
            Time time,
            RandomGenerator random)
            throws IOException {
        if (!isQuorum(config)) {
            return new BrokerMetadata(
                    MetadataNode.startLocal(
                            config.metadataLogDir(),
                            new MetadataSnapshotPolicy(
                                    config.metadataLogMaxRecordBytesBetweenSnapshots(),
                                    config.metadataLogMaxSnapshotIntervalMs()),
                            controllerConfig,
                            validator,
                            time,
                            random),
                    null);
        }
        return new BrokerMetadata(
                null, RaftMetadataNode.start(quorumSettings(config), controllerConfig, validator, time, random));
    }

    static boolean isQuorum(BrokerConfig config) {
        return !config.controllerQuorumVoters().isEmpty();
    }

    /**
     * The Raft settings of this node, or a {@link ConfigException} naming the key that is wrong ({@link
     * ProcessRoles} checks the roles against the voters and listeners first). A voter's Raft port is its
     * voter port (its controller listener, which must be on it); a broker-only node's is {@code
     * fjord.metadata.listener.port}, on the host of its client listener.
     */
    static RaftConfig quorumSettings(BrokerConfig config) {
        ProcessRoles role = ProcessRoles.of(config);
        long sessionTimeoutMs = longOriginal(config, BROKER_SESSION_TIMEOUT_MS, 9000);
        long heartbeatIntervalMs = longOriginal(config, BROKER_HEARTBEAT_INTERVAL_MS, 2000);
        try {
            RaftConfig raft = role.isVoter() ? voterSettings(config) : listenerSettings(config);
            return raft.withBrokerSessionTimeoutMs(sessionTimeoutMs, heartbeatIntervalMs);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(BrokerConfig.CONTROLLER_QUORUM_VOTERS, votersText(config), e.getMessage());
        }
    }

    private static RaftConfig voterSettings(BrokerConfig config) {
        QuorumVoter self = config.controllerQuorumVoters().stream()
                .filter(v -> v.nodeId() == config.nodeId())
                .findFirst()
                .orElseThrow();
        List<String> controllerNames = config.controllerListenerNames();
        for (Endpoint listener : config.listeners()) {
            if (controllerNames.contains(listener.listenerName()) && listener.port() != self.port()) {
                throw new ConfigException(
                        BrokerConfig.LISTENERS,
                        listener,
                        "the controller listener's port must be this node's voter port " + self.port());
            }
        }
        return RaftConfig.of(config.nodeId(), votersText(config), config.metadataLogDir());
    }

    private static RaftConfig listenerSettings(BrokerConfig config) {
        int port = config.metadataListenerPort()
                .orElseThrow(() -> new ConfigException(
                        BrokerConfig.FJORD_METADATA_LISTENER_PORT,
                        "fjord.metadata.listener.port must be set when process.roles=broker: the port on which this"
                                + " broker receives the metadata log from the controllers"));
        Endpoint client = config.advertisedListeners().stream()
                .filter(l -> !config.controllerListenerNames().contains(l.listenerName()))
                .findFirst()
                .orElseThrow(() -> new ConfigException(
                        BrokerConfig.LISTENERS, "There must be at least one broker advertised listener."));
        String host =
                client.host() == null || client.host().isEmpty() || client.isWildcard() ? "127.0.0.1" : client.host();
        return RaftConfig.listenerOf(config.nodeId(), votersText(config), host, port, config.metadataLogDir());
    }

    /**
     * The cluster id a node writes into {@code meta.properties} on first start. One broker draws it at
     * random; the nodes of a quorum derive it from the voter set, so they all agree without a format step.
     */
    static String newClusterId(BrokerConfig config, RandomGenerator random) {
        if (!isQuorum(config)) {
            return Uuid.random(random).toString();
        }
        Map<Integer, QuorumVoter> byId = new TreeMap<>();
        config.controllerQuorumVoters().forEach(v -> byId.put(v.nodeId(), v));
        StringBuilder text = new StringBuilder("fjord-cluster");
        byId.values().forEach(v -> text.append(',')
                .append(v.nodeId())
                .append('@')
                .append(v.host())
                .append(':')
                .append(v.port()));
        UUID uuid = UUID.nameUUIDFromBytes(text.toString().getBytes(StandardCharsets.UTF_8));
        return new Uuid(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits()).toString();
    }

    private static String votersText(BrokerConfig config) {
        StringBuilder text = new StringBuilder();
        for (QuorumVoter v : config.controllerQuorumVoters()) {
            if (!text.isEmpty()) {
                text.append(',');
            }
            String host = v.host().indexOf(':') >= 0 ? "[" + v.host() + "]" : v.host();
            text.append(v.nodeId()).append('@').append(host).append(':').append(v.port());
        }
        return text.toString();
    }

    private static long longOriginal(BrokerConfig config, String key, long defaultValue) {
        String value = config.originals().get(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed <= 0) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new ConfigException(key, value, key + " must be a positive number of milliseconds");
        }
    }

    MetadataLoader loader() {
        return local != null ? local.loader() : raft.loader();
    }

    ControllerApi controller() {
        return local != null ? local.controller() : raft.controller();
    }

    /** Completes with the loaded image once this node has caught up with the committed log. */
    CompletableFuture<MetadataImage> ready() {
        return local != null ? local.ready() : raft.ready();
    }

    /**
     * The metadata quorum as its leader reports it (DescribeQuorum). A node on its own local log is a quorum
     * of one: the only voter and the leader, at epoch 1, its log end and high watermark one past the last
     * record it applied (so offsets here count records, where a Raft quorum's count Raft log entries).
     */
    CompletableFuture<QuorumDescription> describeQuorum(int localNodeId, Time time) {
        if (raft != null) {
            return raft.controller().describeQuorum();
        }
        long end = local.loader().image().offset() + 1;
        long now = time.milliseconds();
        return CompletableFuture.completedFuture(new QuorumDescription(
                localNodeId, 1, end, List.of(new QuorumDescription.Replica(localNodeId, end, now, now)), List.of()));
    }

    /** The active controller's id: this node with a local log; the Raft leader's (or -1) in a quorum. */
    int controllerId(int localNodeId) {
        return local != null ? localNodeId : raft.log().leaderId().orElse(-1);
    }

    @Override
    public void close() {
        if (local != null) {
            local.close();
        } else {
            raft.close();
        }
    }
}
