package io.fjord.broker;

import io.fjord.common.config.BrokerConfig;
import io.fjord.common.config.ConfigException;
import io.fjord.common.config.Endpoint;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@code process.roles} makes of a node, and Kafka's KRaft consistency rules for it (KafkaConfig's
 * validation, in Kafka's words, one line each): a combined node ({@code broker,controller}) and a
 * controller-only node are voters; a broker-only node is not, and reaches the controllers through the
 * voters named in {@code controller.quorum.voters}. Without voters, only the combined role is allowed (the
 * single-node local metadata log). Immutable.
 */
enum ProcessRoles {
    COMBINED,
    BROKER_ONLY,
    CONTROLLER_ONLY;

    static final String BROKER = "broker";
    static final String CONTROLLER = "controller";

    /** The node's roles, after checking the settings that depend on them. */
    static ProcessRoles of(BrokerConfig config) {
        Set<String> roles = config.processRoles();
        ProcessRoles role =
                roles.contains(BROKER) ? (roles.contains(CONTROLLER) ? COMBINED : BROKER_ONLY) : CONTROLLER_ONLY;
        if (config.controllerQuorumVoters().isEmpty()) {
            if (role != COMBINED) {
                throw new ConfigException(
                        BrokerConfig.CONTROLLER_QUORUM_VOTERS,
                        "If using process.roles=" + String.join(",", roles)
                                + ", controller.quorum.voters must contain a parseable set of voters.");
            }
            return role;
        }
        role.validate(config);
        return role;
    }

    boolean isBroker() {
        return this != CONTROLLER_ONLY;
    }

    boolean isVoter() {
        return this != BROKER_ONLY;
    }

    private void validate(BrokerConfig config) {
        Set<Integer> voterIds = new TreeSet<>();
        config.controllerQuorumVoters().forEach(v -> voterIds.add(v.nodeId()));
        int nodeId = config.nodeId();
        List<String> controllerNames = config.controllerListenerNames();
        List<Endpoint> controllerListeners = config.listeners().stream()
                .filter(l -> controllerNames.contains(l.listenerName()))
                .toList();
        if (this == BROKER_ONLY) {
            require(
                    !voterIds.contains(nodeId),
                    BrokerConfig.CONTROLLER_QUORUM_VOTERS,
                    "If process.roles contains just the 'broker' role, the node id " + nodeId
                            + " must not be included in the set of voters controller.quorum.voters=" + voterIds);
            require(
                    !controllerNames.isEmpty(),
                    BrokerConfig.CONTROLLER_LISTENER_NAMES,
                    "controller.listener.names must contain at least one value when running KRaft with just the"
                            + " broker role");
            require(
                    controllerListeners.isEmpty(),
                    BrokerConfig.CONTROLLER_LISTENER_NAMES,
                    "controller.listener.names must not contain a value appearing in the 'listeners' configuration"
                            + " when running KRaft with just the broker role");
            return;
        }
        if (this == CONTROLLER_ONLY) {
            require(
                    !config.originals().containsKey(BrokerConfig.ADVERTISED_LISTENERS),
                    BrokerConfig.ADVERTISED_LISTENERS,
                    "The advertised.listeners config must be empty when process.roles=controller");
            require(
                    controllerListeners.size() == config.listeners().size(),
                    BrokerConfig.LISTENERS,
                    "The listeners config must only contain KRaft controller listeners from"
                            + " controller.listener.names when process.roles=controller");
        }
        require(
                voterIds.contains(nodeId),
                BrokerConfig.CONTROLLER_QUORUM_VOTERS,
                "If process.roles contains the 'controller' role, the node id " + nodeId
                        + " must be included in the set of voters controller.quorum.voters=" + voterIds);
        require(
                !controllerListeners.isEmpty(),
                BrokerConfig.CONTROLLER_LISTENER_NAMES,
                "controller.listener.names must contain at least one value appearing in the 'listeners'"
                        + " configuration when running the KRaft controller role");
    }

    private static void require(boolean condition, String key, String message) {
        if (!condition) {
            throw new ConfigException(key, message);
        }
    }
}
