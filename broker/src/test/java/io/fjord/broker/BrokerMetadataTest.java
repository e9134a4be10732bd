package io.fjord.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.config.BrokerConfig;
import io.fjord.common.config.ConfigException;
import io.fjord.raft.RaftConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BrokerMetadataTest {

    private static final String VOTERS = "1@127.0.0.1:19091,2@127.0.0.1:19092,3@127.0.0.1:19093";

    private static Map<String, String> kraft(int nodeId) {
        Map<String, String> props = new HashMap<>();
        props.put("node.id", Integer.toString(nodeId));
        props.put("process.roles", "broker,controller");
        props.put("controller.quorum.voters", VOTERS);
        props.put("listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:1909" + nodeId);
        props.put("controller.listener.names", "CONTROLLER");
        return props;
    }

    @Test
    void withoutVotersTheBrokerRunsTheLocalMetadataLog() {
        assertThat(BrokerMetadata.isQuorum(BrokerConfig.parse(Map.of()))).isFalse();
    }

    @Test
    void votersMakeTheBrokerAQuorumMemberWithItsSessionSettings() {
        Map<String, String> props = kraft(2);
        props.put("broker.session.timeout.ms", "3000");
        props.put("broker.heartbeat.interval.ms", "500");
        BrokerConfig config = BrokerConfig.parse(props);

        RaftConfig raft = BrokerMetadata.quorumSettings(config);

        assertThat(BrokerMetadata.isQuorum(config)).isTrue();
        assertThat(raft.nodeId()).isEqualTo(2);
        assertThat(raft.voters()).hasSize(3);
        assertThat(raft.self().port()).isEqualTo(19092);
        assertThat(raft.brokerSessionTimeoutMs()).isEqualTo(3000);
        assertThat(raft.brokerHeartbeatIntervalMs()).isEqualTo(500);
    }

    @Test
    void aNodeThatIsNotAVoterIsRejected() {
        Map<String, String> props = kraft(4);
        props.put("listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:19094");
        assertThatThrownBy(() -> BrokerMetadata.quorumSettings(BrokerConfig.parse(props)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("node.id 4 is not among the voters");
    }

    @Test
    void aBrokerOnlyNodeIsRejectedWhileEveryNodeMustBeAVoter() {
        Map<String, String> props = kraft(1);
        props.put("process.roles", "broker");
        assertThatThrownBy(() -> BrokerMetadata.quorumSettings(BrokerConfig.parse(props)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("process.roles");
    }

    @Test
    void aControllerListenerOnAnotherPortThanTheVoterPortIsRejected() {
        Map<String, String> props = kraft(1);
        props.put("listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:29999");
        assertThatThrownBy(() -> BrokerMetadata.quorumSettings(BrokerConfig.parse(props)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("voter port 19091");
    }

    @Test
    void votersWithoutControllerListenerNamesAreRejected() {
        Map<String, String> props = kraft(1);
        props.remove("controller.listener.names");
        props.put("listeners", "PLAINTEXT://127.0.0.1:9092");
        assertThatThrownBy(() -> BrokerMetadata.quorumSettings(BrokerConfig.parse(props)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("controller.listener.names");
    }

    @Test
    void everyNodeOfAQuorumDerivesTheSameClusterIdAndSingleBrokersDrawOne() {
        String one = BrokerMetadata.newClusterId(BrokerConfig.parse(kraft(1)), new SplittableRandom(1));
        String three = BrokerMetadata.newClusterId(BrokerConfig.parse(kraft(3)), new SplittableRandom(2));
        assertThat(one).isEqualTo(three);

        String a = BrokerMetadata.newClusterId(BrokerConfig.parse(Map.of()), new SplittableRandom(1));
        String b = BrokerMetadata.newClusterId(BrokerConfig.parse(Map.of()), new SplittableRandom(2));
        assertThat(a).isNotEqualTo(b).isNotEqualTo(one);
    }
}
