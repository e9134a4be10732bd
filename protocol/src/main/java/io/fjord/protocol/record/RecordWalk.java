package io.fjord.protocol.record;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * The allocation-free twin of {@link Record#readFrom}: checks the same structure (every length
 * against the bytes of its record, the declared record length against the fields, no trailing
 * bytes) but hands only primitives to a {@link RecordVisitor}. Stateless.
 */
final class RecordWalk {

    private RecordWalk() {}

    /** Walks {@code count} records from {@code records}' position; it must then be exhausted. */
    static void walk(
            ByteBuffer records,
            int count,
            long baseTimestamp,
            boolean logAppendTime,
            long maxTimestamp,
            RecordVisitor visitor) {
        for (int index = 0; index < count; index++) {
            int start = records.position();
            try {
                walkOne(records, index, baseTimestamp, logAppendTime, maxTimestamp, visitor);
            } catch (BufferUnderflowException | IllegalArgumentException e) {
                throw new CorruptRecordException("Malformed record at position " + start + ": " + e, e);
            }
        }
        if (records.hasRemaining()) {
            throw new CorruptRecordException(
                    records.remaining() + " bytes remain after the " + count + " declared records");
        }
    }

    private static void walkOne(
            ByteBuffer records,
            int index,
            long baseTimestamp,
            boolean logAppendTime,
            long maxTimestamp,
            RecordVisitor visitor) {
        int bodySize = ByteUtils.readVarint(records);
        if (bodySize < Record.MIN_SIZE_IN_BYTES - 1 || bodySize > records.remaining()) {
            throw new CorruptRecordException(
                    "Record length " + bodySize + " with " + records.remaining() + " bytes remaining");
        }
        int bodyEnd = records.position() + bodySize;
        records.get(); // attributes: unused in v2
        long timestampDelta = ByteUtils.readVarlong(records);
        int offsetDelta = ByteUtils.readVarint(records);
        int keySize = skipNullableBytes(records, bodyEnd, "key");
        int valueSize = skipNullableBytes(records, bodyEnd, "value");
        int headerCount = ByteUtils.readVarint(records);
        if (headerCount < 0 || headerCount > (bodyEnd - records.position()) / 2) {
            throw new CorruptRecordException("Record header count " + headerCount + " with "
                    + (bodyEnd - records.position()) + " bytes remaining");
        }
        for (int i = 0; i < headerCount; i++) {
            if (skipNullableBytes(records, bodyEnd, "header key") < 0) {
                throw new CorruptRecordException("Null header key");
            }
            skipNullableBytes(records, bodyEnd, "header value");
        }
        if (records.position() != bodyEnd) {
            throw new CorruptRecordException("Record declared " + bodySize + " bytes but its fields end "
                    + (records.position() - bodyEnd) + " bytes from there");
        }
        long timestamp = logAppendTime ? maxTimestamp : baseTimestamp + timestampDelta;
        visitor.onRecord(index, offsetDelta, timestamp, keySize, valueSize, headerCount);
    }

    private static int skipNullableBytes(ByteBuffer records, int bodyEnd, String what) {
        int length = ByteUtils.readVarint(records);
        if (length == -1) {
            return -1;
        }
        if (length < 0 || length > bodyEnd - records.position()) {
            throw new CorruptRecordException("Record " + what + " length " + length + " with "
                    + (bodyEnd - records.position()) + " bytes remaining");
        }
        records.position(records.position() + length);
        return length;
    }
}
