package io.fjord.metadata;

import io.fjord.common.Uuid;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds {@link MetadataImage}s for controller-logic tests by replaying records, the way the log does:
 * brokers with fixed incarnations and racks, topics with fixed ids. Not thread-safe; one per test.
 */
final class TestImages {

    private final List<MetadataRecord> records = new ArrayList<>();

    static Uuid incarnation(int brokerId) {
        return new Uuid(100 + brokerId, 100 + brokerId);
    }

    static Uuid topicId(String name) {
        return new Uuid(7, name.hashCode());
    }

    TestImages brokers(int... ids) {
        for (int id : ids) {
            broker(id, null, false);
        }
        return this;
    }

    TestImages broker(int id, String rack, boolean fenced) {
        records.add(new RegisterBrokerRecord(
                id,
                incarnation(id),
                List.of(new Endpoint("PLAINTEXT", "localhost", 9092 + id, "PLAINTEXT")),
                rack,
                fenced));
        return this;
    }

    TestImages topic(String name) {
        records.add(new TopicRecord(name, topicId(name)));
        return this;
    }

    /** A partition of the last topic named, led by {@code leader} at leader epoch 0. */
    TestImages partition(String topic, int partitionId, int[] replicas, int[] isr, int leader) {
        records.add(new PartitionRecord(topicId(topic), partitionId, replicas, isr, leader, 0, 0));
        return this;
    }

    TestImages config(ConfigResource resource, String name, String value) {
        records.add(new ConfigRecord(resource.type(), resource.name(), name, value));
        return this;
    }

    MetadataImage build() {
        return apply(MetadataImage.EMPTY, records);
    }

    static MetadataImage apply(MetadataImage image, List<MetadataRecord> records) {
        MetadataDelta delta = new MetadataDelta(image);
        records.forEach(delta::replay);
        return delta.apply(image.offset() + records.size());
    }

    static PartitionRegistration partition(MetadataImage image, String topic, int partitionId) {
        return image.topics().topic(topic).partition(partitionId);
    }

    static int[] ids(int... ids) {
        return ids;
    }
}
