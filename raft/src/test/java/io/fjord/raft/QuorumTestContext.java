package io.fjord.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Time;
import io.fjord.metadata.ConfigValidator;
import io.fjord.metadata.ControllerConfig;
import io.fjord.metadata.MetadataBatch;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.MetadataListener;
import io.fjord.metadata.MetadataRecord;
import io.fjord.testkit.FreePorts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * An in-process quorum of {@link RaftMetadataNode}s on loopback ports, each in its own directory under
 * the test's temporary directory, with a recording listener per node. Nodes can be closed and restarted
 * on their directories. Not thread-safe: the test thread drives it.
 */
final class QuorumTestContext implements AutoCloseable {

    static final long SESSION_TIMEOUT_MS = 2500;
    static final long HEARTBEAT_INTERVAL_MS = 400;

    private final Path dir;
    private final String voters;
    private final int size;
    private final long snapshotEveryEntries;
    private final long sessionTimeoutMs;
    private final Map<Integer, RaftMetadataNode> nodes = new TreeMap<>();
    private final Map<Integer, RecordingListener> listeners = new TreeMap<>();
    private final SplittableRandom seeds = new SplittableRandom(42);
    private final Map<Integer, Integer> listenerPorts = new TreeMap<>();

    QuorumTestContext(Path dir, int size, long snapshotEveryEntries) throws IOException {
        this(dir, size, snapshotEveryEntries, SESSION_TIMEOUT_MS);
    }

    /** A quorum whose brokers' sessions last {@code sessionTimeoutMs}; they heartbeat every HEARTBEAT_INTERVAL_MS. */
    QuorumTestContext(Path dir, int size, long snapshotEveryEntries, long sessionTimeoutMs) throws IOException {
        this.dir = dir;
        this.size = size;
        this.snapshotEveryEntries = snapshotEveryEntries;
        this.sessionTimeoutMs = sessionTimeoutMs;
        List<String> entries = new ArrayList<>();
        for (int id = 1; id <= size; id++) {
            entries.add(id + "@127.0.0.1:" + freePort());
        }
        this.voters = String.join(",", entries);
    }

    /** Outside the ephemeral range: a node connecting to its peers cannot take a later node's port meanwhile. */
    static int freePort() {
        return FreePorts.next();
    }

    QuorumTestContext startAll() throws IOException {
        for (int id = 1; id <= size; id++) {
            start(id);
        }
        return this;
    }

    RaftMetadataNode start(int id) throws IOException {
        return start(RaftConfig.of(id, voters, dir.resolve("node-" + id)));
    }

    /**
     * Starts node {@code id} (not a voter) as a non-voting listener, on the same loopback port each time it
     * is started.
     */
    RaftMetadataNode startListener(int id) throws IOException {
        int port = listenerPorts.containsKey(id) ? listenerPorts.get(id) : freePort();
        listenerPorts.put(id, port);
        return start(RaftConfig.listenerOf(id, voters, "127.0.0.1", port, dir.resolve("node-" + id)));
    }

    private RaftMetadataNode start(RaftConfig base) throws IOException {
        int id = base.nodeId();
        RaftConfig config = base.withBrokerSessionTimeoutMs(sessionTimeoutMs, HEARTBEAT_INTERVAL_MS)
                .withSnapshots(snapshotEveryEntries, 4 * 1024)
                .withElectionTimeoutMs(300, 600);
        RaftMetadataNode node = RaftMetadataNode.start(
                config,
                ControllerConfig.DEFAULT,
                ConfigValidator.ACCEPT_ALL,
                Time.SYSTEM,
                new SplittableRandom(seeds.nextLong()));
        RecordingListener listener = new RecordingListener();
        node.log().register(listener);
        nodes.put(id, node);
        listeners.put(id, listener);
        return node;
    }

    void stop(int id) {
        RaftMetadataNode node = nodes.remove(id);
        if (node != null) {
            node.close();
        }
    }

    RaftMetadataNode node(int id) {
        return nodes.get(id);
    }

    RecordingListener listener(int id) {
        return listeners.get(id);
    }

    /** The id of the one running node that is the active controller, waiting up to {@code timeoutMs}. */
    int awaitLeader(long timeoutMs) {
        int[] leader = new int[1];
        await(timeoutMs, "a single active controller among " + nodes.keySet(), () -> {
            List<Integer> leaders = nodes.entrySet().stream()
                    .filter(e -> e.getValue().isActiveController())
                    .map(Map.Entry::getKey)
                    .collect(Collectors.toList());
            if (leaders.size() == 1) {
                leader[0] = leaders.get(0);
                return true;
            }
            return false;
        });
        return leader[0];
    }

    int aFollower(int leader) {
        return nodes.keySet().stream().filter(id -> id != leader).findFirst().orElseThrow();
    }

    /** Waits until every running node has caught up and holds the same image at the same offset. */
    MetadataImage awaitSameImage(long timeoutMs) {
        await(timeoutMs, "the same image on " + nodes.keySet(), () -> {
            List<MetadataImage> images =
                    nodes.values().stream().map(n -> n.log().image()).toList();
            return nodes.values().stream().allMatch(n -> n.ready().isDone())
                    && images.stream().allMatch(image -> image.equals(images.get(0)));
        });
        MetadataImage image = nodes.values().iterator().next().log().image();
        for (RaftMetadataNode node : nodes.values()) {
            assertThat(node.loader().image()).isEqualTo(image);
        }
        return image;
    }

    static void await(long timeoutMs, String what, BooleanSupplier condition) {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadlineNs) {
                throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        new ArrayList<>(nodes.keySet()).forEach(this::stop);
    }

    /** Records every batch a node's log hands out, and whether recovery completed. */
    static final class RecordingListener implements MetadataListener {
        final List<MetadataBatch> batches = new CopyOnWriteArrayList<>();
        volatile long replayCompleteOffset = Long.MIN_VALUE;
        final List<Long> leaderEpochs = new CopyOnWriteArrayList<>();

        @Override
        public void onCommit(MetadataBatch batch) {
            batches.add(batch);
        }

        @Override
        public void onReplayComplete(long lastOffset) {
            replayCompleteOffset = lastOffset;
        }

        @Override
        public void onBecomeLeader(long epoch) {
            leaderEpochs.add(epoch);
        }

        List<MetadataRecord> records() {
            List<MetadataRecord> records = new ArrayList<>();
            batches.forEach(batch -> records.addAll(batch.records()));
            return records;
        }
    }
}
