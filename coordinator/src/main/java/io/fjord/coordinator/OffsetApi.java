package io.fjord.coordinator;

import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.common.Uuid;
import io.fjord.common.VerificationGuard;
import io.fjord.protocol.message.OffsetCommitRequest;
import io.fjord.protocol.message.OffsetCommitResponse;
import io.fjord.protocol.message.OffsetDeleteRequest;
import io.fjord.protocol.message.OffsetDeleteResponse;
import io.fjord.protocol.message.OffsetFetchRequest;
import io.fjord.protocol.message.OffsetFetchResponse;
import io.fjord.protocol.message.TxnOffsetCommitRequest;
import io.fjord.protocol.message.TxnOffsetCommitResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The wire side of OffsetCommit, TxnOffsetCommit, OffsetFetch and OffsetDelete: resolves topic ids (OffsetCommit
 * v10, TxnOffsetCommit v6) and checks topics against the metadata (UNKNOWN_TOPIC_ID, UNKNOWN_TOPIC_OR_PARTITION,
 * as Kafka's request handler does before the coordinator), routes each group to its shard and shapes the
 * response for the request's version. Thread-safe (state lives in the shards).
 */
final class OffsetApi {

    private final ShardRouter router;
    private final OffsetHandler handler;
    private final TopicMetadataView metadata;

    OffsetApi(ShardRouter router, OffsetHandler handler, TopicMetadataView metadata) {
        this.router = router;
        this.handler = handler;
        this.metadata = metadata;
    }

    /** The topic a commit names, by name or (with topic ids) by id, with its partition count or -1. */
    private record CommitTopic(String name, int partitionCount, Errors error) {

        Errors partitionError(int partition) {
            if (error != Errors.NONE) {
                return error;
            }
            return partition < 0 || partition >= partitionCount ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.NONE;
        }
    }

    private CommitTopic commitTopic(String name, Uuid topicId, boolean byId) {
        String resolved = byId ? metadata.topicName(topicId) : name;
        int partitionCount = resolved == null ? -1 : metadata.partitionCount(resolved);
        if (byId && resolved == null) {
            return new CommitTopic(null, -1, Errors.UNKNOWN_TOPIC_ID);
        }
        return new CommitTopic(
                resolved, partitionCount, partitionCount < 0 ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.NONE);
    }

    CompletableFuture<OffsetCommitResponse> commit(OffsetCommitRequest request, short version) {
        List<OffsetHandler.CommitPartition> partitions = new ArrayList<>();
        OffsetCommitResponse template = new OffsetCommitResponse();
        for (OffsetCommitRequest.OffsetCommitRequestTopic topic : request.topics()) {
            CommitTopic resolved = commitTopic(topic.name(), topic.topicId(), version >= 10);
            OffsetCommitResponse.OffsetCommitResponseTopic responseTopic =
                    new OffsetCommitResponse.OffsetCommitResponseTopic()
                            .setName(topic.name())
                            .setTopicId(topic.topicId());
            template.topics().add(responseTopic);
            for (OffsetCommitRequest.OffsetCommitRequestPartition p : topic.partitions()) {
                partitions.add(new OffsetHandler.CommitPartition(
                        resolved.name(),
                        p.partitionIndex(),
                        p.committedOffset(),
                        p.committedLeaderEpoch(),
                        p.committedMetadata(),
                        resolved.partitionError(p.partitionIndex())));
                responseTopic
                        .partitions()
                        .add(new OffsetCommitResponse.OffsetCommitResponsePartition()
                                .setPartitionIndex(p.partitionIndex()));
            }
        }
        OffsetHandler.Committer committer = new OffsetHandler.Committer(
                request.memberId(),
                request.groupInstanceId(),
                request.generationIdOrMemberEpoch(),
                version <= 4 ? request.retentionTimeMs() : -1);
        return router.run(
                request.groupId(), (error, message) -> fillCommit(template, partitions, error), shard -> handler.commit(
                                shard, request.groupId(), committer, partitions, version)
                        .thenApply(errors -> fillCommit(template, errors)));
    }

    private static OffsetCommitResponse fillCommit(
            OffsetCommitResponse template, List<OffsetHandler.CommitPartition> partitions, Errors groupError) {
        return fillCommit(template, groupErrors(partitions, groupError));
    }

    private static OffsetCommitResponse fillCommit(OffsetCommitResponse template, List<Errors> errors) {
        int i = 0;
        for (OffsetCommitResponse.OffsetCommitResponseTopic topic : template.topics()) {
            for (OffsetCommitResponse.OffsetCommitResponsePartition p : topic.partitions()) {
                p.setErrorCode(errors.get(i++).code());
            }
        }
        return template;
    }

    CompletableFuture<TxnOffsetCommitResponse> txnCommit(
            TxnOffsetCommitRequest request, short version, VerificationGuard guard) {
        List<OffsetHandler.CommitPartition> partitions = new ArrayList<>();
        TxnOffsetCommitResponse response = new TxnOffsetCommitResponse();
        for (TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic topic : request.topics()) {
            CommitTopic resolved = commitTopic(topic.name(), topic.topicId(), version >= 6);
            TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic responseTopic =
                    new TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic()
                            .setName(topic.name())
                            .setTopicId(topic.topicId());
            response.topics().add(responseTopic);
            for (TxnOffsetCommitRequest.TxnOffsetCommitRequestPartition p : topic.partitions()) {
                partitions.add(new OffsetHandler.CommitPartition(
                        resolved.name(),
                        p.partitionIndex(),
                        p.committedOffset(),
                        p.committedLeaderEpoch(),
                        p.committedMetadata(),
                        resolved.partitionError(p.partitionIndex())));
                responseTopic
                        .partitions()
                        .add(new TxnOffsetCommitResponse.TxnOffsetCommitResponsePartition()
                                .setPartitionIndex(p.partitionIndex()));
            }
        }
        // v0-v2 carry no member: the defaults (generation -1, member "", no instance) skip the member checks.
        OffsetHandler.Committer committer = new OffsetHandler.Committer(
                request.memberId(), request.groupInstanceId(), request.generationIdOrMemberEpoch(), -1);
        return router.run(
                request.groupId(),
                (error, message) -> fillTxnCommit(response, groupErrors(partitions, error)),
                shard -> handler.commitTransactional(
                                shard,
                                request.groupId(),
                                committer,
                                request.producerId(),
                                request.producerEpoch(),
                                partitions,
                                version,
                                guard)
                        .thenApply(errors -> fillTxnCommit(response, errors)));
    }

    private static TxnOffsetCommitResponse fillTxnCommit(TxnOffsetCommitResponse response, List<Errors> errors) {
        int i = 0;
        for (TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic topic : response.topics()) {
            for (TxnOffsetCommitResponse.TxnOffsetCommitResponsePartition p : topic.partitions()) {
                p.setErrorCode(errors.get(i++).code());
            }
        }
        return response;
    }

    /** Each partition's own error, or else {@code groupError}. */
    private static List<Errors> groupErrors(List<OffsetHandler.CommitPartition> partitions, Errors groupError) {
        List<Errors> errors = new ArrayList<>(partitions.size());
        for (OffsetHandler.CommitPartition p : partitions) {
            errors.add(p.error() != Errors.NONE ? p.error() : groupError);
        }
        return errors;
    }

    CompletableFuture<OffsetFetchResponse> fetch(OffsetFetchRequest request, short version) {
        if (version < 8) {
            List<OffsetHandler.FetchTopic> topics = null;
            if (request.topics() != null) {
                topics = new ArrayList<>();
                for (OffsetFetchRequest.OffsetFetchRequestTopic t : request.topics()) {
                    topics.add(new OffsetHandler.FetchTopic(t.name(), t.partitionIndexes()));
                }
            }
            List<OffsetHandler.FetchTopic> requested = topics;
            return fetchGroup(request.groupId(), topics, request.requireStable(), null, -1)
                    .thenApply(group ->
                            legacyFetchResponse(withGroupErrorPerPartition(group, requested, version), version));
        }
        List<CompletableFuture<OffsetFetchResponse.OffsetFetchResponseGroup>> futures = new ArrayList<>();
        for (OffsetFetchRequest.OffsetFetchRequestGroup g : request.groups()) {
            List<OffsetHandler.FetchTopic> topics = null;
            if (g.topics() != null) {
                topics = new ArrayList<>();
                for (OffsetFetchRequest.OffsetFetchRequestTopics t : g.topics()) {
                    String name = version >= 10 ? metadata.topicName(t.topicId()) : t.name();
                    topics.add(new OffsetHandler.FetchTopic(name, t.partitionIndexes()));
                }
            }
            List<OffsetHandler.FetchTopic> requested = topics;
            String memberId = version >= 9 ? g.memberId() : null;
            int memberEpoch = version >= 9 ? g.memberEpoch() : -1;
            futures.add(fetchGroup(g.groupId(), topics, request.requireStable(), memberId, memberEpoch)
                    .thenApply(group -> groupFetchResponse(g, requested, group, version)));
        }
        return CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> {
                    OffsetFetchResponse response = new OffsetFetchResponse();
                    for (CompletableFuture<OffsetFetchResponse.OffsetFetchResponseGroup> f : futures) {
                        response.groups().add(f.join());
                    }
                    return response;
                });
    }

    private CompletableFuture<OffsetHandler.FetchedGroup> fetchGroup(
            String groupId,
            List<OffsetHandler.FetchTopic> topics,
            boolean requireStable,
            String memberId,
            int memberEpoch) {
        return router.run(
                groupId,
                (error, message) -> new OffsetHandler.FetchedGroup(error, List.of()),
                shard -> CompletableFuture.completedFuture(
                        handler.fetch(shard, groupId, topics, requireStable, memberId, memberEpoch)));
    }

    /** Version 1 has no group-level error: a group error is reported on every requested partition. */
    private static OffsetHandler.FetchedGroup withGroupErrorPerPartition(
            OffsetHandler.FetchedGroup group, List<OffsetHandler.FetchTopic> requested, short version) {
        if (version >= 2 || group.error() == Errors.NONE || requested == null) {
            return group;
        }
        List<OffsetHandler.FetchedTopic> topics = new ArrayList<>();
        for (OffsetHandler.FetchTopic t : requested) {
            List<OffsetHandler.FetchedPartition> partitions = new ArrayList<>();
            for (int p : t.partitions()) {
                partitions.add(new OffsetHandler.FetchedPartition(p, -1, -1, "", group.error()));
            }
            topics.add(new OffsetHandler.FetchedTopic(t.name(), partitions));
        }
        return new OffsetHandler.FetchedGroup(group.error(), topics);
    }

    private static OffsetFetchResponse legacyFetchResponse(OffsetHandler.FetchedGroup group, short version) {
        OffsetFetchResponse response = new OffsetFetchResponse();
        if (version >= 2) {
            response.setErrorCode(group.error().code());
        }
        for (OffsetHandler.FetchedTopic topic : group.topics()) {
            OffsetFetchResponse.OffsetFetchResponseTopic t =
                    new OffsetFetchResponse.OffsetFetchResponseTopic().setName(topic.name());
            for (OffsetHandler.FetchedPartition p : topic.partitions()) {
                t.partitions()
                        .add(new OffsetFetchResponse.OffsetFetchResponsePartition()
                                .setPartitionIndex(p.partition())
                                .setCommittedOffset(p.offset())
                                .setCommittedLeaderEpoch(p.leaderEpoch())
                                .setMetadata(p.metadata())
                                .setErrorCode(p.error().code()));
            }
            response.topics().add(t);
        }
        return response;
    }

    private OffsetFetchResponse.OffsetFetchResponseGroup groupFetchResponse(
            OffsetFetchRequest.OffsetFetchRequestGroup request,
            List<OffsetHandler.FetchTopic> requested,
            OffsetHandler.FetchedGroup group,
            short version) {
        OffsetFetchResponse.OffsetFetchResponseGroup out = new OffsetFetchResponse.OffsetFetchResponseGroup()
                .setGroupId(request.groupId())
                .setErrorCode(group.error().code());
        for (int i = 0; i < group.topics().size(); i++) {
            OffsetHandler.FetchedTopic topic = group.topics().get(i);
            OffsetFetchResponse.OffsetFetchResponseTopics t = new OffsetFetchResponse.OffsetFetchResponseTopics();
            if (version >= 10) {
                Uuid id = requested != null ? request.topics().get(i).topicId() : metadata.topicId(topic.name());
                if (id == null) {
                    continue; // the topic no longer exists: its offsets are not reported by id
                }
                t.setTopicId(id);
            } else {
                t.setName(topic.name());
            }
            for (OffsetHandler.FetchedPartition p : topic.partitions()) {
                t.partitions()
                        .add(new OffsetFetchResponse.OffsetFetchResponsePartitions()
                                .setPartitionIndex(p.partition())
                                .setCommittedOffset(p.offset())
                                .setCommittedLeaderEpoch(p.leaderEpoch())
                                .setMetadata(p.metadata())
                                .setErrorCode(p.error().code()));
            }
            out.topics().add(t);
        }
        return out;
    }

    CompletableFuture<OffsetDeleteResponse> delete(OffsetDeleteRequest request, short version) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (OffsetDeleteRequest.OffsetDeleteRequestTopic t : request.topics()) {
            for (OffsetDeleteRequest.OffsetDeleteRequestPartition p : t.partitions()) {
                partitions.add(new TopicPartition(t.name(), Math.max(0, p.partitionIndex())));
            }
        }
        return router.run(
                request.groupId(),
                (error, message) -> new OffsetDeleteResponse().setErrorCode(error.code()),
                shard -> handler.delete(shard, request.groupId(), partitions).thenApply(result -> {
                    OffsetDeleteResponse response = new OffsetDeleteResponse()
                            .setErrorCode(result.groupError().code());
                    if (result.groupError() != Errors.NONE) {
                        return response;
                    }
                    int i = 0;
                    for (OffsetDeleteRequest.OffsetDeleteRequestTopic t : request.topics()) {
                        OffsetDeleteResponse.OffsetDeleteResponseTopic topic =
                                new OffsetDeleteResponse.OffsetDeleteResponseTopic().setName(t.name());
                        for (OffsetDeleteRequest.OffsetDeleteRequestPartition p : t.partitions()) {
                            topic.partitions()
                                    .add(new OffsetDeleteResponse.OffsetDeleteResponsePartition()
                                            .setPartitionIndex(p.partitionIndex())
                                            .setErrorCode(result.partitionErrors()
                                                    .get(i++)
                                                    .code()));
                        }
                        response.topics().add(topic);
                    }
                    return response;
                }));
    }
}
