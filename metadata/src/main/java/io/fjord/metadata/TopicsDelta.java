package io.fjord.metadata;

import io.fjord.common.Uuid;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The topic part of a {@link MetadataDelta}: topics created, changed and removed since the base image.
 * Unchanged topics are shared with the base image by {@link #apply}. Not thread-safe; owned by its delta.
 */
final class TopicsDelta {

    private final TopicsImage base;
    /** Topics created or changed in this delta, by id, in the order first touched. */
    private final Map<Uuid, TopicBuilder> changed = new LinkedHashMap<>();
    /** Topics of the base image removed in this delta. */
    private final Map<Uuid, TopicImage> deleted = new LinkedHashMap<>();

    TopicsDelta(TopicsImage base) {
        this.base = base;
    }

    void replay(TopicRecord record) {
        Uuid existing = topicId(record.name());
        if (existing != null) {
            throw new IllegalStateException(
                    "cannot replay " + record + ": topic " + record.name() + " already exists with id " + existing);
        }
        if (exists(record.topicId())) {
            throw new IllegalStateException("cannot replay " + record + ": topic id is already in use");
        }
        TopicBuilder builder = new TopicBuilder(record.name(), record.topicId(), true, new TreeMap<>());
        changed.put(record.topicId(), builder);
    }

    void replay(PartitionRecord record) {
        TopicBuilder topic = builderFor(record.topicId(), record);
        topic.partitions.put(record.partitionId(), record.toRegistration());
        topic.changedPartitions.add(record.partitionId());
    }

    void replay(PartitionChangeRecord record) {
        TopicBuilder topic = builderFor(record.topicId(), record);
        PartitionRegistration current = topic.partitions.get(record.partitionId());
        if (current == null) {
            throw new IllegalStateException("cannot replay " + record + ": no such partition");
        }
        topic.partitions.put(record.partitionId(), current.merge(record));
        topic.changedPartitions.add(record.partitionId());
    }

    /** Removes the topic and returns its name. */
    String replay(RemoveTopicRecord record) {
        TopicBuilder builder = changed.remove(record.topicId());
        if (builder != null) {
            if (!builder.created) {
                deleted.put(record.topicId(), base.topic(record.topicId()));
            }
            return builder.name;
        }
        TopicImage topic = deleted.containsKey(record.topicId()) ? null : base.topic(record.topicId());
        if (topic == null) {
            throw new IllegalStateException("cannot replay " + record + ": no such topic");
        }
        deleted.put(record.topicId(), topic);
        return topic.name();
    }

    /** The id of the topic called {@code name} as of this delta, or null. */
    Uuid topicId(String name) {
        for (TopicBuilder builder : changed.values()) {
            if (builder.name.equals(name)) {
                return builder.id;
            }
        }
        TopicImage topic = base.topic(name);
        return topic == null || deleted.containsKey(topic.id()) ? null : topic.id();
    }

    private boolean exists(Uuid id) {
        return changed.containsKey(id) || (base.topic(id) != null && !deleted.containsKey(id));
    }

    private TopicBuilder builderFor(Uuid topicId, MetadataRecord record) {
        TopicBuilder builder = changed.get(topicId);
        if (builder != null) {
            return builder;
        }
        TopicImage topic = deleted.containsKey(topicId) ? null : base.topic(topicId);
        if (topic == null) {
            throw new IllegalStateException("cannot replay " + record + ": no such topic");
        }
        builder = new TopicBuilder(topic.name(), topicId, false, new TreeMap<>(topic.partitions()));
        changed.put(topicId, builder);
        return builder;
    }

    TopicsImage apply() {
        if (changed.isEmpty() && deleted.isEmpty()) {
            return base;
        }
        Map<Uuid, TopicImage> topics = new HashMap<>(base.topicsById());
        topics.keySet().removeAll(deleted.keySet());
        for (TopicBuilder builder : changed.values()) {
            topics.put(builder.id, new TopicImage(builder.name, builder.id, builder.partitions));
        }
        return new TopicsImage(topics);
    }

    Set<Uuid> createdTopicIds() {
        Set<Uuid> ids = new LinkedHashSet<>();
        for (TopicBuilder builder : changed.values()) {
            if (builder.created) {
                ids.add(builder.id);
            }
        }
        return Collections.unmodifiableSet(ids);
    }

    Map<Uuid, TopicImage> deletedTopics() {
        return Collections.unmodifiableMap(deleted);
    }

    Map<Uuid, Set<Integer>> changedPartitions() {
        Map<Uuid, Set<Integer>> result = new LinkedHashMap<>();
        for (TopicBuilder builder : changed.values()) {
            if (!builder.changedPartitions.isEmpty()) {
                result.put(builder.id, Collections.unmodifiableSet(builder.changedPartitions));
            }
        }
        return Collections.unmodifiableMap(result);
    }

    boolean isEmpty() {
        return changed.isEmpty() && deleted.isEmpty();
    }

    private static final class TopicBuilder {
        final String name;
        final Uuid id;
        final boolean created;
        final TreeMap<Integer, PartitionRegistration> partitions;
        final Set<Integer> changedPartitions = new TreeSet<>();

        TopicBuilder(String name, Uuid id, boolean created, TreeMap<Integer, PartitionRegistration> partitions) {
            this.name = name;
            this.id = id;
            this.created = created;
            this.partitions = partitions;
        }
    }
}
