package io.fjord.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fjord.common.Uuid;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class MetadataRecordSerdeTest {

    static final Uuid TOPIC_ID = new Uuid(0x1234_5678_9abc_def0L, 0x0fed_cba9_8765_4321L);

    static List<MetadataRecord> oneOfEach() {
        return List.of(
                new RegisterBrokerRecord(
                        1,
                        new Uuid(7, 8),
                        List.of(
                                new Endpoint("PLAINTEXT", "localhost", 9092, "PLAINTEXT"),
                                new Endpoint("SSL", "h\u00f6st", 9093, "SSL")),
                        "rack-a",
                        false),
                new RegisterBrokerRecord(2, new Uuid(9, 10), List.of(), null, true),
                new RegisterBrokerRecord(3, new Uuid(9, 11), List.of(), null, false, true),
                new TopicRecord("orders", TOPIC_ID),
                new PartitionRecord(TOPIC_ID, 3, new int[] {1, 2, 3}, new int[] {1, 3}, 1, 4, 7),
                new PartitionRecord(TOPIC_ID, 0, new int[] {}, new int[] {}, PartitionRecord.NO_LEADER, 0, 0),
                new PartitionRecord(
                        TOPIC_ID, 1, new int[] {4, 5, 1}, new int[] {1}, 1, 2, 3, new int[] {1}, new int[] {4, 5}),
                new PartitionChangeRecord(TOPIC_ID, 3, new int[] {1}, 2, null),
                new PartitionChangeRecord(
                        TOPIC_ID, 3, null, PartitionChangeRecord.NO_LEADER_CHANGE, new int[] {Integer.MIN_VALUE, -1}),
                new PartitionChangeRecord(TOPIC_ID, 3, null, 4, new int[] {4, 1}, new int[] {1}, new int[] {4}),
                new PartitionChangeRecord(TOPIC_ID, 3, new int[] {4}, 4, new int[] {4}, new int[] {}, new int[] {}),
                new ConfigRecord(ConfigResourceType.TOPIC, "orders", "retention.ms", "1000"),
                new ConfigRecord(ConfigResourceType.BROKER, "", "log.retention.ms", null),
                new RemoveTopicRecord(TOPIC_ID),
                new ProducerIdsRecord(2, -1L, 5000L),
                new ProducerIdsRecord(-1, Long.MIN_VALUE, Long.MAX_VALUE),
                new UserScramCredentialRecord(
                        "al\u00efce",
                        ScramAlgorithm.SCRAM_SHA_256,
                        new ScramCredential(new byte[] {1, 2, 3}, new byte[32], bytes(32, 7), 8192)),
                new UserScramCredentialRecord(
                        "",
                        ScramAlgorithm.SCRAM_SHA_512,
                        new ScramCredential(new byte[0], bytes(64, 1), bytes(64, 2), Integer.MAX_VALUE)),
                new RemoveUserScramCredentialRecord("bob", ScramAlgorithm.SCRAM_SHA_512),
                new AccessControlEntryRecord(
                        new Uuid(5, 6),
                        new AclBinding(
                                AclResourceType.TOPIC,
                                "ord",
                                AclPatternType.PREFIXED,
                                "User:al\u00efce",
                                "10.0.0.1",
                                AclOperation.READ,
                                AclPermission.ALLOW)),
                new RemoveAccessControlEntryRecord(new Uuid(5, 6)),
                new NoOpRecord());
    }

    static byte[] bytes(int length, int seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Test
    void everyRecordTypeSurvivesARoundTrip() {
        for (MetadataRecord record : oneOfEach()) {
            byte[] bytes = MetadataRecordSerde.write(record);
            assertThat(MetadataRecordSerde.read(bytes)).as("%s", record).isEqualTo(record);
        }
    }

    @Test
    void scramRecordsUseKafkasTypeIdsAndMechanismBytes() {
        byte[] upsert = MetadataRecordSerde.write(new UserScramCredentialRecord(
                "a", ScramAlgorithm.SCRAM_SHA_512, new ScramCredential(new byte[1], new byte[2], new byte[3], 4096)));
        // type 11, version 0, name "a" (length+1 = 2), mechanism 2, salt/stored/server lengths+1, iterations 4096.
        assertThat(upsert).startsWith(11, 0, 2, 'a', 2, 2, 0, 3, 0, 0, 4, 0, 0, 0);
        assertThat(MetadataRecordSerde.write(new RemoveUserScramCredentialRecord("a", ScramAlgorithm.SCRAM_SHA_256)))
                .containsExactly(22, 0, 2, 'a', 1);
    }

    @Test
    void aclRecordsUseKafkasTypeIdsAndCodesAndRefuseAnAclThatCouldNotBeCreated() {
        AclBinding acl = new AclBinding(
                AclResourceType.GROUP,
                "g",
                AclPatternType.LITERAL,
                "User:a",
                "*",
                AclOperation.ALL,
                AclPermission.DENY);
        byte[] bytes = MetadataRecordSerde.write(new AccessControlEntryRecord(new Uuid(0, 1), acl));
        // type 23, version 0, 16 id bytes, GROUP 3, "g", LITERAL 3, "User:a", "*", ALL 2, DENY 2.
        assertThat(bytes).startsWith(23, 0).endsWith(3, 2, 'g', 3, 7, 'U', 's', 'e', 'r', ':', 'a', 2, '*', 2, 2);
        assertThat(MetadataRecordSerde.write(new RemoveAccessControlEntryRecord(new Uuid(0, 1))))
                .startsWith(24, 0);
        bytes[bytes.length - 1] = 1; // permission ANY: a filter's value, never an ACL's
        assertThatThrownBy(() -> MetadataRecordSerde.read(bytes))
                .isInstanceOf(MalformedMetadataRecordException.class)
                .hasMessageContaining("Invalid permissionType ANY");
    }

    @Test
    void rejectsAnUnknownScramMechanismAndAKeyLongerThanTheBytesPresent() {
        assertThatThrownBy(() -> MetadataRecordSerde.read(new byte[] {22, 0, 2, 'a', 0}))
                .isInstanceOf(MalformedMetadataRecordException.class)
                .hasMessageContaining("unknown SCRAM mechanism type 0");
        // A salt that claims 2^28 bytes in a 10-byte record.
        assertThatThrownBy(() -> MetadataRecordSerde.read(
                        new byte[] {11, 0, 2, 'a', 1, (byte) 0x81, (byte) 0x80, (byte) 0x80, (byte) 0x80, 1}))
                .isInstanceOf(MalformedMetadataRecordException.class)
                .hasMessageContaining("salt length");
    }

    @Test
    void aVersion0BrokerRegistrationStillReadsAsNotShuttingDown() {
        RegisterBrokerRecord record = new RegisterBrokerRecord(4, new Uuid(1, 2), List.of(), "r", true, false);
        byte[] v1 = MetadataRecordSerde.write(record);
        assertThat(v1[1]).isEqualTo((byte) 1);
        byte[] v0 = Arrays.copyOf(v1, v1.length - 1); // v0 ends after the fenced flag
        v0[1] = 0;
        assertThat(MetadataRecordSerde.read(v0)).isEqualTo(record);
    }

    @Test
    void version0PartitionRecordsStillReadAsNotReassigning() {
        PartitionRecord partition = new PartitionRecord(TOPIC_ID, 2, new int[] {1, 2}, new int[] {2}, 2, 3, 4);
        byte[] v1 = MetadataRecordSerde.write(partition);
        assertThat(v1[1]).isEqualTo((byte) 1);
        byte[] v0 = Arrays.copyOf(v1, v1.length - 2); // v0 ends before the two (empty) arrays
        v0[1] = 0;
        assertThat(MetadataRecordSerde.read(v0)).isEqualTo(partition);

        PartitionChangeRecord change = new PartitionChangeRecord(TOPIC_ID, 2, new int[] {2}, 1, null);
        byte[] changeV1 = MetadataRecordSerde.write(change);
        byte[] changeV0 = Arrays.copyOf(changeV1, changeV1.length - 2); // two null arrays
        changeV0[1] = 0;
        PartitionChangeRecord read = (PartitionChangeRecord) MetadataRecordSerde.read(changeV0);
        assertThat(read).isEqualTo(change);
        assertThat(read.addingReplicas()).isNull();
        assertThat(read.removingReplicas()).isNull();
    }

    @Test
    void encodingIsCompact() {
        byte[] bytes = MetadataRecordSerde.write(new TopicRecord("t", TOPIC_ID));
        // type, version, length+1, 't', 16 bytes of id
        assertThat(bytes).hasSize(1 + 1 + 1 + 1 + 16);
    }

    @Test
    void rejectsAnUnknownTypeId() {
        assertThatThrownBy(() -> MetadataRecordSerde.read(new byte[] {99, 0}))
                .isInstanceOf(MalformedMetadataRecordException.class)
                .hasMessageContaining("unknown metadata record type id 99");
    }

    @Test
    void rejectsANewerVersion() {
        assertThatThrownBy(() -> MetadataRecordSerde.read(new byte[] {20, 1}))
                .isInstanceOf(MalformedMetadataRecordException.class)
                .hasMessageContaining("unsupported version 1");
    }

    @Test
    void rejectsTrailingBytes() {
        assertThatThrownBy(() -> MetadataRecordSerde.read(new byte[] {20, 0, 0}))
                .isInstanceOf(MalformedMetadataRecordException.class)
                .hasMessageContaining("1 trailing byte(s)");
    }

    @Test
    void rejectsAStringLongerThanTheBytesPresent() {
        // TopicRecord with a name length of 1_000_000 (encoded as 1_000_001) and nothing after it.
        byte[] bytes = {2, 0, (byte) 0xC1, (byte) 0x84, 0x3D};
        assertThatThrownBy(() -> MetadataRecordSerde.read(bytes))
                .isInstanceOf(MalformedMetadataRecordException.class)
                .hasMessageContaining("string length 1000000 exceeds the 0 byte(s) left");
    }

    @Test
    void rejectsAnArrayCountLargerThanTheBytesPresentWithoutAllocatingIt() {
        byte[] prefix = MetadataRecordSerde.write(new PartitionChangeRecord(TOPIC_ID, 0, null, 1, null));
        // type, version, uuid(16), partition(1), then an int array count of 2^31 - 2.
        byte[] bytes = Arrays.copyOf(prefix, 2 + 16 + 1 + 5);
        byte[] count = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07};
        System.arraycopy(count, 0, bytes, 19, 5);
        assertThatThrownBy(() -> MetadataRecordSerde.read(bytes))
                .isInstanceOf(MalformedMetadataRecordException.class)
                .hasMessageContaining("int array count");
    }

    @Test
    void rejectsInvalidUtf8AndBadBooleansAndNegativeIds() {
        byte[] badUtf8 = {2, 0, 2, (byte) 0xC3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        assertThatThrownBy(() -> MetadataRecordSerde.read(Arrays.copyOf(badUtf8, 20)))
                .isInstanceOf(MalformedMetadataRecordException.class)
                .hasMessageContaining("UTF-8");
        byte[] broker = MetadataRecordSerde.write(new RegisterBrokerRecord(1, new Uuid(1, 1), List.of(), null, false));
        broker[broker.length - 1] = 2;
        assertThatThrownBy(() -> MetadataRecordSerde.read(broker))
                .isInstanceOf(MalformedMetadataRecordException.class)
                .hasMessageContaining("boolean byte must be 0 or 1, got 2");
        byte[] negative =
                MetadataRecordSerde.write(new RegisterBrokerRecord(1, new Uuid(1, 1), List.of(), null, false));
        negative[2] = 1; // zig-zag 1 is -1
        assertThatThrownBy(() -> MetadataRecordSerde.read(negative))
                .isInstanceOf(MalformedMetadataRecordException.class)
                .hasMessageContaining("brokerId must not be negative");
    }

    @Test
    void rejectsEveryTruncationOfEveryRecord() {
        for (MetadataRecord record : oneOfEach()) {
            byte[] bytes = MetadataRecordSerde.write(record);
            for (int length = 0; length < bytes.length; length++) {
                byte[] truncated = Arrays.copyOf(bytes, length);
                assertThatThrownBy(() -> MetadataRecordSerde.read(truncated))
                        .as("%s cut to %d bytes", record, length)
                        .isInstanceOf(MalformedMetadataRecordException.class);
            }
        }
    }

    @Property(seed = "20261122", tries = 500)
    void randomRecordsSurviveARoundTrip(@ForAll long seed) {
        MetadataRecord record = randomRecord(new Random(seed));
        assertThat(MetadataRecordSerde.read(MetadataRecordSerde.write(record))).isEqualTo(record);
    }

    @Property(seed = "20261122", tries = 2000)
    void garbageBytesOnlyRaiseMalformedRecord(@ForAll @Size(max = 80) byte[] bytes) {
        assertReadsOrRejectsCleanly(bytes);
    }

    @Property(seed = "20261122", tries = 2000)
    void corruptedRecordsOnlyRaiseMalformedRecord(@ForAll long seed) {
        Random random = new Random(seed);
        byte[] bytes = MetadataRecordSerde.write(randomRecord(random));
        int flips = 1 + random.nextInt(3);
        for (int i = 0; i < flips; i++) {
            bytes[random.nextInt(bytes.length)] ^= (byte) (1 + random.nextInt(255));
        }
        assertReadsOrRejectsCleanly(bytes);
    }

    private static void assertReadsOrRejectsCleanly(byte[] bytes) {
        try {
            MetadataRecord record = MetadataRecordSerde.read(bytes);
            // Whatever was decoded must itself encode and decode to the same record.
            assertThat(MetadataRecordSerde.read(MetadataRecordSerde.write(record)))
                    .isEqualTo(record);
        } catch (MalformedMetadataRecordException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    /** A random record of a random type, with random field values in their legal ranges. */
    static MetadataRecord randomRecord(Random random) {
        Uuid id = new Uuid(random.nextLong(), random.nextLong());
        switch (random.nextInt(9)) {
            case 0:
                List<Endpoint> endpoints = new ArrayList<>();
                for (int i = random.nextInt(3); i > 0; i--) {
                    endpoints.add(new Endpoint(
                            randomString(random), randomString(random), random.nextInt(65536), randomString(random)));
                }
                return new RegisterBrokerRecord(
                        random.nextInt(Integer.MAX_VALUE),
                        id,
                        endpoints,
                        random.nextBoolean() ? null : randomString(random),
                        random.nextBoolean());
            case 1:
                return new TopicRecord(randomString(random), id);
            case 2:
                return new PartitionRecord(
                        id,
                        random.nextInt(Integer.MAX_VALUE),
                        randomInts(random),
                        randomInts(random),
                        random.nextInt(),
                        random.nextInt(),
                        random.nextInt());
            case 3:
                return new PartitionChangeRecord(
                        id,
                        random.nextInt(Integer.MAX_VALUE),
                        random.nextBoolean() ? null : randomInts(random),
                        random.nextInt(),
                        random.nextBoolean() ? null : randomInts(random));
            case 4:
                return new ConfigRecord(
                        random.nextBoolean() ? ConfigResourceType.TOPIC : ConfigResourceType.BROKER,
                        randomString(random),
                        randomString(random),
                        random.nextBoolean() ? null : randomString(random));
            case 5:
                return new RemoveTopicRecord(id);
            case 6:
                return new UserScramCredentialRecord(
                        randomString(random),
                        random.nextBoolean() ? ScramAlgorithm.SCRAM_SHA_256 : ScramAlgorithm.SCRAM_SHA_512,
                        new ScramCredential(
                                bytes(random.nextInt(30), random.nextInt()),
                                bytes(random.nextInt(65), random.nextInt()),
                                bytes(random.nextInt(65), random.nextInt()),
                                random.nextInt()));
            case 7:
                return new RemoveUserScramCredentialRecord(
                        randomString(random),
                        random.nextBoolean() ? ScramAlgorithm.SCRAM_SHA_256 : ScramAlgorithm.SCRAM_SHA_512);
            default:
                return new NoOpRecord();
        }
    }

    private static String randomString(Random random) {
        StringBuilder s = new StringBuilder();
        for (int i = random.nextInt(12); i > 0; i--) {
            s.appendCodePoint(random.nextInt(4) == 0 ? 0x80 + random.nextInt(0xD000) : 0x20 + random.nextInt(0x5F));
        }
        return s.toString();
    }

    private static int[] randomInts(Random random) {
        int[] values = new int[random.nextInt(6)];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextInt();
        }
        return values;
    }
}
