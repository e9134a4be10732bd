package io.fjord.broker.handler;

import io.fjord.broker.network.CloseConnectionException;
import io.fjord.broker.network.RequestContext;
import io.fjord.broker.network.RequestHandler;
import io.fjord.broker.partition.Partition;
import io.fjord.broker.partition.ReplicaManager;
import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.metadata.TopicNames;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.MemoryRecords;
import io.fjord.protocol.Records;
import io.fjord.protocol.message.ProduceRequest;
import io.fjord.protocol.message.ProduceResponse;
import io.fjord.protocol.record.CompressionType;
import io.fjord.protocol.record.RecordBatchDescriptor;
import io.fjord.storage.LogAppendInfo;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Produce: appends each partition's batches to its log as leader and answers per partition. acks=0
 * sends no answer (and closes the connection if anything failed, so the client notices); acks=1
 * answers once appended; acks=all waits in the produce purgatory for the high watermark.
 *
 * <p>Runs on an I/O thread, one request per connection at a time (so a producer's pipelined batches
 * reach each log in the order sent).
 */
public final class ProduceHandler implements RequestHandler {

    /** zstd needs Produce v7 (KIP-110). */
    private static final short MIN_VERSION_FOR_ZSTD = 7;

    /** The smallest legacy (magic 0) message after the log overhead: crc, magic, attributes, key and value sizes. */
    private static final int LEGACY_RECORD_OVERHEAD_V0 = 14;

    private final ReplicaManager replicaManager;
    private final TopicResolver topics;

    public ProduceHandler(ReplicaManager replicaManager, TopicResolver topics) {
        this.replicaManager = replicaManager;
        this.topics = topics;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        ProduceRequest request = (ProduceRequest) message;
        short version = context.apiVersion();
        short acks = request.acks();
        ProduceResponse response = new ProduceResponse();
        List<DelayedProduce.Wait> waits = new ArrayList<>();
        boolean anyError = false;
        for (ProduceRequest.TopicProduceData topic : request.topicData()) {
            String name = version >= 13 ? topics.nameOf(topic.topicId()) : topic.name();
            ProduceResponse.TopicProduceResponse topicResponse = new ProduceResponse.TopicProduceResponse()
                    .setName(topic.name())
                    .setTopicId(topic.topicId());
            response.responses().add(topicResponse);
            for (ProduceRequest.PartitionProduceData data : topic.partitionData()) {
                ProduceResponse.PartitionProduceResponse partitionResponse =
                        new ProduceResponse.PartitionProduceResponse().setIndex(data.index());
                topicResponse.partitionResponses().add(partitionResponse);
                try {
                    DelayedProduce.Wait wait = append(version, acks, name, data, partitionResponse);
                    if (wait != null) {
                        waits.add(wait);
                    }
                } catch (ApiException e) {
                    anyError = true;
                    partitionResponse
                            .setErrorCode(e.error().code())
                            .setErrorMessage(e.getMessage())
                            .setBaseOffset(-1L);
                }
            }
        }
        if (acks == 0) {
            return anyError
                    ? CompletableFuture.failedFuture(new CloseConnectionException("acks=0 produce failed"))
                    : CompletableFuture.completedFuture(null);
        }
        if (waits.isEmpty()) {
            return CompletableFuture.completedFuture(response);
        }
        CompletableFuture<ApiMessage> future = new CompletableFuture<>();
        List<TopicPartition> keys = new ArrayList<>(waits.size());
        for (DelayedProduce.Wait wait : waits) {
            keys.add(wait.partition().topicPartition());
        }
        DelayedProduce delayed = new DelayedProduce(request.timeoutMs(), waits, response, future);
        replicaManager.producePurgatory().tryCompleteElseWatch(delayed, keys);
        // The connection cancels the future when the client goes: stop waiting and drop the timer then.
        future.whenComplete((answer, failure) -> {
            if (future.isCancelled()) {
                delayed.forceComplete();
            }
        });
        return future;
    }

    private DelayedProduce.Wait append(
            short version,
            short acks,
            String topic,
            ProduceRequest.PartitionProduceData data,
            ProduceResponse.PartitionProduceResponse partitionResponse) {
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
        TopicPartition tp = new TopicPartition(topic, data.index());
        Partition partition = replicaManager.partitionOrThrow(tp);
        LogAppendInfo info = partition.appendAsLeader(memory, acks);
        partitionResponse
                .setBaseOffset(info.firstOffset())
                .setLogAppendTimeMs(info.logAppendTimeMs())
                .setLogStartOffset(info.logStartOffset());
        return acks == -1 ? new DelayedProduce.Wait(partition, info.lastOffset() + 1, partitionResponse) : null;
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
