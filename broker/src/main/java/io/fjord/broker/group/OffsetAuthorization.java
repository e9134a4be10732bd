package io.fjord.broker.group;

import io.fjord.broker.handler.MetadataView;
import io.fjord.broker.network.RequestContext;
import io.fjord.broker.security.Authorizer;
import io.fjord.common.Errors;
import io.fjord.metadata.AclOperation;
import io.fjord.metadata.AclResourceType;
import io.fjord.protocol.message.OffsetCommitRequest;
import io.fjord.protocol.message.OffsetCommitResponse;
import io.fjord.protocol.message.OffsetDeleteRequest;
import io.fjord.protocol.message.OffsetDeleteResponse;
import io.fjord.protocol.message.OffsetFetchRequest;
import io.fjord.protocol.message.OffsetFetchResponse;
import io.fjord.protocol.message.TxnOffsetCommitRequest;
import io.fjord.protocol.message.TxnOffsetCommitResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Kafka's ACL checks of the offset-writing group APIs, around the coordinator: OffsetCommit needs READ on the group
 * (else GROUP_AUTHORIZATION_FAILED on every partition); TxnOffsetCommit needs WRITE on the transactional id (else
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED on every partition), then READ on the group (likewise); OffsetDelete needs
 * DELETE on the group (else a top-level GROUP_AUTHORIZATION_FAILED). All three then need READ on each topic: a
 * denied topic gets TOPIC_AUTHORIZATION_FAILED on each of its partitions and is not sent to the coordinator, which
 * sees (and checks the existence of) only the allowed topics. Authorization comes before existence, as in Kafka 4,
 * after the topic ids are resolved: an id this broker does not know gets UNKNOWN_TOPIC_ID here and is not passed
 * on. OffsetFetch is described at {@link #fetch}. The response keeps the request's topic order. Only used with an
 * authorizer configured. Thread-safe.
 */
final class OffsetAuthorization {

    private final MetadataView metadata;

    OffsetAuthorization(MetadataView metadata) {
        this.metadata = metadata;
    }

    CompletableFuture<OffsetCommitResponse> commit(
            RequestContext context,
            OffsetCommitRequest request,
            Function<OffsetCommitRequest, CompletableFuture<OffsetCommitResponse>> coordinator) {
        List<OffsetCommitRequest.OffsetCommitRequestTopic> all = request.topics();
        if (!authorizer().authorize(context, AclOperation.READ, AclResourceType.GROUP, request.groupId())) {
            return CompletableFuture.completedFuture(
                    commitErrors(all, filled(all.size(), Errors.GROUP_AUTHORIZATION_FAILED)));
        }
        boolean byId = context.apiVersion() >= 10;
        return forwardAllowedTopics(
                context,
                all,
                t -> name(t.name(), t.topicId(), byId),
                errors -> commitErrors(all, errors),
                OffsetCommitResponse::topics,
                allowed -> coordinator.apply(request.setTopics(allowed)));
    }

    /** {@code errors[i]} on every partition of topic i, empty where it is null. */
    private static OffsetCommitResponse commitErrors(
            List<OffsetCommitRequest.OffsetCommitRequestTopic> topics, Errors[] errors) {
        OffsetCommitResponse response = new OffsetCommitResponse();
        for (int i = 0; i < topics.size(); i++) {
            OffsetCommitRequest.OffsetCommitRequestTopic topic = topics.get(i);
            OffsetCommitResponse.OffsetCommitResponseTopic out = new OffsetCommitResponse.OffsetCommitResponseTopic()
                    .setName(topic.name())
                    .setTopicId(topic.topicId());
            if (errors[i] != null) {
                for (OffsetCommitRequest.OffsetCommitRequestPartition p : topic.partitions()) {
                    out.partitions()
                            .add(new OffsetCommitResponse.OffsetCommitResponsePartition()
                                    .setPartitionIndex(p.partitionIndex())
                                    .setErrorCode(errors[i].code()));
                }
            }
            response.topics().add(out);
        }
        return response;
    }

    CompletableFuture<TxnOffsetCommitResponse> txnCommit(
            RequestContext context,
            TxnOffsetCommitRequest request,
            Function<TxnOffsetCommitRequest, CompletableFuture<TxnOffsetCommitResponse>> coordinator) {
        List<TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic> all = request.topics();
        Authorizer authorizer = authorizer();
        if (!authorizer.authorize(
                context, AclOperation.WRITE, AclResourceType.TRANSACTIONAL_ID, request.transactionalId())) {
            return CompletableFuture.completedFuture(
                    txnCommitErrors(all, filled(all.size(), Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)));
        }
        if (!authorizer.authorize(context, AclOperation.READ, AclResourceType.GROUP, request.groupId())) {
            return CompletableFuture.completedFuture(
                    txnCommitErrors(all, filled(all.size(), Errors.GROUP_AUTHORIZATION_FAILED)));
        }
        boolean byId = context.apiVersion() >= 6;
        return forwardAllowedTopics(
                context,
                all,
                t -> name(t.name(), t.topicId(), byId),
                errors -> txnCommitErrors(all, errors),
                TxnOffsetCommitResponse::topics,
                allowed -> coordinator.apply(request.setTopics(allowed)));
    }

    /**
     * Decides READ on each topic of a commit: the topics denied get their error on every partition
     * ({@code errorResponse}), the others, if any, go to the coordinator ({@code forward}), whose answers fill the
     * remaining rows in request order.
     */
    private <T, R, RT> CompletableFuture<R> forwardAllowedTopics(
            RequestContext context,
            List<T> all,
            Function<T, String> topicName,
            Function<Errors[], R> errorResponse,
            Function<R, List<RT>> responseTopics,
            Function<List<T>, CompletableFuture<R>> forward) {
        TopicDecisions topics = new TopicDecisions(context, AclOperation.READ);
        Errors[] denied = new Errors[all.size()];
        List<T> allowed = new ArrayList<>();
        for (int i = 0; i < denied.length; i++) {
            denied[i] = topics.error(topicName.apply(all.get(i)));
            if (denied[i] == null) {
                allowed.add(all.get(i));
            }
        }
        if (allowed.isEmpty()) {
            return CompletableFuture.completedFuture(errorResponse.apply(denied));
        }
        return forward.apply(allowed).thenApply(answered -> {
            R merged = errorResponse.apply(denied);
            List<RT> rows = responseTopics.apply(merged);
            List<RT> answers = responseTopics.apply(answered);
            int next = 0;
            for (int i = 0; i < denied.length; i++) {
                if (denied[i] == null) {
                    rows.set(i, answers.get(next++));
                }
            }
            return merged;
        });
    }

    private static TxnOffsetCommitResponse txnCommitErrors(
            List<TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic> topics, Errors[] errors) {
        TxnOffsetCommitResponse response = new TxnOffsetCommitResponse();
        for (int i = 0; i < topics.size(); i++) {
            TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic topic = topics.get(i);
            TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic out =
                    new TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic()
                            .setName(topic.name())
                            .setTopicId(topic.topicId());
            if (errors[i] != null) {
                for (TxnOffsetCommitRequest.TxnOffsetCommitRequestPartition p : topic.partitions()) {
                    out.partitions()
                            .add(new TxnOffsetCommitResponse.TxnOffsetCommitResponsePartition()
                                    .setPartitionIndex(p.partitionIndex())
                                    .setErrorCode(errors[i].code()));
                }
            }
            response.topics().add(out);
        }
        return response;
    }

    /**
     * OffsetDelete. A group error from the coordinator is answered alone (without the denied topics), as Kafka
     * answers it.
     */
    CompletableFuture<OffsetDeleteResponse> delete(
            RequestContext context,
            OffsetDeleteRequest request,
            Function<OffsetDeleteRequest, CompletableFuture<OffsetDeleteResponse>> coordinator) {
        if (!authorizer().authorize(context, AclOperation.DELETE, AclResourceType.GROUP, request.groupId())) {
            return CompletableFuture.completedFuture(
                    new OffsetDeleteResponse().setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code()));
        }
        List<OffsetDeleteRequest.OffsetDeleteRequestTopic> all = request.topics();
        TopicDecisions topics = new TopicDecisions(context, AclOperation.READ);
        boolean[] denied = new boolean[all.size()];
        List<OffsetDeleteRequest.OffsetDeleteRequestTopic> allowed = new ArrayList<>();
        for (int i = 0; i < denied.length; i++) {
            denied[i] = !topics.allowed(all.get(i).name());
            if (!denied[i]) {
                allowed.add(all.get(i));
            }
        }
        return coordinator.apply(request.setTopics(allowed)).thenApply(answered -> {
            if (answered.errorCode() != Errors.NONE.code()) {
                return answered;
            }
            OffsetDeleteResponse merged = new OffsetDeleteResponse();
            int next = 0;
            for (int i = 0; i < denied.length; i++) {
                if (!denied[i]) {
                    merged.topics().add(answered.topics().get(next++));
                    continue;
                }
                OffsetDeleteResponse.OffsetDeleteResponseTopic out =
                        new OffsetDeleteResponse.OffsetDeleteResponseTopic()
                                .setName(all.get(i).name());
                for (OffsetDeleteRequest.OffsetDeleteRequestPartition p :
                        all.get(i).partitions()) {
                    out.partitions()
                            .add(new OffsetDeleteResponse.OffsetDeleteResponsePartition()
                                    .setPartitionIndex(p.partitionIndex())
                                    .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()));
                }
                merged.topics().add(out);
            }
            return merged;
        });
    }

    /**
     * OffsetFetch: DESCRIBE on each group (GROUP_AUTHORIZATION_FAILED at the group, at the top before v8, or on every
     * requested partition before v2), then DESCRIBE on the topics: a request for all of a group's offsets leaves out
     * silently the topics the principal may not describe, a request that names topics gets TOPIC_AUTHORIZATION_FAILED
     * (offset -1) on each partition of a denied one, after the coordinator's topics and only when the group itself
     * had no error, as Kafka answers.
     */
    CompletableFuture<OffsetFetchResponse> fetch(
            RequestContext context,
            OffsetFetchRequest request,
            Function<OffsetFetchRequest, CompletableFuture<OffsetFetchResponse>> coordinator) {
        short version = context.apiVersion();
        if (version < 8) {
            return fetchOneGroup(context, request, coordinator);
        }
        TopicDecisions topics = new TopicDecisions(context, AclOperation.DESCRIBE);
        List<OffsetFetchRequest.OffsetFetchRequestGroup> groups = request.groups();
        boolean[] deniedGroups = new boolean[groups.size()];
        List<List<Refused>> deniedTopics = new ArrayList<>();
        OffsetFetchRequest allowed = new OffsetFetchRequest().setRequireStable(request.requireStable());
        for (int i = 0; i < deniedGroups.length; i++) {
            OffsetFetchRequest.OffsetFetchRequestGroup group = groups.get(i);
            deniedGroups[i] =
                    !authorizer().authorize(context, AclOperation.DESCRIBE, AclResourceType.GROUP, group.groupId());
            if (deniedGroups[i]) {
                continue;
            }
            List<Refused> denied = new ArrayList<>();
            List<OffsetFetchRequest.OffsetFetchRequestTopics> kept = null;
            if (group.topics() != null) {
                kept = new ArrayList<>();
                for (OffsetFetchRequest.OffsetFetchRequestTopics topic : group.topics()) {
                    Errors error = topics.error(name(topic.name(), topic.topicId(), version >= 10));
                    if (error == null) {
                        kept.add(topic);
                    } else {
                        denied.add(new Refused(topic, error));
                    }
                }
            }
            allowed.groups()
                    .add(new OffsetFetchRequest.OffsetFetchRequestGroup()
                            .setGroupId(group.groupId())
                            .setMemberId(group.memberId())
                            .setMemberEpoch(group.memberEpoch())
                            .setTopics(kept));
            deniedTopics.add(denied);
        }
        return coordinator.apply(allowed).thenApply(answered -> {
            OffsetFetchResponse merged = new OffsetFetchResponse();
            int next = 0;
            for (int i = 0; i < deniedGroups.length; i++) {
                if (deniedGroups[i]) {
                    merged.groups()
                            .add(new OffsetFetchResponse.OffsetFetchResponseGroup()
                                    .setGroupId(groups.get(i).groupId())
                                    .setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code()));
                    continue;
                }
                OffsetFetchResponse.OffsetFetchResponseGroup group =
                        answered.groups().get(next);
                List<Refused> denied = deniedTopics.get(next++);
                if (groups.get(i).topics() == null) {
                    group.topics().removeIf(t -> !topics.allowed(name(t.name(), t.topicId(), version >= 10)));
                } else if (group.errorCode() == Errors.NONE.code()) {
                    for (Refused refused : denied) {
                        OffsetFetchRequest.OffsetFetchRequestTopics topic = refused.topic();
                        OffsetFetchResponse.OffsetFetchResponseTopics out =
                                new OffsetFetchResponse.OffsetFetchResponseTopics()
                                        .setName(topic.name())
                                        .setTopicId(topic.topicId());
                        for (int p : topic.partitionIndexes()) {
                            out.partitions()
                                    .add(new OffsetFetchResponse.OffsetFetchResponsePartitions()
                                            .setPartitionIndex(p)
                                            .setCommittedOffset(-1L)
                                            .setCommittedLeaderEpoch(-1)
                                            .setMetadata("")
                                            .setErrorCode(refused.error().code()));
                        }
                        group.topics().add(out);
                    }
                }
                merged.groups().add(group);
            }
            return merged;
        });
    }

    /** A topic of an OffsetFetch that is answered here: unknown id or denied. */
    private record Refused(OffsetFetchRequest.OffsetFetchRequestTopics topic, Errors error) {}

    /** OffsetFetch before v8: one group, named at the top of the request. */
    private CompletableFuture<OffsetFetchResponse> fetchOneGroup(
            RequestContext context,
            OffsetFetchRequest request,
            Function<OffsetFetchRequest, CompletableFuture<OffsetFetchResponse>> coordinator) {
        List<OffsetFetchRequest.OffsetFetchRequestTopic> requested = request.topics();
        if (!authorizer().authorize(context, AclOperation.DESCRIBE, AclResourceType.GROUP, request.groupId())) {
            OffsetFetchResponse response = new OffsetFetchResponse();
            if (context.apiVersion() >= 2) {
                return CompletableFuture.completedFuture(
                        response.setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code()));
            }
            if (requested != null) {
                requested.forEach(t -> response.topics().add(fetchErrors(t, Errors.GROUP_AUTHORIZATION_FAILED)));
            }
            return CompletableFuture.completedFuture(response);
        }
        TopicDecisions topics = new TopicDecisions(context, AclOperation.DESCRIBE);
        if (requested == null) {
            return coordinator.apply(request).thenApply(response -> {
                response.topics().removeIf(t -> !topics.allowed(t.name()));
                return response;
            });
        }
        List<OffsetFetchRequest.OffsetFetchRequestTopic> kept = new ArrayList<>();
        List<OffsetFetchRequest.OffsetFetchRequestTopic> denied = new ArrayList<>();
        for (OffsetFetchRequest.OffsetFetchRequestTopic topic : requested) {
            (topics.allowed(topic.name()) ? kept : denied).add(topic);
        }
        return coordinator.apply(request.setTopics(kept)).thenApply(response -> {
            if (response.errorCode() == Errors.NONE.code()) {
                denied.forEach(t -> response.topics().add(fetchErrors(t, Errors.TOPIC_AUTHORIZATION_FAILED)));
            }
            return response;
        });
    }

    private static OffsetFetchResponse.OffsetFetchResponseTopic fetchErrors(
            OffsetFetchRequest.OffsetFetchRequestTopic topic, Errors error) {
        OffsetFetchResponse.OffsetFetchResponseTopic out =
                new OffsetFetchResponse.OffsetFetchResponseTopic().setName(topic.name());
        for (int p : topic.partitionIndexes()) {
            out.partitions()
                    .add(new OffsetFetchResponse.OffsetFetchResponsePartition()
                            .setPartitionIndex(p)
                            .setCommittedOffset(-1L)
                            .setCommittedLeaderEpoch(-1)
                            .setMetadata("")
                            .setErrorCode(error.code()));
        }
        return out;
    }

    private static Errors[] filled(int size, Errors error) {
        Errors[] errors = new Errors[size];
        java.util.Arrays.fill(errors, error);
        return errors;
    }

    /** The topic's name, or null for a topic id this broker does not know (answered UNKNOWN_TOPIC_ID here). */
    private String name(String name, io.fjord.common.Uuid topicId, boolean byId) {
        return byId ? metadata.nameOf(topicId) : name;
    }

    private Authorizer authorizer() {
        return metadata.authorizer();
    }

    /**
     * One decision per distinct topic name in a request, as Kafka's filterByAuthorized makes one (and logs one
     * denial) per name. A null name (a topic id this broker cannot resolve) is answered UNKNOWN_TOPIC_ID here, as
     * Kafka answers it before authorizing, and never reaches the coordinator, which would resolve the id again.
     */
    final class TopicDecisions {
        private final RequestContext context;
        private final AclOperation operation;
        private final Map<String, Boolean> decided = new HashMap<>();

        TopicDecisions(RequestContext context, AclOperation operation) {
            this.context = context;
            this.operation = operation;
        }

        boolean allowed(String topic) {
            return error(topic) == null;
        }

        /** Null when the topic may be passed on; else UNKNOWN_TOPIC_ID or TOPIC_AUTHORIZATION_FAILED. */
        Errors error(String topic) {
            if (topic == null) {
                return Errors.UNKNOWN_TOPIC_ID;
            }
            boolean allowed = decided.computeIfAbsent(
                    topic, t -> authorizer().authorize(context, operation, AclResourceType.TOPIC, t));
            return allowed ? null : Errors.TOPIC_AUTHORIZATION_FAILED;
        }
    }
}
