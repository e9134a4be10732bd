package io.fjord.storage;

/**
 * The outcome of one append: the offsets the batch got (for a duplicate, the offsets it got the first
 * time), the log-append time stamped on it (-1 for CreateTime), the log start offset after the append and
 * the number of records. Immutable.
 */
public record LogAppendInfo(
        long firstOffset, long lastOffset, long logAppendTimeMs, long logStartOffset, int recordCount) {}
