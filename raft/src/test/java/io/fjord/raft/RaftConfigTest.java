package io.fjord.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RaftConfigTest {

    @Test
    void parsesKafkaControllerQuorumVoters() {
        assertThat(RaftConfig.parseVoters("1@localhost:9093, 2@10.0.0.2:9094,3@[::1]:9095"))
                .containsExactly(
                        new RaftConfig.Voter(1, "localhost", 9093),
                        new RaftConfig.Voter(2, "10.0.0.2", 9094),
                        new RaftConfig.Voter(3, "::1", 9095));
        assertThat(new RaftConfig.Voter(3, "::1", 9095).address()).isEqualTo("[::1]:9095");
    }

    @Test
    void rejectsMalformedVotersNamingTheEntry() {
        assertThatThrownBy(() -> RaftConfig.parseVoters("1@host")).hasMessageContaining("'1@host'");
        assertThatThrownBy(() -> RaftConfig.parseVoters("x@host:1")).hasMessageContaining("'x@host:1'");
        assertThatThrownBy(() -> RaftConfig.parseVoters("1@host:0")).hasMessageContaining("port");
        assertThatThrownBy(() -> RaftConfig.parseVoters("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> RaftConfig.of(1, "1@h:1,1@h:2", Path.of("d"))).hasMessageContaining("twice");
    }

    @Test
    void requiresTheNodeAmongTheVotersAndPutsItsStorageUnderClusterMetadata() {
        assertThatThrownBy(() -> RaftConfig.of(4, "1@h:1,2@h:2", Path.of("d"))).hasMessageContaining("node.id 4");
        RaftConfig config = RaftConfig.of(2, "1@h:1,2@h:2", Path.of("data"));
        assertThat(config.self()).isEqualTo(new RaftConfig.Voter(2, "h", 2));
        assertThat(config.storageDir()).isEqualTo(Path.of("data", "__cluster_metadata", "raft"));
        assertThat(config.brokerSessionTimeoutMs()).isEqualTo(9000);
    }
}
