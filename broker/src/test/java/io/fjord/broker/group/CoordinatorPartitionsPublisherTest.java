package io.fjord.broker.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.broker.partition.ReplicaManager;
import io.fjord.common.Errors;
import io.fjord.common.TopicPartition;
import io.fjord.common.Uuid;
import io.fjord.coordinator.CoordinatorLoad;
import io.fjord.coordinator.CoordinatorLogEntry;
import io.fjord.coordinator.CoordinatorRecord;
import io.fjord.coordinator.ExecutorCoordinatorScheduler;
import io.fjord.coordinator.GroupCoordinator;
import io.fjord.coordinator.GroupCoordinatorConfig;
import io.fjord.coordinator.LoadableCoordinator;
import io.fjord.coordinator.TopicMetadataView;
import io.fjord.metadata.MetadataDelta;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.PartitionRecord;
import io.fjord.metadata.PartitionRegistration;
import io.fjord.metadata.TopicRecord;
import io.fjord.protocol.record.RecordBatch;
import io.fjord.protocol.record.RecordBatches;
import io.fjord.storage.FetchDataInfo;
import io.fjord.storage.LogConfig;
import io.fjord.storage.LogManager;
import io.fjord.storage.UnifiedLog;
import io.fjord.testkit.MockTime;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoordinatorPartitionsPublisherTest {

    private static final int LOCAL = 1;
    private static final int OTHER = 2;
    private static final Uuid OFFSETS_TOPIC_ID = new Uuid(3, 5);
    private static final TopicPartition OFFSETS_0 = new TopicPartition(OffsetsTopicLog.TOPIC, 0);

    @TempDir
    Path dir;

    private final MockTime time = new MockTime();
    private LogManager logManager;
    private ScheduledExecutorService timer;
    private ReplicaManager replicas;
    private ExecutorCoordinatorScheduler groupTimers;
    private GroupCoordinator coordinator;
    private static final long RETRY_BACKOFF_MS = 50;
    private final ManualExecutor loader = new ManualExecutor();
    private CoordinatorPartitionsPublisher publisher;

    /** Runs submitted tasks only when the test says so, on the test thread. */
    private static final class ManualExecutor extends AbstractExecutorService {
        private final Queue<Runnable> queued = new ConcurrentLinkedQueue<>();

        @Override
        public void execute(Runnable command) {
            queued.add(command);
        }

        void runAll() {
            for (Runnable r = queued.poll(); r != null; r = queued.poll()) {
                r.run();
            }
        }

        @Override
        public void shutdown() {}

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }

    @BeforeEach
    void setUp() {
        logManager = new LogManager(List.of(dir), time, LogConfig.DEFAULT);
        logManager.startup();
        timer = Executors.newSingleThreadScheduledExecutor();
        replicas = new ReplicaManager(logManager, timer, LOCAL);
        groupTimers = new ExecutorCoordinatorScheduler("test-group-timers");
        coordinator = new GroupCoordinator(
                GroupCoordinatorConfig.defaults().withOffsetsTopicNumPartitions(1),
                new OffsetsTopicLog(replicas, time),
                noTopics(),
                groupTimers,
                time,
                new Random(1));
        publisher = new CoordinatorPartitionsPublisher(
                LOCAL, OffsetsTopicLog.TOPIC, coordinator, replicas, loader, timer, RETRY_BACKOFF_MS);
    }

    @AfterEach
    void tearDown() {
        coordinator.shutdown();
        groupTimers.close();
        replicas.shutdown();
        logManager.shutdown();
        timer.shutdownNow();
    }

    @Test
    void aLoadStillQueuedWhenLeadershipMovesAwayNeverServesTheGroups() {
        publish(LOCAL);
        assertThat(coordinator.coordinatorStatus("g")).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);

        publish(OTHER);
        loader.runAll();

        assertThat(coordinator.coordinatorStatus("g")).isEqualTo(Errors.NOT_COORDINATOR);
    }

    @Test
    void aLeaderServesItsPartitionOnceTheLoadRan() {
        publish(LOCAL);
        loader.runAll();

        assertThat(coordinator.coordinatorStatus("g")).isEqualTo(Errors.NONE);
    }

    @Test
    void aNewLeaderEpochWhileStillLeaderLoadsThePartitionAgainOnlyForACoordinatorThatUsesIt() {
        publish(LOCAL);
        loader.runAll();
        assertThat(coordinator.coordinatorStatus("g")).isEqualTo(Errors.NONE);
        publish(LOCAL, true, 1);
        assertThat(coordinator.coordinatorStatus("g"))
                .as("the group coordinator does not use the epoch: it keeps serving")
                .isEqualTo(Errors.NONE);

        LoadableCoordinator usesEpoch = new LoadableCoordinator() {
            @Override
            public CoordinatorLoad scheduleLoad(int partition, int leaderEpoch) {
                return coordinator.scheduleLoad(partition, leaderEpoch);
            }

            @Override
            public void unloadPartition(int partition) {
                coordinator.unloadPartition(partition);
            }

            @Override
            public boolean reloadsOnNewLeaderEpoch() {
                return true;
            }
        };
        publisher = new CoordinatorPartitionsPublisher(
                LOCAL, OffsetsTopicLog.TOPIC, usesEpoch, replicas, loader, timer, RETRY_BACKOFF_MS);
        publish(LOCAL, true, 1);
        loader.runAll();
        publish(LOCAL, true, 1);
        assertThat(coordinator.coordinatorStatus("g")).as("same epoch: kept").isEqualTo(Errors.NONE);
        publish(LOCAL, true, 2);
        assertThat(coordinator.coordinatorStatus("g")).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
        loader.runAll();
        assertThat(coordinator.coordinatorStatus("g")).isEqualTo(Errors.NONE);
    }

    @Test
    void aLoadThatFailedIsRetriedOnTheNextMetadataUpdate() {
        publish(LOCAL, false); // leader by the image, but the log is not there: the load fails
        loader.runAll();
        assertThat(coordinator.coordinatorStatus("g")).as("not stuck loading").isEqualTo(Errors.NOT_COORDINATOR);

        publish(LOCAL);
        loader.runAll();

        assertThat(coordinator.coordinatorStatus("g")).isEqualTo(Errors.NONE);
    }

    @Test
    void aLoadThatFailedIsRetriedAfterTheBackoffWithoutAMetadataUpdate() throws Exception {
        publish(LOCAL, false);
        loader.runAll();
        assertThat(coordinator.coordinatorStatus("g")).isEqualTo(Errors.NOT_COORDINATOR);

        host(LOCAL, 0); // the log appears, but no metadata update follows
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (coordinator.coordinatorStatus("g") != Errors.NONE && System.nanoTime() < deadlineNs) {
            loader.runAll();
            Thread.sleep(RETRY_BACKOFF_MS / 2);
        }

        assertThat(coordinator.coordinatorStatus("g")).isEqualTo(Errors.NONE);
    }

    @Test
    void aRetryDoesNothingOnceLeadershipMovedAway() throws Exception {
        publish(LOCAL, false);
        loader.runAll();
        publish(OTHER, true);
        Thread.sleep(RETRY_BACKOFF_MS * 3);
        loader.runAll();

        assertThat(coordinator.coordinatorStatus("g")).isEqualTo(Errors.NOT_COORDINATOR);
    }

    @Test
    void theReaderStreamsEveryRecordInLogOrderHoldingAtMostAChunk() {
        publish(LOCAL);
        OffsetsTopicLog offsetsLog = new OffsetsTopicLog(replicas, time);
        List<CoordinatorRecord> written = new ArrayList<>();
        for (int batch = 0; batch < 50; batch++) {
            List<CoordinatorRecord> records = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                records.add(new CoordinatorRecord(bytes("key-" + batch + "-" + i), bytes("value-" + batch + "-" + i)));
            }
            records.add(new CoordinatorRecord(bytes("tombstone-" + batch), null));
            offsetsLog.append(0, records).join();
            written.addAll(records);
        }
        byte[] large = new byte[4096]; // one batch larger than a chunk is still read whole
        offsetsLog
                .append(0, List.of(new CoordinatorRecord(bytes("large"), large)))
                .join();
        written.add(new CoordinatorRecord(bytes("large"), large));

        OffsetsPartitionReader reader =
                new OffsetsPartitionReader(replicas.partition(OFFSETS_0).log(), 1024);
        List<CoordinatorRecord> read = new ArrayList<>();
        int maxBufferedBytes = 0;
        while (reader.hasNext()) {
            read.add(((CoordinatorLogEntry.Data) reader.next()).record());
            maxBufferedBytes = Math.max(maxBufferedBytes, reader.bufferedBytes());
            if (read.size() < written.size()) {
                assertThat(reader.bufferedBytes())
                        .as("bytes held while streaming")
                        .isLessThanOrEqualTo(1024);
            }
        }

        assertThat(read).hasSize(written.size());
        for (int i = 0; i < written.size(); i++) {
            assertThat(read.get(i).key()).isEqualTo(written.get(i).key());
            assertThat(read.get(i).value()).isEqualTo(written.get(i).value());
        }
        assertThat(reader.recordsRead()).isEqualTo(written.size());
        assertThat(maxBufferedBytes).isGreaterThan(4096);
    }

    @Test
    void theReaderHandsOutTransactionalRecordsWithTheirProducerAndMarkersInLogOrder() {
        publish(LOCAL);
        OffsetsTopicLog offsetsLog = new OffsetsTopicLog(replicas, time);
        offsetsLog.append(0, List.of(record("plain"))).join();
        offsetsLog
                .appendTransactional(0, 42L, (short) 3, null, List.of(record("txn-a"), record("txn-b")))
                .join();
        offsetsLog
                .appendTransactional(0, 42L, (short) 3, null, List.of(record("txn-c")))
                .join(); // the coordinator writes sequence 0 again: not a duplicate
        appendMarker(42L, (short) 3, true);
        appendMarker(43L, (short) 0, false);

        OffsetsPartitionReader reader =
                new OffsetsPartitionReader(replicas.partition(OFFSETS_0).log(), 1024);
        List<CoordinatorLogEntry> read = new ArrayList<>();
        reader.forEachRemaining(read::add);

        assertThat(read)
                .containsExactly(
                        new CoordinatorLogEntry.Data(0, CoordinatorLogEntry.NO_PRODUCER_ID, record("plain")),
                        new CoordinatorLogEntry.Data(1, 42L, record("txn-a")),
                        new CoordinatorLogEntry.Data(2, 42L, record("txn-b")),
                        new CoordinatorLogEntry.Data(3, 42L, record("txn-c")),
                        new CoordinatorLogEntry.TransactionMarker(4, 42L, true),
                        new CoordinatorLogEntry.TransactionMarker(5, 43L, false));
        UnifiedLog log = replicas.partition(OFFSETS_0).log();
        FetchDataInfo info = log.read(1, 1 << 16, log.logEndOffset(), true);
        ByteBuffer bytes = ByteBuffer.allocate(info.records().sizeInBytes());
        info.records().copyTo(bytes);
        RecordBatch transactional = RecordBatches.iterate(bytes.flip()).next();
        assertThat(transactional.isTransactional()).isTrue();
        assertThat(transactional.isControl()).isFalse();
        assertThat(transactional.producerId()).isEqualTo(42L);
        assertThat(transactional.producerEpoch()).isEqualTo((short) 3);
        assertThat(transactional.baseSequence()).isZero();
    }

    /** {@code producerId}'s end-transaction marker, appended as WriteTxnMarkers appends it. */
    private void appendMarker(long producerId, short producerEpoch, boolean commit) {
        replicas.partition(OFFSETS_0).appendEndTxnMarker(producerId, producerEpoch, 0, commit);
    }

    private static CoordinatorRecord record(String text) {
        return new CoordinatorRecord(bytes("key-" + text), bytes("value-" + text));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private void publish(int leader) {
        publish(leader, true);
    }

    /**
     * Publishes an image where {@code leader} leads the single {@code __consumer_offsets} partition; with
     * {@code hosted} false this broker has no log for it (as if creating it had failed).
     */
    private void publish(int leader, boolean hosted) {
        publish(leader, hosted, 0);
    }

    /** {@link #publish(int, boolean)} at leader epoch {@code leaderEpoch}. */
    private void publish(int leader, boolean hosted, int leaderEpoch) {
        MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
        delta.replay(new TopicRecord(OffsetsTopicLog.TOPIC, OFFSETS_TOPIC_ID));
        delta.replay(new PartitionRecord(
                OFFSETS_TOPIC_ID, 0, new int[] {LOCAL, OTHER}, new int[] {leader}, leader, leaderEpoch, leaderEpoch));
        MetadataImage image = delta.apply(0);
        replicas.onMetadataImage(image);
        if (hosted) {
            host(leader, leaderEpoch);
        }
        publisher.onMetadataUpdate(delta, image);
    }

    /** Creates this broker's log of the offsets partition, led by {@code leader}. */
    private void host(int leader, int leaderEpoch) {
        replicas.applyPartition(
                OFFSETS_0,
                OFFSETS_TOPIC_ID,
                LogConfig.DEFAULT,
                new PartitionRegistration(
                        new int[] {LOCAL, OTHER}, new int[] {leader}, leader, leaderEpoch, leaderEpoch),
                1);
    }

    private static TopicMetadataView noTopics() {
        return new TopicMetadataView() {
            @Override
            public Collection<String> topicNames() {
                return List.of();
            }

            @Override
            public int partitionCount(String topic) {
                return -1;
            }

            @Override
            public Uuid topicId(String topic) {
                return null;
            }

            @Override
            public String topicName(Uuid topicId) {
                return null;
            }
        };
    }
}
