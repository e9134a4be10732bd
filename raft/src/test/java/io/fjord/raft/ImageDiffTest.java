package io.fjord.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Uuid;
import io.fjord.metadata.AccessControlEntryRecord;
import io.fjord.metadata.AclBinding;
import io.fjord.metadata.AclOperation;
import io.fjord.metadata.AclPatternType;
import io.fjord.metadata.AclPermission;
import io.fjord.metadata.AclResourceType;
import io.fjord.metadata.ConfigRecord;
import io.fjord.metadata.ConfigResourceType;
import io.fjord.metadata.Endpoint;
import io.fjord.metadata.MetadataDelta;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.MetadataRecord;
import io.fjord.metadata.PartitionRecord;
import io.fjord.metadata.ProducerIdsRecord;
import io.fjord.metadata.RegisterBrokerRecord;
import io.fjord.metadata.RemoveAccessControlEntryRecord;
import io.fjord.metadata.RemoveTopicRecord;
import io.fjord.metadata.RemoveUserScramCredentialRecord;
import io.fjord.metadata.ScramAlgorithm;
import io.fjord.metadata.ScramCredential;
import io.fjord.metadata.TopicRecord;
import io.fjord.metadata.UserScramCredentialRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageDiffTest {

    private static MetadataImage replay(MetadataImage base, long offset, MetadataRecord... records) {
        MetadataDelta delta = new MetadataDelta(base);
        for (MetadataRecord record : records) {
            delta.replay(record);
        }
        return delta.apply(offset);
    }

    private static MetadataImage applyDiff(MetadataImage from, MetadataImage to) {
        return replay(from, to.offset(), ImageDiff.between(from, to).toArray(MetadataRecord[]::new));
    }

    @Test
    void replayingTheDiffTurnsOneImageIntoTheOther() {
        Uuid a = new Uuid(1, 1);
        Uuid b = new Uuid(2, 2);
        Uuid recreated = new Uuid(3, 3);
        List<Endpoint> endpoints = List.of(new Endpoint("PLAINTEXT", "h", 1, "PLAINTEXT"));
        MetadataImage from = replay(
                MetadataImage.EMPTY,
                6,
                new RegisterBrokerRecord(1, new Uuid(9, 1), endpoints, null, false),
                new TopicRecord("a", a),
                new PartitionRecord(a, 0, new int[] {1}, new int[] {1}, 1, 0, 0),
                new TopicRecord("b", b),
                new PartitionRecord(b, 0, new int[] {1}, new int[] {1}, 1, 0, 0),
                new ConfigRecord(ConfigResourceType.TOPIC, "b", "retention.ms", "1"),
                new ConfigRecord(ConfigResourceType.TOPIC, "a", "cleanup.policy", "compact"),
                new UserScramCredentialRecord("gone", ScramAlgorithm.SCRAM_SHA_256, credential(1)),
                new UserScramCredentialRecord("kept", ScramAlgorithm.SCRAM_SHA_256, credential(2)),
                new UserScramCredentialRecord("changed", ScramAlgorithm.SCRAM_SHA_512, credential(3)));
        MetadataImage to = replay(
                from,
                20,
                new RegisterBrokerRecord(1, new Uuid(9, 1), endpoints, null, true),
                new RegisterBrokerRecord(2, new Uuid(9, 2), endpoints, "r", false),
                new PartitionRecord(a, 0, new int[] {1, 2}, new int[] {1, 2}, 2, 1, 1),
                new PartitionRecord(a, 1, new int[] {2}, new int[] {2}, 2, 0, 0),
                new PartitionRecord(a, 2, new int[] {2, 1}, new int[] {1}, 1, 0, 3, new int[] {1}, new int[] {2}),
                new ConfigRecord(ConfigResourceType.TOPIC, "a", "cleanup.policy", null),
                new RemoveTopicRecord(b),
                new TopicRecord("b", recreated),
                new PartitionRecord(recreated, 0, new int[] {2}, new int[] {2}, 2, 0, 0),
                new ConfigRecord(ConfigResourceType.TOPIC, "b", "segment.ms", "5"),
                new ConfigRecord(ConfigResourceType.BROKER, "", "x", "y"),
                new ProducerIdsRecord(2, -1L, 3000L),
                new RemoveUserScramCredentialRecord("gone", ScramAlgorithm.SCRAM_SHA_256),
                new UserScramCredentialRecord("changed", ScramAlgorithm.SCRAM_SHA_512, credential(4)),
                new UserScramCredentialRecord("new", ScramAlgorithm.SCRAM_SHA_256, credential(5)));

        assertThat(ImageDiff.between(from, to))
                .filteredOn(r -> r instanceof UserScramCredentialRecord || r instanceof RemoveUserScramCredentialRecord)
                .containsExactlyInAnyOrder(
                        new RemoveUserScramCredentialRecord("gone", ScramAlgorithm.SCRAM_SHA_256),
                        new UserScramCredentialRecord("changed", ScramAlgorithm.SCRAM_SHA_512, credential(4)),
                        new UserScramCredentialRecord("new", ScramAlgorithm.SCRAM_SHA_256, credential(5)));
        assertThat(applyDiff(from, to)).isEqualTo(to);
        assertThat(applyDiff(MetadataImage.EMPTY, to)).isEqualTo(to);
        assertThat(ImageDiff.between(to, to)).isEmpty();
        assertThat(applyDiff(from, to).producerIds().nextProducerId()).isEqualTo(3000L);
    }

    @Test
    void aclsCreatedAndDeletedBetweenTwoImagesAreReplayedOntoTheFirst() {
        AclBinding kept = new AclBinding(
                AclResourceType.TOPIC,
                "t",
                AclPatternType.LITERAL,
                "User:a",
                "*",
                AclOperation.READ,
                AclPermission.ALLOW);
        AclBinding gone = new AclBinding(
                AclResourceType.GROUP,
                "g",
                AclPatternType.LITERAL,
                "User:a",
                "*",
                AclOperation.READ,
                AclPermission.ALLOW);
        AclBinding added = new AclBinding(
                AclResourceType.CLUSTER,
                "kafka-cluster",
                AclPatternType.LITERAL,
                "User:b",
                "*",
                AclOperation.ALTER,
                AclPermission.DENY);
        MetadataImage from = replay(
                MetadataImage.EMPTY,
                2,
                new AccessControlEntryRecord(new Uuid(0, 1), kept),
                new AccessControlEntryRecord(new Uuid(0, 2), gone));
        MetadataImage to = replay(
                from,
                4,
                new RemoveAccessControlEntryRecord(new Uuid(0, 2)),
                new AccessControlEntryRecord(new Uuid(0, 3), added));
        assertThat(ImageDiff.between(from, to))
                .containsExactly(
                        new RemoveAccessControlEntryRecord(new Uuid(0, 2)),
                        new AccessControlEntryRecord(new Uuid(0, 3), added));
        assertThat(applyDiff(from, to)).isEqualTo(to);
        assertThat(applyDiff(MetadataImage.EMPTY, to).acls().all().values()).containsExactly(kept, added);
    }

    private static ScramCredential credential(int seed) {
        return new ScramCredential(new byte[] {(byte) seed}, new byte[32], new byte[32], 4096 + seed);
    }
}
