package io.fjord.metadata;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.Time;
import io.fjord.common.TopicPartition;
import io.fjord.common.Uuid;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active controller: validates cluster changes (topics, partitions, configs, broker registrations)
 * and appends the resulting records to the {@link MetadataLog}; each operation's future completes once
 * its records are committed (by then the log has handed them to every listener, e.g. the broker's
 * {@link MetadataLoader}), or at once when it only validates or changes nothing.
 *
 * <p>Threading, like Kafka's QuorumController: every operation and every log callback is an event on
 * one single-threaded queue this class owns ({@code fjord-controller-event}), so the state below needs
 * no locks. Public methods may be called from any thread and never block. Operations that arrive before
 * the log's existing batches are replayed wait until then.
 *
 * <p>State: the committed image (built from the log's committed batches) and the latest image, which
 * also holds this controller's in-flight batches, so back-to-back requests see each other (two creates of
 * one name cannot both succeed). A committed batch that equals the oldest in-flight one is ours; any other
 * means another node wrote (a Raft leader change), and the in-flight batches are dropped from the latest
 * image. A failed append also resets the latest image to the committed one.
 *
 * <p>The controller does not own the log: close the controller, then the log.
 */
public final class Controller implements ControllerApi, MetadataListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Controller.class);

    static final int MAX_QUEUED_EVENTS = 10_000;
    private static final long SLOW_EVENT_NS = TimeUnit.SECONDS.toNanos(1);

    private final MetadataLog metadataLog;
    private final Time time;
    private final ControllerLogic logic;
    private final ThreadPoolExecutor eventQueue;
    private final CompletableFuture<MetadataImage> ready = new CompletableFuture<>();
    private volatile boolean closed;
    /** Client operations queued and not yet run; bounded so that log callbacks always find room. */
    private final AtomicInteger queuedOperations = new AtomicInteger();

    // Owned by the event thread.
    private MetadataImage committedImage = MetadataImage.EMPTY;
    private MetadataImage latestImage = MetadataImage.EMPTY;
    private final ArrayDeque<List<MetadataRecord>> inFlight = new ArrayDeque<>();
    private boolean caughtUp;
    private final List<DeferredEvent> deferred = new ArrayList<>();

    private Controller(
            ControllerConfig config,
            MetadataLog metadataLog,
            ConfigValidator validator,
            Time time,
            RandomGenerator random) {
        this.metadataLog = metadataLog;
        this.time = time;
        this.logic = new ControllerLogic(config, validator, random);
        this.eventQueue = new ThreadPoolExecutor(1, 1, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread thread = new Thread(r, "fjord-controller-event");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * A controller over {@code metadataLog}, registered as its listener; {@link #ready()} completes when
     * the log's existing batches are replayed. {@code random} seeds replica placement and topic ids.
     */
    public static Controller start(
            ControllerConfig config,
            MetadataLog metadataLog,
            ConfigValidator validator,
            Time time,
            RandomGenerator random) {
        Controller controller = new Controller(config, metadataLog, validator, time, random);
        metadataLog.register(controller);
        return controller;
    }

    /** Completes with the committed image once the log's existing batches are replayed. */
    public CompletableFuture<MetadataImage> ready() {
        return ready;
    }

    /** The controller's committed image (tests and diagnostics). */
    public CompletableFuture<MetadataImage> committedImage() {
        return read(() -> committedImage);
    }

    @Override
    public CompletableFuture<List<CreateTopicResult>> createTopics(List<CreatableTopic> topics, boolean validateOnly) {
        List<CreatableTopic> request = List.copyOf(topics);
        return write("createTopics", image -> logic.createTopics(image, request, validateOnly));
    }

    @Override
    public CompletableFuture<List<DeleteTopicResult>> deleteTopics(List<String> names, List<Uuid> topicIds) {
        List<String> byName = new ArrayList<>(names);
        List<Uuid> byId = new ArrayList<>(topicIds);
        return write("deleteTopics", image -> logic.deleteTopics(image, byName, byId));
    }

    @Override
    public CompletableFuture<List<CreatePartitionsResult>> createPartitions(
            List<CreatePartitionsTopic> topics, boolean validateOnly) {
        List<CreatePartitionsTopic> request = List.copyOf(topics);
        return write("createPartitions", image -> logic.createPartitions(image, request, validateOnly));
    }

    @Override
    public CompletableFuture<List<AlterConfigsResult>> incrementalAlterConfigs(
            List<AlterConfigsResource> resources, boolean validateOnly) {
        List<AlterConfigsResource> request = List.copyOf(resources);
        return write("incrementalAlterConfigs", image -> logic.incrementalAlterConfigs(image, request, validateOnly));
    }

    @Override
    public CompletableFuture<List<AlterConfigsResult>> alterConfigs(
            List<AlterConfigsResource> resources, boolean validateOnly) {
        List<AlterConfigsResource> request = List.copyOf(resources);
        return write("alterConfigs", image -> logic.alterConfigs(image, request, validateOnly));
    }

    @Override
    public CompletableFuture<Long> registerBroker(
            int brokerId, Uuid incarnationId, List<Endpoint> endpoints, String rack) {
        CompletableFuture<Long> result = new CompletableFuture<>();
        if (brokerId < 0 || endpoints.isEmpty() || incarnationId == null) {
            result.completeExceptionally(new ApiException(
                    Errors.INVALID_REQUEST,
                    "A broker registration needs an id >= 0, an incarnation id and endpoints; got id " + brokerId
                            + ", endpoints " + endpoints));
            return result;
        }
        List<Endpoint> listeners = List.copyOf(endpoints);
        this.<Void>writeCommitted(
                        "registerBroker",
                        image -> logic.registerBroker(image, brokerId, incarnationId, listeners, rack))
                .whenComplete((committed, error) -> {
                    if (error != null) {
                        result.completeExceptionally(error);
                    } else {
                        result.complete(committed.offset());
                    }
                });
        return result;
    }

    @Override
    public CompletableFuture<List<AlterPartitionResult>> alterPartition(int brokerId, List<AlterPartitionItem> items) {
        List<AlterPartitionItem> request = List.copyOf(items);
        return write("alterPartition", image -> logic.alterPartition(image, brokerId, request));
    }

    @Override
    public CompletableFuture<List<ElectLeadersResult>> electLeaders(
            ElectionType type, List<TopicPartition> partitions) {
        List<TopicPartition> request = partitions == null ? null : List.copyOf(partitions);
        return write("electLeaders", image -> logic.electLeaders(image, type, request));
    }

    @Override
    public CompletableFuture<List<ReassignmentResult>> alterPartitionReassignments(
            List<PartitionReassignment> reassignments, boolean allowReplicationFactorChange) {
        List<PartitionReassignment> request = List.copyOf(reassignments);
        return write(
                "alterPartitionReassignments",
                image -> logic.alterPartitionReassignments(image, request, allowReplicationFactorChange));
    }

    @Override
    public CompletableFuture<Boolean> controlledShutdown(int brokerId, Uuid incarnationId) {
        return write("controlledShutdown", image -> logic.controlledShutdown(image, brokerId, incarnationId));
    }

    @Override
    public CompletableFuture<Long> allocateProducerIds(int brokerId, long floor) {
        return write("allocateProducerIds", image -> logic.allocateProducerIds(image, brokerId, floor));
    }

    @Override
    public CompletableFuture<List<ScramCredentialResult>> alterUserScramCredentials(
            List<ScramCredentialDeletion> deletions, List<ScramCredentialUpsertion> upsertions) {
        List<ScramCredentialDeletion> toDelete = List.copyOf(deletions);
        List<ScramCredentialUpsertion> toUpsert = List.copyOf(upsertions);
        return write("alterUserScramCredentials", image -> logic.alterUserScramCredentials(image, toDelete, toUpsert));
    }

    @Override
    public CompletableFuture<List<AclCreationResult>> createAcls(List<AclBinding> acls) {
        List<AclBinding> request = List.copyOf(acls);
        return write("createAcls", image -> logic.createAcls(image, request));
    }

    @Override
    public CompletableFuture<List<AclDeletionResult>> deleteAcls(List<AclFilter> filters) {
        List<AclFilter> request = List.copyOf(filters);
        return write("deleteAcls", image -> logic.deleteAcls(image, request));
    }

    private <T> CompletableFuture<T> write(String name, Function<MetadataImage, ControllerResult<T>> op) {
        return this.<T>writeCommitted(name, op).thenApply(Committed::response);
    }

    /** A response and the offset of the last record written for it (the image's offset if none). */
    private record Committed<T>(T response, long offset) {}

    private <T> CompletableFuture<Committed<T>> writeCommitted(
            String name, Function<MetadataImage, ControllerResult<T>> op) {
        CompletableFuture<Committed<T>> future = new CompletableFuture<>();
        enqueueOperation(name, future, () -> runWrite(op, future));
        return future;
    }

    private <T> void runWrite(Function<MetadataImage, ControllerResult<T>> op, CompletableFuture<Committed<T>> future) {
        ControllerResult<T> result = op.apply(latestImage);
        List<MetadataRecord> records = result.records();
        if (records.isEmpty()) {
            future.complete(new Committed<>(result.response(), latestImage.offset()));
            return;
        }
        // Assert the records apply before writing them: a contradiction here is a bug, not a client error.
        MetadataDelta delta = new MetadataDelta(latestImage);
        for (MetadataRecord record : records) {
            delta.replay(record);
        }
        MetadataImage next = delta.apply(latestImage.offset() + records.size());
        // Append before touching state: if append throws, the operation fails and nothing changed. Its
        // callbacks are queued behind this event, so they see the state set below.
        CompletableFuture<Long> appended = metadataLog.append(records);
        latestImage = next;
        inFlight.add(records);
        appended.whenComplete((offset, error) -> {
            Runnable completion = () -> onAppendComplete(records, offset, error, result.response(), future);
            if (!enqueueInternal(completion)) {
                completion.run(); // closed: only the future is touched then
            }
        });
    }

    private <T> void onAppendComplete(
            List<MetadataRecord> records,
            Long offset,
            Throwable error,
            T response,
            CompletableFuture<Committed<T>> future) {
        if (error == null) {
            future.complete(new Committed<>(response, offset));
            return;
        }
        if (!closed && inFlight.stream().anyMatch(batch -> batch == records)) {
            // Everything queued after the failed batch was decided on top of it.
            log.warn("A metadata append failed; dropping {} in-flight batch(es)", inFlight.size(), error);
            inFlight.clear();
            latestImage = committedImage;
        }
        future.completeExceptionally(error);
    }

    private <T> CompletableFuture<T> read(Supplier<T> reader) {
        CompletableFuture<T> future = new CompletableFuture<>();
        enqueueOperation("read", future, () -> future.complete(reader.get()));
        return future;
    }

    @Override
    public void onCommit(MetadataBatch batch) {
        enqueueInternal(() -> handleCommit(batch));
    }

    @Override
    public void onReplayComplete(long lastOffset) {
        enqueueInternal(this::handleReplayComplete);
    }

    private void handleCommit(MetadataBatch batch) {
        MetadataDelta delta = new MetadataDelta(committedImage);
        for (MetadataRecord record : batch.records()) {
            delta.replay(record);
        }
        committedImage = delta.apply(batch.lastOffset());
        List<MetadataRecord> oldest = inFlight.peek();
        if (oldest != null && oldest.equals(batch.records())) {
            inFlight.poll();
        } else if (oldest != null) {
            log.warn(
                    "Batch at offset {} was written by another node; dropping {} in-flight batch(es)",
                    batch.baseOffset(),
                    inFlight.size());
            inFlight.clear();
        }
        if (inFlight.isEmpty()) {
            latestImage = committedImage;
        }
    }

    private void handleReplayComplete() {
        caughtUp = true;
        latestImage = committedImage;
        log.info("Controller loaded the metadata log up to offset {}", committedImage.offset());
        ready.complete(committedImage);
        List<DeferredEvent> waiting = new ArrayList<>(deferred);
        deferred.clear();
        for (DeferredEvent event : waiting) {
            runOperation(event.name(), event.future(), event.body());
        }
    }

    private record DeferredEvent(String name, CompletableFuture<?> future, Runnable body) {}

    private void enqueueOperation(String name, CompletableFuture<?> future, Runnable body) {
        if (closed) {
            future.completeExceptionally(notController());
            return;
        }
        try {
            eventQueue.execute(() -> {
                if (caughtUp) {
                    runOperation(name, future, body);
                } else {
                    deferred.add(new DeferredEvent(name, future, body));
                }
            });
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(
                    closed
                            ? notController()
                            : new ApiException(
                                    Errors.THROTTLING_QUOTA_EXCEEDED,
                                    "The controller has " + MAX_QUEUED_EVENTS + " events queued."));
        }
    }

    private void runOperation(String name, CompletableFuture<?> future, Runnable body) {
        long startNs = time.nanoseconds();
        try {
            body.run();
        } catch (ApiException e) {
            future.completeExceptionally(e);
        } catch (RuntimeException e) {
            log.error("Controller event {} failed", name, e);
            future.completeExceptionally(e);
        }
        long elapsedNs = time.nanoseconds() - startNs;
        if (elapsedNs > SLOW_EVENT_NS) {
            log.warn("Controller event {} took {} ms", name, TimeUnit.NANOSECONDS.toMillis(elapsedNs));
        }
    }

    /** Runs an event that is not a client operation; false if the controller is closed. */
    private boolean enqueueInternal(Runnable event) {
        if (closed) {
            return false;
        }
        try {
            eventQueue.execute(() -> {
                try {
                    event.run();
                } catch (RuntimeException e) {
                    log.error("Controller internal event failed", e);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            return false; // closed meanwhile
        }
    }

    private static ApiException notController() {
        return new ApiException(Errors.NOT_CONTROLLER, "The controller is shut down.");
    }

    /** Stops the event thread; operations still waiting for the log's replay fail with NOT_CONTROLLER. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        eventQueue.shutdown();
        try {
            if (!eventQueue.awaitTermination(30, TimeUnit.SECONDS)) {
                eventQueue.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            eventQueue.shutdownNow();
        }
        for (DeferredEvent event : deferred) {
            event.future().completeExceptionally(notController());
        }
        deferred.clear();
        ready.completeExceptionally(notController());
    }
}
