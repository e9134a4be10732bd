package io.fjord.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Uuid;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetadataLoaderTest {

    static final Uuid A = new Uuid(1, 1);
    static final Uuid B = new Uuid(2, 2);

    /** Keeps every update it is handed. */
    static final class RecordingPublisher implements MetadataPublisher {
        final List<MetadataDelta> deltas = new ArrayList<>();
        final List<MetadataImage> images = new ArrayList<>();

        @Override
        public void onMetadataUpdate(MetadataDelta delta, MetadataImage newImage) {
            deltas.add(delta);
            images.add(newImage);
        }
    }

    @Test
    void recoveredBatchesArePublishedAsOneUpdateThenLiveBatchesOneByOne() {
        MetadataLoader loader = new MetadataLoader();
        RecordingPublisher publisher = new RecordingPublisher();
        loader.installPublisher(publisher);

        loader.onCommit(new MetadataBatch(0, List.of(new TopicRecord("a", A))));
        loader.onCommit(new MetadataBatch(1, List.of(new TopicRecord("b", B))));
        assertThat(publisher.deltas).as("nothing is published during recovery").isEmpty();
        assertThat(loader.caughtUp()).isNotDone();

        loader.onReplayComplete(1);
        assertThat(publisher.deltas).hasSize(1);
        assertThat(publisher.deltas.get(0).createdTopicIds()).containsExactlyInAnyOrder(A, B);
        assertThat(loader.caughtUp()).isCompletedWithValue(loader.image());
        assertThat(loader.image().offset()).isEqualTo(1);

        loader.onCommit(new MetadataBatch(2, List.of(new RemoveTopicRecord(A))));
        assertThat(publisher.deltas).hasSize(2);
        assertThat(publisher.deltas.get(1).deletedTopics()).containsOnlyKeys(A);
        assertThat(publisher.deltas.get(1).image()).isSameAs(publisher.images.get(0));
        assertThat(loader.image().topics().topicsByName()).containsOnlyKeys("b");
    }

    @Test
    void aLateInstalledPublisherFirstGetsTheWholeCurrentImage() {
        MetadataLoader loader = new MetadataLoader();
        loader.onReplayComplete(-1);
        loader.onCommit(new MetadataBatch(0, List.of(new TopicRecord("a", A))));

        RecordingPublisher late = new RecordingPublisher();
        loader.installPublisher(late);

        assertThat(late.deltas).hasSize(1);
        assertThat(late.deltas.get(0).image()).isEqualTo(MetadataImage.EMPTY);
        assertThat(late.deltas.get(0).createdTopicIds()).containsExactly(A);
        assertThat(late.images.get(0)).isSameAs(loader.image());
    }

    @Test
    void aFailingPublisherIsCountedAndDoesNotStopTheOthers() {
        MetadataLoader loader = new MetadataLoader();
        loader.onReplayComplete(-1);
        loader.installPublisher((delta, image) -> {
            throw new IllegalStateException("boom");
        });
        RecordingPublisher healthy = new RecordingPublisher();
        loader.installPublisher(healthy);

        loader.onCommit(new MetadataBatch(0, List.of(new NoOpRecord())));
        loader.onCommit(new MetadataBatch(1, List.of(new TopicRecord("a", A))));

        assertThat(loader.publisherErrors()).isEqualTo(2);
        assertThat(healthy.images).extracting(MetadataImage::offset).containsExactly(0L, 1L);
    }
}
