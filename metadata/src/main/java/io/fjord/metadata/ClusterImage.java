package io.fjord.metadata;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The registered brokers of a {@link MetadataImage}, by id (sorted). Immutable; safe from any thread. */
public final class ClusterImage {

    public static final ClusterImage EMPTY = new ClusterImage(Map.of());

    private final Map<Integer, BrokerRegistration> brokers;

    public ClusterImage(Map<Integer, BrokerRegistration> brokers) {
        this.brokers = Collections.unmodifiableMap(new TreeMap<>(brokers));
    }

    /** Every registered broker by id, in id order. */
    public Map<Integer, BrokerRegistration> brokers() {
        return brokers;
    }

    /** The broker with this id, or null. */
    public BrokerRegistration broker(int id) {
        return brokers.get(id);
    }

    /** The ids of the brokers that are not fenced, ascending. */
    public List<Integer> unfencedBrokerIds() {
        List<Integer> ids = new ArrayList<>(brokers.size());
        for (BrokerRegistration broker : brokers.values()) {
            if (!broker.fenced()) {
                ids.add(broker.id());
            }
        }
        return ids;
    }

    /** The ids of the brokers that may lead and take new replicas (see {@link BrokerRegistration#eligible}). */
    public List<Integer> eligibleBrokerIds() {
        List<Integer> ids = new ArrayList<>(brokers.size());
        for (BrokerRegistration broker : brokers.values()) {
            if (broker.eligible()) {
                ids.add(broker.id());
            }
        }
        return ids;
    }

    /** Whether {@code brokerId} is registered and {@link BrokerRegistration#eligible}. */
    public boolean isEligible(int brokerId) {
        BrokerRegistration broker = brokers.get(brokerId);
        return broker != null && broker.eligible();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClusterImage that && brokers.equals(that.brokers);
    }

    @Override
    public int hashCode() {
        return brokers.hashCode();
    }

    @Override
    public String toString() {
        return "ClusterImage" + brokers.values();
    }
}
