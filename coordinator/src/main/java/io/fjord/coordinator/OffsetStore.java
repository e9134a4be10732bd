package io.fjord.coordinator;

import io.fjord.common.TopicPartition;
import io.fjord.coordinator.record.GroupRecords.OffsetValue;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The offsets of a shard's groups: the committed ones (the only ones OffsetFetch reads), how many plain commits
 * per partition are still in flight (written but not yet committed), and the pending transactional offsets of
 * each producer (KIP-98: written by TxnOffsetCommit, moved to the committed ones when the producer's
 * transaction commits, dropped when it aborts). OffsetFetch with require_stable answers UNSTABLE_OFFSET_COMMIT
 * for a partition with either kind of pending offset.
 *
 * <p>Every stored offset keeps its <em>position</em>: where its record lies in the partition's log order (the
 * record's offset for a replayed record; see {@link CoordinatorShard#nextPosition()}). As in Kafka, a
 * transaction's offset replaces a committed one only if it was written later, and a tombstone removes only
 * offsets written before it. Guarded by the shard's lock.
 */
final class OffsetStore {

    /** An offset and the position of the record that wrote it. */
    private record Stored(OffsetValue value, long position) {}

    private final Map<String, Map<TopicPartition, Stored>> committed = new HashMap<>();
    private final Map<String, Map<TopicPartition, Integer>> inFlight = new HashMap<>();
    /** Producer id to the offsets its open transaction wrote, by group and partition. */
    private final Map<Long, Map<String, Map<TopicPartition, Stored>>> pendingByProducer = new HashMap<>();
    /** Group id to the producers with pending offsets for it. */
    private final Map<String, Set<Long>> openTransactions = new HashMap<>();

    /** The group's committed offsets sorted by topic and partition; empty if it has none. */
    Map<TopicPartition, OffsetValue> offsets(String groupId) {
        Map<TopicPartition, Stored> offsets = committed.get(groupId);
        if (offsets == null) {
            return Map.of();
        }
        Map<TopicPartition, OffsetValue> sorted =
                new TreeMap<>((a, b) -> a.topic().equals(b.topic())
                        ? Integer.compare(a.partition(), b.partition())
                        : a.topic().compareTo(b.topic()));
        offsets.forEach((tp, stored) -> sorted.put(tp, stored.value()));
        return sorted;
    }

    OffsetValue offset(String groupId, TopicPartition tp) {
        Map<TopicPartition, Stored> offsets = committed.get(groupId);
        Stored stored = offsets == null ? null : offsets.get(tp);
        return stored == null ? null : stored.value();
    }

    boolean hasOffsets(String groupId) {
        Map<TopicPartition, Stored> offsets = committed.get(groupId);
        return offsets != null && !offsets.isEmpty();
    }

    /** The groups with committed offsets. */
    Iterable<String> groupIds() {
        return committed.keySet();
    }

    /** The groups with pending transactional offsets. */
    Iterable<String> transactionalGroupIds() {
        return openTransactions.keySet();
    }

    /** Commits {@code value}, written at {@code position}, unless a later write already replaced it. */
    void put(String groupId, TopicPartition tp, OffsetValue value, long position) {
        Map<TopicPartition, Stored> offsets = committed.computeIfAbsent(groupId, g -> new HashMap<>());
        Stored existing = offsets.get(tp);
        if (existing == null || existing.position() < position) {
            offsets.put(tp, new Stored(value, position));
        }
    }

    /**
     * Applies a tombstone written at {@code position}: the committed offset and every producer's pending one for
     * {@code tp}, if written before it, are gone.
     */
    void remove(String groupId, TopicPartition tp, long position) {
        removeBefore(committed, groupId, tp, position);
        Set<Long> producers = openTransactions.get(groupId);
        if (producers != null) {
            for (long producerId : producers) {
                Map<String, Map<TopicPartition, Stored>> byGroup = pendingByProducer.get(producerId);
                if (byGroup != null) {
                    removeBefore(byGroup, groupId, tp, position);
                }
            }
        }
    }

    void removeAll(String groupId, Collection<TopicPartition> partitions, long position) {
        for (TopicPartition tp : partitions) {
            remove(groupId, tp, position);
        }
    }

    private static void removeBefore(
            Map<String, Map<TopicPartition, Stored>> byGroup, String groupId, TopicPartition tp, long position) {
        Map<TopicPartition, Stored> offsets = byGroup.get(groupId);
        if (offsets == null) {
            return;
        }
        Stored stored = offsets.get(tp);
        if (stored != null && stored.position() < position) {
            offsets.remove(tp);
            if (offsets.isEmpty()) {
                byGroup.remove(groupId);
            }
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

    /** Whether {@code tp} has a plain commit in flight or a transactional offset pending. */
    boolean hasPendingCommit(String groupId, TopicPartition tp) {
        Map<TopicPartition, Integer> pending = inFlight.get(groupId);
        return (pending != null && pending.containsKey(tp)) || hasPendingTransactionalOffset(groupId, tp);
    }

    /** Whether the group has plain commits in flight. */
    boolean hasPendingCommits(String groupId) {
        return inFlight.containsKey(groupId);
    }

    // ---- transactional offsets (KIP-98) ----

    /** Records {@code value} as pending in {@code producerId}'s transaction, written at {@code position}. */
    void putPending(long producerId, String groupId, TopicPartition tp, OffsetValue value, long position) {
        pendingByProducer
                .computeIfAbsent(producerId, p -> new HashMap<>())
                .computeIfAbsent(groupId, g -> new HashMap<>())
                .put(tp, new Stored(value, position));
        openTransactions.computeIfAbsent(groupId, g -> new HashSet<>()).add(producerId);
    }

    /** Forgets the pending offset written at {@code position} (its write failed), if still there. */
    void removePending(long producerId, String groupId, TopicPartition tp, long position) {
        Map<String, Map<TopicPartition, Stored>> byGroup = pendingByProducer.get(producerId);
        if (byGroup == null) {
            return;
        }
        Map<TopicPartition, Stored> offsets = byGroup.get(groupId);
        Stored stored = offsets == null ? null : offsets.get(tp);
        if (stored == null || stored.position() != position) {
            return;
        }
        offsets.remove(tp);
        if (offsets.isEmpty()) {
            byGroup.remove(groupId);
            closeTransaction(producerId, groupId);
        }
        if (byGroup.isEmpty()) {
            pendingByProducer.remove(producerId);
        }
    }

    boolean hasPendingTransactionalOffset(String groupId, TopicPartition tp) {
        Set<Long> producers = openTransactions.get(groupId);
        if (producers == null) {
            return false;
        }
        for (long producerId : producers) {
            Map<TopicPartition, Stored> offsets = pending(producerId, groupId);
            if (offsets != null && offsets.containsKey(tp)) {
                return true;
            }
        }
        return false;
    }

    boolean hasOpenTransactions(String groupId) {
        return openTransactions.containsKey(groupId);
    }

    /** The partitions with a pending transactional offset of {@code groupId}, of any producer. */
    Set<TopicPartition> pendingTransactionalPartitions(String groupId) {
        Set<TopicPartition> partitions = new HashSet<>();
        Set<Long> producers = openTransactions.get(groupId);
        if (producers != null) {
            for (long producerId : producers) {
                Map<TopicPartition, Stored> offsets = pending(producerId, groupId);
                if (offsets != null) {
                    partitions.addAll(offsets.keySet());
                }
            }
        }
        return partitions;
    }

    /**
     * Ends {@code producerId}'s transaction: on commit its pending offsets become committed where they were
     * written after the committed offset they meet; on abort they are dropped.
     *
     * @return the groups that received committed offsets
     */
    Set<String> completeTransaction(long producerId, boolean commit) {
        Map<String, Map<TopicPartition, Stored>> byGroup = pendingByProducer.remove(producerId);
        if (byGroup == null) {
            return Set.of();
        }
        for (String groupId : byGroup.keySet()) {
            closeTransaction(producerId, groupId);
        }
        if (!commit) {
            return Set.of();
        }
        Set<String> groups = new HashSet<>();
        for (Map.Entry<String, Map<TopicPartition, Stored>> group : byGroup.entrySet()) {
            for (Map.Entry<TopicPartition, Stored> e : group.getValue().entrySet()) {
                put(
                        group.getKey(),
                        e.getKey(),
                        e.getValue().value(),
                        e.getValue().position());
            }
            if (!group.getValue().isEmpty()) {
                groups.add(group.getKey());
            }
        }
        return groups;
    }

    /** The pending offsets of {@code producerId} for {@code groupId}, or null. */
    private Map<TopicPartition, Stored> pending(long producerId, String groupId) {
        Map<String, Map<TopicPartition, Stored>> byGroup = pendingByProducer.get(producerId);
        return byGroup == null ? null : byGroup.get(groupId);
    }

    private void closeTransaction(long producerId, String groupId) {
        Set<Long> producers = openTransactions.get(groupId);
        if (producers != null) {
            producers.remove(producerId);
            if (producers.isEmpty()) {
                openTransactions.remove(groupId);
            }
        }
    }
}
