package io.fjord.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class GroupPlansTest {
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);
    private static final TopicPartition P2 = new TopicPartition("t", 2);

    @Test
    void lagIsLogEndMinusCommittedAndAnUncommittedOwnedPartitionLagsByItsWholeLog() {
        List<GroupPlans.LagRow> rows =
                GroupPlans.lag(Map.of(P1, 4L, P0, 10L), Map.of(P2, "m1"), Map.of(P0, 10L, P1, 9L, P2, 3L));

        assertThat(rows)
                .containsExactly(
                        new GroupPlans.LagRow(P0, 10, 10, 0, "-"),
                        new GroupPlans.LagRow(P1, 4, 9, 5, "-"),
                        new GroupPlans.LagRow(P2, -1, 3, 3, "m1"));
        assertThat(GroupPlans.totalLag(rows)).isEqualTo(8);
    }

    @Test
    void aCommittedOffsetBeyondTheLogEndLagsByZeroNotANegativeNumber() {
        assertThat(GroupPlans.lag(Map.of(P0, 12L), Map.of(), Map.of(P0, 10L)))
                .containsExactly(new GroupPlans.LagRow(P0, 12, 10, 0, "-"));
    }

    @Test
    void resetToEarliestAndLatestUseEachPartitionsOwnBounds() {
        Map<TopicPartition, Long> earliest = Map.of(P0, 2L, P1, 0L);
        Map<TopicPartition, Long> latest = Map.of(P0, 8L, P1, 5L);
        List<TopicPartition> partitions = List.of(P1, P0);

        assertThat(GroupPlans.reset(partitions, Map.of(P0, 6L), start("earliest"), earliest, latest, Map.of()))
                .containsExactly(new GroupPlans.ResetRow(P0, 6, 2), new GroupPlans.ResetRow(P1, -1, 0));
        assertThat(GroupPlans.reset(partitions, Map.of(P0, 6L), start("latest"), earliest, latest, Map.of()))
                .containsExactly(new GroupPlans.ResetRow(P0, 6, 8), new GroupPlans.ResetRow(P1, -1, 5));
    }

    @Test
    void resetToAnOffsetIsClampedIntoTheLog() {
        Map<TopicPartition, Long> earliest = Map.of(P0, 2L, P1, 0L);
        Map<TopicPartition, Long> latest = Map.of(P0, 8L, P1, 5L);

        assertThat(GroupPlans.reset(List.of(P0, P1), Map.of(), start("1"), earliest, latest, Map.of()))
                .extracting(GroupPlans.ResetRow::target)
                .containsExactly(2L, 1L);
        assertThat(GroupPlans.reset(List.of(P0, P1), Map.of(), start("7"), earliest, latest, Map.of()))
                .extracting(GroupPlans.ResetRow::target)
                .containsExactly(7L, 5L);
    }

    @Test
    void resetToATimestampAfterTheLastRecordGoesToTheEnd() {
        assertThat(GroupPlans.reset(
                        List.of(P0, P1),
                        Map.of(),
                        start("@1700000000000"),
                        Map.of(P0, 0L, P1, 0L),
                        Map.of(P0, 8L, P1, 5L),
                        Map.of(P0, 3L)))
                .extracting(GroupPlans.ResetRow::target)
                .containsExactly(3L, 5L);
    }

    private static ConsumeCommand.StartPosition start(String s) {
        return ConsumeCommand.StartPosition.parse(s);
    }
}
