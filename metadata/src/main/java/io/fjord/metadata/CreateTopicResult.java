package io.fjord.metadata;

import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import java.util.Map;

/**
 * The outcome for one topic of a CreateTopics request: {@code error} NONE on success, with the new id
 * ({@link Uuid#ZERO} when only validating or on error), the partition count, replication factor and the
 * explicitly set configs; otherwise the error code and a message for the client. Immutable.
 */
public record CreateTopicResult(
        String name,
        Errors error,
        String message,
        Uuid topicId,
        int numPartitions,
        int replicationFactor,
        Map<String, String> configs) {

    public CreateTopicResult {
        configs = Map.copyOf(configs);
    }

    static CreateTopicResult failed(String name, Errors error, String message) {
        return new CreateTopicResult(name, error, message, Uuid.ZERO, -1, -1, Map.of());
    }
}
