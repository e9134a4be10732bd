package io.fjord.metadata;

import java.util.Optional;

/**
 * Checks one config key and value for a resource type before the controller writes it: an unknown key
 * or a value of the wrong type or range. Injected by the broker (which knows the config definitions);
 * called on the controller's thread, so it must be quick and must not block.
 */
@FunctionalInterface
public interface ConfigValidator {

    /** Accepts every key and value. */
    ConfigValidator ACCEPT_ALL = (type, name, value) -> Optional.empty();

    /** Empty if {@code name=value} is valid for {@code type}, else the reason, which clients will see. */
    Optional<String> validate(ConfigResourceType type, String name, String value);

    /**
     * The value {@code name} has when not set explicitly, or null when unknown. APPEND and SUBTRACT on an
     * unset list config start from it, as in Kafka (APPEND compact to an unset cleanup.policy gives
     * "delete,compact").
     */
    default String defaultValue(ConfigResourceType type, String name) {
        return null;
    }
}
