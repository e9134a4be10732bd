package io.fjord.it.replication;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The life cycle the replication ITs share: a fresh three-broker {@link EmbeddedQuorum} with {@link
 * ReplicationIT#settings()} for every test, in its own temporary directory, closed after it.
 */
abstract class QuorumTest {

    @TempDir
    Path dir;

    EmbeddedQuorum quorum;

    @BeforeEach
    void startQuorum() throws Exception {
        long startNs = System.nanoTime();
        quorum = EmbeddedQuorum.start(dir, 3, brokerSettings());
        System.out.printf("3-broker quorum ready in %d ms%n", (System.nanoTime() - startNs) / 1_000_000);
    }

    /** The brokers' settings; {@link ReplicationIT#settings()} unless a test needs others. */
    Map<String, String> brokerSettings() {
        return ReplicationIT.settings();
    }

    @AfterEach
    void stopQuorum() {
        if (quorum != null) {
            quorum.close();
        }
    }
}
