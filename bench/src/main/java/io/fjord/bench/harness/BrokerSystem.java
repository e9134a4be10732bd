package io.fjord.bench.harness;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A broker under test (Apache Kafka or Fjord): how to prepare a fresh single-node instance and the command that
 * launches it. The harness owns the launch itself, so start-up is timed the same way for every system.
 */
public interface BrokerSystem {

    /** Short id used on the command line, in JSON and in file names ("kafka", "fjord"). */
    String id();

    /** Name shown in the table ("Kafka 4.4.0"). */
    String displayName();

    /** Why this system cannot run here, or null when it can. */
    String unavailableReason();

    /**
     * Prepares {@code runDir} (configuration, a fresh data directory under it, any one-time formatting) for a broker
     * listening on 127.0.0.1:{@code port}, and returns the command that starts it. Work done here is not part of
     * the start-up time.
     */
    List<String> prepare(Path runDir, int port, Path logDir) throws IOException, InterruptedException;

    /**
     * Whether the next start would be a first start that differs from the ones after it (Fjord records its class-data
     * sharing archive at the exit of its first start after a build, as bin/fjord does on a user's first start); the
     * harness then starts it once, untimed, before the rounds.
     */
    default boolean nextStartIsFirst() throws IOException {
        return false;
    }

    /**
     * Prepares a three-node cluster under {@code runDir} (node i, from 1, listens on 127.0.0.1:{@code ports[i-1]}
     * for clients and {@code controllerPorts[i-1]} for the metadata quorum; every node is a voter and a broker) and
     * returns the command of each node, in node id order.
     */
    List<List<String>> prepareCluster(Path runDir, int[] ports, int[] controllerPorts, Path logDir)
            throws IOException, InterruptedException;
}
