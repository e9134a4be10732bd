package io.fjord.coordinator;

import io.fjord.common.TopicPartition;
import io.fjord.coordinator.record.GroupRecords.OffsetValue;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The committed offsets of a shard's groups, and how many commits per partition are still in flight (written
 * but not yet committed; OffsetFetch with require_stable answers UNSTABLE_OFFSET_COMMIT for those). Only
 * committed offsets are ever read. Guarded by the shard's lock.
 */
final class OffsetStore {

    private final Map<String, Map<TopicPartition, OffsetValue>> committed = new HashMap<>();
    private final Map<String, Map<TopicPartition, Integer>> inFlight = new HashMap<>();

    /** The group's committed offsets sorted by topic and partition; empty if it has none. */
    Map<TopicPartition, OffsetValue> offsets(String groupId) {
        Map<TopicPartition, OffsetValue> offsets = committed.get(groupId);
        if (offsets == null) {
            return Map.of();
        }
        Map<TopicPartition, OffsetValue> sorted =
                new TreeMap<>((a, b) -> a.topic().equals(b.topic())
                        ? Integer.compare(a.partition(), b.partition())
                        : a.topic().compareTo(b.topic()));
        sorted.putAll(offsets);
        return sorted;
    }

    OffsetValue offset(String groupId, TopicPartition tp) {
        Map<TopicPartition, OffsetValue> offsets = committed.get(groupId);
        return offsets == null ? null : offsets.get(tp);
    }

    boolean hasOffsets(String groupId) {
        Map<TopicPartition, OffsetValue> offsets = committed.get(groupId);
        return offsets != null && !offsets.isEmpty();
    }

    Iterable<String> groupIds() {
        return committed.keySet();
    }

    void put(String groupId, TopicPartition tp, OffsetValue value) {
        committed.computeIfAbsent(groupId, g -> new HashMap<>()).put(tp, value);
    }

    void remove(String groupId, TopicPartition tp) {
        Map<TopicPartition, OffsetValue> offsets = committed.get(groupId);
        if (offsets != null) {
            offsets.remove(tp);
            if (offsets.isEmpty()) {
                committed.remove(groupId);
            }
        }
    }

    void removeAll(String groupId, Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            remove(groupId, tp);
        }
    }

    void beginCommit(String groupId, TopicPartition tp) {
        inFlight.computeIfAbsent(groupId, g -> new HashMap<>()).merge(tp, 1, Integer::sum);
    }

    void endCommit(String groupId, TopicPartition tp) {
        Map<TopicPartition, Integer> pending = inFlight.get(groupId);
        if (pending == null) {
            return;
        }
        pending.computeIfPresent(tp, (k, n) -> n == 1 ? null : n - 1);
        if (pending.isEmpty()) {
            inFlight.remove(groupId);
        }
    }

    boolean hasPendingCommit(String groupId, TopicPartition tp) {
        Map<TopicPartition, Integer> pending = inFlight.get(groupId);
        return pending != null && pending.containsKey(tp);
    }

    boolean hasPendingCommits(String groupId) {
        return inFlight.containsKey(groupId);
    }
}
