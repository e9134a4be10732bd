package io.fjord.metadata;

import io.fjord.common.Errors;

/**
 * The outcome of an election for one partition: NONE (a new leader was elected), ELECTION_NOT_NEEDED,
 * PREFERRED_LEADER_NOT_AVAILABLE, ELIGIBLE_LEADERS_NOT_AVAILABLE, UNKNOWN_TOPIC_OR_PARTITION, ... with a
 * message. Immutable.
 */
public record ElectLeadersResult(String topic, int partitionId, Errors error, String message) {}
