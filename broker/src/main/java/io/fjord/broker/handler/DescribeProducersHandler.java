package io.fjord.broker.handler;

import io.fjord.broker.network.RequestContext;
import io.fjord.broker.network.RequestHandler;
import io.fjord.broker.partition.ReplicaManager;
import io.fjord.common.ApiException;
import io.fjord.common.TopicPartition;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.DescribeProducersRequest;
import io.fjord.protocol.message.DescribeProducersResponse;
import io.fjord.storage.ActiveProducer;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeProducers (KIP-664, {@code kafka-transactions.sh describe-producers} and {@code find-hanging}): the
 * producers each partition with a replica on this broker remembers, with their epoch, last sequence and timestamp,
 * the coordinator epoch of their last marker and the start offset of their open transaction. A follower answers
 * from its own log, as in Kafka: {@code find-hanging --broker-id N} asks broker N about every partition with a
 * replica there, and the Admin client takes NOT_LEADER_OR_FOLLOWER from the broker it was told to ask as fatal. A
 * partition without a replica here answers NOT_LEADER_OR_FOLLOWER, an unknown one UNKNOWN_TOPIC_OR_PARTITION. Runs
 * on an I/O thread.
 */
public final class DescribeProducersHandler implements RequestHandler {

    private final ReplicaManager replicaManager;

    public DescribeProducersHandler(ReplicaManager replicaManager) {
        this.replicaManager = replicaManager;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        DescribeProducersRequest request = (DescribeProducersRequest) message;
        DescribeProducersResponse response = new DescribeProducersResponse();
        for (DescribeProducersRequest.TopicRequest topic : request.topics()) {
            DescribeProducersResponse.TopicResponse topicResponse =
                    new DescribeProducersResponse.TopicResponse().setName(topic.name());
            response.topics().add(topicResponse);
            for (int index : topic.partitionIndexes()) {
                DescribeProducersResponse.PartitionResponse partition =
                        new DescribeProducersResponse.PartitionResponse().setPartitionIndex(index);
                topicResponse.partitions().add(partition);
                try {
                    for (ActiveProducer p : replicaManager
                            .replicaOrThrow(new TopicPartition(topic.name(), index))
                            .log()
                            .activeProducers()) {
                        partition
                                .activeProducers()
                                .add(new DescribeProducersResponse.ProducerState()
                                        .setProducerId(p.producerId())
                                        .setProducerEpoch(p.producerEpoch())
                                        .setLastSequence(p.lastSequence())
                                        .setLastTimestamp(p.lastTimestampMs())
                                        .setCoordinatorEpoch(p.coordinatorEpoch())
                                        .setCurrentTxnStartOffset(p.currentTxnStartOffset()));
                    }
                } catch (ApiException e) {
                    partition.setErrorCode(e.error().code()).setErrorMessage(e.getMessage());
                }
            }
        }
        return CompletableFuture.completedFuture(response);
    }
}
