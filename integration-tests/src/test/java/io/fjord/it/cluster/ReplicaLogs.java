package io.fjord.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Time;
import io.fjord.storage.FileRecords;
import io.fjord.storage.LogConfig;
import io.fjord.storage.UnifiedLog;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * A partition's log as one broker left it on disk, opened with storage's {@link UnifiedLog} after the
 * broker stopped, and described batch by batch (offsets, leader epoch, producer, every record's offset,
 * key and value), so that replicas can be compared byte-for-byte in meaning. Used
 * from the test thread only, on logs no broker has open.
 */
final class ReplicaLogs {

    private ReplicaLogs() {}

    /** The batches of {@code <dataDir>/<topic>-<partition>}, one line each; the log must end at {@code endOffset}. */
    static List<String> batches(Path dataDir, String topic, int partition, long endOffset) {
        Path dir = dataDir.resolve(topic + "-" + partition);
        assertThat(dir).as("the replica's log directory").isDirectory();
        try (UnifiedLog log = UnifiedLog.open(dir, LogConfig.DEFAULT, Time.SYSTEM)) {
            assertThat(log.logEndOffset()).as("log end offset of %s", dir).isGreaterThanOrEqualTo(endOffset);
            List<String> batches = new ArrayList<>();
            long next = log.logStartOffset();
            while (next < endOffset) {
                FileRecords slice = log.read(next, 1 << 20, endOffset, true).records();
                assertThat(slice.sizeInBytes())
                        .as("bytes at offset %d of %s", next, dir)
                        .isPositive();
                ByteBuffer bytes = ByteBuffer.allocate(slice.sizeInBytes());
                slice.copyTo(bytes);
                bytes.flip();
                for (RecordBatch batch : MemoryRecords.readableRecords(bytes).batches()) {
                    batches.add(describe(batch));
                    next = batch.lastOffset() + 1;
                }
            }
            return batches;
        }
    }

    private static String describe(RecordBatch batch) {
        StringBuilder line = new StringBuilder()
                .append(batch.baseOffset())
                .append("..")
                .append(batch.lastOffset())
                .append(" epoch ")
                .append(batch.partitionLeaderEpoch())
                .append(" producer ")
                .append(batch.producerId())
                .append('/')
                .append(batch.baseSequence())
                .append(':');
        for (Record record : batch) {
            line.append(' ')
                    .append(record.offset())
                    .append('=')
                    .append(text(record.key()))
                    .append('/')
                    .append(text(record.value()));
        }
        return line.toString();
    }

    private static String text(ByteBuffer bytes) {
        if (bytes == null) {
            return "null";
        }
        byte[] copy = new byte[bytes.remaining()];
        bytes.duplicate().get(copy);
        return new String(copy, StandardCharsets.UTF_8);
    }
}
