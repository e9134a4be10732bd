package io.fjord.coordinator.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.Uuid;
import io.fjord.coordinator.CoordinatorRecord;
import io.fjord.coordinator.record.GroupRecords.ClassicGroupValue;
import io.fjord.coordinator.record.GroupRecords.ClassicMemberValue;
import io.fjord.coordinator.record.GroupRecords.ConsumerMemberValue;
import io.fjord.coordinator.record.GroupRecords.OffsetValue;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class GroupRecordsTest {

    @Test
    void offsetRecordsRoundTripAndTheKeyNamesTheEntity() {
        OffsetValue value = new OffsetValue(123, 7, "meta", 1_000, -1);
        CoordinatorRecord record = GroupRecords.offsetRecord("g", "orders", 3, value);
        assertThat(GroupRecords.decodeKey(record.key())).isEqualTo(new GroupRecords.OffsetKey("g", "orders", 3));
        assertThat(GroupRecords.decodeOffsetValue(record.value())).isEqualTo(value);
        assertThat(GroupRecords.offsetTombstone("g", "orders", 3).key())
                .as("a tombstone has the same key, so compaction removes the offset")
                .isEqualTo(record.key());
        assertThat(GroupRecords.offsetTombstone("g", "orders", 3).isTombstone()).isTrue();
        assertThat(GroupRecords.offsetKey("g", "orders", 4)).isNotEqualTo(record.key());
    }

    @Test
    void classicGroupRecordsRoundTrip() {
        ClassicGroupValue value = new ClassicGroupValue(
                "consumer",
                4,
                "range",
                "m1",
                55,
                List.of(
                        new ClassicMemberValue(
                                "m1", null, "c1", "/h1", 30_000, 10_000, new byte[] {1, 2}, new byte[] {3}),
                        new ClassicMemberValue(
                                "m2", "i2", "c2", "/h2", 30_000, 10_000, new byte[0], new byte[] {4, 5})));
        CoordinatorRecord record = GroupRecords.classicGroupRecord("g", value);
        ClassicGroupValue decoded = GroupRecords.decodeClassicGroupValue(record.value());
        assertThat(decoded.generation()).isEqualTo(4);
        assertThat(decoded.leader()).isEqualTo("m1");
        assertThat(decoded.members()).hasSize(2);
        assertThat(decoded.members().get(1).groupInstanceId()).isEqualTo("i2");
        assertThat(decoded.members().get(1).assignment()).containsExactly(4, 5);
        assertThat(GroupRecords.decodeKey(record.key())).isEqualTo(new GroupRecords.ClassicGroupKey("g"));
    }

    @Test
    void consumerMemberRecordsRoundTrip() {
        Uuid topic = new Uuid(5, 6);
        Map<Uuid, Set<Integer>> assigned = new TreeMap<>(Map.of(topic, new TreeSet<>(Set.of(0, 2))));
        ConsumerMemberValue value = new ConsumerMemberValue(
                "inst",
                "rack",
                "client",
                "/host",
                List.of("a", "b"),
                "x.*",
                "uniform",
                30_000,
                5,
                4,
                (byte) 1,
                assigned,
                Map.of(),
                assigned);
        CoordinatorRecord record = GroupRecords.consumerMemberRecord("g", "m", value);
        assertThat(GroupRecords.decodeConsumerMemberValue(record.value())).isEqualTo(value);
        assertThat(GroupRecords.decodeKey(record.key())).isEqualTo(new GroupRecords.ConsumerMemberKey("g", "m"));
    }

    @Test
    void consumerGroupRecordsRoundTripWithTheirSubscribedTopics() {
        GroupRecords.ConsumerGroupValue value = new GroupRecords.ConsumerGroupValue(7, 6, 99, Map.of("a", 3, "b", 1));
        CoordinatorRecord record = GroupRecords.consumerGroupRecord("g", value);
        assertThat(GroupRecords.decodeConsumerGroupValue(record.value())).isEqualTo(value);
        assertThat(GroupRecords.decodeKey(record.key())).isEqualTo(new GroupRecords.ConsumerGroupKey("g"));
    }

    @Test
    void truncatedOrMutatedBytesFailAsCorruptNeverAsAHugeAllocation() {
        CoordinatorRecord record = GroupRecords.classicGroupRecord(
                "group",
                new ClassicGroupValue(
                        "consumer",
                        1,
                        "range",
                        "m1",
                        0,
                        List.of(new ClassicMemberValue("m1", null, "c", "/h", 1, 1, new byte[8], new byte[8]))));
        byte[] value = record.value();
        for (int length = 0; length < value.length; length++) {
            byte[] truncated = Arrays.copyOf(value, length);
            assertThatThrownBy(() -> GroupRecords.decodeClassicGroupValue(truncated))
                    .isInstanceOf(CorruptRecordException.class);
        }
        Random random = new Random(1234);
        for (int i = 0; i < 2_000; i++) {
            byte[] mutated = value.clone();
            mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
            try {
                GroupRecords.decodeClassicGroupValue(mutated);
            } catch (CorruptRecordException expected) {
                // fine: rejected with a message
            }
        }
        assertThatThrownBy(() -> GroupRecords.decodeKey(new byte[] {0, 42, 0, 0}))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("42");
        assertThatThrownBy(() -> GroupRecords.decodeOffsetValue(new byte[] {0, 9}))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("version 9");
    }
}
