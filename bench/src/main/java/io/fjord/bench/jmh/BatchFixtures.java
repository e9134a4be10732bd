package io.fjord.bench.jmh;

import io.fjord.protocol.record.CompressionType;
import io.fjord.protocol.record.RecordBatchBuilder;
import java.nio.ByteBuffer;
import java.util.Random;

/**
 * Record batches shaped like a producer's (idempotent, create time, no keys, values of random letters as
 * kafka-tools' ProducerPerformance sends them), built from a seeded Random so every run measures the same bytes.
 *
 * <p>Stateless; safe from any thread.
 */
final class BatchFixtures {

    static final long PRODUCER_ID = 4242L;
    static final long BASE_TIMESTAMP_MS = 1_763_000_000_000L;

    private BatchFixtures() {}

    /** One batch v2 of {@code records} records of {@code valueBytes}, compressed with {@code compression}. */
    static ByteBuffer batch(String compression, int records, int valueBytes, long seed) {
        Random random = new Random(seed);
        RecordBatchBuilder builder =
                new RecordBatchBuilder(CompressionType.forName(compression)).producer(PRODUCER_ID, (short) 0, 0);
        for (int i = 0; i < records; i++) {
            byte[] value = new byte[valueBytes];
            for (int b = 0; b < valueBytes; b++) {
                value[b] = (byte) ('A' + random.nextInt(26));
            }
            builder.append(BASE_TIMESTAMP_MS + i, (byte[]) null, value);
        }
        return builder.build();
    }
}
