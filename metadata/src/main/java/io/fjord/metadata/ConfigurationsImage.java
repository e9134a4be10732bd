package io.fjord.metadata;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * The explicitly set configs of every resource (topic overrides, dynamic broker configs); defaults are
 * not here. A resource with no explicit config has no entry. Immutable; safe from any thread.
 */
public final class ConfigurationsImage {

    public static final ConfigurationsImage EMPTY = new ConfigurationsImage(Map.of());

    private final Map<ConfigResource, Map<String, String>> configs;

    /** Copies {@code configs}; empty per-resource maps are dropped. */
    public ConfigurationsImage(Map<ConfigResource, Map<String, String>> configs) {
        Map<ConfigResource, Map<String, String>> copy = new HashMap<>();
        for (Map.Entry<ConfigResource, Map<String, String>> e : configs.entrySet()) {
            if (!e.getValue().isEmpty()) {
                copy.put(e.getKey(), Collections.unmodifiableMap(new HashMap<>(e.getValue())));
            }
        }
        this.configs = Collections.unmodifiableMap(copy);
    }

    /** The explicitly set configs of {@code resource}; empty when none. */
    public Map<String, String> configs(ConfigResource resource) {
        return configs.getOrDefault(resource, Map.of());
    }

    /** Every resource with at least one explicit config. */
    public Map<ConfigResource, Map<String, String>> all() {
        return configs;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigurationsImage that && configs.equals(that.configs);
    }

    @Override
    public int hashCode() {
        return configs.hashCode();
    }

    @Override
    public String toString() {
        return "ConfigurationsImage" + configs;
    }
}
