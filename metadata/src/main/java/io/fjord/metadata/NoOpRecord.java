package io.fjord.metadata;

/**
 * Changes nothing. A new controller leader writes one to learn that its view of the log is committed
 * (Kafka does the same); it also keeps the log's offsets moving in tests.
 */
public record NoOpRecord() implements MetadataRecord {}
