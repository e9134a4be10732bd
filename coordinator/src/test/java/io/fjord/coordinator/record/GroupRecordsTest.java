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
    void offsetValuesAreWrittenInKafkasOffsetCommitValueLayouts() {
        // version 3: offset, leader epoch, metadata, commit timestamp
        byte[] v3 = GroupRecords.offsetRecord("g", "t", 0, new OffsetValue(300, 7, "m", 1_000, -1))
                .value();
        assertThat(v3)
                .isEqualTo(new RecordWriter()
                        .writeShort((short) 3)
                        .writeLong(300)
                        .writeInt(7)
                        .writeString("m")
                        .writeLong(1_000)
                        .toByteArray());
        // version 1, for a commit with an expiry: offset, metadata, commit timestamp, expiry (no leader epoch)
        OffsetValue expiring = new OffsetValue(300, -1, "m", 1_000, 5_000);
        byte[] v1 = GroupRecords.offsetRecord("g", "t", 0, expiring).value();
        assertThat(v1)
                .isEqualTo(new RecordWriter()
                        .writeShort((short) 1)
                        .writeLong(300)
                        .writeString("m")
                        .writeLong(1_000)
                        .writeLong(5_000)
                        .toByteArray());
        assertThat(GroupRecords.decodeOffsetValue(v1)).isEqualTo(expiring);
        // Kafka's metadata is not nullable: absent metadata is written empty
        assertThat(GroupRecords.decodeOffsetValue(
                        GroupRecords.offsetRecord("g", "t", 0, new OffsetValue(1, -1, null, 2, -1))
                                .value()))
                .isEqualTo(new OffsetValue(1, -1, "", 2, -1));
    }

    @Test
    void recordsInFjordsEarlierLayoutStillDecode() {
        byte[] offset = new RecordWriter()
                .writeShort((short) 0)
                .writeLong(300)
                .writeInt(7)
                .writeString("m")
                .writeLong(1_000)
                .writeLong(5_000)
                .toByteArray();
        assertThat(GroupRecords.decodeOffsetValue(offset)).isEqualTo(new OffsetValue(300, 7, "m", 1_000, 5_000));
        ClassicGroupValue value = new ClassicGroupValue(
                "consumer",
                4,
                "range",
                "m1",
                55,
                List.of(new ClassicMemberValue(
                        "m1", "i1", "c1", "/h1", 30_000, 10_000, new byte[] {1, 2}, new byte[] {3})));
        byte[] written = GroupRecords.classicGroupRecord("g", value).value();
        assertThat(written[1]).as("Kafka's GroupMetadataValue version 3").isEqualTo((byte) 3);
        byte[] legacy = written.clone();
        legacy[1] = 0; // the earlier layout is version 3's, numbered 0
        ClassicGroupValue decoded = GroupRecords.decodeClassicGroupValue(legacy);
        assertThat(decoded.protocolName()).isEqualTo("range");
        assertThat(decoded.members().get(0).groupInstanceId()).isEqualTo("i1");
        assertThat(decoded.members().get(0).subscription()).containsExactly(1, 2);
    }

    @Test
    void aClassicGroupsAbsentFieldsAreWrittenAsKafkaWritesThem() {
        ClassicGroupValue empty = new ClassicGroupValue(null, 2, null, null, 55, List.of());
        byte[] written = GroupRecords.classicGroupRecord("g", empty).value();
        assertThat(Arrays.copyOfRange(written, 2, 4))
                .as("no protocol type is an empty string: Kafka's protocolType is not nullable")
                .containsExactly(0, 0);
        assertThat(GroupRecords.decodeClassicGroupValue(written)).isEqualTo(empty);
        ClassicGroupValue member = new ClassicGroupValue(
                "consumer",
                1,
                "range",
                "m1",
                55,
                List.of(new ClassicMemberValue("m1", null, null, null, 30_000, 10_000, null, null)));
        ClassicMemberValue read = GroupRecords.decodeClassicGroupValue(
                        GroupRecords.classicGroupRecord("g", member).value())
                .members()
                .get(0);
        assertThat(read.clientId()).isEmpty();
        assertThat(read.clientHost()).isEmpty();
        assertThat(read.subscription()).isEmpty();
        assertThat(read.assignment()).isEmpty();
        assertThat(read.groupInstanceId()).isNull();
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
                assigned,
                Map.of(topic, Map.of(2, 3)));
        CoordinatorRecord record = GroupRecords.consumerMemberRecord("g", "m", value);
        assertThat(GroupRecords.decodeConsumerMemberValue(record.value())).isEqualTo(value);
        assertThat(GroupRecords.decodeKey(record.key())).isEqualTo(new GroupRecords.ConsumerMemberKey("g", "m"));
    }

    @Test
    void aMemberValueWrittenBeforeItsAssignedAtFieldReadsAsHavingNone() {
        Uuid topic = new Uuid(5, 6);
        Map<Uuid, Set<Integer>> assigned = new TreeMap<>(Map.of(topic, new TreeSet<>(Set.of(0, 2))));
        ConsumerMemberValue value = new ConsumerMemberValue(
                null,
                null,
                "client",
                "/host",
                List.of("a"),
                null,
                null,
                30_000,
                5,
                4,
                (byte) 0,
                assigned,
                Map.of(),
                assigned,
                Map.of());
        byte[] bytes = GroupRecords.consumerMemberRecord("g", "m", value).value();
        // the value as written before assignedAt: the same bytes without the trailing empty array (int32 0)
        byte[] older = Arrays.copyOf(bytes, bytes.length - 4);
        assertThat(GroupRecords.decodeConsumerMemberValue(older)).isEqualTo(value);
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
