package io.fjord.broker.handler;

import io.fjord.broker.network.RequestContext;
import io.fjord.broker.network.RequestHandler;
import io.fjord.broker.security.Authorizer;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.metadata.AclOperation;
import io.fjord.protocol.ApiMessage;
import io.fjord.protocol.message.WriteTxnMarkersRequest;
import io.fjord.protocol.message.WriteTxnMarkersResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * WriteTxnMarkers (v1-v2, KIP-98): a transaction coordinator asks the leaders of a transaction's
 * partitions to append its COMMIT or ABORT marker. Every marker of the request is written at once through
 * the {@link TxnMarkerWriter}; the response, one error per partition in request order, goes out when
 * every marker is committed or failed. The TransactionVersion of v2 changes nothing here: the marker's
 * producer epoch must be at least the producer's current one in either case.
 *
 * <p>Only a broker (CLUSTER_ACTION on the cluster) or an admin aborting a hanging transaction (ALTER on the cluster,
 * KIP-664) may send it; ALTER is asked first without logging a denial, as Kafka asks. Anyone else gets
 * CLUSTER_AUTHORIZATION_FAILED on every partition of every marker and nothing is written.
 *
 * <p>Runs on an I/O thread; the response completes on the thread that committed the last marker.
 */
public final class WriteTxnMarkersHandler implements RequestHandler {

    private final TxnMarkerWriter writer;
    private final Authorizer authorizer;

    public WriteTxnMarkersHandler(TxnMarkerWriter writer, Authorizer authorizer) {
        this.writer = writer;
        this.authorizer = authorizer;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, ApiMessage message) {
        WriteTxnMarkersRequest request = (WriteTxnMarkersRequest) message;
        List<CompletableFuture<Map<TopicPartition, Errors>>> written = new ArrayList<>();
        if (!authorizer.authorizeCluster(context, AclOperation.ALTER, false)
                && !authorizer.authorizeCluster(context, AclOperation.CLUSTER_ACTION)) {
            // No marker is written: each partition's error defaults to the denial.
            for (int i = 0; i < request.markers().size(); i++) {
                written.add(CompletableFuture.completedFuture(Map.of()));
            }
            return CompletableFuture.completedFuture(response(request, written, Errors.CLUSTER_AUTHORIZATION_FAILED));
        }
        for (WriteTxnMarkersRequest.WritableTxnMarker marker : request.markers()) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (WriteTxnMarkersRequest.WritableTxnMarkerTopic topic : marker.topics()) {
                for (int partition : topic.partitionIndexes()) {
                    partitions.add(new TopicPartition(topic.name(), partition));
                }
            }
            written.add(writer.writeMarkers(
                    marker.producerId(),
                    marker.producerEpoch(),
                    marker.coordinatorEpoch(),
                    marker.transactionResult(),
                    partitions));
        }
        return CompletableFuture.allOf(written.toArray(CompletableFuture[]::new))
                .thenApply(done -> response(request, written, Errors.UNKNOWN_SERVER_ERROR));
    }

    /** The response, each partition with its error from {@code written}, else {@code missing}. */
    private static ApiMessage response(
            WriteTxnMarkersRequest request,
            List<CompletableFuture<Map<TopicPartition, Errors>>> written,
            Errors missing) {
        WriteTxnMarkersResponse response = new WriteTxnMarkersResponse();
        for (int i = 0; i < request.markers().size(); i++) {
            WriteTxnMarkersRequest.WritableTxnMarker marker = request.markers().get(i);
            Map<TopicPartition, Errors> errors = written.get(i).join();
            WriteTxnMarkersResponse.WritableTxnMarkerResult result =
                    new WriteTxnMarkersResponse.WritableTxnMarkerResult().setProducerId(marker.producerId());
            response.markers().add(result);
            for (WriteTxnMarkersRequest.WritableTxnMarkerTopic topic : marker.topics()) {
                WriteTxnMarkersResponse.WritableTxnMarkerTopicResult topicResult =
                        new WriteTxnMarkersResponse.WritableTxnMarkerTopicResult().setName(topic.name());
                result.topics().add(topicResult);
                for (int partition : topic.partitionIndexes()) {
                    Errors error = errors.getOrDefault(new TopicPartition(topic.name(), partition), missing);
                    topicResult
                            .partitions()
                            .add(new WriteTxnMarkersResponse.WritableTxnMarkerPartitionResult()
                                    .setPartitionIndex(partition)
                                    .setErrorCode(error.code()));
                }
            }
        }
        return response;
    }
}
