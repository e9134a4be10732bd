package io.fjord.protocol.record;

import java.nio.ByteBuffer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;

/** Builds batches with kafka-clients, the compatibility oracle. Test-only. */
final class KafkaOracle {

    private KafkaOracle() {}

    static org.apache.kafka.common.record.internal.CompressionType kafkaType(CompressionType type) {
        return org.apache.kafka.common.record.internal.CompressionType.forId(type.id());
    }

    static Compression kafkaCompression(CompressionType type) {
        return Compression.of(kafkaType(type)).build();
    }

    static org.apache.kafka.common.record.TimestampType kafkaTimestampType(TimestampType type) {
        return type == TimestampType.CREATE_TIME
                ? org.apache.kafka.common.record.TimestampType.CREATE_TIME
                : org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME;
    }

    static MemoryRecordsBuilder builder(
            CompressionType type,
            TimestampType timestampType,
            long baseOffset,
            long logAppendTime,
            long producerId,
            short producerEpoch,
            int baseSequence,
            boolean transactional,
            boolean control,
            int partitionLeaderEpoch) {
        return new MemoryRecordsBuilder(
                ByteBuffer.allocate(1024),
                org.apache.kafka.common.record.internal.RecordBatch.MAGIC_VALUE_V2,
                kafkaCompression(type),
                kafkaTimestampType(timestampType),
                baseOffset,
                logAppendTime,
                producerId,
                producerEpoch,
                baseSequence,
                transactional,
                control,
                partitionLeaderEpoch,
                Integer.MAX_VALUE);
    }
}
