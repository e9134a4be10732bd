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
    void aCombinedNodeThatIsNotAVoterIsRejectedInKafkasWords() {
        Map<String, String> props = kraft(4);
        props.put("listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:19094");
        assertThatThrownBy(() -> BrokerMetadata.quorumSettings(BrokerConfig.parse(props)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("If process.roles contains the 'controller' role, the node id 4 must be included in the"
                        + " set of voters controller.quorum.voters=[1, 2, 3]");
    }

    private static Map<String, String> brokerOnly(int nodeId) {
        Map<String, String> props = kraft(nodeId);
        props.put("process.roles", "broker");
        props.put("listeners", "PLAINTEXT://127.0.0.1:909" + nodeId);
        props.put("fjord.metadata.listener.port", "2909" + nodeId);
        return props;
    }

    private static Map<String, String> controllerOnly(int nodeId) {
        Map<String, String> props = kraft(nodeId);
        props.put("process.roles", "controller");
        props.put("listeners", "CONTROLLER://127.0.0.1:1909" + nodeId);
        return props;
    }

    @Test
    void aBrokerOnlyNodeIsANonVotingListenerOnItsMetadataListenerPort() {
        RaftConfig raft = BrokerMetadata.quorumSettings(BrokerConfig.parse(brokerOnly(5)));

        assertThat(raft.isVoter()).isFalse();
        assertThat(raft.voters()).hasSize(3);
        assertThat(raft.self()).isEqualTo(new RaftConfig.Voter(5, "127.0.0.1", 29095));
        assertThat(ProcessRoles.of(BrokerConfig.parse(brokerOnly(5)))).isEqualTo(ProcessRoles.BROKER_ONLY);
    }

    @Test
    void aBrokerOnlyNodeAmongTheVotersIsRejectedInKafkasWords() {
        assertThatThrownBy(() -> BrokerMetadata.quorumSettings(BrokerConfig.parse(brokerOnly(1))))
                .isInstanceOf(ConfigException.class)
                .hasMessage("If process.roles contains just the 'broker' role, the node id 1 must not be included in"
                        + " the set of voters controller.quorum.voters=[1, 2, 3]");
    }

    @Test
    void aBrokerOnlyNodeWithAControllerListenerOrWithoutItsPortIsRejected() {
        Map<String, String> withController = brokerOnly(5);
        withController.put("listeners", "PLAINTEXT://127.0.0.1:9095,CONTROLLER://127.0.0.1:19095");
        assertThatThrownBy(() -> BrokerMetadata.quorumSettings(BrokerConfig.parse(withController)))
                .hasMessage("controller.listener.names must not contain a value appearing in the 'listeners'"
                        + " configuration when running KRaft with just the broker role");
        Map<String, String> noNames = brokerOnly(5);
        noNames.remove("controller.listener.names");
        assertThatThrownBy(() -> BrokerMetadata.quorumSettings(BrokerConfig.parse(noNames)))
                .hasMessage("controller.listener.names must contain at least one value when running KRaft with just"
                        + " the broker role");
        Map<String, String> noPort = brokerOnly(5);
        noPort.remove("fjord.metadata.listener.port");
        assertThatThrownBy(() -> BrokerMetadata.quorumSettings(BrokerConfig.parse(noPort)))
                .hasMessageStartingWith("fjord.metadata.listener.port must be set when process.roles=broker");
    }

    @Test
    void aControllerOnlyNodeIsAVoterWithOnlyItsControllerListener() {
        RaftConfig raft = BrokerMetadata.quorumSettings(BrokerConfig.parse(controllerOnly(2)));
        assertThat(raft.isVoter()).isTrue();
        assertThat(raft.self().port()).isEqualTo(19092);
        assertThat(ProcessRoles.of(BrokerConfig.parse(controllerOnly(2)))).isEqualTo(ProcessRoles.CONTROLLER_ONLY);
    }

    @Test
    void aControllerOnlyNodeOutsideTheVotersOrWithAClientListenerIsRejectedInKafkasWords() {
        Map<String, String> notVoter = controllerOnly(4);
        notVoter.put("listeners", "CONTROLLER://127.0.0.1:19094");
        assertThatThrownBy(() -> BrokerMetadata.quorumSettings(BrokerConfig.parse(notVoter)))
                .hasMessage("If process.roles contains the 'controller' role, the node id 4 must be included in the"
                        + " set of voters controller.quorum.voters=[1, 2, 3]");
        Map<String, String> client = controllerOnly(1);
        client.put("listeners", "PLAINTEXT://127.0.0.1:9091,CONTROLLER://127.0.0.1:19091");
        assertThatThrownBy(() -> BrokerMetadata.quorumSettings(BrokerConfig.parse(client)))
                .hasMessage("The listeners config must only contain KRaft controller listeners from"
                        + " controller.listener.names when process.roles=controller");
        Map<String, String> advertised = controllerOnly(1);
        advertised.put("advertised.listeners", "CONTROLLER://127.0.0.1:19091");
        assertThatThrownBy(() -> BrokerMetadata.quorumSettings(BrokerConfig.parse(advertised)))
                .hasMessage("The advertised.listeners config must be empty when process.roles=controller");
    }

    @Test
    void aSingleRoleWithoutVotersIsRejected() {
        Map<String, String> props = new HashMap<>();
        props.put("process.roles", "broker");
        assertThatThrownBy(() -> ProcessRoles.of(BrokerConfig.parse(props)))
                .hasMessage("If using process.roles=broker, controller.quorum.voters must contain a parseable set of"
                        + " voters.");
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
