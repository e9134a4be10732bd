package io.fjord.coordinator;

/**
 * A group of one shard: a {@link ClassicGroup} (JoinGroup/SyncGroup protocol, or just a holder of offsets
 * committed without a group) or a {@link ConsumerGroup} (KIP-848). Guarded by the shard's lock.
 */
sealed interface Group permits ClassicGroup, ConsumerGroup {

    String groupId();

    /** "classic" or "consumer", as ListGroups v5 reports it. */
    String type();

    /** The state as ListGroups and DescribeGroups spell it ("Stable", "Empty", ...). */
    String stateName();

    /** The protocol type ListGroups reports ("consumer", or "" for a group with only offsets). */
    String protocolType();

    boolean isEmpty();
}
