package io.fjord.coordinator.txn;

import io.fjord.common.TopicPartition;
import io.fjord.coordinator.CoordinatorRecord;
import io.fjord.coordinator.record.CorruptRecordException;
import io.fjord.coordinator.record.RecordReader;
import io.fjord.coordinator.record.RecordWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The records of {@code __transaction_state}, in Kafka's version-0 layout (TransactionLogKey and
 * TransactionLogValue), so Kafka's tools can read them. Big-endian; {@code string} is int16 length + UTF-8.
 *
 * <pre>
 * key:   int16 version = 0, string transactionalId
 * value: int16 version = 0, int64 producerId, int16 producerEpoch, int32 transactionTimeoutMs,
 *        int8 state, array (int32 count) of (string topic, array (int32 count) of int32 partition),
 *        int64 lastUpdateTimestampMs, int64 startTimestampMs
 * </pre>
 *
 * A null value (tombstone) removes an expired transactional id. Stateless; safe from any thread.
 */
public final class TransactionLogRecords {

    private static final short VERSION = 0;

    private TransactionLogRecords() {}

    public static CoordinatorRecord record(String transactionalId, TxnRecord txn) {
        return new CoordinatorRecord(key(transactionalId), txn == null ? null : value(txn));
    }

    static byte[] key(String transactionalId) {
        return new RecordWriter()
                .writeShort(VERSION)
                .writeString(transactionalId)
                .toByteArray();
    }

    static byte[] value(TxnRecord txn) {
        RecordWriter out = new RecordWriter()
                .writeShort(VERSION)
                .writeLong(txn.producerId())
                .writeShort(txn.producerEpoch())
                .writeInt(txn.timeoutMs())
                .writeByte(txn.state().id());
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        for (TopicPartition tp : txn.partitions()) {
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
        }
        out.writeInt(byTopic.size());
        for (Map.Entry<String, List<Integer>> e : byTopic.entrySet()) {
            out.writeString(e.getKey()).writeInt(e.getValue().size());
            e.getValue().stream().sorted().forEach(out::writeInt);
        }
        return out.writeLong(txn.lastUpdateMs()).writeLong(txn.startMs()).toByteArray();
    }

    /** The transactional id a key names. */
    public static String readKey(byte[] key) {
        RecordReader in = new RecordReader(key);
        short version = in.readShort();
        if (version != VERSION) {
            throw new CorruptRecordException("unknown transaction log key version " + version);
        }
        return in.readString();
    }

    /** The record a value holds; null for a tombstone. */
    public static TxnRecord readValue(byte[] value) {
        if (value == null) {
            return null;
        }
        RecordReader in = new RecordReader(value);
        short version = in.readShort();
        if (version != VERSION) {
            throw new CorruptRecordException("unknown transaction log value version " + version);
        }
        long producerId = in.readLong();
        short epoch = in.readShort();
        int timeoutMs = in.readInt();
        TransactionState state;
        try {
            state = TransactionState.forId(in.readByte());
        } catch (IllegalArgumentException e) {
            throw new CorruptRecordException(e.getMessage());
        }
        Set<TopicPartition> partitions = new HashSet<>();
        int topics = in.readCount(6, "topics");
        for (int t = 0; t < topics; t++) {
            String topic = in.readString();
            int count = in.readCount(4, "partitions");
            for (int p = 0; p < count; p++) {
                partitions.add(new TopicPartition(topic, in.readInt()));
            }
        }
        long lastUpdateMs = in.readLong();
        long startMs = in.readLong();
        return new TxnRecord(producerId, epoch, timeoutMs, state, partitions, startMs, lastUpdateMs);
    }
}
