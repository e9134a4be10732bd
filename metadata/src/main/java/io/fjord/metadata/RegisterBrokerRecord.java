package io.fjord.metadata;

import io.fjord.common.Uuid;
import java.util.List;
import java.util.Objects;

/**
 * A broker (re-)registered: its id, the incarnation id of this process run, its listeners, its rack
 * (null when none) and whether it is fenced (may not lead partitions). A later registration of the
 * same id replaces the earlier one. Immutable.
 */
public record RegisterBrokerRecord(
        int brokerId, Uuid incarnationId, List<Endpoint> endpoints, String rack, boolean fenced)
        implements MetadataRecord {
    public RegisterBrokerRecord {
        if (brokerId < 0) {
            throw new IllegalArgumentException("brokerId must not be negative, got: " + brokerId);
        }
        Objects.requireNonNull(incarnationId, "incarnationId");
        endpoints = List.copyOf(endpoints);
    }
}
