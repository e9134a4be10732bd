package io.fjord.broker.txn;

import io.fjord.broker.handler.MetadataView;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.coordinator.txn.TransactionCoordinator;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.PartitionRegistration;
import io.fjord.metadata.TopicImage;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.WriteTxnMarkersRequest;
import io.fjord.protocol.message.WriteTxnMarkersResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes end-transaction markers for the transaction coordinator: the partitions are grouped by their leader in
 * the current metadata and each leader, this broker included, gets one WriteTxnMarkers request, as Kafka's marker
 * channel does. A partition whose topic is gone answers UNKNOWN_TOPIC_OR_PARTITION (the coordinator drops it);
 * one without a live leader, one its leader does not know yet, or one whose leader cannot be reached answers a
 * retriable error and the coordinator tries again.
 *
 * <p>Each destination broker has its own connection and sender thread with a bounded queue, so a broker that is
 * slow or unreachable holds up only the markers bound for it; the connection is a {@link BrokerConnection}
 * (bounded connect wait, fail-fast backoff after a failed connect). Thread-safe.
 */
public final class TxnMarkerChannel implements TransactionCoordinator.MarkerWriter, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TxnMarkerChannel.class);
    private static final short WRITE_TXN_MARKERS_VERSION = 1;

    private final MetadataView metadata;
    private final int queueBound;
    private final int socketTimeoutMs;
    private final int maxResponseBytes;
    private final String clientId;
    /** Destinations by broker id. Guarded by itself. */
    private final Map<Integer, Destination> destinations = new HashMap<>();

    private boolean closed;

    /** One destination broker: its sender thread and connection, reopened after a failure. */
    private final class Destination {
        private final int brokerId;
        private final ThreadPoolExecutor sender;
        private final BrokerConnection connection;
        /** Used by the sender thread only: only the change to failing is logged, not every retry. */
        private boolean failing;

        Destination(int brokerId) {
            this.brokerId = brokerId;
            this.connection = new BrokerConnection(metadata, brokerId, socketTimeoutMs, maxResponseBytes, clientId);
            this.sender = new ThreadPoolExecutor(
                    1, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(queueBound), runnable -> {
                        Thread thread = new Thread(runnable, clientId + "-to-" + brokerId);
                        thread.setDaemon(true);
                        return thread;
                    });
            sender.allowCoreThreadTimeOut(true);
        }

        /** On the sender thread: sends to the broker's current address, connecting first when needed. */
        Map<TopicPartition, Errors> send(WriteTxnMarkersRequest request, List<TopicPartition> partitions) {
            Map<TopicPartition, Errors> errors = new HashMap<>();
            InetSocketAddress address = connection.address();
            if (address == null) {
                partitions.forEach(tp -> errors.put(tp, Errors.LEADER_NOT_AVAILABLE));
                return errors;
            }
            try {
                WriteTxnMarkersResponse response = (WriteTxnMarkersResponse)
                        connection.send(address, ApiKeys.WRITE_TXN_MARKERS, WRITE_TXN_MARKERS_VERSION, request);
                if (failing) {
                    log.info("WriteTxnMarkers to broker {} at {} works again", brokerId, address);
                    failing = false;
                }
                for (WriteTxnMarkersResponse.WritableTxnMarkerResult marker : response.markers()) {
                    for (WriteTxnMarkersResponse.WritableTxnMarkerTopicResult topic : marker.topics()) {
                        for (WriteTxnMarkersResponse.WritableTxnMarkerPartitionResult p : topic.partitions()) {
                            TopicPartition tp = new TopicPartition(topic.name(), p.partitionIndex());
                            errors.put(tp, leaderError(tp, Errors.forCode(p.errorCode())));
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (!failing) {
                    log.warn(
                            "WriteTxnMarkers to broker {} at {} failed (retried until it works): {}",
                            brokerId,
                            address,
                            e.toString());
                    failing = true;
                }
            }
            for (TopicPartition tp : partitions) {
                errors.putIfAbsent(tp, Errors.NETWORK_EXCEPTION);
            }
            return errors;
        }
    }

    /**
     * @param queueBound marker requests waiting per destination; past it, markers fail retriably
     * @param socketTimeoutMs how long a request may take (the leader answers once its in-sync replicas have the
     *     marker)
     */
    public TxnMarkerChannel(
            MetadataView metadata, int queueBound, int socketTimeoutMs, int maxResponseBytes, int nodeId) {
        this.metadata = metadata;
        this.queueBound = queueBound;
        this.socketTimeoutMs = socketTimeoutMs;
        this.maxResponseBytes = maxResponseBytes;
        this.clientId = "fjord-txn-markers-" + nodeId;
    }

    @Override
    public CompletableFuture<Map<TopicPartition, Errors>> write(
            long producerId,
            short producerEpoch,
            int coordinatorEpoch,
            boolean commit,
            Set<TopicPartition> partitions) {
        Map<TopicPartition, Errors> errors = new HashMap<>();
        Map<Integer, List<TopicPartition>> byLeader = new TreeMap<>();
        MetadataImage image = metadata.image();
        for (TopicPartition tp : partitions) {
            TopicImage topic = image.topics().topic(tp.topic());
            PartitionRegistration partition =
                    topic == null ? null : topic.partitions().get(tp.partition());
            if (partition == null) {
                errors.put(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION);
            } else if (partition.leader() < 0) {
                errors.put(tp, Errors.LEADER_NOT_AVAILABLE);
            } else {
                byLeader.computeIfAbsent(partition.leader(), id -> new ArrayList<>())
                        .add(tp);
            }
        }
        List<CompletableFuture<Map<TopicPartition, Errors>>> sent = new ArrayList<>();
        for (Map.Entry<Integer, List<TopicPartition>> e : byLeader.entrySet()) {
            WriteTxnMarkersRequest request = request(producerId, producerEpoch, coordinatorEpoch, commit, e.getValue());
            Destination destination = destination(e.getKey());
            try {
                if (destination == null) {
                    throw new RejectedExecutionException("the channel is closed");
                }
                sent.add(CompletableFuture.supplyAsync(
                        () -> destination.send(request, e.getValue()), destination.sender));
            } catch (RejectedExecutionException rejected) {
                e.getValue().forEach(tp -> errors.put(tp, Errors.REQUEST_TIMED_OUT));
            }
        }
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).thenApply(done -> {
            sent.forEach(f -> errors.putAll(f.join()));
            return errors;
        });
    }

    private Destination destination(int brokerId) {
        synchronized (destinations) {
            return closed ? null : destinations.computeIfAbsent(brokerId, Destination::new);
        }
    }

    /**
     * A leader that does not know a partition the coordinator's metadata has is behind (just started or
     * unfenced): retriable, like Kafka's marker channel. Markers to a broker that cannot take them at all are
     * given up.
     */
    private Errors leaderError(TopicPartition tp, Errors error) {
        if (error != Errors.UNKNOWN_TOPIC_OR_PARTITION) {
            return error;
        }
        TopicImage topic = metadata.image().topics().topic(tp.topic());
        return topic != null && topic.partitions().containsKey(tp.partition())
                ? Errors.NOT_LEADER_OR_FOLLOWER
                : Errors.UNKNOWN_TOPIC_OR_PARTITION;
    }

    private static WriteTxnMarkersRequest request(
            long producerId,
            short producerEpoch,
            int coordinatorEpoch,
            boolean commit,
            List<TopicPartition> partitions) {
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        partitions.forEach(tp ->
                byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
        WriteTxnMarkersRequest.WritableTxnMarker marker = new WriteTxnMarkersRequest.WritableTxnMarker()
                .setProducerId(producerId)
                .setProducerEpoch(producerEpoch)
                .setTransactionResult(commit)
                .setCoordinatorEpoch(coordinatorEpoch);
        byTopic.forEach((topic, indexes) -> marker.topics()
                .add(new WriteTxnMarkersRequest.WritableTxnMarkerTopic()
                        .setName(topic)
                        .setPartitionIndexes(indexes)));
        return new WriteTxnMarkersRequest().setMarkers(new ArrayList<>(List.of(marker)));
    }

    @Override
    public void close() {
        synchronized (destinations) {
            closed = true;
            for (Destination destination : destinations.values()) {
                destination.sender.shutdownNow();
                destination.connection.close();
            }
            destinations.clear();
        }
    }
}
