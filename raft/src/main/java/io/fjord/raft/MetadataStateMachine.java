package io.fjord.raft;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.Time;
import io.fjord.metadata.ConfigValidator;
import io.fjord.metadata.ControllerConfig;
import io.fjord.metadata.ControllerLogic;
import io.fjord.metadata.ControllerResult;
import io.fjord.metadata.MetadataBatch;
import io.fjord.metadata.MetadataDelta;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.MetadataListener;
import io.fjord.metadata.MetadataRecord;
import io.fjord.metadata.NoOpRecord;
import io.fjord.raft.MetadataCommand.AllocateProducerIds;
import io.fjord.raft.MetadataCommand.AlterConfigs;
import io.fjord.raft.MetadataCommand.AlterPartition;
import io.fjord.raft.MetadataCommand.AlterPartitionReassignments;
import io.fjord.raft.MetadataCommand.AlterUserScramCredentials;
import io.fjord.raft.MetadataCommand.AppendRecords;
import io.fjord.raft.MetadataCommand.Barrier;
import io.fjord.raft.MetadataCommand.ControlledShutdown;
import io.fjord.raft.MetadataCommand.CreateAcls;
import io.fjord.raft.MetadataCommand.CreatePartitions;
import io.fjord.raft.MetadataCommand.CreateTopics;
import io.fjord.raft.MetadataCommand.DeleteAcls;
import io.fjord.raft.MetadataCommand.DeleteTopics;
import io.fjord.raft.MetadataCommand.ElectLeaders;
import io.fjord.raft.MetadataCommand.RegisterBroker;
import io.fjord.raft.MetadataCommand.SetBrokerFenced;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis state machine of one node's metadata log: owns the node's committed {@link MetadataImage},
 * the record offsets, the registered {@link MetadataListener}s and the snapshots.
 *
 * <p>Applying: each committed {@link MetadataCommand} is decoded and turned into records against the
 * current image ({@link ControllerLogic}, seeded from the command, so every node derives the same records);
 * the records are replayed as one atomic batch, or, if any contradicts the image, none is and the reply
 * carries the error. Offsets: every applied record gets the next <em>record offset</em> (0, 1, 2, ...), kept
 * here and in snapshots; a command that writes no record takes none. So offsets are deterministic across
 * nodes but are not Raft log indexes. The reply to the submitter holds the command's results.
 *
 * <p>Snapshots: {@link #takeSnapshot} writes {@link MetadataSnapshotFile} for the last applied Raft
 * index; Ratis triggers it every N entries, purges the log behind it and sends it to followers that lag
 * behind the purged log. When a snapshot replaces the state ({@link #reinitialize}, or loading at
 * start), listeners get the difference between the old and new image as one batch.
 *
 * <p>Threading: Ratis applies entries on its state machine updater thread; {@link #register}, snapshot
 * writes and leadership notifications come from other threads. All of them synchronize on this object,
 * so listeners are called one at a time, in offset order. {@link #image()} is a lock-free read.
 */
final class MetadataStateMachine extends BaseStateMachine {

    private static final Logger log = LoggerFactory.getLogger(MetadataStateMachine.class);

    static final int MAX_APPLIED_WAITERS = 10_000;

    /** What the node does on events that are not log application (leadership, heartbeats). */
    interface Hooks {
        void onLeaderReady(long term);

        void onNotLeader();

        void onBrokerRegistered(int brokerId);

        CompletableFuture<byte[]> onHeartbeat(CommandCodec.Heartbeat heartbeat);
    }

    private final int nodeId;
    private final Time time;
    /** When each follower was last seen caught up by a describe on this leader (see QuorumDescriber). */
    private final Map<Integer, Long> lastCaughtUpMs = new java.util.concurrent.ConcurrentHashMap<>();

    private final ConfigValidator validator;
    private final Hooks hooks;
    /** Completes {@link #whenApplied} futures, so no caller code runs on Ratis's apply thread. */
    private final Executor callbacks;

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();

    // Guarded by this.
    private final List<MetadataListener> listeners = new ArrayList<>();
    private volatile MetadataImage image = MetadataImage.EMPTY;
    private boolean caughtUp;
    private boolean leader;
    private long appliedRaftIndex = -1L;
    /** Futures of this node's requests, by the Raft index they wait for this node to apply. */
    private final TreeMap<Long, List<CompletableFuture<Void>>> appliedWaiters = new TreeMap<>();

    MetadataStateMachine(int nodeId, ConfigValidator validator, Hooks hooks, Executor callbacks, Time time) {
        this.nodeId = nodeId;
        this.time = time;
        this.callbacks = callbacks;
        this.validator = validator;
        this.hooks = hooks;
    }

    /** The latest applied image; lock-free. */
    MetadataImage image() {
        return image;
    }

    /** The Raft index of the latest snapshot on disk, -1 if none. */
    long latestSnapshotIndex() {
        SingleFileSnapshotInfo snapshot = storage.getLatestSnapshot();
        return snapshot == null ? -1L : snapshot.getIndex();
    }

    synchronized long appliedRaftIndex() {
        return appliedRaftIndex;
    }

    /**
     * Completes, on the callback executor, once this node has applied Raft index {@code index} (so its
     * listeners have the entry's records); fails with {@code closedError} if the node closes first.
     */
    synchronized CompletableFuture<Void> whenApplied(long index) {
        if (appliedRaftIndex >= index) {
            return CompletableFuture.completedFuture(null);
        }
        if (appliedWaiters.size() >= MAX_APPLIED_WAITERS) {
            return CompletableFuture.failedFuture(new ApiException(
                    Errors.THROTTLING_QUOTA_EXCEEDED, MAX_APPLIED_WAITERS + " requests already wait for this node"));
        }
        CompletableFuture<Void> future = new CompletableFuture<>();
        appliedWaiters.computeIfAbsent(index, i -> new ArrayList<>()).add(future);
        return future;
    }

    /** Fails every request still waiting for this node to apply its entry. */
    synchronized void failWaiters(RuntimeException error) {
        appliedWaiters.values().forEach(futures -> futures.forEach(f -> f.completeExceptionally(error)));
        appliedWaiters.clear();
    }

    /** Called with this held. */
    private void advanceApplied(long index) {
        if (index <= appliedRaftIndex) {
            return;
        }
        appliedRaftIndex = index;
        while (!appliedWaiters.isEmpty() && appliedWaiters.firstKey() <= index) {
            for (CompletableFuture<Void> future :
                    appliedWaiters.pollFirstEntry().getValue()) {
                try {
                    callbacks.execute(() -> future.complete(null));
                } catch (RejectedExecutionException e) {
                    future.complete(null);
                }
            }
        }
    }

    synchronized boolean isCaughtUp() {
        return caughtUp;
    }

    /** See {@link io.fjord.metadata.MetadataLog#register}. */
    synchronized void register(MetadataListener listener) {
        if (!image.isEmpty()) {
            deliver(listener, image.offset(), ImageDiff.between(MetadataImage.EMPTY, image));
        }
        if (caughtUp) {
            safely(listener, l -> l.onReplayComplete(image.offset()));
            if (leader) {
                long term = currentTerm();
                safely(listener, l -> l.onBecomeLeader(term));
            }
        }
        listeners.add(listener);
    }

    /** This node has applied everything committed when it started: recovery is over for the listeners. */
    synchronized void markCaughtUp() {
        if (caughtUp) {
            return;
        }
        caughtUp = true;
        log.info("Node {} caught up with the metadata quorum at offset {}", nodeId, image.offset());
        long offset = image.offset();
        listeners.forEach(listener -> safely(listener, l -> l.onReplayComplete(offset)));
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
        loadSnapshot(storage.loadLatestSnapshot());
        toRunning();
    }

    /** Ratis pauses the state machine before it installs a snapshot from the leader and reloads it. */
    @Override
    public void pause() {
        LifeCycle lifeCycle = getLifeCycle();
        if (lifeCycle.getCurrentState() == LifeCycle.State.RUNNING) {
            lifeCycle.transition(LifeCycle.State.PAUSING);
            lifeCycle.transition(LifeCycle.State.PAUSED);
        }
    }

    /** Loads the snapshot just installed from the leader (after {@link #pause}). */
    @Override
    public void reinitialize() throws IOException {
        loadSnapshot(storage.loadLatestSnapshot());
        toRunning();
    }

    private void toRunning() {
        LifeCycle lifeCycle = getLifeCycle();
        if (lifeCycle.getCurrentState() == LifeCycle.State.NEW
                || lifeCycle.getCurrentState() == LifeCycle.State.PAUSED) {
            lifeCycle.transition(LifeCycle.State.STARTING);
            lifeCycle.transition(LifeCycle.State.RUNNING);
        }
    }

    private synchronized void loadSnapshot(SingleFileSnapshotInfo snapshot) throws IOException {
        if (snapshot == null) {
            return;
        }
        TermIndex termIndex = snapshot.getTermIndex();
        if (termIndex.getIndex() <= appliedRaftIndex) {
            return;
        }
        MetadataImage loaded = MetadataSnapshotFile.read(snapshot.getFile().getPath());
        List<MetadataRecord> diff = new ArrayList<>(ImageDiff.between(image, loaded));
        if (diff.isEmpty() && loaded.offset() > image.offset()) {
            diff.add(new NoOpRecord()); // nothing changed but the offset: listeners still move to it
        }
        log.info(
                "Node {} loaded the metadata snapshot at Raft index {} (record offset {}, {} changed record(s))",
                nodeId,
                termIndex.getIndex(),
                loaded.offset(),
                diff.size());
        image = loaded;
        advanceApplied(termIndex.getIndex());
        setLastAppliedTermIndex(termIndex);
        listeners.forEach(listener -> deliver(listener, loaded.offset(), diff));
    }

    @Override
    public long takeSnapshot() throws IOException {
        MetadataImage snapshotImage;
        TermIndex last;
        synchronized (this) {
            snapshotImage = image;
            last = getLastAppliedTermIndex();
        }
        if (last == null || last.getIndex() < 0) {
            return -1L;
        }
        SingleFileSnapshotInfo info = MetadataSnapshotFile.write(
                storage.getSnapshotFile(last.getTerm(), last.getIndex()).toPath(), snapshotImage, last);
        storage.updateLatestSnapshot(info);
        log.info(
                "Node {} took a metadata snapshot at Raft index {} (record offset {})",
                nodeId,
                last.getIndex(),
                snapshotImage.offset());
        return last.getIndex();
    }

    @Override
    public SimpleStateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public SingleFileSnapshotInfo getLatestSnapshot() {
        return storage.getLatestSnapshot();
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        byte[] reply;
        synchronized (this) {
            reply = apply(entry.getStateMachineLogEntry().getLogData().toByteArray(), entry.getTerm());
            advanceApplied(entry.getIndex());
            updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        }
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(reply)));
    }

    @Override
    public synchronized void notifyTermIndexUpdated(long term, long index) {
        advanceApplied(index);
        super.notifyTermIndexUpdated(term, index);
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        byte[] bytes = request.getContent().toByteArray();
        if (CommandCodec.isDescribeQuorum(bytes)) {
            return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(describeQuorum())));
        }
        try {
            CommandCodec.Heartbeat heartbeat = CommandCodec.decodeHeartbeat(bytes);
            return hooks.onHeartbeat(heartbeat).thenApply(reply -> Message.valueOf(ByteString.copyFrom(reply)));
        } catch (MalformedCommandException e) {
            return CompletableFuture.completedFuture(Message.valueOf(
                    ByteString.copyFrom(CommandCodec.errorReply(Errors.INVALID_REQUEST, e.getMessage()))));
        }
    }

    /**
     * The quorum as this node's Ratis division sees it, if it leads (only the leader tracks its followers):
     * a {@link CommandCodec#describeQuorumReply}, else NOT_LEADER_OR_FOLLOWER, which a client retries.
     */
    private byte[] describeQuorum() {
        try {
            RaftServer.Division division = getServer().get().getDivision(getGroupId());
            DivisionInfo info = division.getInfo();
            if (!info.isLeader()) {
                return CommandCodec.errorReply(
                        Errors.NOT_LEADER_OR_FOLLOWER, "Node " + nodeId + " does not lead the metadata quorum.");
            }
            List<RaftProtos.ServerRpcProto> answers =
                    info.getRoleInfoProto().getLeaderInfo().getFollowerInfoList();
            long[] matchIndices = info.getFollowerMatchIndices();
            if (matchIndices == null) { // leadership lost since isLeader()
                return CommandCodec.errorReply(
                        Errors.NOT_LEADER_OR_FOLLOWER, "Node " + nodeId + " no longer leads the metadata quorum.");
            }
            List<QuorumDescriber.Follower> followers = new ArrayList<>(answers.size());
            for (int i = 0; i < answers.size(); i++) {
                RaftProtos.ServerRpcProto answer = answers.get(i);
                followers.add(new QuorumDescriber.Follower(
                        Integer.parseInt(answer.getId().getId().toStringUtf8()),
                        // both lists come from the leader's appenders, in one order, unless the group just changed
                        matchIndices.length == answers.size() ? matchIndices[i] : -1L,
                        answer.getLastRpcElapsedTimeMs()));
            }
            RaftConfiguration conf = division.getRaftConf();
            return CommandCodec.describeQuorumReply(QuorumDescriber.describe(
                    nodeId,
                    info.getCurrentTerm(),
                    division.getRaftLog().getNextIndex(),
                    division.getRaftLog().getLastCommittedIndex(),
                    nodeIds(conf.getCurrentPeers()),
                    nodeIds(conf.getCurrentPeers(RaftProtos.RaftPeerRole.LISTENER)),
                    followers,
                    time.milliseconds(),
                    lastCaughtUpMs));
        } catch (IOException | java.util.concurrent.ExecutionException e) {
            // the server or its division is not (or no longer) there: as for a node that does not lead
            return CommandCodec.errorReply(
                    Errors.NOT_LEADER_OR_FOLLOWER, "The metadata quorum could not be described: " + e);
        } catch (RuntimeException e) {
            log.error("Node {} failed to describe the metadata quorum", nodeId, e);
            return CommandCodec.errorReply(
                    Errors.UNKNOWN_SERVER_ERROR, "The metadata quorum could not be described: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CommandCodec.errorReply(Errors.NOT_LEADER_OR_FOLLOWER, "Interrupted.");
        }
    }

    private static List<Integer> nodeIds(java.util.Collection<RaftPeer> peers) {
        List<Integer> ids = new ArrayList<>(peers.size());
        peers.forEach(p -> ids.add(Integer.parseInt(p.getId().toString())));
        ids.sort(null);
        return ids;
    }

    /**
     * Called by Ratis once this leader has applied the first entry of its term: everything committed
     * before has been applied, so the node may act as the active controller.
     */
    @Override
    public void notifyLeaderReady() {
        long term = currentTerm();
        synchronized (this) {
            leader = true;
            log.info("Node {} is the active controller at term {}", nodeId, term);
            listeners.forEach(listener -> safely(listener, l -> l.onBecomeLeader(term)));
        }
        hooks.onLeaderReady(term);
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        boolean resigned;
        synchronized (this) {
            resigned = leader && !groupMemberId.getPeerId().equals(newLeaderId);
            if (resigned) {
                leader = false;
                log.info("Node {} is no longer the active controller (new leader {})", nodeId, newLeaderId);
                listeners.forEach(listener -> safely(listener, MetadataListener::onResign));
            }
        }
        if (resigned) {
            hooks.onNotLeader();
        }
    }

    /** Resigns on close, so listeners hear it before the log stops. */
    synchronized void resignOnClose() {
        if (leader) {
            leader = false;
            listeners.forEach(listener -> safely(listener, MetadataListener::onResign));
        }
    }

    private long currentTerm() {
        try {
            return getServer().get().getDivision(getGroupId()).getInfo().getCurrentTerm();
        } catch (IOException | RuntimeException | InterruptedException | java.util.concurrent.ExecutionException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            TermIndex last = getLastAppliedTermIndex();
            return last == null ? 0L : last.getTerm();
        }
    }

    // ---- applying commands; called with this held ----

    private byte[] apply(byte[] bytes, long entryTerm) {
        MetadataCommand command;
        try {
            command = CommandCodec.decode(bytes);
        } catch (MalformedCommandException e) {
            log.error("Node {} skips a metadata log entry it cannot decode", nodeId, e);
            return CommandCodec.errorReply(Errors.INVALID_REQUEST, e.getMessage());
        }
        try {
            return apply(command, entryTerm);
        } catch (ApiException e) {
            return CommandCodec.errorReply(e.error(), e.getMessage());
        } catch (RuntimeException e) {
            // Deterministic on every node (same image, same command): the entry changes nothing anywhere.
            log.error("Node {} could not apply {}", nodeId, command, e);
            return CommandCodec.errorReply(Errors.UNKNOWN_SERVER_ERROR, String.valueOf(e.getMessage()));
        }
    }

    private byte[] apply(MetadataCommand command, long entryTerm) {
        if (command instanceof AppendRecords c) {
            return CommandCodec.offsetReply(commit(c.records()));
        } else if (command instanceof CreateTopics c) {
            return commit(
                    logic(c.config(), c.seed()).createTopics(image, c.topics(), c.validateOnly()),
                    CommandCodec::createTopicsReply);
        } else if (command instanceof DeleteTopics c) {
            return commit(logic().deleteTopics(image, c.names(), c.topicIds()), CommandCodec::deleteTopicsReply);
        } else if (command instanceof CreatePartitions c) {
            return commit(
                    logic(c.config(), c.seed()).createPartitions(image, c.topics(), c.validateOnly()),
                    CommandCodec::createPartitionsReply);
        } else if (command instanceof AlterConfigs c) {
            ControllerLogic logic = logic(c.config(), 0L);
            return commit(
                    c.replace()
                            ? logic.alterConfigs(image, c.resources(), c.validateOnly())
                            : logic.incrementalAlterConfigs(image, c.resources(), c.validateOnly()),
                    CommandCodec::alterConfigsReply);
        } else if (command instanceof RegisterBroker c) {
            return CommandCodec.offsetReply(registerBroker(c));
        } else if (command instanceof SetBrokerFenced c) {
            return setBrokerFenced(c, entryTerm);
        } else if (command instanceof AlterPartition c) {
            return commit(logic().alterPartition(image, c.brokerId(), c.items()), CommandCodec::alterPartitionReply);
        } else if (command instanceof ElectLeaders c) {
            return commit(logic().electLeaders(image, c.type(), c.partitions()), CommandCodec::electLeadersReply);
        } else if (command instanceof AlterPartitionReassignments c) {
            return commit(
                    logic(c.config(), 0L)
                            .alterPartitionReassignments(image, c.reassignments(), c.allowReplicationFactorChange()),
                    CommandCodec::reassignmentsReply);
        } else if (command instanceof ControlledShutdown c) {
            return commit(
                    logic(c.config(), 0L).controlledShutdown(image, c.brokerId(), c.incarnationId()),
                    CommandCodec::booleanReply);
        } else if (command instanceof AllocateProducerIds c) {
            return commit(logic().allocateProducerIds(image, c.brokerId(), c.floor()), CommandCodec::offsetReply);
        } else if (command instanceof AlterUserScramCredentials c) {
            return commit(
                    logic().alterUserScramCredentials(image, c.deletions(), c.upsertions()),
                    CommandCodec::scramCredentialsReply);
        } else if (command instanceof CreateAcls c) {
            return commit(
                    logic(ControllerConfig.DEFAULT, c.seed()).createAcls(image, c.acls()),
                    CommandCodec::createAclsReply);
        } else if (command instanceof DeleteAcls c) {
            return commit(logic().deleteAcls(image, c.filters()), CommandCodec::deleteAclsReply);
        } else if (command instanceof Barrier c) {
            if (c.nodeId() == nodeId) {
                markCaughtUp();
            }
            return CommandCodec.offsetReply(image.offset());
        }
        throw new IllegalStateException("no apply for " + command);
    }

    private byte[] setBrokerFenced(SetBrokerFenced c, long entryTerm) {
        if (c.proposerTerm() != SetBrokerFenced.ANY_TERM && c.proposerTerm() != entryTerm) {
            log.info(
                    "Node {} ignores a {} of broker {} proposed in term {} but logged in term {}: its proposer"
                            + " no longer led",
                    nodeId,
                    c.fenced() ? "fencing" : "unfencing",
                    c.brokerId(),
                    c.proposerTerm(),
                    entryTerm);
            return CommandCodec.errorReply(
                    Errors.NOT_CONTROLLER, "proposed in term " + c.proposerTerm() + ", logged in " + entryTerm);
        }
        List<MetadataRecord> records = logic(c.config(), 0L)
                .setBrokerFenced(image, c.brokerId(), c.incarnationId(), c.fenced())
                .records();
        if (!records.isEmpty()) {
            log.info(
                    "Node {} applies: broker {} {} ({} partition change(s))",
                    nodeId,
                    c.brokerId(),
                    c.fenced() ? "fenced" : "unfenced",
                    records.size() - 1);
        }
        return CommandCodec.offsetReply(commit(records));
    }

    private ControllerLogic logic(ControllerConfig config, long seed) {
        return new ControllerLogic(config, validator, new Random(seed));
    }

    /**
     * For the decisions that read no controller setting and draw no random number (DeleteTopics,
     * AlterPartition, ElectLeaders, AllocateProducerIds, AlterUserScramCredentials, DeleteAcls), which is why their commands carry neither.
     */
    private ControllerLogic logic() {
        return logic(ControllerConfig.DEFAULT, 0L);
    }

    /** Commits the decision's records and encodes its response with {@code reply}. */
    private <T> byte[] commit(ControllerResult<T> result, Function<T, byte[]> reply) {
        commit(result.records());
        return reply.apply(result.response());
    }

    private long registerBroker(RegisterBroker c) {
        long offset = commit(logic(c.config(), 0L)
                .registerBroker(image, c.brokerId(), c.incarnationId(), c.endpoints(), c.rack())
                .records());
        hooks.onBrokerRegistered(c.brokerId());
        return offset;
    }

    /**
     * Replays {@code records} as one batch onto the image and hands it to the listeners; returns the last
     * record's offset (the image's offset when there are none). A record that does not replay fails the
     * whole batch with INVALID_REQUEST and changes nothing.
     */
    private long commit(List<MetadataRecord> records) {
        if (records.isEmpty()) {
            return image.offset();
        }
        MetadataDelta delta = new MetadataDelta(image);
        try {
            for (MetadataRecord record : records) {
                delta.replay(record);
            }
        } catch (IllegalStateException e) {
            throw new ApiException(Errors.INVALID_REQUEST, "The records do not apply: " + e.getMessage());
        }
        long baseOffset = image.offset() + 1;
        MetadataBatch batch = new MetadataBatch(baseOffset, records);
        image = delta.apply(batch.lastOffset());
        listeners.forEach(listener -> safely(listener, l -> l.onCommit(batch)));
        return batch.lastOffset();
    }

    private static void deliver(MetadataListener listener, long lastOffset, List<MetadataRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        MetadataBatch batch = new MetadataBatch(Math.max(0L, lastOffset - records.size() + 1), records);
        safely(listener, l -> l.onCommit(batch));
    }

    private static void safely(MetadataListener listener, Consumer<MetadataListener> call) {
        try {
            call.accept(listener);
        } catch (RuntimeException e) {
            log.error("Metadata listener {} failed", listener, e);
        }
    }
}
