package io.fjord.raft;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.Time;
import io.fjord.common.TopicPartition;
import io.fjord.metadata.ConfigValidator;
import io.fjord.metadata.ControllerConfig;
import io.fjord.metadata.ControllerLogic;
import io.fjord.metadata.ElectionType;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.MetadataListener;
import io.fjord.metadata.MetadataLog;
import io.fjord.metadata.MetadataRecord;
import io.fjord.raft.MetadataCommand.AppendRecords;
import io.fjord.raft.MetadataCommand.Barrier;
import io.fjord.raft.MetadataCommand.ElectLeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.netty.NettyConfigKeys;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.ProtoUtils;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster metadata log on an Apache Ratis quorum (Netty transport): one {@link RaftServer} per node
 * with a {@link MetadataStateMachine}, and one {@link RaftClient} through which this node submits entries
 * to whichever node leads (the client finds the leader and retries on a leader change; the server's retry
 * cache makes a retried entry commit once).
 *
 * <p>Offsets: {@link #append} completes with the <em>record offset</em> of the batch's last record, a
 * counter the state machine keeps deterministically (0, 1, 2, ... over the applied records), not the Raft
 * log index. It completes once the leader has committed and applied the entry and this node has applied
 * it too, so this node's listeners have the batch (as with {@code LocalMetadataLog}); appends from any
 * node are forwarded to the leader. Recovery: after {@link #start}, the node submits a {@link Barrier}; once it has applied the
 * barrier (or a snapshot past it) it has applied everything committed when it started, and listeners get
 * {@link MetadataListener#onReplayComplete}. Leadership: {@link MetadataListener#onBecomeLeader} when
 * this node leads and has applied all earlier entries, {@link MetadataListener#onResign} when it stops.
 *
 * <p>Threading: every public method may be called from any thread; listeners are called one at a time on
 * Ratis's apply thread (see {@link MetadataStateMachine}). The log owns one scheduler thread
 * ({@code fjord-raft-<id>}) for the recovery barrier and the broker session sweep.
 */
public final class RaftMetadataLog implements MetadataLog {

    private static final Logger log = LoggerFactory.getLogger(RaftMetadataLog.class);

    /** The one Raft group of a Fjord cluster's metadata, the same on every node. */
    static final RaftGroupId GROUP_ID =
            RaftGroupId.valueOf(UUID.nameUUIDFromBytes("fjord-cluster-metadata".getBytes(StandardCharsets.UTF_8)));

    private static final long BARRIER_RETRY_MS = 200;
    private static final long JOIN_RETRY_MS = 500;

    private final RaftConfig config;
    private final Time time;
    private final BrokerSessions sessions;
    private volatile ControllerConfig controllerConfig = ControllerConfig.DEFAULT;
    private final MetadataStateMachine stateMachine;
    private final RaftServer server;
    private final RaftClient client;
    private final RaftPeerId selfId;
    /** The voters only: where the client looks for the leader (a listener never leads). */
    private final RaftGroup voterGroup;

    private final ScheduledExecutorService scheduler;
    private volatile boolean started;
    private volatile boolean closed;

    private RaftMetadataLog(RaftConfig config, ConfigValidator validator, Time time, RandomGenerator random)
            throws IOException {
        this.config = config;
        this.time = time;
        this.sessions = new BrokerSessions(time, config.brokerSessionTimeoutMs(), config.brokerHeartbeatIntervalMs());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "fjord-raft-" + config.nodeId());
            thread.setDaemon(true);
            return thread;
        });
        this.stateMachine = new MetadataStateMachine(config.nodeId(), validator, sessions, scheduler, time);
        RaftGroup group = RaftGroup.valueOf(GROUP_ID, peers(config));
        this.voterGroup = RaftGroup.valueOf(GROUP_ID, voterPeers(config));
        this.selfId = RaftPeerId.valueOf(String.valueOf(config.nodeId()));
        RaftProperties properties = properties(config);
        Files.createDirectories(config.storageDir());
        boolean exists =
                Files.isDirectory(config.storageDir().resolve(GROUP_ID.getUuid().toString()));
        this.server = RaftServer.newBuilder()
                .setServerId(selfId)
                .setGroup(group)
                .setStateMachine(stateMachine)
                .setProperties(properties)
                .setOption(exists ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
                .build();
        long attempts = Math.max(1, config.requestTimeoutMs() / 100);
        this.client = RaftClient.newBuilder()
                .setClientId(ClientId.valueOf(new UUID(config.nodeId(), random.nextLong())))
                .setRaftGroup(voterGroup)
                .setProperties(properties)
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                        (int) Math.min(Integer.MAX_VALUE, attempts), TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
                .build();
        sessions.bind(stateMachine::image, this::submit);
    }

    /** A node's log, not yet started: register listeners, then {@link #start}. */
    public static RaftMetadataLog create(
            RaftConfig config, ConfigValidator validator, Time time, RandomGenerator random) throws IOException {
        return new RaftMetadataLog(config, validator, time, random);
    }

    /** {@link #create} and {@link #start}. */
    public static RaftMetadataLog open(RaftConfig config, ConfigValidator validator, Time time, RandomGenerator random)
            throws IOException {
        RaftMetadataLog raftLog = create(config, validator, time, random);
        raftLog.start();
        return raftLog;
    }

    /** The voters, and this node as a listener when it is one. */
    private static List<RaftPeer> peers(RaftConfig config) {
        List<RaftPeer> peers = new java.util.ArrayList<>(voterPeers(config));
        if (!config.isVoter()) {
            peers.add(listenerPeer(config.self()));
        }
        return peers;
    }

    private static List<RaftPeer> voterPeers(RaftConfig config) {
        return config.voters().stream()
                .map(v -> RaftPeer.newBuilder()
                        .setId(String.valueOf(v.id()))
                        .setAddress(v.address())
                        .build())
                .toList();
    }

    private static RaftPeer listenerPeer(RaftConfig.Voter self) {
        return RaftPeer.newBuilder()
                .setId(String.valueOf(self.id()))
                .setAddress(self.address())
                .setStartupRole(RaftPeerRole.LISTENER)
                .build();
    }

    private static RaftProperties properties(RaftConfig config) {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.NETTY);
        NettyConfigKeys.Server.setHost(p, config.self().host());
        NettyConfigKeys.Server.setPort(p, config.self().port());
        RaftServerConfigKeys.setStorageDir(p, List.of(config.storageDir().toFile()));
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, ms(config.electionTimeoutMinMs()));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, ms(config.electionTimeoutMaxMs()));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, ms(config.electionTimeoutMinMs()));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, ms(config.electionTimeoutMaxMs()));
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, config.snapshotEveryEntries());
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(1024, config.snapshotEveryEntries()));
        SizeInBytes segment = SizeInBytes.valueOf(config.logSegmentBytes());
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, segment);
        if (config.logSegmentBytes() < RaftServerConfigKeys.Log.PREALLOCATED_SIZE_DEFAULT.getSize()) {
            RaftServerConfigKeys.Log.setPreallocatedSize(p, segment);
        }
        RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(p, true);
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, ms(3000));
        return p;
    }

    private static TimeDuration ms(long millis) {
        return TimeDuration.valueOf(millis, TimeUnit.MILLISECONDS);
    }

    /** Starts the Raft server, then catches up with the quorum in the background. */
    public synchronized void start() throws IOException {
        if (started || closed) {
            return;
        }
        started = true;
        server.start();
        log.info(
                "Metadata quorum node {} started on {} as a {} with voters {}",
                config.nodeId(),
                config.self().address(),
                config.isVoter() ? "voter" : "listener",
                config.voters());
        if (!config.isVoter()) {
            Thread join = new Thread(this::joinAsListener, "fjord-raft-join-" + config.nodeId());
            join.setDaemon(true);
            join.start();
        }
        submitBarrier();
        // Often enough that a probe follows a missed heartbeat within a quarter interval.
        long sweepMs = Math.max(
                10,
                Math.min(1000, Math.min(config.brokerSessionTimeoutMs() / 10, config.brokerHeartbeatIntervalMs() / 4)));
        scheduler.scheduleWithFixedDelay(this::sweep, sweepMs, sweepMs, TimeUnit.MILLISECONDS);
        scheduleRebalance();
    }

    private void scheduleRebalance() {
        ControllerConfig controllerConfig = this.controllerConfig;
        if (controllerConfig.autoLeaderRebalanceEnable()) {
            long intervalMs = controllerConfig.leaderImbalanceCheckIntervalMs();
            scheduler.scheduleWithFixedDelay(
                    () -> rebalance(controllerConfig.leaderImbalancePerBrokerPercentage()),
                    intervalMs,
                    intervalMs,
                    TimeUnit.MILLISECONDS);
        }
    }

    /** On the active controller: elects preferred leaders where a broker's leader share is too far off. */
    private void rebalance(int percentage) {
        try {
            if (!sessions.active()) {
                return;
            }
            List<TopicPartition> partitions = ControllerLogic.imbalancedPartitions(stateMachine.image(), percentage);
            if (!partitions.isEmpty()) {
                log.info("Leader imbalance: electing preferred leaders for {} partition(s)", partitions.size());
                submit(new ElectLeaders(ElectionType.PREFERRED, partitions));
            }
        } catch (RuntimeException e) {
            log.error("Preferred leader rebalance failed", e);
        }
    }

    private void sweep() {
        try {
            sessions.sweep();
        } catch (RuntimeException e) {
            log.error("Broker session sweep failed", e);
        }
    }

    /**
     * Asks the quorum to add this node to the Raft configuration as a listener, retrying until the leader
     * has committed it or the log closes. A node already listed at its address (a restart) is done at once.
     * The leader first brings the new listener up to date (entries, or its snapshot when the log behind it
     * is purged), then commits the new configuration.
     */
    private void joinAsListener() {
        while (!closed) {
            try {
                if (tryJoinAsListener()) {
                    log.info("Node {} is a metadata listener of the quorum", config.nodeId());
                    return;
                }
            } catch (IOException | RuntimeException e) {
                log.info("Node {} could not join the quorum as a listener yet: {}", config.nodeId(), e.toString());
            }
            time.sleep(JOIN_RETRY_MS);
        }
    }

    /**
     * One attempt: reads the leader's configuration and replaces it with the same voters and listeners plus
     * this node (an entry of the same id at another address is replaced), by compare-and-set, so that two
     * nodes joining at once cannot drop each other. (Ratis's ADD mode replaces the listener list instead of
     * adding to it, so it is not used.) False when no leader answered or the configuration changed meanwhile.
     */
    private boolean tryJoinAsListener() throws IOException {
        RaftPeer self = listenerPeer(config.self());
        for (RaftPeer voter : voterGroup.getPeers()) {
            GroupInfoReply info;
            try {
                info = client.getGroupManagementApi(voter.getId()).info(GROUP_ID);
            } catch (IOException e) {
                continue;
            }
            RaftConfigurationProto conf = info.getConf().orElse(null);
            if (info.getRoleInfoProto().getRole() != RaftPeerRole.LEADER || conf == null) {
                continue;
            }
            if (conf.getOldPeersCount() > 0 || conf.getOldListenersCount() > 0) {
                return false; // a configuration change is under way
            }
            List<RaftPeer> servers = ProtoUtils.toRaftPeers(conf.getPeersList());
            List<RaftPeer> listeners = ProtoUtils.toRaftPeers(conf.getListenersList());
            if (listeners.stream()
                    .anyMatch(p -> p.getId().equals(selfId) && p.getAddress().equals(self.getAddress()))) {
                return true;
            }
            List<RaftPeer> newListeners = new java.util.ArrayList<>(listeners);
            newListeners.removeIf(p -> p.getId().equals(selfId));
            newListeners.add(self);
            RaftClientReply reply = client.admin()
                    .setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
                            .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
                            .setServersInCurrentConf(servers)
                            .setListenersInCurrentConf(listeners)
                            .setServersInNewConf(servers)
                            .setListenersInNewConf(newListeners)
                            .build());
            if (!reply.isSuccess()) {
                log.info(
                        "Node {} could not join the quorum as a listener yet: {}",
                        config.nodeId(),
                        reply.getException());
            }
            return reply.isSuccess();
        }
        return false;
    }

    private void submitBarrier() {
        if (closed) {
            return;
        }
        sendCommand(new Barrier(config.nodeId())).whenComplete((reply, error) -> {
            if (closed) {
                return;
            }
            if (error != null) {
                log.info("Node {} waits for the metadata quorum: {}", config.nodeId(), error.toString());
                schedule(this::submitBarrier, BARRIER_RETRY_MS);
            } else {
                stateMachine.whenApplied(reply.getLogIndex()).thenRun(stateMachine::markCaughtUp);
            }
        });
    }

    private void schedule(Runnable task, long delayMs) {
        try {
            scheduler.schedule(task, delayMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed
        }
    }

    @Override
    public CompletableFuture<Long> append(List<MetadataRecord> records) {
        if (records.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("a batch holds at least one record"));
        }
        return submit(new AppendRecords(records)).thenApply(CommandCodec::decodeOffsetReply);
    }

    @Override
    public void register(MetadataListener listener) {
        stateMachine.register(listener);
    }

    /** Whether this node is the Raft leader with its state applied (the active controller). */
    public boolean isLeader() {
        return sessions.active();
    }

    /** The id of the node this one believes leads, if any. */
    public OptionalInt leaderId() {
        try {
            RaftPeerId leader = server.getDivision(GROUP_ID).getInfo().getLeaderId();
            return leader == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(leader.toString()));
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    /** The image of every record this node has applied; lock-free. */
    public MetadataImage image() {
        return stateMachine.image();
    }

    /** Whether this node has applied everything committed when it started. */
    public boolean caughtUp() {
        return stateMachine.isCaughtUp();
    }

    public int nodeId() {
        return config.nodeId();
    }

    // Visible for testing
    long appliedRaftIndex() {
        return stateMachine.appliedRaftIndex();
    }

    /** The first index still in this node's Raft log (entries before it were purged behind a snapshot). */
    // Visible for testing
    long raftLogStartIndex() {
        try {
            return server.getDivision(GROUP_ID).getRaftLog().getStartIndex();
        } catch (IOException e) {
            return -1L;
        }
    }

    RaftConfig config() {
        return config;
    }

    /** The controller settings this node's own entries (fencing, rebalance) carry; call before {@link #start}. */
    void useControllerConfig(ControllerConfig controllerConfig) {
        this.controllerConfig = controllerConfig;
        sessions.controllerConfig(controllerConfig);
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /**
     * Commits {@code command} through the leader; completes with the state machine's reply bytes once this
     * node has applied the entry too (its listeners have the records), within the request timeout.
     */
    CompletableFuture<byte[]> submit(MetadataCommand command) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        sendCommand(command)
                .thenCompose(reply -> stateMachine
                        .whenApplied(reply.getLogIndex())
                        .thenApply(applied -> reply.getMessage().getContent().toByteArray()))
                .orTimeout(config.requestTimeoutMs(), TimeUnit.MILLISECONDS)
                .whenComplete((bytes, error) -> {
                    if (error == null) {
                        result.complete(bytes);
                        return;
                    }
                    Throwable cause =
                            error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                    result.completeExceptionally(
                            cause instanceof TimeoutException
                                    ? new ApiException(
                                            Errors.REQUEST_TIMED_OUT,
                                            "The metadata quorum did not commit and apply the request within "
                                                    + config.requestTimeoutMs() + " ms.")
                                    : cause);
                });
        return result;
    }

    private CompletableFuture<RaftClientReply> sendCommand(MetadataCommand command) {
        if (closed) {
            return CompletableFuture.failedFuture(notController("The metadata log is closed."));
        }
        Message message = Message.valueOf(ByteString.copyFrom(CommandCodec.encode(command)));
        return checked(client.async().send(message));
    }

    /** Sends a read-only query to the leader (a heartbeat); completes with the reply bytes. */
    CompletableFuture<byte[]> query(byte[] request) {
        if (closed) {
            return CompletableFuture.failedFuture(notController("The metadata log is closed."));
        }
        return checked(client.async().sendReadOnly(Message.valueOf(ByteString.copyFrom(request))))
                .thenApply(reply -> reply.getMessage().getContent().toByteArray());
    }

    /** Maps Ratis failures to NOT_CONTROLLER, which tells a Kafka client to retry. */
    private static CompletableFuture<RaftClientReply> checked(CompletableFuture<RaftClientReply> sent) {
        CompletableFuture<RaftClientReply> result = new CompletableFuture<>();
        sent.whenComplete((reply, error) -> {
            if (error != null) {
                Throwable cause =
                        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                result.completeExceptionally(
                        cause instanceof ApiException
                                ? cause
                                : notController("The metadata quorum did not answer: " + cause));
            } else if (!reply.isSuccess()) {
                result.completeExceptionally(
                        notController("The metadata quorum refused the request: " + reply.getException()));
            } else {
                result.complete(reply);
            }
        });
        return result;
    }

    private static ApiException notController(String message) {
        return new ApiException(Errors.NOT_CONTROLLER, message);
    }

    /** Resigns (listeners hear {@code onResign}), then stops the client, the server and the scheduler. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        scheduler.shutdownNow();
        sessions.close();
        stateMachine.failWaiters(notController("The metadata log is closed."));
        sessions.onNotLeader();
        stateMachine.resignOnClose();
        try {
            client.close();
        } catch (IOException e) {
            log.warn("Closing the Raft client failed", e);
        }
        try {
            server.close();
        } catch (IOException e) {
            log.warn("Closing the Raft server failed", e);
        }
    }
}
