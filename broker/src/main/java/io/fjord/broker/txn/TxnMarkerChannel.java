package io.fjord.broker.txn;

import io.fjord.broker.handler.MetadataView;
import io.fjord.broker.partition.BrokerToBrokerClient;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.coordinator.txn.TransactionCoordinator;
import io.fjord.metadata.BrokerRegistration;
import io.fjord.metadata.Endpoint;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes end-transaction markers for the transaction coordinator: the partitions are grouped by their leader in
 * the current metadata and each leader, this broker included, gets one WriteTxnMarkers request, as Kafka's marker
 * channel does. A partition whose topic is gone answers UNKNOWN_TOPIC_OR_PARTITION (the coordinator drops it);
 * one without a live leader, or whose leader cannot be reached, answers a retriable error and the coordinator
 * tries again.
 *
 * <p>Thread-safe: requests run on {@code senders} (bounded), one at a time per destination over one connection
 * that is reopened after a failure.
 */
public final class TxnMarkerChannel implements TransactionCoordinator.MarkerWriter, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TxnMarkerChannel.class);
    private static final short WRITE_TXN_MARKERS_VERSION = 1;

    private final MetadataView metadata;
    private final ExecutorService senders;
    private final int socketTimeoutMs;
    private final int maxResponseBytes;
    private final String clientId;
    /** Connections by broker id; each is used under its own monitor. Guarded by itself. */
    private final Map<Integer, Connection> connections = new HashMap<>();

    /** One destination's connection, reopened after a failure. */
    private final class Connection {
        private final int brokerId;
        private BrokerToBrokerClient client;
        private InetSocketAddress address;
        /** Whether the last request failed: only the change is logged, not every retry. */
        private boolean failing;

        Connection(int brokerId) {
            this.brokerId = brokerId;
        }

        synchronized WriteTxnMarkersResponse send(InetSocketAddress to, WriteTxnMarkersRequest request)
                throws IOException {
            if (client != null && !to.equals(address)) {
                client.close();
                client = null;
            }
            if (client == null) {
                client = BrokerToBrokerClient.connect(to, socketTimeoutMs, maxResponseBytes, clientId);
                address = to;
            }
            try {
                WriteTxnMarkersResponse response = (WriteTxnMarkersResponse)
                        client.send(ApiKeys.WRITE_TXN_MARKERS, WRITE_TXN_MARKERS_VERSION, request);
                if (failing) {
                    log.info("WriteTxnMarkers to broker {} at {} works again", brokerId, to);
                    failing = false;
                }
                return response;
            } catch (IOException | RuntimeException e) {
                client.close();
                client = null;
                throw e;
            }
        }

        /** Logs a failed request once per run of failures; the coordinator retries it. */
        synchronized void failed(InetSocketAddress to, Exception e) {
            if (!failing) {
                log.warn(
                        "WriteTxnMarkers to broker {} at {} failed (retried until it works): {}",
                        brokerId,
                        to,
                        e.toString());
                failing = true;
            }
        }

        synchronized void close() {
            if (client != null) {
                client.close();
                client = null;
            }
        }
    }

    public TxnMarkerChannel(
            MetadataView metadata, ExecutorService senders, int socketTimeoutMs, int maxResponseBytes, int nodeId) {
        this.metadata = metadata;
        this.senders = senders;
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
            BrokerRegistration broker = image.cluster().broker(e.getKey());
            Endpoint endpoint = broker == null || broker.fenced() ? null : MetadataView.clientEndpoint(broker);
            if (endpoint == null) {
                e.getValue().forEach(tp -> errors.put(tp, Errors.LEADER_NOT_AVAILABLE));
                continue;
            }
            WriteTxnMarkersRequest request = request(producerId, producerEpoch, coordinatorEpoch, commit, e.getValue());
            try {
                sent.add(CompletableFuture.supplyAsync(
                        () -> send(
                                e.getKey(),
                                new InetSocketAddress(endpoint.host(), endpoint.port()),
                                request,
                                e.getValue()),
                        senders));
            } catch (RejectedExecutionException rejected) {
                e.getValue().forEach(tp -> errors.put(tp, Errors.REQUEST_TIMED_OUT));
            }
        }
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).thenApply(done -> {
            sent.forEach(f -> errors.putAll(f.join()));
            return errors;
        });
    }

    private Map<TopicPartition, Errors> send(
            int brokerId, InetSocketAddress address, WriteTxnMarkersRequest request, List<TopicPartition> partitions) {
        Connection connection;
        synchronized (connections) {
            connection = connections.computeIfAbsent(brokerId, Connection::new);
        }
        Map<TopicPartition, Errors> errors = new HashMap<>();
        try {
            WriteTxnMarkersResponse response = connection.send(address, request);
            for (WriteTxnMarkersResponse.WritableTxnMarkerResult marker : response.markers()) {
                for (WriteTxnMarkersResponse.WritableTxnMarkerTopicResult topic : marker.topics()) {
                    for (WriteTxnMarkersResponse.WritableTxnMarkerPartitionResult p : topic.partitions()) {
                        errors.put(new TopicPartition(topic.name(), p.partitionIndex()), Errors.forCode(p.errorCode()));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            connection.failed(address, e);
        }
        for (TopicPartition tp : partitions) {
            errors.putIfAbsent(tp, Errors.NETWORK_EXCEPTION);
        }
        return errors;
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
        synchronized (connections) {
            connections.values().forEach(Connection::close);
            connections.clear();
        }
    }
}
