package io.fjord.metadata;

import java.util.Objects;

/**
 * One config of one resource was set to {@code value}, or removed when {@code value} is null (the
 * resource then falls back to the broker default). Immutable.
 */
public record ConfigRecord(ConfigResourceType resourceType, String resourceName, String name, String value)
        implements MetadataRecord {
    public ConfigRecord {
        Objects.requireNonNull(resourceType, "resourceType");
        Objects.requireNonNull(resourceName, "resourceName");
        Objects.requireNonNull(name, "name");
    }

    public ConfigResource resource() {
        return new ConfigResource(resourceType, resourceName);
    }
}
