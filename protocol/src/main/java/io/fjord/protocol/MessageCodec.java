package io.fjord.protocol;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encoding rules shared by the generated message classes: strings, bytes, records and array lengths in
 * their classic (int16/int32 length, -1 for null) and compact (unsigned varint of length + 1, 0 for null)
 * forms, and the bounds on tagged fields. Every read checks a declared length against
 * {@link Readable#remaining()} before anything is allocated. Stateless and thread-safe.
 */
public final class MessageCodec {
    /** Strings may not exceed this many UTF-8 bytes in either encoding (Kafka's limit). */
    public static final int MAX_STRING_BYTES = 0x7fff;

    private static final byte[] EMPTY_BYTES = new byte[0];

    private MessageCodec() {}

    public static int sizeOfUnsignedVarint(int value) {
        int bits = 32 - Integer.numberOfLeadingZeros(value);
        return bits == 0 ? 1 : (bits + 6) / 7;
    }

    /** The number of bytes {@code s} occupies in UTF-8, computed without encoding it. */
    public static int utf8Length(String s) {
        int length = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                length += 1;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                length += 4;
                i++;
            } else {
                length += 3;
            }
        }
        return length;
    }

    /** Reads a length prefix: -1 means null; anything else is checked against the bytes remaining. */
    private static int readLength(Readable in, boolean compact, boolean shortLength, boolean nullable, String field) {
        int length;
        if (compact) {
            int raw = in.readUnsignedVarint();
            if (raw < 0) {
                throw new ProtocolParseException(
                        "Field " + field + " has length " + Integer.toUnsignedString(raw) + " beyond the 2^31-1 limit");
            }
            length = raw - 1;
        } else {
            length = shortLength ? in.readShort() : in.readInt();
        }
        if (length == -1) {
            if (!nullable) {
                throw new ProtocolParseException("Non-nullable field " + field + " was serialized as null");
            }
            return -1;
        }
        if (length < 0) {
            throw new ProtocolParseException("Field " + field + " has negative length " + length);
        }
        if (length > in.remaining()) {
            throw new ProtocolParseException("Field " + field + " declares " + length + " bytes or elements, but only "
                    + in.remaining() + " bytes remain");
        }
        return length;
    }

    public static String readString(Readable in, boolean compact, boolean nullable, String field) {
        int length = readLength(in, compact, true, nullable, field);
        if (length < 0) {
            return null;
        }
        if (length > MAX_STRING_BYTES) {
            throw new ProtocolParseException("String field " + field + " has invalid length " + length);
        }
        return new String(in.readBytes(length), StandardCharsets.UTF_8);
    }

    public static void writeString(Writable out, String s, boolean compact, boolean nullable, String field) {
        if (s == null) {
            requireNullable(nullable, field);
            writeNullLength(out, compact, true);
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        checkStringLength(bytes.length, field);
        if (compact) {
            out.writeUnsignedVarint(bytes.length + 1);
        } else {
            out.writeShort((short) bytes.length);
        }
        out.writeByteArray(bytes);
    }

    public static int sizeOfString(String s, boolean compact, String field) {
        if (s == null) {
            return compact ? 1 : 2;
        }
        int length = utf8Length(s);
        checkStringLength(length, field);
        return (compact ? sizeOfUnsignedVarint(length + 1) : 2) + length;
    }

    private static void checkStringLength(int length, String field) {
        if (length > MAX_STRING_BYTES) {
            throw new IllegalArgumentException(
                    "String field " + field + " is too long to be serialized: " + length + " bytes");
        }
    }

    public static byte[] readBytes(Readable in, boolean compact, boolean nullable, String field) {
        int length = readLength(in, compact, false, nullable, field);
        if (length < 0) {
            return null;
        }
        return length == 0 ? EMPTY_BYTES : in.readBytes(length);
    }

    public static void writeBytes(Writable out, byte[] bytes, boolean compact, boolean nullable, String field) {
        if (bytes == null) {
            requireNullable(nullable, field);
            writeNullLength(out, compact, false);
            return;
        }
        writeLength(out, bytes.length, compact);
        out.writeByteArray(bytes);
    }

    public static int sizeOfBytes(byte[] bytes, boolean compact) {
        return bytes == null ? (compact ? 1 : 4) : sizeOfLength(bytes.length, compact) + bytes.length;
    }

    public static Records readRecords(Readable in, boolean compact, boolean nullable, String field) {
        int length = readLength(in, compact, false, nullable, field);
        return length < 0 ? null : in.readRecords(length);
    }

    public static void writeRecords(Writable out, Records records, boolean compact, boolean nullable, String field) {
        if (records == null) {
            requireNullable(nullable, field);
            writeNullLength(out, compact, false);
            return;
        }
        writeLength(out, records.sizeInBytes(), compact);
        out.writeRecords(records);
    }

    public static int sizeOfRecords(Records records, boolean compact) {
        if (records == null) {
            return compact ? 1 : 4;
        }
        int length = records.sizeInBytes();
        return sizeOfLength(length, compact) + length;
    }

    /** Reads an array's element count: -1 for null, otherwise at most the bytes remaining. */
    public static int readArrayLength(Readable in, boolean compact, boolean nullable, String field) {
        return readLength(in, compact, false, nullable, field);
    }

    public static void writeArrayLength(Writable out, List<?> list, boolean compact, boolean nullable, String field) {
        if (list == null) {
            requireNullable(nullable, field);
            writeNullLength(out, compact, false);
        } else {
            writeLength(out, list.size(), compact);
        }
    }

    public static int sizeOfArrayLength(List<?> list, boolean compact) {
        return list == null ? (compact ? 1 : 4) : sizeOfLength(list.size(), compact);
    }

    /** Reads the number of tagged fields; each takes at least two bytes, so it is bounded by the input. */
    public static int readTaggedFieldCount(Readable in) {
        int count = in.readUnsignedVarint();
        if (count < 0 || count > in.remaining()) {
            throw new ProtocolParseException("Tagged field count " + Integer.toUnsignedString(count) + " exceeds the "
                    + in.remaining() + " bytes remaining");
        }
        return count;
    }

    /** Reads the byte size of one tagged field, bounded by the bytes remaining. */
    public static int readTaggedFieldSize(Readable in, int tag) {
        int size = in.readUnsignedVarint();
        if (size < 0 || size > in.remaining()) {
            throw new ProtocolParseException("Tagged field " + tag + " declares " + Integer.toUnsignedString(size)
                    + " bytes, but only " + in.remaining() + " bytes remain");
        }
        return size;
    }

    /** Checks that reading a known tagged field consumed exactly the size it declared. */
    public static void checkTaggedFieldSize(Readable in, int remainingBefore, int size, int tag) {
        int consumed = remainingBefore - in.remaining();
        if (consumed != size) {
            throw new ProtocolParseException(
                    "Tagged field " + tag + " declared " + size + " bytes but its value took " + consumed);
        }
    }

    /** Reads a nullable struct's presence byte: negative means null. */
    public static boolean readStructPresent(Readable in) {
        return in.readByte() >= 0;
    }

    private static void requireNullable(boolean nullable, String field) {
        if (!nullable) {
            throw new IllegalArgumentException("Non-nullable field " + field + " is null");
        }
    }

    private static void writeNullLength(Writable out, boolean compact, boolean shortLength) {
        if (compact) {
            out.writeUnsignedVarint(0);
        } else if (shortLength) {
            out.writeShort((short) -1);
        } else {
            out.writeInt(-1);
        }
    }

    private static void writeLength(Writable out, int length, boolean compact) {
        if (compact) {
            out.writeUnsignedVarint(length + 1);
        } else {
            out.writeInt(length);
        }
    }

    private static int sizeOfLength(int length, boolean compact) {
        return compact ? sizeOfUnsignedVarint(length + 1) : 4;
    }
}
