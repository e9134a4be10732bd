package io.fjord.metadata;

import static io.fjord.metadata.ControllerTestContext.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerIdControlTest {

    @TempDir
    Path dir;

    @Test
    void blocksRequestedAtOnceByThreeBrokersNeverOverlap() throws Exception {
        try (ControllerTestContext context = ControllerTestContext.open(dir, 3, ConfigValidator.ACCEPT_ALL)) {
            List<CompletableFuture<Long>> blocks = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                blocks.add(context.controller.allocateProducerIds(i % 3));
            }
            List<Long> firsts = new ArrayList<>();
            for (CompletableFuture<Long> block : blocks) {
                firsts.add(get(block));
            }
            assertThat(firsts).containsExactlyInAnyOrder(0L, 1000L, 2000L, 3000L, 4000L, 5000L, 6000L, 7000L, 8000L);
            assertThat(context.image().producerIds().nextProducerId()).isEqualTo(9000L);
        }
    }

    @Test
    void anUnregisteredBrokerGetsNoBlock() throws Exception {
        try (ControllerTestContext context = ControllerTestContext.open(dir, 1, ConfigValidator.ACCEPT_ALL)) {
            assertThatThrownBy(() -> get(context.controller.allocateProducerIds(7)))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOfSatisfying(
                            ApiException.class, e -> assertThat(e.error()).isEqualTo(Errors.BROKER_ID_NOT_REGISTERED));
            assertThat(context.image().producerIds().nextProducerId()).isZero();
        }
    }

    @Test
    void aRestartedControllerContinuesAfterTheLastBlockOfTheLog() throws Exception {
        try (ControllerTestContext context = ControllerTestContext.open(dir, 2, ConfigValidator.ACCEPT_ALL)) {
            get(context.controller.allocateProducerIds(0));
            get(context.controller.allocateProducerIds(1));
        }
        try (ControllerTestContext context = ControllerTestContext.open(dir, 2, ConfigValidator.ACCEPT_ALL)) {
            assertThat(context.image().producerIds().nextProducerId()).isEqualTo(2000L);
            assertThat(get(context.controller.allocateProducerIds(0))).isEqualTo(2000L);
        }
    }

    @Test
    void aFloorFromALegacyFileMovesTheNextBlockPastItOnlyWhenAhead() throws Exception {
        try (ControllerTestContext context = ControllerTestContext.open(dir, 1, ConfigValidator.ACCEPT_ALL)) {
            assertThat(get(context.controller.allocateProducerIds(0, 12_345L))).isEqualTo(12_345L);
            assertThat(get(context.controller.allocateProducerIds(0, 100L))).isEqualTo(13_345L);
            assertThat(get(context.controller.allocateProducerIds(0))).isEqualTo(14_345L);
        }
    }

    @Test
    void theImageRebuiltFromItsRecordsKeepsTheNextProducerId() {
        MetadataImage image = TestImages.apply(
                MetadataImage.EMPTY,
                List.of(new ProducerIdsRecord(1, -1L, 1000L), new ProducerIdsRecord(2, -1L, 2000L)));

        MetadataImage rebuilt = TestImages.apply(MetadataImage.EMPTY, image.toRecords());

        assertThat(rebuilt.producerIds()).isEqualTo(new ProducerIdsImage(2000L));
        assertThat(image.isEmpty()).isFalse();
    }

    @Test
    void replayRefusesARecordThatWouldHandOutIdsAgain() {
        MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
        delta.replay(new ProducerIdsRecord(1, -1L, 2000L));

        assertThatThrownBy(() -> delta.replay(new ProducerIdsRecord(2, -1L, 1000L)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("2000");
    }
}
