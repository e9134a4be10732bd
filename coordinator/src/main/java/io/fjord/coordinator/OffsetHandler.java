package io.fjord.coordinator;

import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.common.Uuid;
import io.fjord.common.VerificationGuard;
import io.fjord.coordinator.record.GroupRecords;
import io.fjord.coordinator.record.GroupRecords.OffsetValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Committed offsets of one shard: commit (with the group's generation or member epoch checks, or a simple
 * commit for an empty or absent group), transactional commit (KIP-98: pending for the producer until its
 * transaction ends), fetch (committed state only; require_stable reports commits still in flight and pending
 * transactional offsets), delete, and the retention of offsets of empty groups. Topic names are resolved by
 * the facade; this class works on names. Runs with the shard's lock held.
 */
final class OffsetHandler {

    /** One partition to commit, with the error the facade already found for it (e.g. unknown topic). */
    record CommitPartition(String topic, int partition, long offset, int leaderEpoch, String metadata, Errors error) {}

    /** The identity of a commit: what OffsetCommit and TxnOffsetCommit carry besides offsets. */
    record Committer(String memberId, String groupInstanceId, int generationIdOrMemberEpoch, long retentionTimeMs) {}

    record FetchedPartition(int partition, long offset, int leaderEpoch, String metadata, Errors error) {}

    record FetchedTopic(String name, List<FetchedPartition> partitions) {}

    record FetchedGroup(Errors error, List<FetchedTopic> topics) {}

    /** A topic to fetch: its name and partitions (null name = the facade could not resolve the id). */
    record FetchTopic(String name, List<Integer> partitions) {}

    private final CoordinatorContext ctx;

    OffsetHandler(CoordinatorContext ctx) {
        this.ctx = ctx;
    }

    /** Commits offsets; the future yields the error of each partition, in request order. */
    CompletableFuture<List<Errors>> commit(
            CoordinatorShard shard,
            String groupId,
            Committer committer,
            List<CommitPartition> partitions,
            short version) {
        Errors groupError = validateCommit(shard, groupId, committer, version, false);
        List<Errors> errors = new ArrayList<>(partitions.size());
        List<CoordinatorRecord> records = new ArrayList<>();
        Map<TopicPartition, OffsetValue> toApply = new LinkedHashMap<>();
        long nowMs = ctx.nowMs();
        long expireMs = committer.retentionTimeMs() > 0 ? nowMs + committer.retentionTimeMs() : -1;
        ConsumerMember olderEpoch = groupError == Errors.NONE ? olderEpochMember(shard, groupId, committer) : null;
        for (CommitPartition p : partitions) {
            Errors error = p.error() != Errors.NONE ? p.error() : groupError;
            if (error == Errors.NONE && olderEpoch != null && !ownedSince(olderEpoch, p, committer)) {
                error = Errors.STALE_MEMBER_EPOCH;
            }
            if (error == Errors.NONE
                    && p.metadata() != null
                    && p.metadata().length() > ctx.config().offsetMetadataMaxBytes()) {
                error = Errors.OFFSET_METADATA_TOO_LARGE;
            }
            errors.add(error);
            if (error == Errors.NONE) {
                OffsetValue value = new OffsetValue(
                        p.offset(), p.leaderEpoch(), p.metadata() == null ? "" : p.metadata(), nowMs, expireMs);
                TopicPartition tp = new TopicPartition(p.topic(), p.partition());
                records.add(GroupRecords.offsetRecord(groupId, p.topic(), p.partition(), value));
                toApply.put(tp, value);
                shard.offsets.beginCommit(groupId, tp);
            }
        }
        CompletableFuture<List<Errors>> future = new CompletableFuture<>();
        long position = shard.nextPosition();
        shard.append(records, appendError -> {
            for (Map.Entry<TopicPartition, OffsetValue> e : toApply.entrySet()) {
                shard.offsets.endCommit(groupId, e.getKey());
                if (appendError == null) {
                    shard.offsets.put(groupId, e.getKey(), e.getValue(), position);
                }
            }
            if (appendError != null) {
                Errors mapped = commitAppendError(appendError);
                for (int i = 0; i < errors.size(); i++) {
                    if (errors.get(i) == Errors.NONE) {
                        errors.set(i, mapped);
                    }
                }
            }
            future.complete(errors);
        });
        return future;
    }

    /** The KIP-848 member committing with an epoch older than its current one, or null. */
    private static ConsumerMember olderEpochMember(CoordinatorShard shard, String groupId, Committer c) {
        if (shard.groups.get(groupId) instanceof ConsumerGroup consumer && c.memberId() != null) {
            ConsumerMember member = consumer.member(c.memberId());
            if (member != null && c.generationIdOrMemberEpoch() < member.memberEpoch) {
                return member;
            }
        }
        return null;
    }

    /** KIP-1251: an older epoch may commit a partition the member has owned since that epoch. */
    private boolean ownedSince(ConsumerMember member, CommitPartition p, Committer c) {
        Uuid topicId = ctx.metadata().topicId(p.topic());
        if (topicId == null) {
            return false;
        }
        int assignedAt = member.assignmentEpoch(topicId, p.partition());
        return assignedAt >= 0 && assignedAt <= c.generationIdOrMemberEpoch();
    }

    private static Errors commitAppendError(Errors error) {
        return error == Errors.UNKNOWN_SERVER_ERROR ? Errors.INVALID_COMMIT_OFFSET_SIZE : error;
    }

    /**
     * Kafka's checks of an OffsetCommit or (when {@code transactional}) a TxnOffsetCommit. A transactional
     * commit (KIP-447) must match the member's generation or epoch exactly when it names one, is accepted
     * without a member from a non-empty classic group (TxnOffsetCommit v0-v2 carry none), and is not held up
     * by a rebalance; below TxnOffsetCommit v6 a missing group or a stale epoch is ILLEGAL_GENERATION.
     */
    private Errors validateCommit(
            CoordinatorShard shard, String groupId, Committer c, short version, boolean transactional) {
        Group group = shard.groups.get(groupId);
        boolean newErrors = transactional ? version >= 6 : version >= 9;
        if (group == null) {
            if (c.generationIdOrMemberEpoch() < 0) {
                shard.groups.put(groupId, new ClassicGroup(groupId, ctx.nowMs()));
                return Errors.NONE;
            }
            return newErrors ? Errors.GROUP_ID_NOT_FOUND : Errors.ILLEGAL_GENERATION;
        }
        String memberId = c.memberId() == null ? "" : c.memberId();
        if (group instanceof ConsumerGroup consumer) {
            if (c.generationIdOrMemberEpoch() < 0 && consumer.isEmpty()) {
                return Errors.NONE;
            }
            // Kafka: a transactional commit naming no member (TxnOffsetCommit v0-v2, a producer's
            // ConsumerGroupMetadata built from the group id alone) is accepted whatever the group's state.
            if (transactional
                    && c.generationIdOrMemberEpoch() < 0
                    && memberId.isEmpty()
                    && c.groupInstanceId() == null) {
                return Errors.NONE;
            }
            ConsumerMember member = consumer.member(memberId);
            if (member == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            if (transactional) {
                if (c.generationIdOrMemberEpoch() == member.memberEpoch) {
                    return Errors.NONE;
                }
                if (!newErrors) {
                    return Errors.ILLEGAL_GENERATION;
                }
                // A newer epoch than the member's is a fenced member; an older one is stale.
                return c.generationIdOrMemberEpoch() > member.memberEpoch
                        ? Errors.FENCED_MEMBER_EPOCH
                        : Errors.STALE_MEMBER_EPOCH;
            }
            if (version < 9) {
                return Errors.UNSUPPORTED_VERSION;
            }
            // KIP-1251: a newer epoch than the member's is invalid; an older one is checked per partition.
            return c.generationIdOrMemberEpoch() > member.memberEpoch ? Errors.STALE_MEMBER_EPOCH : Errors.NONE;
        }
        ClassicGroup classic = (ClassicGroup) group;
        if (classic.is(ClassicGroup.State.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        if (c.generationIdOrMemberEpoch() < 0 && classic.is(ClassicGroup.State.EMPTY)) {
            return Errors.NONE;
        }
        if (c.generationIdOrMemberEpoch() >= 0 || !memberId.isEmpty() || c.groupInstanceId() != null) {
            Errors invalid = ClassicJoinHandler.validateMember(classic, memberId, c.groupInstanceId());
            if (invalid != Errors.NONE) {
                return invalid;
            }
            if (c.generationIdOrMemberEpoch() != classic.generationId) {
                return Errors.ILLEGAL_GENERATION;
            }
        } else if (!transactional && !classic.is(ClassicGroup.State.EMPTY)) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (!transactional && classic.is(ClassicGroup.State.COMPLETING_REBALANCE)) {
            return Errors.REBALANCE_IN_PROGRESS;
        }
        return Errors.NONE;
    }

    /**
     * Writes offsets as a transactional batch of {@code producerId}; they are pending from the write on
     * (require_stable sees them) and become committed only through {@link #completeTransaction}. The future
     * yields the error of each partition, in request order.
     */
    CompletableFuture<List<Errors>> commitTransactional(
            CoordinatorShard shard,
            String groupId,
            Committer committer,
            long producerId,
            short producerEpoch,
            List<CommitPartition> partitions,
            short version,
            VerificationGuard guard) {
        Errors groupError = validateCommit(shard, groupId, committer, version, true);
        List<Errors> errors = new ArrayList<>(partitions.size());
        List<CoordinatorRecord> records = new ArrayList<>();
        List<TopicPartition> written = new ArrayList<>();
        long nowMs = ctx.nowMs();
        long position = shard.nextPosition();
        for (CommitPartition p : partitions) {
            Errors error = p.error() != Errors.NONE ? p.error() : groupError;
            if (error == Errors.NONE
                    && p.metadata() != null
                    && p.metadata().length() > ctx.config().offsetMetadataMaxBytes()) {
                error = Errors.OFFSET_METADATA_TOO_LARGE;
            }
            errors.add(error);
            if (error == Errors.NONE) {
                OffsetValue value = new OffsetValue(
                        p.offset(), p.leaderEpoch(), p.metadata() == null ? "" : p.metadata(), nowMs, -1);
                TopicPartition tp = new TopicPartition(p.topic(), p.partition());
                shard.offsets.putPending(producerId, groupId, tp, value, position + records.size());
                records.add(GroupRecords.offsetRecord(groupId, p.topic(), p.partition(), value));
                written.add(tp);
            }
        }
        CompletableFuture<List<Errors>> future = new CompletableFuture<>();
        shard.appendTransactional(producerId, producerEpoch, guard, records, appendError -> {
            if (appendError != null) {
                for (int i = 0; i < written.size(); i++) {
                    shard.offsets.removePending(producerId, groupId, written.get(i), position + i);
                }
                Errors mapped = commitAppendError(appendError);
                for (int i = 0; i < errors.size(); i++) {
                    if (errors.get(i) == Errors.NONE) {
                        errors.set(i, mapped);
                    }
                }
            }
            future.complete(errors);
        });
        return future;
    }

    /**
     * Ends {@code producerId}'s transaction in this shard (see {@link OffsetStore#completeTransaction}); a group
     * that exists only through the committed offsets becomes a simple group, as on load.
     */
    void completeTransaction(CoordinatorShard shard, long producerId, boolean committed) {
        for (String groupId : shard.offsets.completeTransaction(producerId, committed)) {
            shard.groups.computeIfAbsent(groupId, id -> new ClassicGroup(id, ctx.nowMs()));
        }
    }

    /** Fetches committed offsets of one group; {@code topics} null means all the group has. */
    FetchedGroup fetch(
            CoordinatorShard shard,
            String groupId,
            List<FetchTopic> topics,
            boolean requireStable,
            String memberId,
            int memberEpoch) {
        Group group = shard.groups.get(groupId);
        if (group instanceof ConsumerGroup consumer && (memberId != null || memberEpoch >= 0)) {
            ConsumerMember member = consumer.member(memberId == null ? "" : memberId);
            if (member == null) {
                return new FetchedGroup(Errors.UNKNOWN_MEMBER_ID, List.of());
            }
            if (member.memberEpoch != memberEpoch) {
                return new FetchedGroup(Errors.STALE_MEMBER_EPOCH, List.of());
            }
        }
        List<FetchedTopic> result = new ArrayList<>();
        if (topics == null) {
            Map<String, List<FetchedPartition>> byTopic = new LinkedHashMap<>();
            for (Map.Entry<TopicPartition, OffsetValue> e :
                    shard.offsets.offsets(groupId).entrySet()) {
                TopicPartition tp = e.getKey();
                byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>())
                        .add(fetched(shard, groupId, tp, requireStable));
            }
            byTopic.forEach((name, partitions) -> result.add(new FetchedTopic(name, partitions)));
            return new FetchedGroup(Errors.NONE, result);
        }
        for (FetchTopic topic : topics) {
            List<FetchedPartition> partitions = new ArrayList<>();
            for (int partition : topic.partitions()) {
                if (topic.name() == null) {
                    partitions.add(new FetchedPartition(partition, -1, -1, "", Errors.UNKNOWN_TOPIC_ID));
                } else {
                    partitions.add(fetched(shard, groupId, new TopicPartition(topic.name(), partition), requireStable));
                }
            }
            result.add(new FetchedTopic(topic.name(), partitions));
        }
        return new FetchedGroup(Errors.NONE, result);
    }

    private static FetchedPartition fetched(
            CoordinatorShard shard, String groupId, TopicPartition tp, boolean requireStable) {
        if (requireStable && shard.offsets.hasPendingCommit(groupId, tp)) {
            return new FetchedPartition(tp.partition(), -1, -1, "", Errors.UNSTABLE_OFFSET_COMMIT);
        }
        OffsetValue v = shard.offsets.offset(groupId, tp);
        if (v == null) {
            return new FetchedPartition(tp.partition(), -1, -1, "", Errors.NONE);
        }
        return new FetchedPartition(tp.partition(), v.offset(), v.leaderEpoch(), v.metadata(), Errors.NONE);
    }

    /** OffsetDelete: the group-level error, or per-partition errors in request order. */
    record DeleteResult(Errors groupError, List<Errors> partitionErrors) {}

    CompletableFuture<DeleteResult> delete(CoordinatorShard shard, String groupId, List<TopicPartition> partitions) {
        Group group = shard.groups.get(groupId);
        if (group == null || (group instanceof ClassicGroup c && c.is(ClassicGroup.State.DEAD))) {
            return CompletableFuture.completedFuture(new DeleteResult(Errors.GROUP_ID_NOT_FOUND, List.of()));
        }
        Set<String> subscribed;
        if (group instanceof ClassicGroup classic) {
            if (!classic.isEmpty() && !"consumer".equals(classic.protocolType)) {
                return CompletableFuture.completedFuture(new DeleteResult(Errors.NON_EMPTY_GROUP, List.of()));
            }
            subscribed = classicSubscribedTopics(classic);
        } else {
            subscribed = ConsumerGroupHandler.subscribedTopicNames((ConsumerGroup) group, ctx.metadata());
        }
        List<Errors> errors = new ArrayList<>();
        List<TopicPartition> deleted = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            if (subscribed.contains(tp.topic())) {
                errors.add(Errors.GROUP_SUBSCRIBED_TO_TOPIC);
                continue;
            }
            errors.add(Errors.NONE);
            // As in Kafka, a pending transactional offset is deleted too.
            if (shard.offsets.offset(groupId, tp) != null || shard.offsets.hasPendingTransactionalOffset(groupId, tp)) {
                deleted.add(tp);
            }
        }
        CompletableFuture<DeleteResult> future = new CompletableFuture<>();
        // As for commits, memory changes only once the tombstones are committed.
        long position = shard.nextPosition();
        shard.append(offsetTombstones(groupId, deleted), error -> {
            if (error == null) {
                shard.offsets.removeAll(groupId, deleted, position);
            }
            future.complete(error == null ? new DeleteResult(Errors.NONE, errors) : new DeleteResult(error, List.of()));
        });
        return future;
    }

    static Set<String> classicSubscribedTopics(ClassicGroup group) {
        Set<String> topics = new HashSet<>();
        if (group.protocolName == null || !"consumer".equals(group.protocolType)) {
            return topics;
        }
        for (ClassicMember m : group.members.values()) {
            topics.addAll(ConsumerProtocolSubscription.topics(m.metadata(group.protocolName)));
        }
        return topics;
    }

    /**
     * Expires offsets older than offsets.retention.minutes, as Kafka does (KIP-211, KIP-496): for an empty classic
     * group counted from when it became empty or from the commit, whichever is later; for an empty consumer
     * (KIP-848) group, an absent one and one that never had members, from the commit; for a group with members
     * only offsets of topics it no longer subscribes to, counted from the commit. A group left with neither members
     * nor offsets is deleted. Expired offsets leave memory only once their tombstones are committed (they stay if
     * the append fails).
     */
    void expireOffsets(CoordinatorShard shard) {
        long nowMs = ctx.nowMs();
        Map<String, List<TopicPartition>> expired = new HashMap<>();
        for (String groupId : new ArrayList<>(toList(shard.offsets.groupIds()))) {
            if (!shard.offsets.hasPendingCommits(groupId)) {
                List<TopicPartition> tps = expiredOffsets(shard, groupId, nowMs);
                if (!tps.isEmpty()) {
                    expired.put(groupId, tps);
                }
            }
        }
        List<CoordinatorRecord> groupDeletions = new ArrayList<>();
        for (Group group : new ArrayList<>(shard.groups.values())) {
            String groupId = group.groupId();
            int remaining = shard.offsets.offsets(groupId).size()
                    - expired.getOrDefault(groupId, List.of()).size();
            if (group.isEmpty()
                    && remaining == 0
                    && !shard.offsets.hasPendingCommits(groupId)
                    && !shard.offsets.hasOpenTransactions(groupId)) {
                groupDeletions.addAll(GroupAdminHandler.deleteGroupRecords(shard, group));
                shard.groups.remove(groupId);
            }
        }
        deleteOffsets(shard, expired, groupDeletions);
    }

    /**
     * Deletes every group's committed offsets of {@code topics}, which were deleted, as Kafka's
     * {@code OffsetMetadataManager.onPartitionsDeleted} does: a topic created again under the same name starts with
     * no committed position, so its consumers begin where {@code auto.offset.reset} says, not at an offset of the old
     * topic. Offsets still pending in a transaction go too, as in Kafka: the tombstone drops them, so the
     * transaction's commit cannot bring them back. They leave memory once their tombstones are committed.
     */
    void deleteOffsetsOf(CoordinatorShard shard, Set<String> topics) {
        Map<String, Set<TopicPartition>> deleted = new HashMap<>();
        for (String groupId : toList(shard.offsets.groupIds())) {
            for (TopicPartition tp : shard.offsets.offsets(groupId).keySet()) {
                if (topics.contains(tp.topic())) {
                    deleted.computeIfAbsent(groupId, g -> new HashSet<>()).add(tp);
                }
            }
        }
        for (String groupId : toList(shard.offsets.transactionalGroupIds())) {
            for (TopicPartition tp : shard.offsets.pendingTransactionalPartitions(groupId)) {
                if (topics.contains(tp.topic())) {
                    deleted.computeIfAbsent(groupId, g -> new HashSet<>()).add(tp);
                }
            }
        }
        if (!deleted.isEmpty()) {
            deleteOffsets(shard, deleted, List.of());
        }
    }

    /**
     * Appends tombstones for {@code offsets} (by group), then {@code more} records; the offsets leave memory once the
     * append is committed, and stay if it fails.
     */
    private static void deleteOffsets(
            CoordinatorShard shard,
            Map<String, ? extends Collection<TopicPartition>> offsets,
            List<CoordinatorRecord> more) {
        List<CoordinatorRecord> records = new ArrayList<>();
        offsets.forEach((groupId, tps) -> records.addAll(offsetTombstones(groupId, tps)));
        records.addAll(more);
        long position = shard.nextPosition();
        shard.append(records, error -> {
            if (error == null) {
                offsets.forEach((groupId, tps) -> shard.offsets.removeAll(groupId, tps, position));
            }
        });
    }

    /** The offsets of {@code groupId} that expired at {@code nowMs}. */
    private List<TopicPartition> expiredOffsets(CoordinatorShard shard, String groupId, long nowMs) {
        Group group = shard.groups.get(groupId);
        Set<String> subscribed = null; // null: an empty group, every offset may expire
        Long emptySinceMs = null;
        if (group != null && !group.isEmpty()) {
            if (group instanceof ConsumerGroup consumer) {
                subscribed = ConsumerGroupHandler.subscribedTopicNames(consumer, ctx.metadata());
            } else if (group instanceof ClassicGroup classic
                    && classic.is(ClassicGroup.State.STABLE)
                    && "consumer".equals(classic.protocolType)) {
                subscribed = classicSubscribedTopics(classic);
            } else {
                return List.of(); // members but no known subscription: keep everything
            }
        } else if (group instanceof ClassicGroup classic && classic.protocolType != null) {
            emptySinceMs = classic.stateTimestampMs; // an empty consumer group counts from the commit only, as Kafka's
        }
        List<TopicPartition> expired = new ArrayList<>();
        for (Map.Entry<TopicPartition, OffsetValue> e :
                shard.offsets.offsets(groupId).entrySet()) {
            if (subscribed != null && subscribed.contains(e.getKey().topic())) {
                continue;
            }
            if (shard.offsets.hasPendingTransactionalOffset(groupId, e.getKey())) {
                continue; // as in Kafka: not while a transaction may still replace it
            }
            OffsetValue v = e.getValue();
            long baseMs = emptySinceMs != null ? Math.max(emptySinceMs, v.commitTimestampMs()) : v.commitTimestampMs();
            boolean isExpired = v.expireTimestampMs() >= 0
                    ? nowMs >= v.expireTimestampMs()
                    : nowMs - baseMs >= ctx.config().offsetsRetentionMs();
            if (isExpired) {
                expired.add(e.getKey());
            }
        }
        return expired;
    }

    private static <T> List<T> toList(Iterable<T> items) {
        List<T> list = new ArrayList<>();
        items.forEach(list::add);
        return list;
    }

    /** Tombstones for the offsets {@code partitions} of {@code groupId}. */
    static List<CoordinatorRecord> offsetTombstones(String groupId, Collection<TopicPartition> partitions) {
        List<CoordinatorRecord> records = new ArrayList<>(partitions.size());
        for (TopicPartition tp : partitions) {
            records.add(GroupRecords.offsetTombstone(groupId, tp.topic(), tp.partition()));
        }
        return records;
    }
}
