package io.fjord.storage;

/**
 * The broker-wide settings of the log cleaner (Kafka's {@code log.cleaner.*} keys). Topic-level settings
 * (min.cleanable.dirty.ratio, delete.retention.ms, min/max.compaction.lag.ms) are in {@link LogConfig}.
 * Immutable.
 *
 * @param enabled log.cleaner.enable
 * @param threads log.cleaner.threads: cleaner threads (0 runs none)
 * @param backoffMs log.cleaner.backoff.ms: how long a thread sleeps when no log needs cleaning
 * @param dedupeBufferBytes log.cleaner.dedupe.buffer.size: key map memory, shared by all threads
 * @param ioMaxBytesPerSecond log.cleaner.io.max.bytes.per.second: read plus write rate of all threads
 */
public record CleanerConfig(
        boolean enabled, int threads, long backoffMs, long dedupeBufferBytes, double ioMaxBytesPerSecond) {

    /** Kafka's log.cleaner.io.buffer.load.factor. */
    static final double LOAD_FACTOR = 0.9;

    /** Kafka's defaults: one thread, 15 s backoff, 128 MiB of key map, no I/O limit. */
    public static final CleanerConfig DEFAULT = new CleanerConfig(true, 1, 15_000L, 128L << 20, Double.MAX_VALUE);

    /** No cleaner at all (tests of other parts of the log manager). */
    public static final CleanerConfig DISABLED = new CleanerConfig(false, 0, 15_000L, 128L << 20, Double.MAX_VALUE);

    public CleanerConfig {
        if (threads < 0 || backoffMs < 0 || !(ioMaxBytesPerSecond > 0)) {
            throw new IllegalArgumentException("bad log cleaner settings: threads " + threads + ", backoff " + backoffMs
                    + " ms, io limit " + ioMaxBytesPerSecond + " B/s");
        }
        if (enabled && threads > 0 && dedupeBufferBytes / threads < 2L * SkimpyOffsetMap.BYTES_PER_SLOT) {
            throw new IllegalArgumentException("log.cleaner.dedupe.buffer.size " + dedupeBufferBytes
                    + " is too small for " + threads + " cleaner threads");
        }
    }

    /** The key map memory of one thread, at most what a Java array-backed map can address. */
    long dedupeBufferBytesPerThread() {
        return Math.min(dedupeBufferBytes / Math.max(1, threads), (long) Integer.MAX_VALUE);
    }
}
