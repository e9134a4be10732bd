package io.fjord.storage;

/**
 * The answer to {@link UnifiedLog#read}: the offset asked for and a slice of whole batches, the first of
 * which contains that offset (it may start below it). Immutable.
 */
public record FetchDataInfo(long fetchOffset, FileRecords records) {}
