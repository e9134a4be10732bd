package io.fjord.metadata;

import io.fjord.common.Errors;
import io.fjord.common.Uuid;

/**
 * The controller's answer to one {@link AlterPartitionItem}: NONE with the partition as it now stands
 * (new ISR and partition epoch), or an error (FENCED_LEADER_EPOCH, INVALID_UPDATE_VERSION,
 * INELIGIBLE_REPLICA, NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION, ...) with {@code partition}
 * null. Immutable.
 */
public record AlterPartitionResult(Uuid topicId, int partitionId, Errors error, PartitionRegistration partition) {}
