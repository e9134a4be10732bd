package io.fjord.broker.group;

import io.fjord.broker.partition.Partition;
import io.fjord.broker.partition.ReplicaManager;
import io.fjord.common.TopicPartition;
import io.fjord.coordinator.CoordinatorLoad;
import io.fjord.coordinator.LoadableCoordinator;
import io.fjord.metadata.MetadataDelta;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.MetadataPublisher;
import io.fjord.metadata.PartitionRegistration;
import io.fjord.metadata.TopicImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes this broker the coordinator of exactly the partitions it leads of a coordinator's topic (the group
 * coordinator's {@code __consumer_offsets}, the transaction coordinator's {@code __transaction_state}):
 * a partition it starts leading is loaded (its records replayed into the coordinator, with the partition's
 * leader epoch) on the load executor, off the metadata thread, so other partitions keep serving; one it stops
 * leading is unloaded.
 *
 * <p>Called on the metadata thread after the broker's own publisher (which creates the logs); a partition
 * is registered as loading on that thread, in metadata order, so an unload that follows always wins over
 * a load still queued. Loads run one at a time in partition order. A load that fails is forgotten (the
 * partition is unloaded and not counted as led) and tried again after {@code retryBackoffMs} if this
 * broker still leads the partition then, or on the next metadata update, whichever comes first.
 */
public final class CoordinatorPartitionsPublisher implements MetadataPublisher {

    private static final Logger log = LoggerFactory.getLogger(CoordinatorPartitionsPublisher.class);

    private final int nodeId;
    private final String topic;
    private final LoadableCoordinator coordinator;
    private final ReplicaManager replicaManager;
    private final ExecutorService loadExecutor;
    private final ScheduledExecutorService retryTimer;
    private final long retryBackoffMs;
    /** The partitions this broker leads, with their loads. Guarded by this. */
    private final Map<Integer, CoordinatorLoad> led = new HashMap<>();
    /** The leader epoch each partition in {@link #led} was loaded at. Guarded by this. */
    private final Map<Integer, Integer> ledEpochs = new HashMap<>();
    /** The partitions the latest image says this broker leads, with their leader epochs. Guarded by this. */
    private Map<Integer, Integer> leaderOf = Map.of();
    /** Runs on the loading thread before each partition's load (tests hold a load with it). */
    private volatile IntConsumer beforeLoad = partition -> {};

    public CoordinatorPartitionsPublisher(
            int nodeId,
            String topic,
            LoadableCoordinator coordinator,
            ReplicaManager replicaManager,
            ExecutorService loadExecutor,
            ScheduledExecutorService retryTimer,
            long retryBackoffMs) {
        this.nodeId = nodeId;
        this.topic = topic;
        this.coordinator = coordinator;
        this.replicaManager = replicaManager;
        this.loadExecutor = loadExecutor;
        this.retryTimer = retryTimer;
        this.retryBackoffMs = retryBackoffMs;
    }

    /**
     * Runs {@code hook} on the loading thread before each partition's load, with the partition: tests use it to
     * hold a load and see what clients get meanwhile. Set it before the first metadata update.
     */
    public void beforeEachLoad(IntConsumer hook) {
        this.beforeLoad = hook;
    }

    @Override
    public synchronized void onMetadataUpdate(MetadataDelta delta, MetadataImage image) {
        TopicImage topicImage = image.topics().topic(topic);
        Map<Integer, Integer> nowLed = new TreeMap<>(); // partition -> leader epoch; loads queue in partition order
        if (topicImage != null) {
            for (Map.Entry<Integer, PartitionRegistration> e :
                    topicImage.partitions().entrySet()) {
                if (e.getValue().leader() == nodeId) {
                    nowLed.put(e.getKey(), e.getValue().leaderEpoch());
                }
            }
        }
        for (Integer partition : new ArrayList<>(led.keySet())) {
            Integer epoch = nowLed.get(partition);
            // A new leader epoch while still leader: a coordinator that uses the epoch reads its state again.
            boolean newEpoch = epoch != null && epoch > ledEpochs.getOrDefault(partition, epoch);
            if (epoch == null || newEpoch && coordinator.reloadsOnNewLeaderEpoch()) {
                led.remove(partition);
                ledEpochs.remove(partition);
                coordinator.unloadPartition(partition);
            }
        }
        leaderOf = nowLed;
        for (Map.Entry<Integer, Integer> e : nowLed.entrySet()) {
            startLoad(e.getKey(), e.getValue());
        }
        if (!delta.deletedTopics().isEmpty()) {
            Set<String> deleted = new HashSet<>();
            delta.deletedTopics().values().forEach(t -> deleted.add(t.name()));
            coordinator.onTopicsDeleted(deleted);
        }
    }

    /** Schedules the partition's load unless one is registered; registered as loading at once. */
    private synchronized void startLoad(int partition, int leaderEpoch) {
        if (led.containsKey(partition)) {
            return;
        }
        CoordinatorLoad load = coordinator.scheduleLoad(partition, leaderEpoch);
        led.put(partition, load);
        ledEpochs.put(partition, leaderEpoch);
        try {
            loadExecutor.execute(() -> load(load));
        } catch (RejectedExecutionException e) {
            log.warn("cannot load {}-{}: the load executor is stopped", topic, partition);
            load.cancel();
            led.remove(partition, load);
            ledEpochs.remove(partition);
        }
    }

    private void load(CoordinatorLoad load) {
        beforeLoad.accept(load.partition());
        if (load.isCancelled()) {
            return;
        }
        TopicPartition tp = new TopicPartition(topic, load.partition());
        try {
            Partition partition = replicaManager.partition(tp);
            if (partition == null) {
                throw new IllegalStateException("this broker does not host " + tp);
            }
            long startNs = System.nanoTime();
            // Streamed chunk by chunk: memory stays bounded however large the partition is.
            OffsetsPartitionReader records =
                    new OffsetsPartitionReader(partition.log(), OffsetsPartitionReader.DEFAULT_CHUNK_BYTES);
            if (load.run(records)) {
                log.info(
                        "loaded {} records of {} in {} ms",
                        records.recordsRead(),
                        tp,
                        (System.nanoTime() - startNs) / 1_000_000);
            }
        } catch (RuntimeException e) {
            log.error("loading {} failed; trying again in {} ms", tp, retryBackoffMs, e);
            forget(load);
        }
    }

    /**
     * Gives a failed load up: the partition is unloaded and no longer counted as led, and a retry is
     * scheduled for when the backoff has passed (it does nothing if leadership moved or a load started).
     */
    private synchronized void forget(CoordinatorLoad load) {
        load.cancel();
        if (!led.remove(load.partition(), load)) {
            return;
        }
        ledEpochs.remove(load.partition());
        try {
            retryTimer.schedule(() -> retry(load.partition()), retryBackoffMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("not retrying the load of partition {}: the broker is stopping", load.partition());
        }
    }

    private synchronized void retry(int partition) {
        Integer leaderEpoch = leaderOf.get(partition);
        if (leaderEpoch != null) {
            startLoad(partition, leaderEpoch);
        }
    }
}
