package io.fjord.metadata;

import io.fjord.common.Uuid;
import java.util.List;
import java.util.Objects;

/**
 * A registered broker in a {@link ClusterImage}: id, incarnation, listeners, rack (null when none),
 * whether it is fenced (its session expired: it may not lead partitions nor join ISRs) and whether it is
 * in controlled shutdown (it asked to hand its leaderships away; ineligible as leader, ISR member and new
 * replica until it registers again). Immutable.
 */
public record BrokerRegistration(
        int id,
        Uuid incarnationId,
        List<Endpoint> endpoints,
        String rack,
        boolean fenced,
        boolean inControlledShutdown) {
    public BrokerRegistration {
        Objects.requireNonNull(incarnationId, "incarnationId");
        endpoints = List.copyOf(endpoints);
    }

    public BrokerRegistration(int id, Uuid incarnationId, List<Endpoint> endpoints, String rack, boolean fenced) {
        this(id, incarnationId, endpoints, rack, fenced, false);
    }

    public static BrokerRegistration fromRecord(RegisterBrokerRecord record) {
        return new BrokerRegistration(
                record.brokerId(),
                record.incarnationId(),
                record.endpoints(),
                record.rack(),
                record.fenced(),
                record.inControlledShutdown());
    }

    /** Whether the broker may lead, join an ISR or receive new replicas: not fenced, not shutting down. */
    public boolean eligible() {
        return !fenced && !inControlledShutdown;
    }

    /**
     * The broker's endpoint on listener {@code listenerName} (case-insensitive), null when it has none; a null name
     * means its first endpoint (null when it registered none).
     */
    public Endpoint endpoint(String listenerName) {
        if (listenerName == null) {
            return endpoints.isEmpty() ? null : endpoints.get(0);
        }
        for (Endpoint e : endpoints) {
            if (e.name().equalsIgnoreCase(listenerName)) {
                return e;
            }
        }
        return null;
    }

    /** The record that re-creates this registration. */
    public RegisterBrokerRecord toRecord() {
        return new RegisterBrokerRecord(id, incarnationId, endpoints, rack, fenced, inControlledShutdown);
    }
}
