package io.fjord.metadata;

import java.util.Objects;

/**
 * A resource that configs are set on: a topic by name, or a broker by its id as a string ("" is the
 * cluster-wide broker default). Immutable.
 */
public record ConfigResource(ConfigResourceType type, String name) {
    public ConfigResource {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
    }

    public static ConfigResource topic(String name) {
        return new ConfigResource(ConfigResourceType.TOPIC, name);
    }

    public static ConfigResource broker(String name) {
        return new ConfigResource(ConfigResourceType.BROKER, name);
    }
}
