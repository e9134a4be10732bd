package io.fjord.coordinator;

import io.fjord.common.Uuid;
import java.util.Collection;

/**
 * What the coordinator needs to know about topics, supplied by the broker from its current metadata image:
 * names for regular-expression subscriptions, partition counts for assignments, ids for the KIP-848 and
 * topic-id protocol versions. Implementations must be thread-safe and cheap (read an immutable image).
 */
public interface TopicMetadataView {

    /** Names of all topics that exist now (internal topics included; the coordinator filters them). */
    Collection<String> topicNames();

    /** The number of partitions of {@code topic}, or -1 if it does not exist. */
    int partitionCount(String topic);

    /** The id of {@code topic}, or null if it does not exist. */
    Uuid topicId(String topic);

    /** The name of the topic with id {@code topicId}, or null if there is none. */
    String topicName(Uuid topicId);
}
