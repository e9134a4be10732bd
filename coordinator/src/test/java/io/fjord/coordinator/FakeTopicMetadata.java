package io.fjord.coordinator;

import io.fjord.common.Uuid;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/** Topics for tests: name -> (id, partition count), changeable while a test runs. */
final class FakeTopicMetadata implements TopicMetadataView {

    private record Topic(Uuid id, int partitions) {}

    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    private final Random random = new Random(42);

    Uuid create(String name, int partitions) {
        Topic existing = topics.get(name);
        Uuid id = existing != null ? existing.id() : Uuid.random(random);
        topics.put(name, new Topic(id, partitions));
        return id;
    }

    void delete(String name) {
        topics.remove(name);
    }

    @Override
    public Collection<String> topicNames() {
        return List.copyOf(topics.keySet());
    }

    @Override
    public int partitionCount(String topic) {
        Topic t = topics.get(topic);
        return t == null ? -1 : t.partitions();
    }

    @Override
    public Uuid topicId(String topic) {
        Topic t = topics.get(topic);
        return t == null ? null : t.id();
    }

    @Override
    public String topicName(Uuid topicId) {
        for (Map.Entry<String, Topic> e : topics.entrySet()) {
            if (e.getValue().id().equals(topicId)) {
                return e.getKey();
            }
        }
        return null;
    }
}
