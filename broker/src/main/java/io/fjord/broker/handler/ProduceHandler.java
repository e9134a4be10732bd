package io.fjord.broker.handler;

import io.fjord.broker.network.CloseConnectionException;
import io.fjord.broker.network.RequestContext;
import io.fjord.broker.network.RequestHandler;
import io.fjord.broker.partition.Partition;
import io.fjord.broker.partition.ReplicaManager;
import io.fjord.broker.security.Authorizer;
import io.fjord.broker.txn.TransactionVerifier;
import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.common.VerificationGuard;
import io.fjord.metadata.AclOperation;
import io.fjord.metadata.AclResourceType;
import io.fjord.metadata.TopicNames;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.MemoryRecords;
import io.fjord.protocol.Records;
import io.fjord.protocol.message.ProduceRequest;
import io.fjord.protocol.message.ProduceResponse;
import io.fjord.protocol.record.CompressionType;
import io.fjord.protocol.record.RecordBatchDescriptor;
import io.fjord.storage.AppendOrigin;
import io.fjord.storage.LogAppendInfo;
import io.fjord.storage.RecordValidationException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Produce: appends each partition's batches to its log as leader and answers per partition. acks=0
 * sends no answer (and closes the connection if anything failed, so the client notices); acks=1
 * answers once appended; acks=all waits in the produce purgatory for the high watermark.
 *
 * <p>Transaction verification (KIP-890 part 1, on unless {@code transaction.partition.verification.enable} is
 * false): the first transactional batch of a producer in a partition, i.e. one whose producer has no transaction
 * ongoing there, is appended only after the transaction coordinator of the request's transactional id confirmed
 * that the partition is in the producer's ongoing transaction, and only if no marker of the producer came in
 * meanwhile (the partition's {@link VerificationGuard}). Such a batch is copied out of the request (whose buffer
 * is released when {@link #handle} returns) and appended on {@code appendExecutor}, which runs one append at a
 * time in the order verified (a producer's batches answered by one verification must reach the log in their
 * order: only the lowest sequence may start the transaction); the other partitions of the request are appended
 * at once. A batch that starts a transaction its coordinator does
 * not know of would pin the partition's last stable offset for good (a "hanging transaction").
 *
 * <p>Runs on an I/O thread, one request per connection at a time (so a producer's pipelined batches
 * reach each log in the order sent; a producer's later batches for a partition whose first is waiting for
 * verification wait with it and are appended after it, in order).
 */
public final class ProduceHandler implements RequestHandler {

    /** zstd needs Produce v7 (KIP-110). */
    private static final short MIN_VERSION_FOR_ZSTD = 7;
    /** Produce v10 is the first whose responses name the current leader (KIP-951). */
    private static final short MIN_VERSION_FOR_CURRENT_LEADER = 10;
    /** Produce v11 is the first whose producers know TRANSACTION_ABORTABLE (KIP-890). */
    private static final short MIN_VERSION_FOR_TRANSACTION_ABORTABLE = 11;

    /** The smallest legacy (magic 0) message after the log overhead: crc, magic, attributes, key and value sizes. */
    private static final int LEGACY_RECORD_OVERHEAD_V0 = 14;

    private final ReplicaManager replicaManager;
    private final TopicResolver topics;
    private final TransactionVerifier verifier;
    private final Executor appendExecutor;
    private final Authorizer authorizer;

    /** The one client id Kafka lets produce to an internal topic (its own admin tools'); every other gets refused. */
    static final String ADMIN_CLIENT = "__admin_client";

    /**
     * @param verifier asks transaction coordinators; null turns transaction verification off
     * @param appendExecutor where the appends that waited for verification run, one at a time in submission order
     *     (a {@link io.fjord.broker.network.SerialExecutor} on the I/O threads)
     * @param authorizer with ACLs: a request holding transactional batches needs WRITE on its transactional id (else
     *     every partition gets TRANSACTIONAL_ID_AUTHORIZATION_FAILED), and each topic WRITE (else each of its
     *     partitions gets TOPIC_AUTHORIZATION_FAILED, whether the topic exists or not), as Kafka checks them. With or
     *     without ACLs, only client id {@value #ADMIN_CLIENT} may write an internal topic (else
     *     INVALID_TOPIC_EXCEPTION), Kafka's rule.
     */
    public ProduceHandler(
            ReplicaManager replicaManager,
            TopicResolver topics,
            TransactionVerifier verifier,
            Executor appendExecutor,
            Authorizer authorizer) {
        this.replicaManager = replicaManager;
        this.topics = topics;
        this.verifier = verifier;
        this.appendExecutor = appendExecutor;
        this.authorizer = authorizer;
    }

    /**
     * The errors of an append that Kafka's appendToLocalLog answers with log_start_offset -1; any other refusal by the
     * log names the partition's log start offset, which a Java producer told UNKNOWN_PRODUCER_ID needs to decide
     * whether its state was lost to retention (without it, it retries until it has one).
     */
    private static final Set<Errors> ANSWERED_WITHOUT_LOG_START = EnumSet.of(
            Errors.UNKNOWN_TOPIC_OR_PARTITION,
            Errors.NOT_LEADER_OR_FOLLOWER,
            Errors.MESSAGE_TOO_LARGE,
            Errors.RECORD_LIST_TOO_LARGE,
            Errors.CORRUPT_MESSAGE,
            Errors.KAFKA_STORAGE_ERROR,
            Errors.UNKNOWN_TOPIC_ID);

    /** One partition's batch, copied, waiting for its verification. */
    private record Unverified(
            Partition partition,
            MemoryRecords records,
            VerificationGuard guard,
            ProduceResponse.PartitionProduceResponse response) {}

    /** The producer of a transactional batch, read from its header. */
    private record TxnProducer(long producerId, short producerEpoch, int baseSequence) {
        boolean sameProducer(TxnProducer other) {
            return producerId == other.producerId && producerEpoch == other.producerEpoch;
        }
    }

    /**
     * The state of one request: its response and the acks=all waits. Used by the I/O thread that handles the
     * request, then by the thread that finishes its verified appends, one after the other.
     */
    private final class Produce {
        final short version;
        final short acks;
        final ProduceRequest request;
        final String listenerName;
        final ProduceResponse response = new ProduceResponse();
        final List<DelayedProduce.Wait> waits = new ArrayList<>();
        final CompletableFuture<ApiMessage> result = new CompletableFuture<>();
        boolean anyError;

        Produce(short version, ProduceRequest request, String listenerName) {
            this.version = version;
            this.acks = request.acks();
            this.request = request;
            this.listenerName = listenerName;
        }

        void append(
                Partition partition,
                MemoryRecords records,
                VerificationGuard guard,
                ProduceResponse.PartitionProduceResponse partitionResponse) {
            LogAppendInfo info;
            try {
                info = partition.appendAsLeader(records, acks, AppendOrigin.CLIENT, guard);
            } catch (ApiException e) {
                if (!ANSWERED_WITHOUT_LOG_START.contains(e.error())) {
                    partitionResponse.setLogStartOffset(partition.log().logStartOffset());
                }
                throw e;
            }
            partitionResponse
                    .setBaseOffset(info.firstOffset())
                    .setLogAppendTimeMs(info.logAppendTimeMs())
                    .setLogStartOffset(info.logStartOffset());
            if (acks == -1) {
                waits.add(new DelayedProduce.Wait(partition, info.lastOffset() + 1, partitionResponse));
            }
        }

        void fail(ProduceResponse.PartitionProduceResponse partitionResponse, ApiException e) {
            anyError = true;
            partitionResponse
                    .setErrorCode(e.error().code())
                    .setErrorMessage(e.getMessage())
                    .setBaseOffset(-1L);
            if (e instanceof RecordValidationException refused) {
                // Kafka's record_errors (v8+): the Java producer fails the named records with their own message
                // (with the partition's error when only one is named) and the batch's other records generically.
                List<ProduceResponse.BatchIndexAndErrorMessage> errors = new ArrayList<>();
                for (RecordValidationException.RecordError error : refused.recordErrors()) {
                    errors.add(new ProduceResponse.BatchIndexAndErrorMessage()
                            .setBatchIndex(error.batchIndex())
                            .setBatchIndexErrorMessage(error.message()));
                }
                partitionResponse.setRecordErrors(errors);
            }
        }

        /**
         * KIP-951 (v10+), as Kafka's handleProduceRequest: each partition answered NOT_LEADER_OR_FOLLOWER names its
         * current leader and epoch, and the response the leaders' endpoints on the client's listener, so the producer
         * sends its retry there without waiting for a metadata refresh.
         */
        void nameCurrentLeaders() {
            if (version < MIN_VERSION_FOR_CURRENT_LEADER || (!anyError && waits.isEmpty())) {
                return; // no partition failed now, and none waits to fail later
            }
            Map<Integer, ProduceResponse.NodeEndpoint> endpoints = new LinkedHashMap<>();
            for (ProduceResponse.TopicProduceResponse topic : response.responses()) {
                for (ProduceResponse.PartitionProduceResponse partition : topic.partitionResponses()) {
                    if (partition.errorCode() != Errors.NOT_LEADER_OR_FOLLOWER.code()) {
                        continue;
                    }
                    String name = version >= 13 ? topics.nameOf(topic.topicId()) : topic.name();
                    if (name == null) {
                        break;
                    }
                    ReplicaManager.CurrentLeader leader =
                            replicaManager.currentLeader(new TopicPartition(name, partition.index()), listenerName);
                    partition.setCurrentLeader(new ProduceResponse.LeaderIdAndEpoch()
                            .setLeaderId(leader.leaderId())
                            .setLeaderEpoch(leader.leaderEpoch()));
                    if (leader.endpoint() != null) {
                        endpoints.put(
                                leader.leaderId(),
                                new ProduceResponse.NodeEndpoint()
                                        .setNodeId(leader.leaderId())
                                        .setHost(leader.endpoint().host())
                                        .setPort(leader.endpoint().port())
                                        .setRack(leader.rack()));
                    }
                }
            }
            if (!endpoints.isEmpty()) {
                response.setNodeEndpoints(new ArrayList<>(endpoints.values()));
            }
        }

        /** Answers now, or once the acks=all waits are done. */
        void finish() {
            if (acks == 0) {
                if (anyError) {
                    result.completeExceptionally(new CloseConnectionException("acks=0 produce failed"));
                } else {
                    result.complete(null);
                }
                return;
            }
            if (waits.isEmpty()) {
                nameCurrentLeaders();
                result.complete(response);
                return;
            }
            List<TopicPartition> keys = new ArrayList<>(waits.size());
            for (DelayedProduce.Wait wait : waits) {
                keys.add(wait.partition().topicPartition());
            }
            DelayedProduce delayed =
                    new DelayedProduce(request.timeoutMs(), waits, response, result, this::nameCurrentLeaders);
            replicaManager.producePurgatory().tryCompleteElseWatch(delayed, keys);
            delayed.completeWhenCancelled(result);
        }
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        ProduceRequest request = (ProduceRequest) message;
        Produce produce = new Produce(context.apiVersion(), request, context.listenerName());
        List<Unverified> unverified = new ArrayList<>();
        TxnProducer verifying = null;
        ApiException denied = authorizer.enabled() && transactionalIdDenied(context, request)
                ? new ApiException(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, null)
                : null;
        for (ProduceRequest.TopicProduceData topic : request.topicData()) {
            String name = produce.version >= 13 ? topics.nameOf(topic.topicId()) : topic.name();
            ProduceResponse.TopicProduceResponse topicResponse = new ProduceResponse.TopicProduceResponse()
                    .setName(topic.name())
                    .setTopicId(topic.topicId());
            produce.response.responses().add(topicResponse);
            ApiException topicDenied = denied != null || name == null
                    ? denied
                    : authorizer.deniedOnTopic(context, AclOperation.WRITE, name);
            if (topicDenied == null
                    && name != null
                    && TopicNames.isInternal(name)
                    && !ADMIN_CLIENT.equals(context.clientId())) {
                // Kafka's rule: the broker writes its internal topics itself; records a client puts there would forge
                // offsets or transaction state.
                topicDenied =
                        new ApiException(Errors.INVALID_TOPIC_EXCEPTION, "Cannot append to internal topic " + name);
            }
            for (ProduceRequest.PartitionProduceData data : topic.partitionData()) {
                ProduceResponse.PartitionProduceResponse partitionResponse =
                        new ProduceResponse.PartitionProduceResponse().setIndex(data.index());
                topicResponse.partitionResponses().add(partitionResponse);
                try {
                    if (topicDenied != null) {
                        throw topicDenied;
                    }
                    MemoryRecords records = validate(produce.version, produce.acks, name, data);
                    Partition partition = replicaManager.partitionOrThrow(new TopicPartition(name, data.index()));
                    TxnProducer producer = verifier == null ? null : transactionalProducer(records);
                    VerificationGuard guard = verifier == null ? null : VerificationGuard.NONE;
                    if (producer != null && request.transactionalId() != null) {
                        if (verifying != null && !verifying.sameProducer(producer)) {
                            throw new ApiException(
                                    Errors.INVALID_PRODUCER_ID_MAPPING,
                                    "Transactional records contained more than one producer ID");
                        }
                        guard = partition.maybeStartTransactionVerification(
                                producer.producerId(), producer.baseSequence(), producer.producerEpoch());
                        if (guard != VerificationGuard.NONE) {
                            verifying = producer;
                            unverified.add(new Unverified(partition, copy(records), guard, partitionResponse));
                            continue;
                        }
                    }
                    produce.append(partition, records, guard, partitionResponse);
                } catch (ApiException e) {
                    produce.fail(partitionResponse, e);
                }
            }
        }
        if (unverified.isEmpty()) {
            produce.finish();
            return produce.result;
        }
        List<TopicPartition> partitions = new ArrayList<>(unverified.size());
        unverified.forEach(u -> partitions.add(u.partition().topicPartition()));
        verifier.verify(request.transactionalId(), verifying.producerId(), verifying.producerEpoch(), partitions)
                .thenAcceptAsync(errors -> appendVerified(produce, unverified, errors), appendExecutor)
                .exceptionally(failure -> {
                    produce.result.completeExceptionally(failure);
                    return null;
                });
        return produce.result;
    }

    /** Whether the request holds a transactional batch its principal may not write for its transactional id. */
    private boolean transactionalIdDenied(RequestContext context, ProduceRequest request) {
        for (ProduceRequest.TopicProduceData topic : request.topicData()) {
            for (ProduceRequest.PartitionProduceData data : topic.partitionData()) {
                if (data.records() instanceof MemoryRecords memory && isTransactional(memory)) {
                    String id = request.transactionalId();
                    return id == null
                            || !authorizer.authorize(context, AclOperation.WRITE, AclResourceType.TRANSACTIONAL_ID, id);
                }
            }
        }
        return false;
    }

    /** Appends the batches whose partitions the coordinator confirmed, fails the others, and finishes. */
    private void appendVerified(Produce produce, List<Unverified> unverified, Map<TopicPartition, Errors> errors) {
        for (Unverified u : unverified) {
            Errors error = errors.get(u.partition().topicPartition());
            try {
                if (error != null) {
                    throw verificationFailure(error, produce.version);
                }
                produce.append(u.partition(), u.records(), u.guard(), u.response());
            } catch (ApiException e) {
                produce.fail(u.response(), e);
            }
        }
        produce.finish();
    }

    /**
     * What a producer is told when its partition was not verified, as Kafka's handleProduceAppend tells it:
     * TRANSACTION_ABORTABLE before Produce v11 is INVALID_TXN_STATE; the coordinator's retriable errors become
     * NOT_ENOUGH_REPLICAS, which every producer retries without a metadata refresh.
     */
    static ApiException verificationFailure(Errors error, short version) {
        Errors told = error == Errors.TRANSACTION_ABORTABLE && version < MIN_VERSION_FOR_TRANSACTION_ABORTABLE
                ? Errors.INVALID_TXN_STATE
                : error;
        return switch (told) {
            case INVALID_TXN_STATE -> new ApiException(told, "Partition was not added to the transaction");
            case NETWORK_EXCEPTION,
                    COORDINATOR_LOAD_IN_PROGRESS,
                    COORDINATOR_NOT_AVAILABLE,
                    NOT_COORDINATOR,
                    CONCURRENT_TRANSACTIONS ->
                new ApiException(
                        Errors.NOT_ENOUGH_REPLICAS,
                        "Unable to verify the partition has been added to the transaction. Underlying error: " + told);
            default -> new ApiException(told, "the transaction coordinator did not verify the partition: " + told);
        };
    }

    /** The request's records for one partition, checked as Kafka checks them before the log does. */
    private static MemoryRecords validate(
            short version, short acks, String topic, ProduceRequest.PartitionProduceData data) {
        if (acks != 0 && acks != 1 && acks != -1) {
            throw new ApiException(Errors.INVALID_REQUIRED_ACKS, "acks must be 0, 1 or -1 (all), got " + acks);
        }
        if (topic == null) {
            throw new ApiException(Errors.UNKNOWN_TOPIC_ID, "no topic has that id");
        }
        TopicNames.validate(topic);
        Records records = data.records();
        if (!(records instanceof MemoryRecords memory) || memory.sizeInBytes() == 0) {
            throw new ApiException(Errors.INVALID_RECORD, "the produce request holds no record batch for " + topic);
        }
        validateRecords(version, memory.buffer());
        return memory;
    }

    /** Whether the first batch has the transactional flag (Kafka's hasTransactionalRecords), whatever its producer. */
    private static boolean isTransactional(MemoryRecords records) {
        ByteBuffer buffer = records.buffer();
        return buffer.remaining() >= RecordBatchDescriptor.HEADER_SIZE
                && (buffer.getShort(buffer.position() + RecordBatchDescriptor.ATTRIBUTES_OFFSET)
                                & RecordBatchDescriptor.TRANSACTIONAL_FLAG_MASK)
                        != 0;
    }

    /** The producer of a transactional data batch (header read only), or null for any other batch. */
    private static TxnProducer transactionalProducer(MemoryRecords records) {
        ByteBuffer buffer = records.buffer();
        int position = buffer.position();
        if (buffer.remaining() < RecordBatchDescriptor.HEADER_SIZE) {
            return null; // the log rejects it
        }
        int attributes = buffer.getShort(position + RecordBatchDescriptor.ATTRIBUTES_OFFSET);
        long producerId = buffer.getLong(position + RecordBatchDescriptor.PRODUCER_ID_OFFSET);
        if ((attributes & RecordBatchDescriptor.TRANSACTIONAL_FLAG_MASK) == 0 || producerId < 0) {
            return null;
        }
        return new TxnProducer(
                producerId,
                buffer.getShort(position + RecordBatchDescriptor.PRODUCER_EPOCH_OFFSET),
                buffer.getInt(position + RecordBatchDescriptor.BASE_SEQUENCE_OFFSET));
    }

    /**
     * A copy of {@code records} that outlives the request buffer (released once {@link #handle} returns); made
     * only for a transaction's first batch in a partition, which waits for its verification.
     */
    private static MemoryRecords copy(MemoryRecords records) {
        ByteBuffer copy = ByteBuffer.allocate(records.sizeInBytes());
        copy.put(records.buffer().duplicate());
        copy.flip();
        return MemoryRecords.of(copy);
    }

    /**
     * Kafka's request-level checks ({@code ProduceRequest.validateRecords}, which walks the records as
     * {@code ByteBufferLogInputStream} does) before the log's own: one complete first batch, of magic 2 (a
     * legacy v0/v1 message is INVALID_RECORD, a magic byte outside 0..2 CORRUPT_MESSAGE), no zstd before
     * Produce v7, and no second complete batch. Reads header bytes only, each bounded by the buffer.
     */
    static void validateRecords(short version, ByteBuffer buffer) {
        int position = buffer.position();
        int firstSize = completeBatchSize(buffer, position);
        if (firstSize < 0) {
            throw new ApiException(
                    Errors.INVALID_RECORD,
                    "Produce requests with version " + version + " must have at least one record batch per partition");
        }
        byte magic = buffer.get(position + RecordBatchDescriptor.MAGIC_OFFSET);
        if (magic != RecordBatchDescriptor.MAGIC_V2) {
            throw new ApiException(
                    Errors.INVALID_RECORD,
                    "Produce requests with version " + version
                            + " are only allowed to contain record batches with magic version 2, got " + magic);
        }
        if (firstSize >= RecordBatchDescriptor.HEADER_SIZE) {
            int attributes = buffer.getShort(position + RecordBatchDescriptor.ATTRIBUTES_OFFSET);
            if (version < MIN_VERSION_FOR_ZSTD
                    && (attributes & RecordBatchDescriptor.COMPRESSION_CODEC_MASK) == CompressionType.ZSTD.id()) {
                throw new ApiException(
                        Errors.UNSUPPORTED_COMPRESSION_TYPE,
                        "Produce requests with version " + version + " are not allowed to use ZStandard compression");
            }
        }
        if (completeBatchSize(buffer, position + firstSize) >= 0) {
            throw new ApiException(
                    Errors.INVALID_RECORD,
                    "Produce requests with version " + version
                            + " are only allowed to contain exactly one record batch per partition");
        }
    }

    /** Size of the whole batch at {@code position}, or -1 when the bytes there hold no complete batch. */
    private static int completeBatchSize(ByteBuffer buffer, int position) {
        int remaining = buffer.limit() - position;
        if (remaining < RecordBatchDescriptor.LOG_OVERHEAD) {
            return -1;
        }
        int batchLength = buffer.getInt(position + RecordBatchDescriptor.BATCH_LENGTH_OFFSET);
        if (batchLength < LEGACY_RECORD_OVERHEAD_V0) {
            throw new ApiException(
                    Errors.CORRUPT_MESSAGE,
                    "record size " + batchLength + " is less than the minimum record overhead ("
                            + LEGACY_RECORD_OVERHEAD_V0 + ")");
        }
        if (remaining < RecordBatchDescriptor.MAGIC_OFFSET + 1) {
            return -1;
        }
        byte magic = buffer.get(position + RecordBatchDescriptor.MAGIC_OFFSET);
        if (magic < 0 || magic > RecordBatchDescriptor.MAGIC_V2) {
            throw new ApiException(Errors.CORRUPT_MESSAGE, "invalid magic found in record: " + magic);
        }
        long size = (long) batchLength + RecordBatchDescriptor.LOG_OVERHEAD;
        return remaining < size ? -1 : (int) size;
    }
}
