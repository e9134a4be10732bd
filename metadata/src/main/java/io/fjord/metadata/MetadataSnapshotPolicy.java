package io.fjord.metadata;

/**
 * When the single-node {@link LocalMetadataLog} snapshots its image and drops the log before it: once
 * {@code maxRecordBytesBetweenSnapshots} bytes of batches were appended since the last snapshot, or once
 * {@code maxIntervalMs} passed since it and at least one batch was appended (checked on each append).
 * Kafka's {@code metadata.log.max.record.bytes.between.snapshots} and {@code
 * metadata.log.max.snapshot.interval.ms}; an interval of 0 turns the time trigger off. Immutable.
 */
public record MetadataSnapshotPolicy(long maxRecordBytesBetweenSnapshots, long maxIntervalMs) {

    /** Kafka's defaults: 20 MiB, one hour. */
    public static final MetadataSnapshotPolicy DEFAULT = new MetadataSnapshotPolicy(20L * 1024 * 1024, 3_600_000L);

    /** Never snapshots: the log keeps every batch (the behaviour before snapshots). */
    public static final MetadataSnapshotPolicy NEVER = new MetadataSnapshotPolicy(Long.MAX_VALUE, 0);

    public MetadataSnapshotPolicy {
        if (maxRecordBytesBetweenSnapshots < 1) {
            throw new IllegalArgumentException("metadata.log.max.record.bytes.between.snapshots must be positive, got: "
                    + maxRecordBytesBetweenSnapshots);
        }
        if (maxIntervalMs < 0) {
            throw new IllegalArgumentException(
                    "metadata.log.max.snapshot.interval.ms must not be negative, got: " + maxIntervalMs);
        }
    }

    /** Whether a snapshot is due after {@code bytesSinceSnapshot} appended bytes and {@code elapsedMs}. */
    boolean isDue(long bytesSinceSnapshot, long elapsedMs) {
        return bytesSinceSnapshot > 0
                && (bytesSinceSnapshot >= maxRecordBytesBetweenSnapshots
                        || (maxIntervalMs > 0 && elapsedMs >= maxIntervalMs));
    }
}
