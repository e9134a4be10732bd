package io.fjord.broker.group;

import io.fjord.broker.partition.Partition;
import io.fjord.broker.partition.ReplicaManager;
import io.fjord.common.TopicPartition;
import io.fjord.coordinator.CoordinatorRecord;
import io.fjord.coordinator.GroupCoordinator;
import io.fjord.metadata.MetadataDelta;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.MetadataPublisher;
import io.fjord.metadata.PartitionRegistration;
import io.fjord.metadata.TopicImage;
import io.fjord.protocol.record.Record;
import io.fjord.protocol.record.RecordBatch;
import io.fjord.protocol.record.RecordBatches;
import io.fjord.storage.FetchDataInfo;
import io.fjord.storage.UnifiedLog;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes this broker the group coordinator of exactly the {@code __consumer_offsets} partitions it leads:
 * a partition it starts leading is loaded (its records replayed into the coordinator) on the load
 * executor, off the metadata thread, so other partitions keep serving; one it stops leading is unloaded.
 *
 * <p>Called on the metadata thread after the broker's own publisher (which creates the logs).
 */
public final class GroupCoordinatorPublisher implements MetadataPublisher {

    private static final Logger log = LoggerFactory.getLogger(GroupCoordinatorPublisher.class);
    private static final int READ_CHUNK_BYTES = 1 << 20;

    private final int nodeId;
    private final GroupCoordinator coordinator;
    private final ReplicaManager replicaManager;
    private final ExecutorService loadExecutor;
    private final Set<Integer> led = new HashSet<>();

    public GroupCoordinatorPublisher(
            int nodeId, GroupCoordinator coordinator, ReplicaManager replicaManager, ExecutorService loadExecutor) {
        this.nodeId = nodeId;
        this.coordinator = coordinator;
        this.replicaManager = replicaManager;
        this.loadExecutor = loadExecutor;
    }

    @Override
    public void onMetadataUpdate(MetadataDelta delta, MetadataImage image) {
        TopicImage topic = image.topics().topic(OffsetsTopicLog.TOPIC);
        Set<Integer> nowLed = new HashSet<>();
        if (topic != null) {
            for (Map.Entry<Integer, PartitionRegistration> e :
                    topic.partitions().entrySet()) {
                if (e.getValue().leader() == nodeId) {
                    nowLed.add(e.getKey());
                }
            }
        }
        for (Integer partition : new ArrayList<>(led)) {
            if (!nowLed.contains(partition)) {
                led.remove(partition);
                coordinator.unloadPartition(partition);
            }
        }
        for (Integer partition : nowLed) {
            if (led.add(partition)) {
                loadExecutor.execute(() -> load(partition));
            }
        }
    }

    private void load(int partitionIndex) {
        TopicPartition tp = new TopicPartition(OffsetsTopicLog.TOPIC, partitionIndex);
        Partition partition = replicaManager.partition(tp);
        if (partition == null) {
            log.warn("cannot load {}: this broker does not host it", tp);
            return;
        }
        try {
            long startNs = System.nanoTime();
            List<CoordinatorRecord> records = readAll(partition.log());
            coordinator.loadPartition(partitionIndex, records.iterator());
            log.info("loaded {} records of {} in {} ms", records.size(), tp, (System.nanoTime() - startNs) / 1_000_000);
        } catch (RuntimeException e) {
            log.error("loading {} failed", tp, e);
        }
    }

    /**
     * Every record of the partition up to its log end offset, in log order. A new leader's high watermark
     * lags its log until the followers fetch again, yet everything in its log will be committed (followers
     * truncate to the leader, never the other way), so the load reads to the end, as Kafka's does.
     */
    static List<CoordinatorRecord> readAll(UnifiedLog partitionLog) {
        List<CoordinatorRecord> out = new ArrayList<>();
        long offset = partitionLog.logStartOffset();
        long end = partitionLog.logEndOffset();
        while (offset < end) {
            FetchDataInfo info = partitionLog.read(offset, READ_CHUNK_BYTES, end, true);
            int size = info.records().sizeInBytes();
            if (size == 0) {
                break;
            }
            ByteBuffer buffer = ByteBuffer.allocate(size);
            info.records().copyTo(buffer);
            buffer.flip();
            long next = offset;
            for (Iterator<RecordBatch> batches = RecordBatches.iterate(buffer); batches.hasNext(); ) {
                RecordBatch batch = batches.next();
                if (!batch.isControl()) {
                    for (Iterator<Record> it = batch.iterator(); it.hasNext(); ) {
                        Record record = it.next();
                        if (record.offset() >= offset && record.key() != null) {
                            out.add(new CoordinatorRecord(bytes(record.key()), bytes(record.value())));
                        }
                    }
                }
                next = batch.lastOffset() + 1;
            }
            if (next <= offset) {
                break;
            }
            offset = next;
        }
        return out;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
