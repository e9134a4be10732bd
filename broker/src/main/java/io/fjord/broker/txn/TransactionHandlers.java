package io.fjord.broker.txn;

import io.fjord.broker.handler.MetadataView;
import io.fjord.broker.network.RequestContext;
import io.fjord.broker.security.Authorizer;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.coordinator.txn.TransactionCoordinator;
import io.fjord.coordinator.txn.TransactionState;
import io.fjord.coordinator.txn.TxnRecord;
import io.fjord.metadata.AclOperation;
import io.fjord.metadata.AclResourceType;
import io.fjord.metadata.TopicImage;
import io.fjord.metadata.TopicNames;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.AddOffsetsToTxnRequest;
import io.fjord.protocol.message.AddOffsetsToTxnResponse;
import io.fjord.protocol.message.AddPartitionsToTxnRequest;
import io.fjord.protocol.message.AddPartitionsToTxnResponse;
import io.fjord.protocol.message.DescribeTransactionsRequest;
import io.fjord.protocol.message.DescribeTransactionsResponse;
import io.fjord.protocol.message.EndTxnRequest;
import io.fjord.protocol.message.EndTxnResponse;
import io.fjord.protocol.message.InitProducerIdRequest;
import io.fjord.protocol.message.InitProducerIdResponse;
import io.fjord.protocol.message.ListTransactionsRequest;
import io.fjord.protocol.message.ListTransactionsResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The transaction APIs a client sends to its transaction coordinator: InitProducerId with a transactional id,
 * AddPartitionsToTxn (v0-v3 from clients; v4-v5, batched and possibly verify-only, from partition leaders),
 * AddOffsetsToTxn, EndTxn (v0-v4, transaction protocol
 * version 1), and the admin views ListTransactions and DescribeTransactions. They translate the requests for
 * the {@link TransactionCoordinator} and its answers back, with Kafka's per-version error rule: versions before
 * PRODUCER_FENCED existed are told INVALID_PRODUCER_EPOCH instead. Thread-safe.
 *
 * <p>With an authorizer they make Kafka 4's ACL checks first: a client's AddPartitionsToTxn WRITE on the
 * transactional id (else TRANSACTIONAL_ID_AUTHORIZATION_FAILED on every partition) and on each topic (internal topics
 * never), a broker's AddPartitionsToTxn (v4+) CLUSTER_ACTION on the cluster (else a top-level
 * CLUSTER_AUTHORIZATION_FAILED); AddOffsetsToTxn WRITE on the transactional id, then READ on the group; EndTxn WRITE
 * on the transactional id; ListTransactions and DescribeTransactions DESCRIBE on each transactional id (the first
 * leaves the others out, the second answers TRANSACTIONAL_ID_AUTHORIZATION_FAILED for them) and DescribeTransactions
 * DESCRIBE on each topic of a transaction (the others left out). The idempotent and transactional InitProducerId are
 * checked by its handler.
 */
public final class TransactionHandlers {

    private final TransactionCoordinator coordinator;
    private final MetadataView metadata;

    public TransactionHandlers(TransactionCoordinator coordinator, MetadataView metadata) {
        this.coordinator = coordinator;
        this.metadata = metadata;
    }

    /** InitProducerId for a transactional id (the handler of idempotent producers delegates here). */
    public CompletableFuture<ApiMessage> initProducerId(RequestContext context, InitProducerIdRequest request) {
        short version = context.apiVersion();
        return coordinator
                .initProducerId(
                        request.transactionalId(),
                        request.transactionTimeoutMs(),
                        version >= 3 ? request.producerId() : -1L,
                        version >= 3 ? request.producerEpoch() : (short) -1)
                .thenApply(result -> new InitProducerIdResponse()
                        .setErrorCode(fenced(result.error(), version, (short) 4).code())
                        .setProducerId(result.producerId())
                        .setProducerEpoch(result.producerEpoch()));
    }

    /**
     * AddPartitionsToTxn: v0-v3 from a client (one transaction), v4-v5 from a broker (a batch of transactions,
     * each either added or, with VerifyOnly, only checked: KIP-890 part 1). Versions before v5 hear
     * INVALID_TXN_STATE for TRANSACTION_ABORTABLE, as in Kafka.
     */
    public CompletableFuture<ApiMessage> addPartitionsToTxn(RequestContext context, ApiMessage message) {
        AddPartitionsToTxnRequest request = (AddPartitionsToTxnRequest) message;
        short version = context.apiVersion();
        Authorizer authorizer = metadata.authorizer();
        if (version <= 3) {
            String transactionalId = request.v3AndBelowTransactionalId();
            if (!authorizer.authorize(context, AclOperation.WRITE, AclResourceType.TRANSACTIONAL_ID, transactionalId)) {
                return CompletableFuture.completedFuture(new AddPartitionsToTxnResponse()
                        .setResultsByTopicV3AndBelow(topicResults(everyPartition(
                                request.v3AndBelowTopics(), Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED))));
            }
            return addPartitions(
                            transactionalId,
                            request.v3AndBelowProducerId(),
                            request.v3AndBelowProducerEpoch(),
                            request.v3AndBelowTopics(),
                            unwritableTopics(context, request.v3AndBelowTopics()),
                            version)
                    .thenApply(errors ->
                            new AddPartitionsToTxnResponse().setResultsByTopicV3AndBelow(topicResults(errors)));
        }
        // Brokers verifying their transactional produce requests (KIP-890): the transactional ids and topics were
        // authorized by the broker the producer wrote to.
        if (!authorizer.authorizeCluster(context, AclOperation.CLUSTER_ACTION)) {
            return CompletableFuture.completedFuture(
                    new AddPartitionsToTxnResponse().setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code()));
        }
        List<CompletableFuture<AddPartitionsToTxnResponse.AddPartitionsToTxnResult>> results = new ArrayList<>();
        for (AddPartitionsToTxnRequest.AddPartitionsToTxnTransaction txn : request.transactions()) {
            CompletableFuture<Map<TopicPartition, Errors>> errors;
            if (txn.verifyOnly()) {
                Set<TopicPartition> partitions = new HashSet<>();
                txn.topics().forEach(topic -> topic.partitions()
                        .forEach(p -> partitions.add(new TopicPartition(topic.name(), p))));
                errors = CompletableFuture.completedFuture(coordinator.verifyPartitions(
                        txn.transactionalId(), txn.producerId(), txn.producerEpoch(), partitions));
            } else {
                errors = addPartitions(
                        txn.transactionalId(), txn.producerId(), txn.producerEpoch(), txn.topics(), Set.of(), version);
            }
            results.add(errors.thenApply(byPartition -> {
                Map<TopicPartition, Errors> sent = new LinkedHashMap<>();
                byPartition.forEach((tp, error) -> sent.put(
                        tp, error == Errors.TRANSACTION_ABORTABLE && version < 5 ? Errors.INVALID_TXN_STATE : error));
                return new AddPartitionsToTxnResponse.AddPartitionsToTxnResult()
                        .setTransactionalId(txn.transactionalId())
                        .setTopicResults(topicResults(sent));
            }));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .thenApply(done -> {
                    AddPartitionsToTxnResponse response = new AddPartitionsToTxnResponse();
                    results.forEach(result -> response.resultsByTransaction().add(result.join()));
                    return response;
                });
    }

    /**
     * The topics of a client's AddPartitionsToTxn it may not write to: those without WRITE, and with an authorizer
     * the internal topics, which Kafka never lets a transaction add.
     */
    private Set<String> unwritableTopics(
            RequestContext context, List<AddPartitionsToTxnRequest.AddPartitionsToTxnTopic> topics) {
        Authorizer authorizer = metadata.authorizer();
        if (!authorizer.enabled()) {
            return Set.of();
        }
        Set<String> denied = new HashSet<>();
        for (AddPartitionsToTxnRequest.AddPartitionsToTxnTopic topic : topics) {
            if (TopicNames.isInternal(topic.name())
                    || !authorizer.authorize(context, AclOperation.WRITE, AclResourceType.TOPIC, topic.name())) {
                denied.add(topic.name());
            }
        }
        return denied;
    }

    private static Map<TopicPartition, Errors> everyPartition(
            List<AddPartitionsToTxnRequest.AddPartitionsToTxnTopic> topics, Errors error) {
        Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
        topics.forEach(
                topic -> topic.partitions().forEach(p -> errors.put(new TopicPartition(topic.name(), p), error)));
        return errors;
    }

    /**
     * Adds the partitions of one transaction: each partition's error. Partitions of {@code deniedTopics} get
     * TOPIC_AUTHORIZATION_FAILED and unknown ones UNKNOWN_TOPIC_OR_PARTITION; when any does, nothing is added and
     * the others get OPERATION_NOT_ATTEMPTED, as in Kafka.
     */
    private CompletableFuture<Map<TopicPartition, Errors>> addPartitions(
            String transactionalId,
            long producerId,
            short producerEpoch,
            List<AddPartitionsToTxnRequest.AddPartitionsToTxnTopic> topics,
            Set<String> deniedTopics,
            short version) {
        Map<TopicPartition, Errors> unknown = new LinkedHashMap<>();
        Set<TopicPartition> partitions = new HashSet<>();
        for (AddPartitionsToTxnRequest.AddPartitionsToTxnTopic topic : topics) {
            TopicImage image = metadata.image().topics().topic(topic.name());
            boolean denied = deniedTopics.contains(topic.name());
            for (int partition : topic.partitions()) {
                TopicPartition tp = new TopicPartition(topic.name(), partition);
                partitions.add(tp);
                if (denied) {
                    unknown.put(tp, Errors.TOPIC_AUTHORIZATION_FAILED);
                } else if (image == null || !image.partitions().containsKey(partition)) {
                    unknown.put(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION);
                }
            }
        }
        if (!unknown.isEmpty()) {
            Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
            partitions.forEach(tp -> errors.put(tp, unknown.getOrDefault(tp, Errors.OPERATION_NOT_ATTEMPTED)));
            return CompletableFuture.completedFuture(errors);
        }
        return coordinator
                .addPartitions(transactionalId, producerId, producerEpoch, partitions)
                .thenApply(error -> {
                    Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
                    Errors sent = fenced(error, version, (short) 2);
                    partitions.forEach(tp -> errors.put(tp, sent));
                    return errors;
                });
    }

    public CompletableFuture<ApiMessage> addOffsetsToTxn(RequestContext context, ApiMessage message) {
        AddOffsetsToTxnRequest request = (AddOffsetsToTxnRequest) message;
        short version = context.apiVersion();
        Authorizer authorizer = metadata.authorizer();
        Errors denied = Errors.NONE;
        if (!authorizer.authorize(
                context, AclOperation.WRITE, AclResourceType.TRANSACTIONAL_ID, request.transactionalId())) {
            denied = Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
        } else if (!authorizer.authorize(context, AclOperation.READ, AclResourceType.GROUP, request.groupId())) {
            denied = Errors.GROUP_AUTHORIZATION_FAILED;
        }
        if (denied != Errors.NONE) {
            return CompletableFuture.completedFuture(new AddOffsetsToTxnResponse().setErrorCode(denied.code()));
        }
        return coordinator
                .addOffsets(request.transactionalId(), request.producerId(), request.producerEpoch(), request.groupId())
                .thenApply(error -> new AddOffsetsToTxnResponse()
                        .setErrorCode(fenced(error, version, (short) 2).code()));
    }

    public CompletableFuture<ApiMessage> endTxn(RequestContext context, ApiMessage message) {
        EndTxnRequest request = (EndTxnRequest) message;
        short version = context.apiVersion();
        if (!metadata.authorizer()
                .authorize(context, AclOperation.WRITE, AclResourceType.TRANSACTIONAL_ID, request.transactionalId())) {
            return CompletableFuture.completedFuture(new EndTxnResponse()
                    .setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code())
                    .setProducerId(-1L)
                    .setProducerEpoch((short) -1));
        }
        return coordinator
                .endTxn(request.transactionalId(), request.producerId(), request.producerEpoch(), request.committed())
                .thenApply(error -> new EndTxnResponse()
                        .setErrorCode(fenced(error, version, (short) 2).code())
                        .setProducerId(-1L)
                        .setProducerEpoch((short) -1));
    }

    public CompletableFuture<ApiMessage> listTransactions(RequestContext context, ApiMessage message) {
        ListTransactionsRequest request = (ListTransactionsRequest) message;
        ListTransactionsResponse response = new ListTransactionsResponse();
        Set<String> states = new HashSet<>();
        for (String filter : request.stateFilters()) {
            boolean known = false;
            for (TransactionState state : TransactionState.values()) {
                known |= state.displayName().equals(filter);
            }
            if (known) {
                states.add(filter);
            } else {
                response.unknownStateFilters().add(filter);
            }
        }
        Pattern idPattern;
        try {
            String pattern = request.transactionalIdPattern();
            idPattern = pattern == null || pattern.isEmpty() ? null : Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.INVALID_REGULAR_EXPRESSION.code()));
        }
        List<TransactionCoordinator.TxnView> all = coordinator.transactions();
        if (all == null) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.COORDINATOR_LOAD_IN_PROGRESS.code()));
        }
        long nowMs = System.currentTimeMillis();
        Authorizer authorizer = metadata.authorizer();
        for (TransactionCoordinator.TxnView view : all) {
            TxnRecord record = view.record();
            boolean matches = (states.isEmpty() && request.stateFilters().isEmpty()
                            || states.contains(record.state().displayName()))
                    && (request.producerIdFilters().isEmpty()
                            || request.producerIdFilters().contains(record.producerId()))
                    && (request.durationFilter() < 0
                            || record.startMs() >= 0 && nowMs - record.startMs() > request.durationFilter())
                    && (idPattern == null
                            || idPattern.matcher(view.transactionalId()).matches())
                    // Kafka leaves out, without a word, the transactions the principal may not describe.
                    && authorizer.authorize(
                            context, AclOperation.DESCRIBE, AclResourceType.TRANSACTIONAL_ID, view.transactionalId());
            if (matches) {
                response.transactionStates()
                        .add(new ListTransactionsResponse.TransactionState()
                                .setTransactionalId(view.transactionalId())
                                .setProducerId(record.producerId())
                                .setTransactionState(record.state().displayName()));
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    public CompletableFuture<ApiMessage> describeTransactions(RequestContext context, ApiMessage message) {
        DescribeTransactionsRequest request = (DescribeTransactionsRequest) message;
        DescribeTransactionsResponse response = new DescribeTransactionsResponse();
        Authorizer authorizer = metadata.authorizer();
        for (String id : request.transactionalIds()) {
            DescribeTransactionsResponse.TransactionState out =
                    new DescribeTransactionsResponse.TransactionState().setTransactionalId(id);
            if (!authorizer.authorize(context, AclOperation.DESCRIBE, AclResourceType.TRANSACTIONAL_ID, id)) {
                response.transactionStates().add(out.setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code()));
                continue;
            }
            List<TransactionCoordinator.TxnView> found = new ArrayList<>();
            Errors error = coordinator.describe(id, found);
            out.setErrorCode(error.code());
            if (error == Errors.NONE) {
                TxnRecord record = found.get(0).record();
                out.setTransactionState(record.state().displayName())
                        .setTransactionTimeoutMs(record.timeoutMs())
                        .setTransactionStartTimeMs(record.startMs())
                        .setProducerId(record.producerId())
                        .setProducerEpoch(record.producerEpoch());
                Map<String, List<Integer>> byTopic = new TreeMap<>();
                record.partitions().forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>())
                        .add(tp.partition()));
                // Kafka leaves out, without a word, the topics the principal may not describe.
                byTopic.keySet()
                        .removeIf(topic ->
                                !authorizer.authorize(context, AclOperation.DESCRIBE, AclResourceType.TOPIC, topic));
                byTopic.forEach((topic, partitions) -> out.topics()
                        .add(new DescribeTransactionsResponse.TopicData()
                                .setTopic(topic)
                                .setPartitions(partitions.stream().sorted().toList())));
            } else {
                out.setTransactionState("").setProducerId(-1L).setProducerEpoch((short) -1);
            }
            response.transactionStates().add(out);
        }
        return CompletableFuture.completedFuture(response);
    }

    private static List<AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult> topicResults(
            Map<TopicPartition, Errors> errors) {
        Map<String, AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult> byTopic = new LinkedHashMap<>();
        errors.forEach((tp, error) -> byTopic.computeIfAbsent(
                        tp.topic(),
                        name -> new AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult().setName(name))
                .resultsByPartition()
                .add(new AddPartitionsToTxnResponse.AddPartitionsToTxnPartitionResult()
                        .setPartitionIndex(tp.partition())
                        .setPartitionErrorCode(error.code())));
        return new ArrayList<>(byTopic.values());
    }

    /** PRODUCER_FENCED for versions that know it ({@code since} and later), else INVALID_PRODUCER_EPOCH. */
    private static Errors fenced(Errors error, short version, short since) {
        return error == Errors.PRODUCER_FENCED && version < since ? Errors.INVALID_PRODUCER_EPOCH : error;
    }
}
