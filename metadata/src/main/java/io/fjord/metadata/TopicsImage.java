package io.fjord.metadata;

import io.fjord.common.Uuid;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/** All topics of a {@link MetadataImage}, by id and by name. Immutable; safe from any thread. */
public final class TopicsImage {

    public static final TopicsImage EMPTY = new TopicsImage(Map.of());

    private final Map<Uuid, TopicImage> topicsById;
    private final Map<String, TopicImage> topicsByName;

    /** Takes ownership of nothing: copies {@code topicsById}. */
    public TopicsImage(Map<Uuid, TopicImage> topicsById) {
        this.topicsById = Collections.unmodifiableMap(new HashMap<>(topicsById));
        Map<String, TopicImage> byName = new HashMap<>(topicsById.size() * 2);
        for (TopicImage topic : topicsById.values()) {
            TopicImage previous = byName.put(topic.name(), topic);
            if (previous != null) {
                throw new IllegalStateException(
                        "two topics named " + topic.name() + ": " + previous.id() + " and " + topic.id());
            }
        }
        this.topicsByName = Collections.unmodifiableMap(byName);
    }

    public Map<Uuid, TopicImage> topicsById() {
        return topicsById;
    }

    public Map<String, TopicImage> topicsByName() {
        return topicsByName;
    }

    /** The topic with this id, or null. */
    public TopicImage topic(Uuid id) {
        return topicsById.get(id);
    }

    /** The topic with this name, or null. */
    public TopicImage topic(String name) {
        return topicsByName.get(name);
    }

    public boolean isEmpty() {
        return topicsById.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopicsImage that && topicsById.equals(that.topicsById);
    }

    @Override
    public int hashCode() {
        return topicsById.hashCode();
    }

    @Override
    public String toString() {
        return "TopicsImage" + topicsByName.values();
    }
}
