package io.fjord.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.Uuid;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MetadataDeltaTest {

    static final Uuid ORDERS = new Uuid(1, 1);
    static final Uuid ORDERS_AGAIN = new Uuid(1, 2);
    static final Uuid PAYMENTS = new Uuid(2, 2);

    static MetadataImage replay(MetadataImage base, long offset, MetadataRecord... records) {
        MetadataDelta delta = new MetadataDelta(base);
        for (MetadataRecord record : records) {
            delta.replay(record);
        }
        return delta.apply(offset);
    }

    static PartitionRecord partition(Uuid topicId, int partitionId, int... replicas) {
        return new PartitionRecord(topicId, partitionId, replicas, replicas, replicas[0], 0, 0);
    }

    @Test
    void replayBuildsTopicsPartitionsConfigsAndBrokers() {
        Endpoint endpoint = new Endpoint("PLAINTEXT", "localhost", 9092, "PLAINTEXT");
        MetadataImage image = replay(
                MetadataImage.EMPTY,
                5,
                new RegisterBrokerRecord(1, new Uuid(9, 9), List.of(endpoint), "r1", false),
                new TopicRecord("orders", ORDERS),
                partition(ORDERS, 0, 1),
                partition(ORDERS, 1, 1),
                new ConfigRecord(ConfigResourceType.TOPIC, "orders", "retention.ms", "1000"),
                new NoOpRecord());

        assertThat(image.offset()).isEqualTo(5);
        TopicImage orders = image.topics().topic("orders");
        assertThat(orders).isSameAs(image.topics().topic(ORDERS));
        assertThat(orders.partitions().keySet()).containsExactly(0, 1);
        assertThat(orders.partition(1).leader()).isEqualTo(1);
        assertThat(image.configs().configs(ConfigResource.topic("orders")))
                .containsExactly(Map.entry("retention.ms", "1000"));
        assertThat(image.cluster().broker(1).endpoints()).containsExactly(endpoint);
        assertThat(image.cluster().unfencedBrokerIds()).containsExactly(1);
    }

    @Test
    void deltaReportsCreatedDeletedAndChangedTopics() {
        MetadataImage before = replay(
                MetadataImage.EMPTY,
                2,
                new TopicRecord("orders", ORDERS),
                partition(ORDERS, 0, 1),
                new TopicRecord("payments", PAYMENTS));
        MetadataDelta delta = new MetadataDelta(before);
        delta.replay(new RemoveTopicRecord(ORDERS));
        delta.replay(new TopicRecord("orders", ORDERS_AGAIN));
        delta.replay(partition(ORDERS_AGAIN, 0, 1));
        delta.replay(partition(PAYMENTS, 0, 1));
        MetadataImage after = delta.apply(6);

        assertThat(delta.createdTopicIds()).containsExactly(ORDERS_AGAIN);
        assertThat(delta.deletedTopics()).containsOnlyKeys(ORDERS);
        assertThat(delta.deletedTopics().get(ORDERS).name()).isEqualTo("orders");
        assertThat(delta.changedPartitions()).containsEntry(PAYMENTS, Set.of(0)).containsEntry(ORDERS_AGAIN, Set.of(0));
        assertThat(after.topics().topic("orders").id()).isEqualTo(ORDERS_AGAIN);
        assertThat(after.topics().topic(ORDERS)).isNull();
        assertThat(before.topics().topic("orders").id())
                .as("the base image is untouched")
                .isEqualTo(ORDERS);
    }

    @Test
    void aTopicCreatedAndDeletedInOneDeltaLeavesNoTrace() {
        MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
        delta.replay(new TopicRecord("orders", ORDERS));
        delta.replay(new RemoveTopicRecord(ORDERS));
        MetadataImage image = delta.apply(1);

        assertThat(delta.createdTopicIds()).isEmpty();
        assertThat(delta.deletedTopics()).isEmpty();
        assertThat(image.topics().isEmpty()).isTrue();
    }

    @Test
    void unchangedTopicsAreSharedWithTheBaseImage() {
        MetadataImage before = replay(
                MetadataImage.EMPTY, 1, new TopicRecord("orders", ORDERS), new TopicRecord("payments", PAYMENTS));
        MetadataImage after = replay(before, 2, partition(PAYMENTS, 0, 1));

        assertThat(after.topics().topic(ORDERS)).isSameAs(before.topics().topic(ORDERS));
        assertThat(after.configs()).isSameAs(before.configs());
        assertThat(after.cluster()).isSameAs(before.cluster());
    }

    @Test
    void removingATopicDropsItsConfigs() {
        MetadataImage image = replay(
                MetadataImage.EMPTY,
                2,
                new TopicRecord("orders", ORDERS),
                new ConfigRecord(ConfigResourceType.TOPIC, "orders", "cleanup.policy", "compact"),
                new RemoveTopicRecord(ORDERS));

        assertThat(image.configs().configs(ConfigResource.topic("orders"))).isEmpty();
        assertThat(image.configs().all()).isEmpty();
    }

    @Test
    void aConfigRecordWithANullValueDeletesTheConfig() {
        MetadataImage set = replay(
                MetadataImage.EMPTY, 0, new ConfigRecord(ConfigResourceType.BROKER, "1", "log.retention.ms", "5"));
        MetadataImage deleted =
                replay(set, 1, new ConfigRecord(ConfigResourceType.BROKER, "1", "log.retention.ms", null));

        assertThat(set.configs().configs(ConfigResource.broker("1"))).containsEntry("log.retention.ms", "5");
        assertThat(deleted.configs().configs(ConfigResource.broker("1"))).isEmpty();
    }

    @Test
    void aPartitionChangeMovesThePartitionEpochAndTheLeaderEpochOnlyWhenTheLeaderMoves() {
        MetadataImage image = replay(
                MetadataImage.EMPTY,
                1,
                new TopicRecord("orders", ORDERS),
                new PartitionRecord(ORDERS, 0, new int[] {1, 2}, new int[] {1, 2}, 1, 3, 5));
        MetadataImage shrunk = replay(
                image,
                2,
                new PartitionChangeRecord(ORDERS, 0, new int[] {1}, PartitionChangeRecord.NO_LEADER_CHANGE, null));
        MetadataImage moved = replay(shrunk, 3, new PartitionChangeRecord(ORDERS, 0, new int[] {2}, 2, null));

        PartitionRegistration p = shrunk.topics().topic(ORDERS).partition(0);
        assertThat(p.isr()).containsExactly(1);
        assertThat(p.leaderEpoch()).isEqualTo(3);
        assertThat(p.partitionEpoch()).isEqualTo(6);
        PartitionRegistration q = moved.topics().topic(ORDERS).partition(0);
        assertThat(q.leader()).isEqualTo(2);
        assertThat(q.leaderEpoch()).isEqualTo(4);
        assertThat(q.partitionEpoch()).isEqualTo(7);
        assertThat(q.replicas()).containsExactly(1, 2);
    }

    @Test
    void recordsThatContradictTheImageAreRejected() {
        MetadataImage image = replay(MetadataImage.EMPTY, 0, new TopicRecord("orders", ORDERS));

        assertThatThrownBy(() -> replay(image, 1, new TopicRecord("orders", PAYMENTS)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already exists");
        assertThatThrownBy(() -> replay(image, 1, partition(PAYMENTS, 0, 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no such topic");
        assertThatThrownBy(() -> replay(image, 1, new RemoveTopicRecord(PAYMENTS)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> replay(image, 1, new PartitionChangeRecord(ORDERS, 0, null, 1, null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no such partition");
    }

    @Test
    void anImageRebuiltFromItsOwnRecordsIsEqual() {
        MetadataImage image = replay(
                MetadataImage.EMPTY,
                7,
                new RegisterBrokerRecord(1, new Uuid(9, 9), List.of(), null, false),
                new TopicRecord("orders", ORDERS),
                partition(ORDERS, 0, 1),
                new TopicRecord("payments", PAYMENTS),
                new ConfigRecord(ConfigResourceType.TOPIC, "payments", "segment.bytes", "1024"),
                new UserScramCredentialRecord("alice", ScramAlgorithm.SCRAM_SHA_256, credential(1)),
                new UserScramCredentialRecord("alice", ScramAlgorithm.SCRAM_SHA_512, credential(2)));
        MetadataImage rebuilt = replay(MetadataImage.EMPTY, 7, image.toRecords().toArray(new MetadataRecord[0]));

        assertThat(rebuilt).isEqualTo(image);
    }

    static ScramCredential credential(int seed) {
        byte[] salt = {(byte) seed};
        byte[] salted = ScramAlgorithm.SCRAM_SHA_256.saltedPassword(new byte[] {(byte) seed}, salt, 1);
        return ScramAlgorithm.SCRAM_SHA_256.credential(salt, salted, 4096 + seed);
    }

    @Test
    void scramCredentialsAreSetReplacedAndRemovedPerUserAndMechanism() {
        MetadataImage image = replay(
                MetadataImage.EMPTY,
                3,
                new UserScramCredentialRecord("alice", ScramAlgorithm.SCRAM_SHA_256, credential(1)),
                new UserScramCredentialRecord("alice", ScramAlgorithm.SCRAM_SHA_512, credential(2)),
                new UserScramCredentialRecord("bob", ScramAlgorithm.SCRAM_SHA_256, credential(3)),
                new UserScramCredentialRecord("alice", ScramAlgorithm.SCRAM_SHA_256, credential(4)));
        assertThat(image.scram().credential(ScramAlgorithm.SCRAM_SHA_256, "alice"))
                .isEqualTo(credential(4));
        assertThat(image.scram().credential(ScramAlgorithm.SCRAM_SHA_512, "alice"))
                .isEqualTo(credential(2));
        assertThat(image.scram().credentials(ScramAlgorithm.SCRAM_SHA_256)).containsOnlyKeys("alice", "bob");
        assertThat(image.isEmpty()).isFalse();

        MetadataDelta delta = new MetadataDelta(image);
        delta.replay(new RemoveUserScramCredentialRecord("alice", ScramAlgorithm.SCRAM_SHA_512));
        delta.replay(new RemoveUserScramCredentialRecord("bob", ScramAlgorithm.SCRAM_SHA_256));
        assertThat(delta.changedScramUsers()).containsExactly("alice", "bob");
        MetadataImage after = delta.apply(5);

        assertThat(after.scram().credential(ScramAlgorithm.SCRAM_SHA_512, "alice"))
                .isNull();
        assertThat(after.scram().credential(ScramAlgorithm.SCRAM_SHA_256, "bob"))
                .isNull();
        assertThat(after.scram().all()).containsOnlyKeys(ScramAlgorithm.SCRAM_SHA_256); // SHA-512 has no user left
        // The base image is untouched.
        assertThat(image.scram().credential(ScramAlgorithm.SCRAM_SHA_512, "alice"))
                .isEqualTo(credential(2));
        // Removing what is not there contradicts the image.
        assertThatThrownBy(() ->
                        replay(after, 6, new RemoveUserScramCredentialRecord("bob", ScramAlgorithm.SCRAM_SHA_256)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bob");
        assertThat(replay(after, 6, new RemoveUserScramCredentialRecord("alice", ScramAlgorithm.SCRAM_SHA_256))
                        .isEmpty())
                .isTrue();
    }

    @Test
    void aScramCredentialShowsNoKeyMaterialWhenPrinted() {
        UserScramCredentialRecord record =
                new UserScramCredentialRecord("alice", ScramAlgorithm.SCRAM_SHA_256, credential(1));
        String storedKey = java.util.Arrays.toString(credential(1).storedKey());
        assertThat(record.toString()).contains("alice").contains("4097").doesNotContain(storedKey);
        assertThat(replay(MetadataImage.EMPTY, 0, record).toString()).doesNotContain(storedKey);
    }
}
