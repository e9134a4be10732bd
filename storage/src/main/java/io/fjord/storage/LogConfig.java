package io.fjord.storage;

/**
 * The topic-level settings one partition log obeys, with Kafka's defaults. Immutable; safe from any
 * thread. A log swaps in a new instance through {@link UnifiedLog#updateConfig(LogConfig)}.
 *
 * @param segmentBytes segment.bytes: roll when the active segment would grow past this
 * @param segmentMs segment.ms: roll when the active segment's first timestamp is this old
 * @param retentionMs retention.ms: delete segments whose largest timestamp is older; -1 keeps forever
 * @param retentionBytes retention.bytes: delete old segments while the log is larger; -1 is unbounded
 * @param maxMessageBytes max.message.bytes: the largest batch a producer may append
 * @param indexIntervalBytes index.interval.bytes: bytes between two sparse index entries
 * @param segmentIndexBytes segment.index.bytes: preallocated size of each index file
 * @param flushMessages flush.messages: fsync after this many unflushed messages
 * @param flushMs flush.ms: fsync when the last flush is this old (checked by the log manager)
 * @param compact cleanup.policy contains compact (keys are mandatory)
 * @param delete cleanup.policy contains delete (retention.ms and retention.bytes apply); false for a
 *     compact-only topic, whose old segments must stay until compaction (as in Kafka)
 * @param logAppendTime message.timestamp.type=LogAppendTime
 * @param messageTimestampBeforeMaxMs message.timestamp.before.max.ms
 * @param messageTimestampAfterMaxMs message.timestamp.after.max.ms
 * @param compressionType compression.type: "producer" or a codec name
 * @param fileDeleteDelayMs file.delete.delay.ms: how long deleted segments stay readable
 * @param minCleanableDirtyRatio min.cleanable.dirty.ratio: the dirty share of a compacted log that makes the
 *     cleaner take it
 * @param deleteRetentionMs delete.retention.ms: how long a tombstone survives after the cleaner first kept it
 * @param minCompactionLagMs min.compaction.lag.ms: a record stays uncompacted at least this long
 * @param maxCompactionLagMs max.compaction.lag.ms: a record stays uncompacted at most about this long (the
 *     cleaner takes the log whatever its dirty ratio, and the active segment rolls by then)
 */
public record LogConfig(
        int segmentBytes,
        long segmentMs,
        long retentionMs,
        long retentionBytes,
        int maxMessageBytes,
        int indexIntervalBytes,
        int segmentIndexBytes,
        long flushMessages,
        long flushMs,
        boolean compact,
        boolean delete,
        boolean logAppendTime,
        long messageTimestampBeforeMaxMs,
        long messageTimestampAfterMaxMs,
        String compressionType,
        long fileDeleteDelayMs,
        double minCleanableDirtyRatio,
        long deleteRetentionMs,
        long minCompactionLagMs,
        long maxCompactionLagMs) {

    public static final LogConfig DEFAULT = builder().build();

    public LogConfig {
        if (segmentBytes < 14) {
            throw new IllegalArgumentException("segmentBytes must be at least 14: " + segmentBytes);
        }
        if (segmentMs < 1) {
            throw new IllegalArgumentException("segmentMs must be positive: " + segmentMs);
        }
        if (indexIntervalBytes < 0) {
            throw new IllegalArgumentException("indexIntervalBytes must not be negative: " + indexIntervalBytes);
        }
        if (segmentIndexBytes < 12) {
            throw new IllegalArgumentException("segmentIndexBytes must be at least 12: " + segmentIndexBytes);
        }
        if (maxMessageBytes < 0) {
            throw new IllegalArgumentException("maxMessageBytes must not be negative: " + maxMessageBytes);
        }
        if (flushMessages < 1 || flushMs < 0) {
            throw new IllegalArgumentException(
                    "flushMessages must be positive and flushMs not negative: " + flushMessages + ", " + flushMs);
        }
        if (compressionType == null) {
            throw new IllegalArgumentException("compressionType must not be null");
        }
        if (!(minCleanableDirtyRatio >= 0 && minCleanableDirtyRatio <= 1)) {
            throw new IllegalArgumentException("minCleanableDirtyRatio must be in [0, 1]: " + minCleanableDirtyRatio);
        }
        if (deleteRetentionMs < 0 || minCompactionLagMs < 0 || maxCompactionLagMs < 1) {
            throw new IllegalArgumentException("bad compaction settings: delete.retention.ms " + deleteRetentionMs
                    + ", min.compaction.lag.ms " + minCompactionLagMs + ", max.compaction.lag.ms "
                    + maxCompactionLagMs);
        }
    }

    /**
     * How long the active segment may wait for a time-based roll: segment.ms, or max.compaction.lag.ms when
     * that is shorter on a compacted topic (the cleaner never touches the active segment).
     */
    public long maxSegmentMs() {
        return compact ? Math.min(segmentMs, maxCompactionLagMs) : segmentMs;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder seeded with this config's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.segmentBytes = segmentBytes;
        b.segmentMs = segmentMs;
        b.retentionMs = retentionMs;
        b.retentionBytes = retentionBytes;
        b.maxMessageBytes = maxMessageBytes;
        b.indexIntervalBytes = indexIntervalBytes;
        b.segmentIndexBytes = segmentIndexBytes;
        b.flushMessages = flushMessages;
        b.flushMs = flushMs;
        b.compact = compact;
        b.delete = delete;
        b.logAppendTime = logAppendTime;
        b.messageTimestampBeforeMaxMs = messageTimestampBeforeMaxMs;
        b.messageTimestampAfterMaxMs = messageTimestampAfterMaxMs;
        b.compressionType = compressionType;
        b.fileDeleteDelayMs = fileDeleteDelayMs;
        b.minCleanableDirtyRatio = minCleanableDirtyRatio;
        b.deleteRetentionMs = deleteRetentionMs;
        b.minCompactionLagMs = minCompactionLagMs;
        b.maxCompactionLagMs = maxCompactionLagMs;
        return b;
    }

    /** Mutable builder with Kafka's defaults. Not thread-safe. */
    public static final class Builder {
        private int segmentBytes = 1024 * 1024 * 1024;
        private long segmentMs = 7L * 24 * 60 * 60 * 1000;
        private long retentionMs = 7L * 24 * 60 * 60 * 1000;
        private long retentionBytes = -1L;
        private int maxMessageBytes = 1048588;
        private int indexIntervalBytes = 4096;
        private int segmentIndexBytes = 10 * 1024 * 1024;
        private long flushMessages = Long.MAX_VALUE;
        private long flushMs = Long.MAX_VALUE;
        private boolean compact = false;
        private boolean delete = true;
        private boolean logAppendTime = false;
        private long messageTimestampBeforeMaxMs = Long.MAX_VALUE;
        private long messageTimestampAfterMaxMs = 3_600_000L;
        private String compressionType = "producer";
        private long fileDeleteDelayMs = 60_000L;
        private double minCleanableDirtyRatio = 0.5;
        private long deleteRetentionMs = 86_400_000L;
        private long minCompactionLagMs = 0L;
        private long maxCompactionLagMs = Long.MAX_VALUE;

        public Builder segmentBytes(int v) {
            segmentBytes = v;
            return this;
        }

        public Builder segmentMs(long v) {
            segmentMs = v;
            return this;
        }

        public Builder retentionMs(long v) {
            retentionMs = v;
            return this;
        }

        public Builder retentionBytes(long v) {
            retentionBytes = v;
            return this;
        }

        public Builder maxMessageBytes(int v) {
            maxMessageBytes = v;
            return this;
        }

        public Builder indexIntervalBytes(int v) {
            indexIntervalBytes = v;
            return this;
        }

        public Builder segmentIndexBytes(int v) {
            segmentIndexBytes = v;
            return this;
        }

        public Builder flushMessages(long v) {
            flushMessages = v;
            return this;
        }

        public Builder flushMs(long v) {
            flushMs = v;
            return this;
        }

        /** cleanup.policy: "delete", "compact" or "compact,delete" (also "" for neither, as Kafka allows). */
        public Builder cleanupPolicy(String v) {
            compact = v.contains("compact");
            delete = v.contains("delete");
            return this;
        }

        /**
         * cleanup.policy "compact" (true) or "delete" (false). For "compact,delete" use
         * {@link #cleanupPolicy(String)}: a compact-only topic is never trimmed by retention.
         */
        public Builder compact(boolean v) {
            compact = v;
            delete = !v;
            return this;
        }

        /** message.timestamp.type: "CreateTime" or "LogAppendTime". */
        public Builder messageTimestampType(String v) {
            if (!v.equals("CreateTime") && !v.equals("LogAppendTime")) {
                throw new IllegalArgumentException("unknown message.timestamp.type: " + v);
            }
            logAppendTime = v.equals("LogAppendTime");
            return this;
        }

        public Builder messageTimestampBeforeMaxMs(long v) {
            messageTimestampBeforeMaxMs = v;
            return this;
        }

        public Builder messageTimestampAfterMaxMs(long v) {
            messageTimestampAfterMaxMs = v;
            return this;
        }

        public Builder compressionType(String v) {
            compressionType = v;
            return this;
        }

        public Builder fileDeleteDelayMs(long v) {
            fileDeleteDelayMs = v;
            return this;
        }

        public Builder minCleanableDirtyRatio(double v) {
            minCleanableDirtyRatio = v;
            return this;
        }

        public Builder deleteRetentionMs(long v) {
            deleteRetentionMs = v;
            return this;
        }

        public Builder minCompactionLagMs(long v) {
            minCompactionLagMs = v;
            return this;
        }

        public Builder maxCompactionLagMs(long v) {
            maxCompactionLagMs = v;
            return this;
        }

        public LogConfig build() {
            return new LogConfig(
                    segmentBytes,
                    segmentMs,
                    retentionMs,
                    retentionBytes,
                    maxMessageBytes,
                    indexIntervalBytes,
                    segmentIndexBytes,
                    flushMessages,
                    flushMs,
                    compact,
                    delete,
                    logAppendTime,
                    messageTimestampBeforeMaxMs,
                    messageTimestampAfterMaxMs,
                    compressionType,
                    fileDeleteDelayMs,
                    minCleanableDirtyRatio,
                    deleteRetentionMs,
                    minCompactionLagMs,
                    maxCompactionLagMs);
        }
    }
}
