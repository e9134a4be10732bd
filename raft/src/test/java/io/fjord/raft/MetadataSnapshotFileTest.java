package io.fjord.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Uuid;
import io.fjord.metadata.MetadataDelta;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.PartitionRecord;
import io.fjord.metadata.ProducerIdsRecord;
import io.fjord.metadata.TopicRecord;
import java.nio.file.Path;
import org.apache.ratis.server.protocol.TermIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataSnapshotFileTest {

    @TempDir
    Path dir;

    @Test
    void aPartitionInTheMiddleOfAReassignmentSurvivesASnapshot() throws Exception {
        Uuid id = new Uuid(4, 4);
        MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
        delta.replay(new TopicRecord("moving", id));
        delta.replay(
                new PartitionRecord(id, 0, new int[] {3, 1}, new int[] {1}, 1, 2, 5, new int[] {1}, new int[] {3}));
        MetadataImage image = delta.apply(1);

        Path file = dir.resolve("snapshot.1_1");
        MetadataSnapshotFile.write(file, image, TermIndex.valueOf(1, 1));
        MetadataImage read = MetadataSnapshotFile.read(file);

        assertThat(read).isEqualTo(image);
        assertThat(read.topics().topic("moving").partition(0).addingReplicas()).containsExactly(3);
        assertThat(read.topics().topic("moving").partition(0).removingReplicas())
                .containsExactly(1);
    }

    @Test
    void theNextProducerIdSurvivesASnapshot() throws Exception {
        MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
        delta.replay(new ProducerIdsRecord(1, -1L, 1000L));
        delta.replay(new ProducerIdsRecord(2, -1L, 2000L));
        MetadataImage image = delta.apply(1);

        Path file = dir.resolve("snapshot.1_2");
        MetadataSnapshotFile.write(file, image, TermIndex.valueOf(1, 2));

        assertThat(MetadataSnapshotFile.read(file).producerIds().nextProducerId())
                .isEqualTo(2000L);
    }
}
