package io.fjord.broker.txn;

import io.fjord.broker.group.GroupHandlers;
import io.fjord.broker.handler.MetadataView;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.coordinator.txn.TransactionCoordinator;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.PartitionRegistration;
import io.fjord.metadata.TopicImage;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.AddPartitionsToTxnRequest;
import io.fjord.protocol.message.AddPartitionsToTxnResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks, for this broker as a partition leader, the transaction coordinator of a transactional id whether partitions
 * are in its producer's ongoing transaction, before the first transactional batch of that producer is appended to
 * them (KIP-890 part 1, Kafka's AddPartitionsToTxnManager): AddPartitionsToTxn v4+ with VerifyOnly. The coordinator
 * is the leader of the {@code __transaction_state} partition of the transactional id in the current metadata; when
 * that is this broker the {@link TransactionCoordinator} is asked directly.
 *
 * <p>Each other coordinator broker has one sender thread and connection (a {@link BrokerConnection}); the
 * verifications that queue for it while a request is in flight go out together in the next request (one entry per
 * transactional id). A second verification of a transactional id already queued joins it when it is of the same
 * producer id and epoch; otherwise the older epoch is answered INVALID_PRODUCER_EPOCH at once, as in Kafka. At
 * most {@code maxQueuedTransactions} transactional ids wait per broker; past that, and when the broker cannot be
 * reached, the answer is NETWORK_EXCEPTION (retriable). A coordinator that does not serve v4 skips the verification
 * (as Kafka does with an older coordinator).
 *
 * <p>Answers, per partition that is not verified: the coordinator's error with PRODUCER_FENCED told as
 * INVALID_PRODUCER_EPOCH (what producers expect here), COORDINATOR_NOT_AVAILABLE when the coordinator has no
 * live leader, NETWORK_EXCEPTION. Thread-safe; futures complete on a sender thread or the caller's.
 */
public final class TransactionVerifier implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TransactionVerifier.class);
    /** The first version with VerifyOnly and batched transactions. */
    private static final short MIN_VERIFY_VERSION = 4;

    private final Supplier<MetadataImage> images;
    private final TransactionCoordinator localCoordinator;
    private final int localBrokerId;
    private final int maxQueuedTransactions;
    private final IntFunction<BrokerLink> links;
    private final String clientId;
    /** Destinations by broker id. Guarded by itself. */
    private final Map<Integer, Destination> destinations = new HashMap<>();

    private boolean closed;

    /** What one caller waits for: the partitions it asked about. */
    private record Waiter(
            Collection<TopicPartition> partitions, CompletableFuture<Map<TopicPartition, Errors>> answer) {
        void complete(Map<TopicPartition, Errors> errors) {
            Map<TopicPartition, Errors> mine = new HashMap<>();
            for (TopicPartition tp : partitions) {
                Errors error = errors.get(tp);
                if (error != null && error != Errors.NONE) {
                    mine.put(tp, error);
                }
            }
            answer.complete(mine);
        }

        void fail(Errors error) {
            Map<TopicPartition, Errors> mine = new HashMap<>();
            partitions.forEach(tp -> mine.put(tp, error));
            answer.complete(mine);
        }
    }

    /** The queued verification of one transactional id. */
    private static final class Queued {
        final long producerId;
        final short producerEpoch;
        final Set<TopicPartition> partitions = new LinkedHashSet<>();
        final List<Waiter> waiters = new ArrayList<>(1);

        Queued(long producerId, short producerEpoch) {
            this.producerId = producerId;
            this.producerEpoch = producerEpoch;
        }

        void fail(Errors error) {
            waiters.forEach(waiter -> waiter.fail(error));
        }
    }

    /** One coordinator broker: its queue, sender thread and connection. */
    private final class Destination {
        private final int brokerId;
        private final ExecutorService sender;
        private final BrokerLink connection;
        /** Guarded by this. */
        private Map<String, Queued> queued = new LinkedHashMap<>();
        /** Guarded by this: whether a send of the queue is scheduled on the sender. */
        private boolean sendScheduled;
        /** Used by the sender thread only: only the change to failing is logged, not every retry. */
        private boolean failing;

        Destination(int brokerId) {
            this.brokerId = brokerId;
            this.connection = links.apply(brokerId);
            // At most one send runs and one more is scheduled (sendScheduled), so the queue stays short.
            ThreadPoolExecutor executor =
                    new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
                        Thread thread = new Thread(runnable, clientId + "-to-" + brokerId);
                        thread.setDaemon(true);
                        return thread;
                    });
            executor.allowCoreThreadTimeOut(true);
            this.sender = executor;
        }

        void enqueue(String transactionalId, long producerId, short producerEpoch, Waiter waiter) {
            synchronized (this) {
                Queued existing = queued.get(transactionalId);
                if (existing != null && existing.producerId == producerId && existing.producerEpoch == producerEpoch) {
                    existing.partitions.addAll(waiter.partitions());
                    existing.waiters.add(waiter);
                    return;
                }
                if (existing != null && existing.producerEpoch > producerEpoch) {
                    waiter.fail(Errors.INVALID_PRODUCER_EPOCH);
                    return;
                }
                if (existing != null) {
                    existing.fail(Errors.INVALID_PRODUCER_EPOCH);
                } else if (queued.size() >= maxQueuedTransactions) {
                    waiter.fail(Errors.NETWORK_EXCEPTION);
                    return;
                }
                Queued entry = new Queued(producerId, producerEpoch);
                entry.partitions.addAll(waiter.partitions());
                entry.waiters.add(waiter);
                queued.put(transactionalId, entry);
                if (sendScheduled) {
                    return;
                }
                sendScheduled = true;
            }
            try {
                sender.execute(this::sendQueued);
            } catch (RejectedExecutionException e) {
                failQueued(Errors.NETWORK_EXCEPTION);
            }
        }

        private void failQueued(Errors error) {
            Map<String, Queued> taken;
            synchronized (this) {
                taken = queued;
                queued = new LinkedHashMap<>();
                sendScheduled = false;
            }
            taken.values().forEach(q -> q.fail(error));
        }

        /** On the sender thread: sends everything queued as one request and answers its waiters. */
        private void sendQueued() {
            Map<String, Queued> taken;
            synchronized (this) {
                taken = queued;
                queued = new LinkedHashMap<>();
                sendScheduled = false;
            }
            if (taken.isEmpty()) {
                return;
            }
            InetSocketAddress address = connection.address();
            if (address == null) {
                taken.values().forEach(q -> q.fail(Errors.COORDINATOR_NOT_AVAILABLE));
                return;
            }
            try {
                short version = connection.version(address, ApiKeys.ADD_PARTITIONS_TO_TXN);
                if (version < MIN_VERIFY_VERSION) {
                    taken.values().forEach(q -> q.waiters.forEach(w -> w.complete(Map.of())));
                    return;
                }
                AddPartitionsToTxnResponse response = (AddPartitionsToTxnResponse)
                        connection.send(address, ApiKeys.ADD_PARTITIONS_TO_TXN, version, request(taken));
                if (failing) {
                    log.info("transaction verification with broker {} at {} works again", brokerId, address);
                    failing = false;
                }
                answer(taken, response);
            } catch (IOException | RuntimeException e) {
                if (!failing) {
                    log.warn(
                            "transaction verification with broker {} at {} failed: {}",
                            brokerId,
                            address,
                            e.toString());
                    failing = true;
                }
                taken.values().forEach(q -> q.fail(Errors.NETWORK_EXCEPTION));
            }
        }
    }

    /**
     * @param localCoordinator this broker's transaction coordinator, asked directly when it is the one
     * @param maxQueuedTransactions transactional ids waiting per coordinator broker
     * @param socketTimeoutMs how long a request may take
     */
    public TransactionVerifier(
            MetadataView metadata,
            TransactionCoordinator localCoordinator,
            int localBrokerId,
            int maxQueuedTransactions,
            int socketTimeoutMs,
            int maxResponseBytes) {
        this(
                metadata::image,
                localCoordinator,
                localBrokerId,
                maxQueuedTransactions,
                brokerId -> new BrokerConnection(
                        metadata,
                        brokerId,
                        socketTimeoutMs,
                        maxResponseBytes,
                        "fjord-txn-verification-" + localBrokerId));
    }

    /**
     * @param links the connection to each coordinator broker, by broker id, made once per broker; it bounds each
     *     request's wait
     */
    // Visible for testing
    TransactionVerifier(
            Supplier<MetadataImage> images,
            TransactionCoordinator localCoordinator,
            int localBrokerId,
            int maxQueuedTransactions,
            IntFunction<BrokerLink> links) {
        this.images = images;
        this.localCoordinator = localCoordinator;
        this.localBrokerId = localBrokerId;
        this.maxQueuedTransactions = maxQueuedTransactions;
        this.links = links;
        this.clientId = "fjord-txn-verification-" + localBrokerId;
    }

    /**
     * Asks whether each of {@code partitions} is in the ongoing transaction of {@code transactionalId}'s producer
     * {@code producerId} at {@code producerEpoch}. Completes, never exceptionally, with the partitions that are not
     * and why; an empty map means all are verified.
     */
    public CompletableFuture<Map<TopicPartition, Errors>> verify(
            String transactionalId, long producerId, short producerEpoch, Collection<TopicPartition> partitions) {
        CompletableFuture<Map<TopicPartition, Errors>> answer = new CompletableFuture<>();
        Waiter waiter = new Waiter(List.copyOf(partitions), answer);
        int coordinatorId = coordinatorOf(transactionalId);
        if (coordinatorId < 0) {
            waiter.fail(Errors.COORDINATOR_NOT_AVAILABLE);
        } else if (coordinatorId == localBrokerId) {
            Map<TopicPartition, Errors> errors = localCoordinator.verifyPartitions(
                    transactionalId, producerId, producerEpoch, Set.copyOf(partitions));
            errors.replaceAll((tp, error) -> fenced(error));
            waiter.complete(errors);
        } else {
            Destination destination = destination(coordinatorId);
            if (destination == null) {
                waiter.fail(Errors.NETWORK_EXCEPTION);
            } else {
                destination.enqueue(transactionalId, producerId, producerEpoch, waiter);
            }
        }
        return answer;
    }

    /** The leader of the transactional id's {@code __transaction_state} partition, or -1 when there is none. */
    private int coordinatorOf(String transactionalId) {
        TopicImage topic = images.get().topics().topic(GroupHandlers.TRANSACTION_STATE_TOPIC);
        PartitionRegistration partition =
                topic == null ? null : topic.partitions().get(localCoordinator.partitionFor(transactionalId));
        return partition == null ? -1 : partition.leader();
    }

    private Destination destination(int brokerId) {
        synchronized (destinations) {
            return closed ? null : destinations.computeIfAbsent(brokerId, Destination::new);
        }
    }

    private static AddPartitionsToTxnRequest request(Map<String, Queued> taken) {
        AddPartitionsToTxnRequest request = new AddPartitionsToTxnRequest();
        taken.forEach((transactionalId, q) -> {
            Map<String, List<Integer>> byTopic = new TreeMap<>();
            q.partitions.forEach(tp ->
                    byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
            AddPartitionsToTxnRequest.AddPartitionsToTxnTransaction txn =
                    new AddPartitionsToTxnRequest.AddPartitionsToTxnTransaction()
                            .setTransactionalId(transactionalId)
                            .setProducerId(q.producerId)
                            .setProducerEpoch(q.producerEpoch)
                            .setVerifyOnly(true);
            byTopic.forEach((topic, indexes) -> txn.topics()
                    .add(new AddPartitionsToTxnRequest.AddPartitionsToTxnTopic()
                            .setName(topic)
                            .setPartitions(indexes)));
            request.transactions().add(txn);
        });
        return request;
    }

    /** Hands each transaction's results to its waiters; a partition the answer leaves out is NETWORK_EXCEPTION. */
    private static void answer(Map<String, Queued> taken, AddPartitionsToTxnResponse response) {
        Errors topLevel = Errors.forCode(response.errorCode());
        Map<String, Map<TopicPartition, Errors>> byTransaction = new HashMap<>();
        for (AddPartitionsToTxnResponse.AddPartitionsToTxnResult result : response.resultsByTransaction()) {
            Map<TopicPartition, Errors> errors = new HashMap<>();
            for (AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult topic : result.topicResults()) {
                for (AddPartitionsToTxnResponse.AddPartitionsToTxnPartitionResult p : topic.resultsByPartition()) {
                    errors.put(
                            new TopicPartition(topic.name(), p.partitionIndex()),
                            fenced(Errors.forCode(p.partitionErrorCode())));
                }
            }
            byTransaction.put(result.transactionalId(), errors);
        }
        taken.forEach((transactionalId, q) -> {
            if (topLevel != Errors.NONE) {
                q.fail(topLevel);
                return;
            }
            Map<TopicPartition, Errors> errors = new HashMap<>(byTransaction.getOrDefault(transactionalId, Map.of()));
            for (TopicPartition tp : q.partitions) {
                errors.putIfAbsent(tp, Errors.NETWORK_EXCEPTION);
            }
            q.waiters.forEach(waiter -> waiter.complete(errors));
        });
    }

    /** Producers expect INVALID_PRODUCER_EPOCH here, not PRODUCER_FENCED (Kafka's AddPartitionsToTxnManager). */
    private static Errors fenced(Errors error) {
        return error == Errors.PRODUCER_FENCED ? Errors.INVALID_PRODUCER_EPOCH : error;
    }

    @Override
    public void close() {
        List<Destination> all;
        synchronized (destinations) {
            closed = true;
            all = new ArrayList<>(destinations.values());
            destinations.clear();
        }
        for (Destination destination : all) {
            destination.sender.shutdownNow();
            destination.connection.close();
            destination.failQueued(Errors.NETWORK_EXCEPTION);
        }
    }
}
