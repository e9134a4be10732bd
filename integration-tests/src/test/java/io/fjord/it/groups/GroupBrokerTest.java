package io.fjord.it.groups;

import io.fjord.it.EmbeddedBroker;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The life cycle the group ITs share: one {@link EmbeddedBroker} with {@link GroupClients#BROKER_SETTINGS}
 * for a whole test class, in its own temporary directory, closed after its last test. The fields are static
 * and so shared by every subclass: test classes run one after another on the JUnit thread.
 */
abstract class GroupBrokerTest {

    @TempDir
    static Path dataDir;

    static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start(dataDir, GroupClients.BROKER_SETTINGS);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }
}
