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

    // equals and hashCode are written out rather than left to the record's invokedynamic-generated ones: these are
    // map keys on every request path, and the first call of a generated one links a method-handle chain, part of
    // the ~17 ms that records' first equals and hashCode took of a broker's start-up (wall-clock profile).
    @Override
    public boolean equals(Object o) {
        return o instanceof TopicPartition other && partition == other.partition && topic.equals(other.topic);
    }

    @Override
    public int hashCode() {
        return 31 * topic.hashCode() + partition;
    }

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
