package io.fjord.metadata;

import io.fjord.common.Uuid;
import java.util.List;
import java.util.Objects;

/**
 * A registered broker in a {@link ClusterImage}: id, incarnation, listeners, rack (null when none),
 * and whether it is fenced (may not lead partitions). Immutable.
 */
public record BrokerRegistration(int id, Uuid incarnationId, List<Endpoint> endpoints, String rack, boolean fenced) {
    public BrokerRegistration {
        Objects.requireNonNull(incarnationId, "incarnationId");
        endpoints = List.copyOf(endpoints);
    }

    public static BrokerRegistration fromRecord(RegisterBrokerRecord record) {
        return new BrokerRegistration(
                record.brokerId(), record.incarnationId(), record.endpoints(), record.rack(), record.fenced());
    }

    /** The record that re-creates this registration. */
    public RegisterBrokerRecord toRecord() {
        return new RegisterBrokerRecord(id, incarnationId, endpoints, rack, fenced);
    }
}
