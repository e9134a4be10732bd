package io.fjord.coordinator.record;

import io.fjord.common.Uuid;
import io.fjord.coordinator.CoordinatorRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The versioned binary format of the records Fjord's group coordinator writes to {@code __consumer_offsets}.
 * All integers are big-endian; {@code string} is int16 length + UTF-8 (-1 = null), {@code bytes} is int32
 * length + bytes (-1 = null), {@code uuid} is two int64, {@code array<T>} is int32 count + elements,
 * {@code assignment} is {@code array<(uuid topicId, array<int32 partition>)>} sorted by topic id and partition.
 *
 * <p>Every key starts with an int16 <em>type</em>; the rest of the key names the entity, so compaction keeps
 * exactly the latest value per entity. Every value starts with an int16 <em>version</em>; a reader rejects
 * versions it does not know. A null value (tombstone) deletes the entity.
 *
 * <p>Committed offsets and classic groups, what tools that read this topic look at (kafka-dump-log
 * {@code --offsets-decoder}, the console consumer's {@code OffsetsMessageFormatter}, lag monitors such as Burrow),
 * are written in Kafka's layouts: the keys of types 1 and 2 are Kafka's OffsetCommitKey (version 1) and
 * GroupMetadataKey (version 2), and their values Kafka's OffsetCommitValue version 3 (version 1 when the commit
 * carries an expiry, which has no leader epoch, as in Kafka) and GroupMetadataValue version 3, whose non-nullable
 * strings and bytes are written empty when absent. Their version 0 is Fjord's earlier layout, still read. The
 * KIP-848 records (types 3 and 4) are Fjord's own, version 0; Kafka splits that state over other record types.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>type</th><th>entity</th><th>key fields after the type</th></tr>
 *   <tr><td>1</td><td>committed offset</td><td>string group, string topic, int32 partition</td></tr>
 *   <tr><td>2</td><td>classic group</td><td>string group</td></tr>
 *   <tr><td>3</td><td>consumer group (KIP-848)</td><td>string group</td></tr>
 *   <tr><td>4</td><td>consumer group member</td><td>string group, string memberId</td></tr>
 * </table>
 *
 * <table>
 *   <caption>Values (after their int16 version)</caption>
 *   <tr><th>type</th><th>version</th><th>value fields</th></tr>
 *   <tr><td>1</td><td>3</td><td>int64 offset, int32 leaderEpoch, string metadata, int64 commitTimestampMs</td></tr>
 *   <tr><td>1</td><td>1</td><td>int64 offset, string metadata, int64 commitTimestampMs, int64 expireTimestampMs
 *       </td></tr>
 *   <tr><td>1</td><td>0</td><td>int64 offset, int32 leaderEpoch, string metadata, int64 commitTimestampMs,
 *       int64 expireTimestampMs (-1 = by retention)</td></tr>
 *   <tr><td>2</td><td>3, 0</td><td>string protocolType, int32 generation, string protocolName, string leader,
 *       int64 stateTimestampMs, array&lt;member&gt;; member = string memberId, string groupInstanceId,
 *       string clientId, string clientHost, int32 rebalanceTimeoutMs, int32 sessionTimeoutMs,
 *       bytes subscription (metadata of the chosen protocol), bytes assignment</td></tr>
 *   <tr><td>3</td><td>0</td><td>int32 groupEpoch, int32 assignmentEpoch, int64 stateTimestampMs,
 *       array&lt;(string topic, int32 partitions)&gt; subscribedTopics (the metadata the group epoch was
 *       computed from, sorted by topic)</td></tr>
 *   <tr><td>4</td><td>0</td><td>string instanceId, string rackId, string clientId, string clientHost,
 *       array&lt;string&gt; subscribedTopicNames, string subscribedTopicRegex, string serverAssignor,
 *       int32 rebalanceTimeoutMs, int32 memberEpoch, int32 previousMemberEpoch, int8 state,
 *       assignment assigned, assignment pendingRevocation, assignment target, then optionally
 *       array&lt;(uuid topicId, array&lt;(int32 partition, int32 epoch)&gt;)&gt; assignedAt</td></tr>
 * </table>
 *
 * <p>{@code assignedAt} (KIP-1251) gives the member epoch at which an owned partition was assigned, for those
 * assigned before {@code memberEpoch}; every other owned partition was assigned at {@code memberEpoch}. It was
 * added after version 0 without a new version, as a trailing field: readers written before it stop at
 * {@code target} and ignore it, and a value written before it reads as having none.
 *
 * <p>Stateless; safe from any thread.
 */
public final class GroupRecords {

    public static final short OFFSET_COMMIT_TYPE = 1;
    public static final short CLASSIC_GROUP_TYPE = 2;
    public static final short CONSUMER_GROUP_TYPE = 3;
    public static final short CONSUMER_MEMBER_TYPE = 4;
    /** The value version of Fjord's own layouts: every KIP-848 record, and offsets and classic groups written before. */
    public static final short VALUE_VERSION = 0;
    /** Kafka's OffsetCommitValue with an expiry and no leader epoch. */
    static final short OFFSET_VALUE_VERSION_WITH_EXPIRY = 1;
    /** Kafka's OffsetCommitValue with a leader epoch. */
    static final short OFFSET_VALUE_VERSION = 3;
    /** Kafka's GroupMetadataValue with group instance ids: the layout of version 0 with nothing null that Kafka's is not. */
    static final short CLASSIC_GROUP_VALUE_VERSION = 3;

    private GroupRecords() {}

    /** A decoded key. */
    public sealed interface Key permits OffsetKey, ClassicGroupKey, ConsumerGroupKey, ConsumerMemberKey {
        String groupId();
    }

    public record OffsetKey(String groupId, String topic, int partition) implements Key {}

    public record ClassicGroupKey(String groupId) implements Key {}

    public record ConsumerGroupKey(String groupId) implements Key {}

    public record ConsumerMemberKey(String groupId, String memberId) implements Key {}

    public record OffsetValue(
            long offset, int leaderEpoch, String metadata, long commitTimestampMs, long expireTimestampMs) {}

    public record ClassicMemberValue(
            String memberId,
            String groupInstanceId,
            String clientId,
            String clientHost,
            int rebalanceTimeoutMs,
            int sessionTimeoutMs,
            byte[] subscription,
            byte[] assignment) {}

    public record ClassicGroupValue(
            String protocolType,
            int generation,
            String protocolName,
            String leader,
            long stateTimestampMs,
            List<ClassicMemberValue> members) {}

    public record ConsumerGroupValue(
            int groupEpoch, int assignmentEpoch, long stateTimestampMs, Map<String, Integer> subscribedTopics) {}

    public record ConsumerMemberValue(
            String instanceId,
            String rackId,
            String clientId,
            String clientHost,
            List<String> subscribedTopicNames,
            String subscribedTopicRegex,
            String serverAssignor,
            int rebalanceTimeoutMs,
            int memberEpoch,
            int previousMemberEpoch,
            byte state,
            Map<Uuid, Set<Integer>> assigned,
            Map<Uuid, Set<Integer>> pendingRevocation,
            Map<Uuid, Set<Integer>> target,
            Map<Uuid, Map<Integer, Integer>> assignedAt) {}

    // ---- keys ----

    public static byte[] offsetKey(String groupId, String topic, int partition) {
        return new RecordWriter()
                .writeShort(OFFSET_COMMIT_TYPE)
                .writeString(groupId)
                .writeString(topic)
                .writeInt(partition)
                .toByteArray();
    }

    public static byte[] classicGroupKey(String groupId) {
        return new RecordWriter()
                .writeShort(CLASSIC_GROUP_TYPE)
                .writeString(groupId)
                .toByteArray();
    }

    public static byte[] consumerGroupKey(String groupId) {
        return new RecordWriter()
                .writeShort(CONSUMER_GROUP_TYPE)
                .writeString(groupId)
                .toByteArray();
    }

    public static byte[] consumerMemberKey(String groupId, String memberId) {
        return new RecordWriter()
                .writeShort(CONSUMER_MEMBER_TYPE)
                .writeString(groupId)
                .writeString(memberId)
                .toByteArray();
    }

    /** Decodes a key; throws {@link CorruptRecordException} for an unknown type or bad bytes. */
    public static Key decodeKey(byte[] key) {
        RecordReader in = new RecordReader(key);
        short type = in.readShort();
        Key decoded =
                switch (type) {
                    case OFFSET_COMMIT_TYPE -> new OffsetKey(in.readString(), in.readString(), in.readInt());
                    case CLASSIC_GROUP_TYPE -> new ClassicGroupKey(in.readString());
                    case CONSUMER_GROUP_TYPE -> new ConsumerGroupKey(in.readString());
                    case CONSUMER_MEMBER_TYPE -> new ConsumerMemberKey(in.readString(), in.readString());
                    default -> throw new CorruptRecordException("unknown coordinator key type " + type);
                };
        if (decoded.groupId() == null || in.remaining() != 0) {
            throw new CorruptRecordException("malformed coordinator key of type " + type);
        }
        return decoded;
    }

    // ---- records ----

    public static CoordinatorRecord offsetRecord(String groupId, String topic, int partition, OffsetValue v) {
        RecordWriter out = new RecordWriter();
        String metadata = v.metadata() == null ? "" : v.metadata();
        if (v.expireTimestampMs() < 0) {
            out.writeShort(OFFSET_VALUE_VERSION)
                    .writeLong(v.offset())
                    .writeInt(v.leaderEpoch())
                    .writeString(metadata)
                    .writeLong(v.commitTimestampMs());
        } else {
            out.writeShort(OFFSET_VALUE_VERSION_WITH_EXPIRY)
                    .writeLong(v.offset())
                    .writeString(metadata)
                    .writeLong(v.commitTimestampMs())
                    .writeLong(v.expireTimestampMs());
        }
        return new CoordinatorRecord(offsetKey(groupId, topic, partition), out.toByteArray());
    }

    public static CoordinatorRecord offsetTombstone(String groupId, String topic, int partition) {
        return new CoordinatorRecord(offsetKey(groupId, topic, partition), null);
    }

    public static CoordinatorRecord classicGroupRecord(String groupId, ClassicGroupValue v) {
        RecordWriter out = new RecordWriter()
                .writeShort(CLASSIC_GROUP_VALUE_VERSION)
                .writeString(orEmpty(v.protocolType()))
                .writeInt(v.generation())
                .writeString(v.protocolName())
                .writeString(v.leader())
                .writeLong(v.stateTimestampMs())
                .writeInt(v.members().size());
        for (ClassicMemberValue m : v.members()) {
            out.writeString(m.memberId())
                    .writeString(m.groupInstanceId())
                    .writeString(orEmpty(m.clientId()))
                    .writeString(orEmpty(m.clientHost()))
                    .writeInt(m.rebalanceTimeoutMs())
                    .writeInt(m.sessionTimeoutMs())
                    .writeBytes(orEmpty(m.subscription()))
                    .writeBytes(orEmpty(m.assignment()));
        }
        return new CoordinatorRecord(classicGroupKey(groupId), out.toByteArray());
    }

    public static CoordinatorRecord classicGroupTombstone(String groupId) {
        return new CoordinatorRecord(classicGroupKey(groupId), null);
    }

    public static CoordinatorRecord consumerGroupRecord(String groupId, ConsumerGroupValue v) {
        byte[] value = new RecordWriter()
                .writeShort(VALUE_VERSION)
                .writeInt(v.groupEpoch())
                .writeInt(v.assignmentEpoch())
                .writeLong(v.stateTimestampMs())
                .writeInt(v.subscribedTopics().size())
                .toByteArray();
        RecordWriter out = new RecordWriter();
        out.writeBytesRaw(value);
        for (Map.Entry<String, Integer> e : new TreeMap<>(v.subscribedTopics()).entrySet()) {
            out.writeString(e.getKey()).writeInt(e.getValue());
        }
        return new CoordinatorRecord(consumerGroupKey(groupId), out.toByteArray());
    }

    public static CoordinatorRecord consumerGroupTombstone(String groupId) {
        return new CoordinatorRecord(consumerGroupKey(groupId), null);
    }

    public static CoordinatorRecord consumerMemberRecord(String groupId, String memberId, ConsumerMemberValue v) {
        RecordWriter out = new RecordWriter()
                .writeShort(VALUE_VERSION)
                .writeString(v.instanceId())
                .writeString(v.rackId())
                .writeString(v.clientId())
                .writeString(v.clientHost())
                .writeInt(v.subscribedTopicNames().size());
        for (String topic : v.subscribedTopicNames()) {
            out.writeString(topic);
        }
        out.writeString(v.subscribedTopicRegex())
                .writeString(v.serverAssignor())
                .writeInt(v.rebalanceTimeoutMs())
                .writeInt(v.memberEpoch())
                .writeInt(v.previousMemberEpoch())
                .writeByte(v.state());
        writeAssignment(out, v.assigned());
        writeAssignment(out, v.pendingRevocation());
        writeAssignment(out, v.target());
        Map<Uuid, Map<Integer, Integer>> assignedAt = new TreeMap<>(v.assignedAt());
        out.writeInt(assignedAt.size());
        for (Map.Entry<Uuid, Map<Integer, Integer>> e : assignedAt.entrySet()) {
            out.writeUuid(e.getKey());
            Map<Integer, Integer> epochs = new TreeMap<>(e.getValue());
            out.writeInt(epochs.size());
            epochs.forEach((partition, epoch) -> out.writeInt(partition).writeInt(epoch));
        }
        return new CoordinatorRecord(consumerMemberKey(groupId, memberId), out.toByteArray());
    }

    public static CoordinatorRecord consumerMemberTombstone(String groupId, String memberId) {
        return new CoordinatorRecord(consumerMemberKey(groupId, memberId), null);
    }

    // ---- values ----

    public static OffsetValue decodeOffsetValue(byte[] value) {
        RecordReader in = new RecordReader(value);
        short version = readVersion(in, OFFSET_VALUE_VERSION, OFFSET_VALUE_VERSION_WITH_EXPIRY, VALUE_VERSION);
        long offset = in.readLong();
        int leaderEpoch = version == OFFSET_VALUE_VERSION_WITH_EXPIRY ? -1 : in.readInt();
        String metadata = in.readString();
        long commitTimestampMs = in.readLong();
        long expireTimestampMs = version == OFFSET_VALUE_VERSION ? -1L : in.readLong();
        return new OffsetValue(offset, leaderEpoch, metadata, commitTimestampMs, expireTimestampMs);
    }

    public static ClassicGroupValue decodeClassicGroupValue(byte[] value) {
        RecordReader in = new RecordReader(value);
        readVersion(in, CLASSIC_GROUP_VALUE_VERSION, VALUE_VERSION);
        String protocolType = in.readString();
        if (protocolType != null && protocolType.isEmpty()) {
            protocolType = null; // Kafka's layout has no null; a group never joined with an empty protocol type
        }
        int generation = in.readInt();
        String protocolName = in.readString();
        String leader = in.readString();
        long stateTimestampMs = in.readLong();
        int count = in.readCount(24, "classic member"); // 4 strings, 2 ints and 2 byte arrays, all empty
        List<ClassicMemberValue> members = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            members.add(new ClassicMemberValue(
                    in.readString(),
                    in.readString(),
                    in.readString(),
                    in.readString(),
                    in.readInt(),
                    in.readInt(),
                    in.readBytes(),
                    in.readBytes()));
        }
        return new ClassicGroupValue(protocolType, generation, protocolName, leader, stateTimestampMs, members);
    }

    public static ConsumerGroupValue decodeConsumerGroupValue(byte[] value) {
        RecordReader in = versioned(value);
        int groupEpoch = in.readInt();
        int assignmentEpoch = in.readInt();
        long stateTimestampMs = in.readLong();
        int count = in.readCount(6, "subscribed topic");
        Map<String, Integer> topics = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            topics.put(in.readString(), in.readInt());
        }
        return new ConsumerGroupValue(groupEpoch, assignmentEpoch, stateTimestampMs, topics);
    }

    public static ConsumerMemberValue decodeConsumerMemberValue(byte[] value) {
        RecordReader in = versioned(value);
        String instanceId = in.readString();
        String rackId = in.readString();
        String clientId = in.readString();
        String clientHost = in.readString();
        int topicCount = in.readCount(2, "subscribed topic");
        List<String> topics = new ArrayList<>(topicCount);
        for (int i = 0; i < topicCount; i++) {
            topics.add(in.readString());
        }
        return new ConsumerMemberValue(
                instanceId,
                rackId,
                clientId,
                clientHost,
                topics,
                in.readString(),
                in.readString(),
                in.readInt(),
                in.readInt(),
                in.readInt(),
                in.readByte(),
                readAssignment(in),
                readAssignment(in),
                readAssignment(in),
                in.remaining() == 0 ? Map.of() : readAssignedAt(in));
    }

    private static Map<Uuid, Map<Integer, Integer>> readAssignedAt(RecordReader in) {
        int topics = in.readCount(20, "assigned-at topic");
        Map<Uuid, Map<Integer, Integer>> result = new TreeMap<>();
        for (int i = 0; i < topics; i++) {
            Uuid id = in.readUuid();
            int count = in.readCount(8, "assigned-at partition");
            Map<Integer, Integer> epochs = new TreeMap<>();
            for (int j = 0; j < count; j++) {
                epochs.put(in.readInt(), in.readInt());
            }
            result.put(id, Collections.unmodifiableMap(epochs));
        }
        return result;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static byte[] orEmpty(byte[] bytes) {
        return bytes == null ? new byte[0] : bytes;
    }

    /** A reader positioned after the value's version, which must be Fjord's own. */
    private static RecordReader versioned(byte[] value) {
        RecordReader in = new RecordReader(value);
        readVersion(in, VALUE_VERSION);
        return in;
    }

    /** Reads a value's int16 version; a version not among {@code known} is corrupt. */
    private static short readVersion(RecordReader in, short... known) {
        short version = in.readShort();
        for (short k : known) {
            if (version == k) {
                return version;
            }
        }
        throw new CorruptRecordException("unknown coordinator value version " + version);
    }

    private static void writeAssignment(RecordWriter out, Map<Uuid, Set<Integer>> assignment) {
        Map<Uuid, Set<Integer>> sorted = new TreeMap<>(assignment);
        out.writeInt(sorted.size());
        for (Map.Entry<Uuid, Set<Integer>> e : sorted.entrySet()) {
            out.writeUuid(e.getKey());
            Set<Integer> partitions = new TreeSet<>(e.getValue());
            out.writeInt(partitions.size());
            for (int p : partitions) {
                out.writeInt(p);
            }
        }
    }

    private static Map<Uuid, Set<Integer>> readAssignment(RecordReader in) {
        int topics = in.readCount(20, "assignment topic");
        Map<Uuid, Set<Integer>> result = new TreeMap<>();
        for (int i = 0; i < topics; i++) {
            Uuid id = in.readUuid();
            int count = in.readCount(4, "assigned partition");
            Set<Integer> partitions = new TreeSet<>();
            for (int j = 0; j < count; j++) {
                partitions.add(in.readInt());
            }
            result.put(id, Collections.unmodifiableSet(partitions));
        }
        return result;
    }
}
