package io.fjord.broker;

import io.fjord.broker.group.CoordinatorPartitionsPublisher;
import io.fjord.broker.group.GroupCoordinatorFactory;
import io.fjord.broker.group.GroupHandlers;
import io.fjord.broker.group.OffsetsTopicLog;
import io.fjord.broker.handler.DescribeQuorumHandler;
import io.fjord.broker.handler.FetchSessionCache;
import io.fjord.broker.handler.MetadataView;
import io.fjord.broker.handler.TxnMarkerWriter;
import io.fjord.broker.metadata.BrokerConfigValidator;
import io.fjord.broker.metadata.BrokerMetadataPublisher;
import io.fjord.broker.metadata.LogConfigs;
import io.fjord.broker.network.NetworkServer;
import io.fjord.broker.network.RequestDispatcher;
import io.fjord.broker.partition.Partition;
import io.fjord.broker.partition.ReplicaFetcherSettings;
import io.fjord.broker.partition.ReplicaManager;
import io.fjord.broker.producer.ProducerIdManager;
import io.fjord.broker.quota.ReplicationThrottles;
import io.fjord.broker.security.InterBrokerSecurity;
import io.fjord.broker.security.ListenerSecurity;
import io.fjord.broker.security.SaslMechanism;
import io.fjord.broker.security.ScramMechanism;
import io.fjord.broker.txn.TransactionHandlers;
import io.fjord.broker.txn.TransactionVerifier;
import io.fjord.broker.txn.TxnMarkerChannel;
import io.fjord.common.ApiException;
import io.fjord.common.Entropy;
import io.fjord.common.Errors;
import io.fjord.common.Time;
import io.fjord.common.Uuid;
import io.fjord.common.config.BrokerConfig;
import io.fjord.common.config.ConfigException;
import io.fjord.coordinator.ExecutorCoordinatorScheduler;
import io.fjord.coordinator.GroupCoordinator;
import io.fjord.coordinator.txn.TransactionCoordinator;
import io.fjord.metadata.ControllerConfig;
import io.fjord.metadata.Endpoint;
import io.fjord.storage.CleanerConfig;
import io.fjord.storage.LogManager;
import io.fjord.storage.PageCacheBudget;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Fjord broker: the composition root that opens the log directories, replays the metadata log,
 * binds the Kafka listener and wires every API handler. With {@code controller.quorum.voters} set it is a
 * member of the Raft metadata quorum ({@link BrokerMetadata}): a voter, or with {@code
 * process.roles=broker} a non-voting listener; without, it is its own controller on a local metadata log.
 * With {@code process.roles=controller} it is a controller only: the Raft voter and nothing else.
 *
 * <p>Start-up order: logs are recovered, metadata is replayed (creating partitions for the topics it
 * knows), the listener binds, then this broker registers itself with its advertised address. Shutdown
 * first hands leaderships away (controlled shutdown, in a quorum with controlled.shutdown.enable), stops
 * the replica fetchers, then runs the start-up in reverse. {@link #startup()}, {@link #shutdown()} are called by one lifecycle thread.
 */
public final class BrokerServer {

    private static final Logger log = LoggerFactory.getLogger(BrokerServer.class);
    private static final long CONTROLLED_SHUTDOWN_TIMEOUT_MS = 30_000;
    private static final long CONTROLLED_SHUTDOWN_RETRY_MS = 200;
    private static final long ALTER_PARTITION_RETRY_BACKOFF_MS = 1_000;
    /** How long a failed load of a __consumer_offsets partition waits before it is tried again. */
    private static final long LOAD_RETRY_BACKOFF_MS = 1_000;

    private static final long PRODUCER_ID_RETRY_BACKOFF_MS = 100;
    /** Marker requests waiting per destination broker; past it, markers fail retriably and are tried again. */
    private static final int TXN_MARKER_QUEUE = 1_000;
    /** Transactional ids whose verification may wait for one coordinator broker (KIP-890 part 1). */
    private static final int TXN_VERIFICATION_QUEUE = 10_000;
    /** How long a coordinator broker may take to answer a verification (Kafka: request.timeout.ms). */
    private static final int TXN_VERIFICATION_SOCKET_TIMEOUT_MS = 30_000;
    /** How long a marker request may take: the leader answers once its in-sync replicas have the marker. */
    private static final int TXN_MARKER_SOCKET_TIMEOUT_MS = 60_000;
    /** How long the coordinator waits before writing a failed marker again. */
    private static final long TXN_MARKER_RETRY_BACKOFF_MS = 100;

    private final BrokerConfig config;
    private final Time time;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private ScheduledThreadPoolExecutor scheduler;
    private ThreadPoolExecutor ioPool;
    private LogManager logManager;
    private ReplicaManager replicaManager;
    private BrokerMetadata metadataNode;
    private ExecutorCoordinatorScheduler groupScheduler;
    private ExecutorService groupLoader;
    private GroupCoordinator groupCoordinator;
    private CoordinatorPartitionsPublisher groupPublisher;
    private ScheduledThreadPoolExecutor txnExecutor;
    private TxnMarkerChannel txnMarkers;
    /** Null when transaction.partition.verification.enable is false. */
    private TransactionVerifier txnVerifier;

    private TransactionCoordinator txnCoordinator;
    private CoordinatorPartitionsPublisher txnPublisher;
    private NetworkServer network;
    private FetchSessionCache fetchSessions;
    private volatile Uuid incarnationId;
    private InetSocketAddress boundAddress;
    private Map<String, InetSocketAddress> boundAddresses = Map.of();
    private IntConsumer beforeGroupLoad = partition -> {};

    public BrokerServer(BrokerConfig config, Time time) {
        this.config = config;
        this.time = time;
    }

    /**
     * For tests, before {@link #startup()}: runs {@code hook} on the loading thread before each {@code
     * __consumer_offsets} partition's load, with the partition, so a test can hold a load and see what clients
     * get while it runs.
     */
    public void beforeGroupLoad(IntConsumer hook) {
        this.beforeGroupLoad = hook;
    }

    /** Binds the listeners and starts serving; returns once the broker accepts requests. */
    public void startup() {
        try {
            doStartup();
        } catch (Exception e) {
            shutdown();
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("broker start-up failed: " + e.getMessage(), e);
        }
    }

    private void doStartup() throws Exception {
        if (!ProcessRoles.of(config).isBroker()) {
            startController();
            return;
        }
        List<Path> logDirs = config.logDirs();
        for (Path dir : logDirs) {
            Files.createDirectories(dir);
        }
        Path metadataDir = config.metadataLogDir();
        Files.createDirectories(metadataDir);
        String clusterId = MetaProperties.loadOrCreate(
                metadataDir, config.nodeId(), () -> BrokerMetadata.newClusterId(config, Entropy.SYSTEM));

        scheduler = new ScheduledThreadPoolExecutor(
                Math.max(2, config.backgroundThreads()), daemonThreads("fjord-scheduler"));
        scheduler.setRemoveOnCancelPolicy(true);
        logManager = new LogManager(
                logDirs,
                time,
                LogConfigs.defaults(config),
                config.logRetentionCheckIntervalMs(),
                1000L,
                config.numRecoveryThreadsPerDataDir(),
                LogManager.DEFAULT_PRODUCER_ID_EXPIRATION_MS,
                new CleanerConfig(
                        config.logCleanerEnable(),
                        config.logCleanerThreads(),
                        config.logCleanerBackoffMs(),
                        config.logCleanerDedupeBufferSize(),
                        config.logCleanerIoMaxBytesPerSecond()),
                PageCacheBudget.forBroker(config.pageCacheBudgetBytes()));
        logManager.startup();
        // Built once: with TLS between brokers it holds the stores and contexts read from the configuration.
        InterBrokerSecurity interBroker = new ListenerSecurity(config, Map.of()).interBroker();
        replicaManager = new ReplicaManager(
                logManager,
                scheduler,
                config.nodeId(),
                time,
                new Partition.IsrSettings(config.replicaLagTimeMaxMs(), ALTER_PARTITION_RETRY_BACKOFF_MS),
                ReplicaFetcherSettings.from(config, interBroker),
                (brokerId, items) -> metadataNode.controller().alterPartition(brokerId, items),
                ReplicationThrottles.from(config, time));
        replicaManager.startup();

        metadataNode = startMetadata();
        metadataNode.loader().installPublisher(new BrokerMetadataPublisher(config, replicaManager, logManager));
        MetadataView metadata =
                new MetadataView(metadataNode.loader(), config, clusterId, this::advertisedControllerId, interBroker);
        ProducerIdManager producerIds = new ProducerIdManager(
                floor -> metadataNode.controller().allocateProducerIds(config.nodeId(), floor),
                metadataDir,
                time,
                PRODUCER_ID_RETRY_BACKOFF_MS);
        groupScheduler = new ExecutorCoordinatorScheduler("fjord-group-timers");
        groupLoader = Executors.newSingleThreadExecutor(daemonThreads("fjord-group-loader"));
        groupCoordinator = new GroupCoordinator(
                GroupCoordinatorFactory.config(config),
                new OffsetsTopicLog(replicaManager, time),
                GroupCoordinatorFactory.topics(metadata),
                groupScheduler,
                time,
                new Random(Entropy.SYSTEM.nextLong()));
        groupPublisher = new CoordinatorPartitionsPublisher(
                config.nodeId(),
                OffsetsTopicLog.TOPIC,
                groupCoordinator,
                replicaManager,
                groupLoader,
                scheduler,
                LOAD_RETRY_BACKOFF_MS);
        groupPublisher.beforeEachLoad(beforeGroupLoad);
        metadataNode.loader().installPublisher(groupPublisher);
        startTransactionCoordinator(metadata, producerIds);
        // A quorum member is ready once a majority of the voters is up and it has caught up with them.
        metadataNode.ready().get(config.controllerQuorumVoters().isEmpty() ? 60 : 120, TimeUnit.SECONDS);

        fetchSessions = new FetchSessionCache(
                config.maxIncrementalFetchSessionCacheSlots(),
                config.minIncrementalFetchSessionEvictionMs(),
                time,
                new Random(Entropy.SYSTEM.nextLong()));
        int ioThreads = Math.max(1, config.numIoThreads());
        ioPool = new ThreadPoolExecutor(
                ioThreads,
                ioThreads,
                60,
                TimeUnit.SECONDS,
                // One drain task per connection at most (SerialExecutor), and one for Produce's verified appends,
                // so the queue is bounded by the open connections. No caller-runs fallback: a handler must never
                // run on a Netty event loop.
                new LinkedBlockingQueue<>(),
                daemonThreads("fjord-io"));
        if (config.transactionPartitionVerificationEnable()) {
            txnVerifier = new TransactionVerifier(
                    metadata,
                    txnCoordinator,
                    config.nodeId(),
                    TXN_VERIFICATION_QUEUE,
                    TXN_VERIFICATION_SOCKET_TIMEOUT_MS,
                    config.socketRequestMaxBytes());
        }
        RequestDispatcher dispatcher = KafkaApis.build(
                metadata,
                metadataNode.controller(),
                replicaManager,
                logManager,
                producerIds,
                new GroupHandlers(
                        metadata,
                        metadataNode.controller(),
                        groupCoordinator,
                        txnCoordinator,
                        replicaManager,
                        txnVerifier,
                        ioPool),
                new TransactionHandlers(txnCoordinator, metadata),
                fetchSessions,
                // A marker in __consumer_offsets ends the producer's pending transactional offsets there.
                new TxnMarkerWriter(
                        replicaManager,
                        (tp, producerId, committed) ->
                                groupCoordinator.completeTransaction(tp.partition(), producerId, committed),
                        txnExecutor),
                txnVerifier,
                new DescribeQuorumHandler(
                        () -> metadataNode.describeQuorum(config.nodeId(), time),
                        config.controllerQuorumVoters(),
                        config.controllerListenerNames().isEmpty()
                                ? "CONTROLLER"
                                : config.controllerListenerNames().get(0),
                        metadata.authorizer()),
                ioPool,
                time);
        // SCRAM logins check the credentials of the image current when each exchange runs.
        Map<String, SaslMechanism> scram = new LinkedHashMap<>();
        for (SaslMechanism mechanism : ScramMechanism.all(metadataNode.loader()::image)) {
            scram.put(mechanism.name(), mechanism);
        }
        ListenerSecurity security = new ListenerSecurity(config, scram);
        network = new NetworkServer(
                new NetworkServer.Settings(
                        brokerListeners(config.listeners()).stream()
                                .map(security::listener)
                                .toList(),
                        config.socketRequestMaxBytes(),
                        config.connectionsMaxIdleMs(),
                        Math.max(1, config.numNetworkThreads()),
                        Math.max(8, config.queuedMaxRequests() / 4),
                        config.socketSendBufferBytes(),
                        config.socketReceiveBufferBytes()),
                dispatcher,
                ioPool);
        boundAddresses = network.start();
        boundAddress = boundAddresses.values().iterator().next();
        register();
        awaitFirstProducerIdBlock(producerIds);
    }

    /**
     * The transaction coordinator of the {@code __transaction_state} partitions this broker leads: loaded on the
     * coordinators' loading thread, its markers written through {@link TxnMarkerChannel}, its expiry timer on its
     * own thread.
     */
    private void startTransactionCoordinator(MetadataView metadata, ProducerIdManager producerIds) {
        txnExecutor = new ScheduledThreadPoolExecutor(1, daemonThreads("fjord-txn-coordinator"));
        txnExecutor.setRemoveOnCancelPolicy(true);
        txnMarkers = new TxnMarkerChannel(
                metadata,
                TXN_MARKER_QUEUE,
                TXN_MARKER_SOCKET_TIMEOUT_MS,
                config.socketRequestMaxBytes(),
                config.nodeId());
        txnCoordinator = new TransactionCoordinator(
                new TransactionCoordinator.Config(
                        config.transactionStateLogNumPartitions(),
                        config.transactionMaxTimeoutMs(),
                        config.transactionalIdExpirationMs(),
                        TXN_MARKER_RETRY_BACKOFF_MS),
                new OffsetsTopicLog(replicaManager, time, GroupHandlers.TRANSACTION_STATE_TOPIC),
                producerIds::nextProducerId,
                txnMarkers,
                OffsetsTopicLog.TOPIC,
                groupCoordinator::partitionFor,
                time,
                txnExecutor);
        txnCoordinator.startTimers(config.transactionAbortTimedOutTransactionCleanupIntervalMs());
        txnPublisher = new CoordinatorPartitionsPublisher(
                config.nodeId(),
                GroupHandlers.TRANSACTION_STATE_TOPIC,
                txnCoordinator,
                replicaManager,
                groupLoader,
                scheduler,
                LOAD_RETRY_BACKOFF_MS);
        metadataNode.loader().installPublisher(txnPublisher);
    }

    /** Clients retry InitProducerId until a block is in hand; waiting here spares them that at start-up. */
    private static void awaitFirstProducerIdBlock(ProducerIdManager producerIds) throws InterruptedException {
        try {
            producerIds.start().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.warn(
                    "No block of producer ids yet; InitProducerId answers COORDINATOR_LOAD_IN_PROGRESS until one comes");
        }
    }

    private BrokerMetadata startMetadata() throws java.io.IOException {
        return BrokerMetadata.start(
                config,
                new ControllerConfig(config.numPartitions(), config.defaultReplicationFactor(), 10_000)
                        .withUncleanLeaderElection(config.uncleanLeaderElectionEnable())
                        .withLeaderRebalance(
                                config.autoLeaderRebalanceEnable(),
                                TimeUnit.SECONDS.toMillis(config.leaderImbalanceCheckIntervalSeconds()),
                                config.leaderImbalancePerBrokerPercentage()),
                new BrokerConfigValidator(),
                time,
                new SplittableRandom(Entropy.SYSTEM.nextLong()));
    }

    /**
     * A controller-only node ({@code process.roles=controller}): the Raft voter and, while it leads, the
     * active controller's duties (broker sessions and fencing, leader rebalance); no log directories, no
     * Kafka listener, no broker registration. {@link #boundAddress} is its controller (Raft) address.
     */
    private void startController() throws Exception {
        Path metadataDir = config.metadataLogDir();
        Files.createDirectories(metadataDir);
        MetaProperties.loadOrCreate(
                metadataDir, config.nodeId(), () -> BrokerMetadata.newClusterId(config, Entropy.SYSTEM));
        metadataNode = startMetadata();
        metadataNode.ready().get(120, TimeUnit.SECONDS);
        io.fjord.common.config.Endpoint controller = config.listeners().get(0);
        boundAddress =
                new InetSocketAddress(controller.host() == null ? "0.0.0.0" : controller.host(), controller.port());
        log.info("controller {} started on {} (process.roles=controller)", config.nodeId(), controller.hostPort());
    }

    /**
     * The controller id this broker gives clients: the active controller when it is a live broker, else this
     * broker (Kafka's KRaft brokers do the same, since clients cannot reach a controller-only node; this
     * broker forwards what it is sent); -1 while no leader is known.
     */
    private int advertisedControllerId() {
        int leader = metadataNode.controllerId(config.nodeId());
        if (leader < 0 || leader == config.nodeId()) {
            return leader;
        }
        io.fjord.metadata.BrokerRegistration registration =
                metadataNode.loader().image().cluster().broker(leader);
        return registration != null && !registration.fenced() ? leader : config.nodeId();
    }

    /**
     * Registers this broker with every listener's advertised address (the bound port when 0 was asked): a client is
     * told the addresses of the listener it connected to. The inter-broker listener comes first, then the others in
     * the order of {@code listeners}: what needs any one address of a broker (the controller's liveness probe) takes
     * the one brokers and controllers can reach, not one advertised for clients elsewhere.
     */
    private void register() throws Exception {
        List<Endpoint> endpoints = new ArrayList<>();
        List<io.fjord.common.config.Endpoint> listeners = new ArrayList<>(brokerListeners(config.listeners()));
        listeners.sort(java.util.Comparator.comparing(
                (io.fjord.common.config.Endpoint l) -> !l.listenerName().equals(config.interBrokerListenerName())));
        for (io.fjord.common.config.Endpoint listener : listeners) {
            io.fjord.common.config.Endpoint advertised = config.advertisedListeners().stream()
                    .filter(a -> a.listenerName().equals(listener.listenerName()))
                    .findFirst()
                    .orElse(listener);
            InetSocketAddress bound = boundAddresses.get(listener.listenerName());
            int port = advertised.port() == 0 ? bound.getPort() : advertised.port();
            String host = advertised.host() == null || advertised.host().isEmpty()
                    ? bound.getHostString()
                    : advertised.host();
            endpoints.add(new Endpoint(
                    listener.listenerName(), host, port, config.securityProtocol(listener.listenerName())));
        }
        incarnationId = Uuid.random(new SplittableRandom(time.nanoseconds()));
        metadataNode
                .controller()
                .registerBroker(
                        config.nodeId(),
                        incarnationId,
                        endpoints,
                        config.brokerRack().orElse(null))
                .get(30, TimeUnit.SECONDS);
    }

    /** The listeners that are not controller listeners (the controller's port is the Ratis port), in order. */
    private List<io.fjord.common.config.Endpoint> brokerListeners(List<io.fjord.common.config.Endpoint> listeners) {
        List<String> controllerNames = config.controllerListenerNames();
        List<io.fjord.common.config.Endpoint> result = listeners.stream()
                .filter(l -> !controllerNames.contains(l.listenerName()))
                .toList();
        if (result.isEmpty()) {
            throw new ConfigException(
                    BrokerConfig.LISTENERS,
                    listeners.toString(),
                    "no listener for clients besides the controller listeners");
        }
        return result;
    }

    /** Stops serving and closes everything; safe to call more than once and after a failed start. */
    public synchronized void shutdown() {
        if (stopped.getCount() == 0) {
            return;
        }
        if (incarnationId != null && BrokerMetadata.isQuorum(config) && config.controlledShutdownEnable()) {
            closeQuietly("controlled shutdown", this::controlledShutdown, metadataNode);
        }
        closeQuietly("replica fetchers", () -> replicaManager.shutdownFetchers(), replicaManager);
        closeQuietly("network", () -> network.stop(), network);
        // No load may start once the coordinator stops: first no more metadata updates reach it, then the
        // coordinator cancels the loads queued or running, then the loading thread finishes.
        closeQuietly("group loads", () -> metadataNode.loader().removePublisher(groupPublisher), groupPublisher);
        closeQuietly("group coordinator", () -> groupCoordinator.shutdown(), groupCoordinator);
        closeQuietly("transaction loads", () -> metadataNode.loader().removePublisher(txnPublisher), txnPublisher);
        closeQuietly("transaction coordinator", () -> txnCoordinator.shutdown(), txnCoordinator);
        closeQuietly("transaction timers", () -> txnExecutor.shutdownNow(), txnExecutor);
        closeQuietly("transaction markers", () -> txnMarkers.close(), txnMarkers);
        closeQuietly("transaction verification", () -> txnVerifier.close(), txnVerifier);
        closeQuietly(
                "group loader",
                () -> {
                    groupLoader.shutdown(); // no interrupt: it may be reading a log's file channel
                    groupLoader.awaitTermination(10, TimeUnit.SECONDS);
                },
                groupLoader);
        closeQuietly("partitions", () -> replicaManager.shutdown(), replicaManager);
        closeQuietly(
                "I/O threads",
                () -> {
                    ioPool.shutdown();
                    ioPool.awaitTermination(10, TimeUnit.SECONDS);
                },
                ioPool);
        closeQuietly("group timers", () -> groupScheduler.close(), groupScheduler);
        closeQuietly("metadata", () -> metadataNode.close(), metadataNode);
        closeQuietly("logs", () -> logManager.shutdown(), logManager);
        closeQuietly("scheduler", () -> scheduler.shutdownNow(), scheduler);
        stopped.countDown();
    }

    /**
     * Asks the controller to move this broker's leaderships away and take it out of the ISRs, until it
     * says done or {@link #CONTROLLED_SHUTDOWN_TIMEOUT_MS} pass; heartbeats go on meanwhile, and the
     * broker keeps serving (its followers catch up, clients move to the new leaders).
     */
    private void controlledShutdown() throws InterruptedException {
        long startMs = time.milliseconds();
        long deadlineMs = startMs + CONTROLLED_SHUTDOWN_TIMEOUT_MS;
        int attempts = 0;
        while (time.milliseconds() < deadlineMs) {
            attempts++;
            try {
                long remainingMs = Math.max(1, deadlineMs - time.milliseconds());
                if (metadataNode
                        .controller()
                        .controlledShutdown(config.nodeId(), incarnationId)
                        .get(remainingMs, TimeUnit.MILLISECONDS)) {
                    log.info(
                            "controlled shutdown done after {} attempts in {} ms",
                            attempts,
                            time.milliseconds() - startMs);
                    return;
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ApiException api && api.error() == Errors.UNSUPPORTED_VERSION) {
                    log.info("the controller does not support controlled shutdown; stopping at once");
                    return;
                }
                log.info(
                        "controlled shutdown attempt {} failed: {}",
                        attempts,
                        e.getCause().toString());
            } catch (TimeoutException e) {
                break;
            }
            time.sleep(CONTROLLED_SHUTDOWN_RETRY_MS);
        }
        log.warn("controlled shutdown did not finish within {} ms; stopping anyway", CONTROLLED_SHUTDOWN_TIMEOUT_MS);
    }

    /** Blocks until the broker has stopped. */
    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    /** The incremental fetch sessions open now (for tests and monitoring). */
    public int fetchSessionCount() {
        return fetchSessions == null ? 0 : fetchSessions.size();
    }

    /** The incremental fetch sessions opened since start (for tests and monitoring). */
    public long fetchSessionsOpened() {
        return fetchSessions == null ? 0 : fetchSessions.opened();
    }

    /** The bytes set aside now for client requests declared by their size prefix but not yet received. */
    public long reservedRequestBytes() {
        return network == null ? 0 : network.reservedRequestBytes();
    }

    /** The address the first listener is bound to (its real port when configured as 0). */
    public InetSocketAddress boundAddress() {
        return boundAddress;
    }

    /** Each broker listener's bound address by listener name, in the order of {@code listeners}. */
    public Map<String, InetSocketAddress> boundAddresses() {
        return boundAddresses;
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void closeQuietly(String what, Step step, Object target) {
        if (target == null) {
            return;
        }
        try {
            step.run();
        } catch (Exception e) {
            log.warn("error while stopping the {}", what, e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
