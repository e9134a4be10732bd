package io.fjord.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.spi.SelectorProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServerBrokerLauncherTest {

    private final String before = System.getProperty(ServerBrokerLauncher.SELECTOR_PROVIDER);

    @AfterEach
    void restoreProperty() {
        if (before == null) {
            System.clearProperty(ServerBrokerLauncher.SELECTOR_PROVIDER);
        } else {
            System.setProperty(ServerBrokerLauncher.SELECTOR_PROVIDER, before);
        }
    }

    @Test
    void namesTheSelectorProviderTheJdkUsesByDefaultOnLinux() {
        System.clearProperty(ServerBrokerLauncher.SELECTOR_PROVIDER);

        ServerBrokerLauncher.nameSelectorProvider();

        if ("Linux".equals(System.getProperty("os.name"))) {
            assertThat(System.getProperty(ServerBrokerLauncher.SELECTOR_PROVIDER))
                    .isEqualTo("sun.nio.ch.EPollSelectorProvider")
                    .isEqualTo(SelectorProvider.provider().getClass().getName());
        } else {
            assertThat(System.getProperty(ServerBrokerLauncher.SELECTOR_PROVIDER))
                    .isNull();
        }
    }

    @Test
    void leavesAProviderTheUserNamedAlone() {
        System.setProperty(ServerBrokerLauncher.SELECTOR_PROVIDER, "sun.nio.ch.PollSelectorProvider");

        ServerBrokerLauncher.nameSelectorProvider();

        assertThat(System.getProperty(ServerBrokerLauncher.SELECTOR_PROVIDER))
                .isEqualTo("sun.nio.ch.PollSelectorProvider");
    }
}
