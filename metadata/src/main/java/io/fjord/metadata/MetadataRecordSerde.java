package io.fjord.metadata;

import io.fjord.common.Uuid;
import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The compact, versioned binary form of one {@link MetadataRecord}. Stateless; safe from any thread.
 *
 * <p>A record is:
 *
 * <table>
 *   <caption>record layout</caption>
 *   <tr><th>field</th><th>encoding</th></tr>
 *   <tr><td>type id</td><td>unsigned varint (ids below, Kafka's where Kafka has the record)</td></tr>
 *   <tr><td>version</td><td>unsigned varint (per type, see {@link #currentVersion})</td></tr>
 *   <tr><td>fields</td><td>in declaration order of the record component list</td></tr>
 * </table>
 *
 * <p>Field encodings: int32 as a zig-zag varint; a {@link Uuid} as 16 bytes (most significant long
 * first); a boolean as one byte 0 or 1; a byte array as an unsigned varint of (length + 1) then the bytes (0 meaning
 * null, which no record writes); a string as an unsigned varint of (UTF-8 length + 1) then the
 * bytes, 0 meaning null; an int array as an unsigned varint of (count + 1) then zig-zag varints, 0 meaning
 * null; a list as an unsigned varint count then the elements; an enum as its one-byte id.
 *
 * <p>{@link #read} consumes exactly the bytes it is given. Every length and count is checked against the
 * bytes remaining before anything is allocated, and anything it does not understand raises {@link
 * MalformedMetadataRecordException}, never another exception.
 */
public final class MetadataRecordSerde {

    public static final int REGISTER_BROKER_TYPE = 0;
    public static final int TOPIC_TYPE = 2;
    public static final int PARTITION_TYPE = 3;
    public static final int CONFIG_TYPE = 4;
    public static final int PARTITION_CHANGE_TYPE = 5;
    public static final int REMOVE_TOPIC_TYPE = 9;
    public static final int USER_SCRAM_CREDENTIAL_TYPE = 11;
    public static final int PRODUCER_IDS_TYPE = 15;
    public static final int NO_OP_TYPE = 20;
    public static final int REMOVE_USER_SCRAM_CREDENTIAL_TYPE = 22;
    public static final int ACCESS_CONTROL_ENTRY_TYPE = 23;
    public static final int REMOVE_ACCESS_CONTROL_ENTRY_TYPE = 24;

    /**
     * The highest version of record type {@code type} this code reads and writes: RegisterBroker v1 adds
     * {@code inControlledShutdown}; Partition v1 and PartitionChange v1 add {@code removingReplicas} and
     * {@code addingReplicas} (reassignment); every other type is at version 0 (ProducerIds, Kafka's type 15:
     * int32 broker id as a zig-zag varint, then broker epoch and next producer id as 8-byte big-endian longs;
     * UserScramCredential, Kafka's type 11: name string, mechanism as Kafka's type byte, salt, StoredKey and ServerKey
     * as byte arrays, iterations as a zig-zag varint; RemoveUserScramCredential, Kafka's type 22: name, mechanism
     * byte; AccessControlEntry, Kafka's type 23: id, then resource type byte, resource name, pattern type byte,
     * principal, host, operation byte and permission byte, the bytes Kafka's codes; RemoveAccessControlEntry, Kafka's
     * type 24: id). Older versions still read
     * (the new fields take their defaults: not in controlled shutdown, no reassignment, unchanged).
     */
    public static int currentVersion(int type) {
        return switch (type) {
            case REGISTER_BROKER_TYPE, PARTITION_TYPE, PARTITION_CHANGE_TYPE -> 1;
            default -> 0;
        };
    }

    private MetadataRecordSerde() {}

    /** The record's bytes. */
    public static byte[] write(MetadataRecord record) {
        Writer out = new Writer();
        if (record instanceof RegisterBrokerRecord r) {
            out.header(REGISTER_BROKER_TYPE);
            out.varint(r.brokerId());
            out.uuid(r.incarnationId());
            out.unsignedVarint(r.endpoints().size());
            for (Endpoint e : r.endpoints()) {
                out.string(e.name());
                out.string(e.host());
                out.varint(e.port());
                out.string(e.securityProtocol());
            }
            out.string(r.rack());
            out.bool(r.fenced());
            out.bool(r.inControlledShutdown());
        } else if (record instanceof TopicRecord r) {
            out.header(TOPIC_TYPE);
            out.string(r.name());
            out.uuid(r.topicId());
        } else if (record instanceof PartitionRecord r) {
            out.header(PARTITION_TYPE);
            out.uuid(r.topicId());
            out.varint(r.partitionId());
            out.intArray(r.replicas());
            out.intArray(r.isr());
            out.varint(r.leader());
            out.varint(r.leaderEpoch());
            out.varint(r.partitionEpoch());
            out.intArray(r.removingReplicas());
            out.intArray(r.addingReplicas());
        } else if (record instanceof PartitionChangeRecord r) {
            out.header(PARTITION_CHANGE_TYPE);
            out.uuid(r.topicId());
            out.varint(r.partitionId());
            out.intArray(r.isr());
            out.varint(r.leader());
            out.intArray(r.replicas());
            out.intArray(r.removingReplicas());
            out.intArray(r.addingReplicas());
        } else if (record instanceof ConfigRecord r) {
            out.header(CONFIG_TYPE);
            out.bytes.write(r.resourceType().id());
            out.string(r.resourceName());
            out.string(r.name());
            out.string(r.value());
        } else if (record instanceof RemoveTopicRecord r) {
            out.header(REMOVE_TOPIC_TYPE);
            out.uuid(r.topicId());
        } else if (record instanceof ProducerIdsRecord r) {
            out.header(PRODUCER_IDS_TYPE);
            out.varint(r.brokerId());
            out.long8(r.brokerEpoch());
            out.long8(r.nextProducerId());
        } else if (record instanceof UserScramCredentialRecord r) {
            out.header(USER_SCRAM_CREDENTIAL_TYPE);
            out.string(r.name());
            out.bytes.write(r.mechanism().type());
            ScramCredential credential = r.credential();
            out.byteArray(credential.salt());
            out.byteArray(credential.storedKey());
            out.byteArray(credential.serverKey());
            out.varint(credential.iterations());
        } else if (record instanceof RemoveUserScramCredentialRecord r) {
            out.header(REMOVE_USER_SCRAM_CREDENTIAL_TYPE);
            out.string(r.name());
            out.bytes.write(r.mechanism().type());
        } else if (record instanceof AccessControlEntryRecord r) {
            out.header(ACCESS_CONTROL_ENTRY_TYPE);
            out.uuid(r.id());
            AclBinding acl = r.acl();
            out.bytes.write(acl.resourceType().code());
            out.string(acl.resourceName());
            out.bytes.write(acl.patternType().code());
            out.string(acl.principal());
            out.string(acl.host());
            out.bytes.write(acl.operation().code());
            out.bytes.write(acl.permission().code());
        } else if (record instanceof RemoveAccessControlEntryRecord r) {
            out.header(REMOVE_ACCESS_CONTROL_ENTRY_TYPE);
            out.uuid(r.id());
        } else if (record instanceof NoOpRecord) {
            out.header(NO_OP_TYPE);
        } else {
            throw new IllegalStateException("no serde for record type " + record.getClass());
        }
        return out.bytes.toByteArray();
    }

    /** The record held in exactly {@code bytes}. */
    public static MetadataRecord read(byte[] bytes) {
        return read(ByteBuffer.wrap(bytes));
    }

    /** The record held in exactly the remaining bytes of {@code buffer}; advances the buffer to its limit. */
    public static MetadataRecord read(ByteBuffer buffer) {
        Reader in = new Reader(buffer);
        MetadataRecord record;
        try {
            record = readRecord(in);
        } catch (IllegalArgumentException | NullPointerException | BufferUnderflowException e) {
            // A record's own constructor rejected the decoded values (e.g. a negative partition id).
            throw new MalformedMetadataRecordException("invalid metadata record: " + e.getMessage(), e);
        }
        if (buffer.hasRemaining()) {
            throw new MalformedMetadataRecordException(buffer.remaining() + " trailing byte(s) after a "
                    + record.getClass().getSimpleName());
        }
        return record;
    }

    private static MetadataRecord readRecord(Reader in) {
        int type = in.unsignedVarint("type id");
        int version = in.unsignedVarint("version");
        if (version > currentVersion(type)) {
            throw new MalformedMetadataRecordException(
                    "unsupported version " + version + " of metadata record type " + type);
        }
        switch (type) {
            case REGISTER_BROKER_TYPE:
                return readRegisterBroker(in, version);
            case TOPIC_TYPE:
                return new TopicRecord(in.nonNullString("topic name"), in.uuid());
            case PARTITION_TYPE:
                return readPartition(in, version);
            case PARTITION_CHANGE_TYPE:
                return readPartitionChange(in, version);
            case CONFIG_TYPE:
                return readConfig(in);
            case REMOVE_TOPIC_TYPE:
                return new RemoveTopicRecord(in.uuid());
            case PRODUCER_IDS_TYPE:
                return new ProducerIdsRecord(in.varint(), in.long8(), in.long8());
            case USER_SCRAM_CREDENTIAL_TYPE:
                return new UserScramCredentialRecord(
                        in.nonNullString("user name"),
                        readScramMechanism(in),
                        new ScramCredential(
                                in.nonNullByteArray("salt"),
                                in.nonNullByteArray("stored key"),
                                in.nonNullByteArray("server key"),
                                in.varint()));
            case REMOVE_USER_SCRAM_CREDENTIAL_TYPE:
                return new RemoveUserScramCredentialRecord(in.nonNullString("user name"), readScramMechanism(in));
            case ACCESS_CONTROL_ENTRY_TYPE:
                return readAccessControlEntry(in);
            case REMOVE_ACCESS_CONTROL_ENTRY_TYPE:
                return new RemoveAccessControlEntryRecord(in.uuid());
            case NO_OP_TYPE:
                return new NoOpRecord();
            default:
                throw new MalformedMetadataRecordException("unknown metadata record type id " + type);
        }
    }

    /** An ACL as {@link AclControl} stores it: no code this broker does not know, no filter-only value. */
    private static AccessControlEntryRecord readAccessControlEntry(Reader in) {
        Uuid id = in.uuid();
        AclBinding acl = new AclBinding(
                AclResourceType.forCode(in.readByte()),
                in.nonNullString("resource name"),
                AclPatternType.forCode(in.readByte()),
                in.nonNullString("principal"),
                in.nonNullString("host"),
                AclOperation.forCode(in.readByte()),
                AclPermission.forCode(in.readByte()));
        String invalid = AclControl.invalidReason(acl);
        if (invalid != null) {
            throw new MalformedMetadataRecordException("invalid ACL " + acl + ": " + invalid);
        }
        return new AccessControlEntryRecord(id, acl);
    }

    private static RegisterBrokerRecord readRegisterBroker(Reader in, int version) {
        int brokerId = in.varint();
        Uuid incarnationId = in.uuid();
        // An endpoint takes at least 4 bytes (three empty strings and a port), which bounds the count.
        int count = in.count("endpoints", 4);
        List<Endpoint> endpoints = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            endpoints.add(new Endpoint(
                    in.nonNullString("endpoint name"),
                    in.nonNullString("endpoint host"),
                    in.varint(),
                    in.nonNullString("security protocol")));
        }
        String rack = in.string();
        boolean fenced = in.bool();
        boolean inControlledShutdown = version >= 1 && in.bool();
        return new RegisterBrokerRecord(brokerId, incarnationId, endpoints, rack, fenced, inControlledShutdown);
    }

    private static PartitionRecord readPartition(Reader in, int version) {
        Uuid topicId = in.uuid();
        int partitionId = in.varint();
        int[] replicas = in.nonNullIntArray("replicas");
        int[] isr = in.nonNullIntArray("isr");
        int leader = in.varint();
        int leaderEpoch = in.varint();
        int partitionEpoch = in.varint();
        int[] removing = version >= 1 ? in.nonNullIntArray("removing replicas") : null;
        int[] adding = version >= 1 ? in.nonNullIntArray("adding replicas") : null;
        return new PartitionRecord(
                topicId, partitionId, replicas, isr, leader, leaderEpoch, partitionEpoch, removing, adding);
    }

    private static PartitionChangeRecord readPartitionChange(Reader in, int version) {
        Uuid topicId = in.uuid();
        int partitionId = in.varint();
        int[] isr = in.intArray();
        int leader = in.varint();
        int[] replicas = in.intArray();
        int[] removing = version >= 1 ? in.intArray() : null;
        int[] adding = version >= 1 ? in.intArray() : null;
        return new PartitionChangeRecord(topicId, partitionId, isr, leader, replicas, removing, adding);
    }

    private static ScramAlgorithm readScramMechanism(Reader in) {
        byte type = in.readByte();
        ScramAlgorithm mechanism = ScramAlgorithm.forType(type);
        if (mechanism == null) {
            throw new MalformedMetadataRecordException("unknown SCRAM mechanism type " + type);
        }
        return mechanism;
    }

    private static ConfigRecord readConfig(Reader in) {
        byte typeId = in.readByte();
        ConfigResourceType type = ConfigResourceType.forId(typeId);
        if (type == null) {
            throw new MalformedMetadataRecordException("unknown config resource type id " + typeId);
        }
        return new ConfigRecord(type, in.nonNullString("resource name"), in.nonNullString("config name"), in.string());
    }

    /** Appends the encodings to a growable array; one per {@link #write} call. */
    private static final class Writer {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);

        void header(int type) {
            unsignedVarint(type);
            unsignedVarint(currentVersion(type));
        }

        void unsignedVarint(int value) {
            while ((value & 0xFFFFFF80) != 0) {
                bytes.write((value & 0x7F) | 0x80);
                value >>>= 7;
            }
            bytes.write(value);
        }

        void varint(int value) {
            unsignedVarint((value << 1) ^ (value >> 31));
        }

        void uuid(Uuid id) {
            long8(id.mostSignificantBits());
            long8(id.leastSignificantBits());
        }

        void long8(long value) {
            for (int shift = 56; shift >= 0; shift -= 8) {
                bytes.write((int) (value >>> shift));
            }
        }

        void bool(boolean value) {
            bytes.write(value ? 1 : 0);
        }

        void string(String value) {
            if (value == null) {
                unsignedVarint(0);
                return;
            }
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            unsignedVarint(utf8.length + 1);
            bytes.write(utf8, 0, utf8.length);
        }

        void byteArray(byte[] value) {
            unsignedVarint(value.length + 1);
            bytes.write(value, 0, value.length);
        }

        void intArray(int[] values) {
            if (values == null) {
                unsignedVarint(0);
                return;
            }
            unsignedVarint(values.length + 1);
            for (int v : values) {
                varint(v);
            }
        }
    }

    /** Reads the encodings from a buffer, checking every length against the bytes remaining. */
    private static final class Reader {
        private final ByteBuffer buffer;

        Reader(ByteBuffer buffer) {
            this.buffer = buffer;
        }

        byte readByte() {
            if (!buffer.hasRemaining()) {
                throw new MalformedMetadataRecordException("record ends early");
            }
            return buffer.get();
        }

        int unsignedVarint(String what) {
            int value = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                byte b = readByte();
                if (shift == 28 && (b & 0xF0) != 0) {
                    throw new MalformedMetadataRecordException("varint for " + what + " overflows 32 bits");
                }
                value |= (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new MalformedMetadataRecordException("varint for " + what + " is longer than 5 bytes");
        }

        int varint() {
            int raw = unsignedVarint("int32");
            return (raw >>> 1) ^ -(raw & 1);
        }

        /** A non-negative count whose elements take at least {@code minElementBytes} each. */
        int count(String what, int minElementBytes) {
            int count = unsignedVarint(what + " count");
            if (count < 0 || (long) count * minElementBytes > buffer.remaining()) {
                throw new MalformedMetadataRecordException(what + " count " + Integer.toUnsignedString(count)
                        + " exceeds the " + buffer.remaining() + " byte(s) left");
            }
            return count;
        }

        Uuid uuid() {
            if (buffer.remaining() < 16) {
                throw new MalformedMetadataRecordException("record ends inside a uuid");
            }
            return new Uuid(buffer.getLong(), buffer.getLong());
        }

        long long8() {
            if (buffer.remaining() < 8) {
                throw new MalformedMetadataRecordException("record ends inside an int64");
            }
            return buffer.getLong();
        }

        boolean bool() {
            byte b = readByte();
            if (b != 0 && b != 1) {
                throw new MalformedMetadataRecordException("boolean byte must be 0 or 1, got " + b);
            }
            return b == 1;
        }

        String string() {
            int lengthPlusOne = unsignedVarint("string length");
            if (lengthPlusOne == 0) {
                return null;
            }
            int length = lengthPlusOne - 1;
            if (length < 0 || length > buffer.remaining()) {
                throw new MalformedMetadataRecordException("string length " + Integer.toUnsignedString(length)
                        + " exceeds the " + buffer.remaining() + " byte(s) left");
            }
            ByteBuffer slice = buffer.slice();
            slice.limit(length);
            buffer.position(buffer.position() + length);
            try {
                CharBuffer chars = StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(slice);
                return chars.toString();
            } catch (CharacterCodingException e) {
                throw new MalformedMetadataRecordException("string is not valid UTF-8", e);
            }
        }

        byte[] nonNullByteArray(String what) {
            int lengthPlusOne = unsignedVarint(what + " length");
            if (lengthPlusOne == 0) {
                throw new MalformedMetadataRecordException(what + " must not be null");
            }
            int length = lengthPlusOne - 1;
            if (length < 0 || length > buffer.remaining()) {
                throw new MalformedMetadataRecordException(what + " length " + Integer.toUnsignedString(length)
                        + " exceeds the " + buffer.remaining() + " byte(s) left");
            }
            byte[] value = new byte[length];
            buffer.get(value);
            return value;
        }

        String nonNullString(String what) {
            String value = string();
            if (value == null) {
                throw new MalformedMetadataRecordException(what + " must not be null");
            }
            return value;
        }

        int[] intArray() {
            int countPlusOne = unsignedVarint("int array count");
            if (countPlusOne == 0) {
                return null;
            }
            int count = countPlusOne - 1;
            // Each element is a varint of at least one byte.
            if (count < 0 || count > buffer.remaining()) {
                throw new MalformedMetadataRecordException("int array count " + Integer.toUnsignedString(count)
                        + " exceeds the " + buffer.remaining() + " byte(s) left");
            }
            int[] values = new int[count];
            for (int i = 0; i < count; i++) {
                values[i] = varint();
            }
            return values;
        }

        int[] nonNullIntArray(String what) {
            int[] values = intArray();
            if (values == null) {
                throw new MalformedMetadataRecordException(what + " must not be null");
            }
            return values;
        }
    }
}
