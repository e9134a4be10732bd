package io.fjord.common;

/**
 * A partition of a topic, by name. Immutable; safe from any thread.
 *
 * @param topic the topic name
 * @param partition the partition index, from 0
 */
public record TopicPartition(String topic, int partition) {

    public TopicPartition {
        if (topic == null) {
            throw new IllegalArgumentException("topic must not be null");
        }
        if (partition < 0) {
            throw new IllegalArgumentException("partition must not be negative: " + partition);
        }
    }

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
