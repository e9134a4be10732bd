package io.fjord.raft;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The settings of one node of the metadata quorum: its id ({@code node.id}), the voters ({@code
 * controller.quorum.voters}), the directory of its metadata log, the broker session timeout ({@code
 * broker.session.timeout.ms}) and heartbeat interval ({@code broker.heartbeat.interval.ms}), how often
 * to snapshot, and the Raft election timeouts. Immutable; the {@code with*} methods return copies.
 *
 * @param metadataDir the node's metadata log dir; the Raft storage is {@code
 *     <metadataDir>/__cluster_metadata/raft}
 * @param snapshotEveryEntries Raft log entries between snapshots; the log behind a snapshot is purged once
 *     its segments close, and followers behind the purged log get the snapshot instead
 * @param logSegmentBytes the size at which a Raft log segment closes (only closed segments are purged)
 */
public record RaftConfig(
        int nodeId,
        List<Voter> voters,
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
        if (voters.stream().noneMatch(v -> v.id() == nodeId)) {
            throw new IllegalArgumentException("node.id " + nodeId + " is not among the voters " + voters);
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

    public Voter self() {
        return voters.stream().filter(v -> v.id() == nodeId).findFirst().orElseThrow();
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
