package io.fjord.metadata;

import io.fjord.common.Errors;

/**
 * The outcome for one partition of an AlterPartitionReassignments request: NONE (started or cancelled),
 * NO_REASSIGNMENT_IN_PROGRESS, INVALID_REPLICA_ASSIGNMENT, UNKNOWN_TOPIC_OR_PARTITION, ... Immutable.
 */
public record ReassignmentResult(String topic, int partitionId, Errors error, String message) {}
