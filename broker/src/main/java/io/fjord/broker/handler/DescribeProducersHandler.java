package io.fjord.broker.handler;

import io.fjord.broker.network.RequestContext;
import io.fjord.broker.network.RequestHandler;
import io.fjord.broker.partition.ReplicaManager;
import io.fjord.broker.security.Authorizer;
import io.fjord.common.ApiException;
import io.fjord.common.TopicPartition;
import io.fjord.metadata.AclOperation;
import io.fjord.metadata.TopicNames;
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
    private final Authorizer authorizer;

    public DescribeProducersHandler(ReplicaManager replicaManager) {
        this(replicaManager, Authorizer.allowAll());
    }

    /** With ACLs: each topic needs READ, else each of its partitions gets TOPIC_AUTHORIZATION_FAILED. */
    public DescribeProducersHandler(ReplicaManager replicaManager, Authorizer authorizer) {
        this.replicaManager = replicaManager;
        this.authorizer = authorizer;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        DescribeProducersRequest request = (DescribeProducersRequest) message;
        DescribeProducersResponse response = new DescribeProducersResponse();
        for (DescribeProducersRequest.TopicRequest topic : request.topics()) {
            DescribeProducersResponse.TopicResponse topicResponse =
                    new DescribeProducersResponse.TopicResponse().setName(topic.name());
            response.topics().add(topicResponse);
            ApiException denied = topicError(context, topic.name());
            for (int index : topic.partitionIndexes()) {
                DescribeProducersResponse.PartitionResponse partition =
                        new DescribeProducersResponse.PartitionResponse().setPartitionIndex(index);
                topicResponse.partitions().add(partition);
                try {
                    if (denied != null) {
                        throw denied;
                    }
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

    /** As Kafka, in order: an invalid topic name, then READ on the topic; null when neither fails. */
    private ApiException topicError(RequestContext context, String topic) {
        if (!authorizer.enabled()) {
            return null;
        }
        try {
            TopicNames.validate(topic);
        } catch (ApiException e) {
            return e;
        }
        return authorizer.deniedOnTopic(context, AclOperation.READ, topic);
    }
}
