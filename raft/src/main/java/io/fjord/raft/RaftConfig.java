package io.fjord.raft;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The settings of one node of the metadata quorum: its id ({@code node.id}), the voters ({@code
 * controller.quorum.voters}), where a non-voting node (a broker-only node, {@code process.roles=broker})
 * receives the log as a Ratis listener, the directory of its metadata log, the broker session timeout ({@code
 * broker.session.timeout.ms}) and heartbeat interval ({@code broker.heartbeat.interval.ms}), how often
 * to snapshot, and the Raft election timeouts. Immutable; the {@code with*} methods return copies.
 *
 * @param metadataDir the node's metadata log dir; the Raft storage is {@code
 *     <metadataDir>/__cluster_metadata/raft}
 * @param snapshotEveryEntries Raft log entries between snapshots; the log behind a snapshot is purged once
 *     its segments close, and followers behind the purged log get the snapshot instead
 * @param logSegmentBytes the size at which a Raft log segment closes (only closed segments are purged)
 * @param listener this node's own Raft address when it is not a voter (it then receives the committed log
 *     as a non-voting Ratis listener and never votes or leads); null when it is one of the voters
 */
public record RaftConfig(
        int nodeId,
        List<Voter> voters,
        Voter listener,
        Path metadataDir,
        long brokerSessionTimeoutMs,
        long brokerHeartbeatIntervalMs,
        long snapshotEveryEntries,
        long logSegmentBytes,
        long electionTimeoutMinMs,
        long electionTimeoutMaxMs,
        long requestTimeoutMs) {

    public static final long DEFAULT_BROKER_SESSION_TIMEOUT_MS = 9000;
    public static final long DEFAULT_BROKER_HEARTBEAT_INTERVAL_MS = 2000;
    public static final long DEFAULT_SNAPSHOT_EVERY_ENTRIES = 10_000;
    public static final long DEFAULT_LOG_SEGMENT_BYTES = 8L * 1024 * 1024;
    public static final long DEFAULT_ELECTION_TIMEOUT_MIN_MS = 500;
    public static final long DEFAULT_ELECTION_TIMEOUT_MAX_MS = 1000;
    public static final long DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

    /** One member of the quorum: {@code id@host:port}. */
    public record Voter(int id, String host, int port) {
        public Voter {
            if (id < 0) {
                throw new IllegalArgumentException("a voter id must not be negative, got: " + id);
            }
            Objects.requireNonNull(host, "host");
            if (host.isEmpty() || port < 1 || port > 65535) {
                throw new IllegalArgumentException(
                        "a voter needs a host and a port in [1, 65535], got: " + host + ":" + port);
            }
        }

        public String address() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    public RaftConfig {
        voters = List.copyOf(voters);
        Objects.requireNonNull(metadataDir, "metadataDir");
        boolean isVoter = voters.stream().anyMatch(v -> v.id() == nodeId);
        if (listener == null && !isVoter) {
            throw new IllegalArgumentException("node.id " + nodeId + " is not among the voters " + voters);
        }
        if (listener != null && (isVoter || listener.id() != nodeId)) {
            throw new IllegalArgumentException("a listener node " + listener + " must not be among the voters " + voters
                    + " and must carry node.id " + nodeId);
        }
        Set<Integer> ids = new HashSet<>();
        for (Voter voter : voters) {
            if (!ids.add(voter.id())) {
                throw new IllegalArgumentException("voter id " + voter.id() + " appears twice in " + voters);
            }
        }
        requirePositive("broker.session.timeout.ms", brokerSessionTimeoutMs);
        requirePositive("broker.heartbeat.interval.ms", brokerHeartbeatIntervalMs);
        requirePositive("snapshotEveryEntries", snapshotEveryEntries);
        requirePositive("logSegmentBytes", logSegmentBytes);
        requirePositive("electionTimeoutMinMs", electionTimeoutMinMs);
        requirePositive("requestTimeoutMs", requestTimeoutMs);
        if (electionTimeoutMaxMs < electionTimeoutMinMs) {
            throw new IllegalArgumentException("electionTimeoutMaxMs " + electionTimeoutMaxMs
                    + " is below electionTimeoutMinMs " + electionTimeoutMinMs);
        }
    }

    private static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got: " + value);
        }
    }

    /** A node's settings with the defaults; {@code voters} in Kafka's {@code controller.quorum.voters} form. */
    public static RaftConfig of(int nodeId, String voters, Path metadataDir) {
        return new RaftConfig(
                nodeId,
                parseVoters(voters),
                null,
                metadataDir,
                DEFAULT_BROKER_SESSION_TIMEOUT_MS,
                DEFAULT_BROKER_HEARTBEAT_INTERVAL_MS,
                DEFAULT_SNAPSHOT_EVERY_ENTRIES,
                DEFAULT_LOG_SEGMENT_BYTES,
                DEFAULT_ELECTION_TIMEOUT_MIN_MS,
                DEFAULT_ELECTION_TIMEOUT_MAX_MS,
                DEFAULT_REQUEST_TIMEOUT_MS);
    }

    /**
     * Parses {@code 1@host:port,2@host:port,...} (an IPv6 host in brackets); throws {@link
     * IllegalArgumentException} naming the bad entry.
     */
    public static List<Voter> parseVoters(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("controller.quorum.voters is empty");
        }
        List<Voter> voters = new ArrayList<>();
        for (String entry : text.split(",")) {
            String trimmed = entry.trim();
            int at = trimmed.indexOf('@');
            int colon = trimmed.lastIndexOf(':');
            if (at <= 0 || colon <= at + 1 || colon == trimmed.length() - 1) {
                throw new IllegalArgumentException(
                        "controller.quorum.voters entry '" + trimmed + "' is not of the form id@host:port");
            }
            String host = trimmed.substring(at + 1, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            try {
                voters.add(new Voter(
                        Integer.parseInt(trimmed.substring(0, at)),
                        host,
                        Integer.parseInt(trimmed.substring(colon + 1))));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "controller.quorum.voters entry '" + trimmed + "' has a non-numeric id or port", e);
            }
        }
        return voters;
    }

    /**
     * A broker-only node's settings: not a voter; it receives the committed log on {@code host:port} (its
     * Raft server's address, which the voters connect to) as a non-voting listener.
     */
    public static RaftConfig listenerOf(int nodeId, String voters, String host, int port, Path metadataDir) {
        RaftConfig voterShape = of(parseVoters(voters).get(0).id(), voters, metadataDir);
        return new RaftConfig(
                nodeId,
                voterShape.voters(),
                new Voter(nodeId, host, port),
                metadataDir,
                voterShape.brokerSessionTimeoutMs(),
                voterShape.brokerHeartbeatIntervalMs(),
                voterShape.snapshotEveryEntries(),
                voterShape.logSegmentBytes(),
                voterShape.electionTimeoutMinMs(),
                voterShape.electionTimeoutMaxMs(),
                voterShape.requestTimeoutMs());
    }

    /** Whether this node votes (and may lead); false for a listener. */
    public boolean isVoter() {
        return listener == null;
    }

    /** This node's own Raft address: its voter entry, or its listener address. */
    public Voter self() {
        return listener != null
                ? listener
                : voters.stream().filter(v -> v.id() == nodeId).findFirst().orElseThrow();
    }

    /** {@code <metadataDir>/__cluster_metadata/raft}. */
    public Path storageDir() {
        return metadataDir
                .resolve(io.fjord.metadata.LocalMetadataLog.DIRECTORY_NAME)
                .resolve("raft");
    }

    public RaftConfig withBrokerSessionTimeoutMs(long timeoutMs, long heartbeatIntervalMs) {
        return new RaftConfig(
                nodeId,
                voters,
                listener,
                metadataDir,
                timeoutMs,
                heartbeatIntervalMs,
                snapshotEveryEntries,
                logSegmentBytes,
                electionTimeoutMinMs,
                electionTimeoutMaxMs,
                requestTimeoutMs);
    }

    public RaftConfig withSnapshots(long everyEntries, long segmentBytes) {
        return new RaftConfig(
                nodeId,
                voters,
                listener,
                metadataDir,
                brokerSessionTimeoutMs,
                brokerHeartbeatIntervalMs,
                everyEntries,
                segmentBytes,
                electionTimeoutMinMs,
                electionTimeoutMaxMs,
                requestTimeoutMs);
    }

    public RaftConfig withElectionTimeoutMs(long minMs, long maxMs) {
        return new RaftConfig(
                nodeId,
                voters,
                listener,
                metadataDir,
                brokerSessionTimeoutMs,
                brokerHeartbeatIntervalMs,
                snapshotEveryEntries,
                logSegmentBytes,
                minMs,
                maxMs,
                requestTimeoutMs);
    }
}
