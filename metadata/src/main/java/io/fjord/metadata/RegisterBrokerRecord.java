package io.fjord.metadata;

import io.fjord.common.Uuid;
import java.util.List;
import java.util.Objects;

/**
 * A broker (re-)registered or changed state: its id, the incarnation id of this process run, its
 * listeners, its rack (null when none), whether it is fenced (may not lead partitions) and whether it is
 * in controlled shutdown. A later record for the same id replaces the earlier one. Immutable.
 */
public record RegisterBrokerRecord(
        int brokerId,
        Uuid incarnationId,
        List<Endpoint> endpoints,
        String rack,
        boolean fenced,
        boolean inControlledShutdown)
        implements MetadataRecord {
    public RegisterBrokerRecord {
        if (brokerId < 0) {
            throw new IllegalArgumentException("brokerId must not be negative, got: " + brokerId);
        }
        Objects.requireNonNull(incarnationId, "incarnationId");
        endpoints = List.copyOf(endpoints);
    }

    public RegisterBrokerRecord(
            int brokerId, Uuid incarnationId, List<Endpoint> endpoints, String rack, boolean fenced) {
        this(brokerId, incarnationId, endpoints, rack, fenced, false);
    }
}
