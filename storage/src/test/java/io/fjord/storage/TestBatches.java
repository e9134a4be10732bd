package io.fjord.storage;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/** Builds uncompressed record batches v2 with CRC-32C, as a producer would send them. */
final class TestBatches {

    private final List<Long> timestamps = new ArrayList<>();
    private final List<byte[]> keys = new ArrayList<>();
    private final List<byte[]> values = new ArrayList<>();
    private long baseOffset = 0L;
    private long producerId = -1L;
    private short producerEpoch = -1;
    private int baseSequence = -1;
    private int attributes = 0;
    private Integer countOverride;
    private Integer lastOffsetDeltaOverride;

    static TestBatches batch() {
        return new TestBatches();
    }

    /** A batch of {@code n} records "v0".."v(n-1)" with key "k", all at {@code timestampMs}. */
    static ByteBuffer simple(int n, long timestampMs) {
        TestBatches b = batch();
        for (int i = 0; i < n; i++) {
            b.record(timestampMs, "k", "v" + i);
        }
        return b.build();
    }

    TestBatches record(long timestampMs, String key, String value) {
        timestamps.add(timestampMs);
        keys.add(key == null ? null : key.getBytes(StandardCharsets.UTF_8));
        values.add(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    TestBatches baseOffset(long v) {
        baseOffset = v;
        return this;
    }

    TestBatches producer(long id, int epoch, int sequence) {
        producerId = id;
        producerEpoch = (short) epoch;
        baseSequence = sequence;
        return this;
    }

    TestBatches attributes(int v) {
        attributes = v;
        return this;
    }

    TestBatches recordCount(int v) {
        countOverride = v;
        return this;
    }

    TestBatches lastOffsetDelta(int v) {
        lastOffsetDeltaOverride = v;
        return this;
    }

    ByteBuffer build() {
        long baseTs = timestamps.isEmpty() ? -1L : timestamps.get(0);
        long maxTs = -1L;
        ByteArrayOutputStream recs = new ByteArrayOutputStream();
        for (int i = 0; i < timestamps.size(); i++) {
            maxTs = Math.max(maxTs, timestamps.get(i));
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.write(0);
            writeVarlong(body, timestamps.get(i) - baseTs);
            writeVarlong(body, i);
            writeBytes(body, keys.get(i));
            writeBytes(body, values.get(i));
            writeVarlong(body, 0);
            writeVarlong(recs, body.size());
            recs.writeBytes(body.toByteArray());
        }
        byte[] r = recs.toByteArray();
        int size = 61 + r.length;
        ByteBuffer buf = ByteBuffer.allocate(size);
        buf.putLong(baseOffset).putInt(size - 12).putInt(-1).put((byte) 2).putInt(0);
        buf.putShort((short) attributes);
        buf.putInt(lastOffsetDeltaOverride != null ? lastOffsetDeltaOverride : timestamps.size() - 1);
        buf.putLong(baseTs)
                .putLong(maxTs)
                .putLong(producerId)
                .putShort(producerEpoch)
                .putInt(baseSequence);
        buf.putInt(countOverride != null ? countOverride : timestamps.size());
        buf.put(r);
        fixCrc(buf);
        return buf.flip();
    }

    static void fixCrc(ByteBuffer buf) {
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 21, buf.getInt(8) + 12 - 21);
        buf.putInt(17, (int) crc.getValue());
    }

    private static void writeBytes(ByteArrayOutputStream out, byte[] bytes) {
        if (bytes == null) {
            writeVarlong(out, -1);
        } else {
            writeVarlong(out, bytes.length);
            out.writeBytes(bytes);
        }
    }

    private static void writeVarlong(ByteArrayOutputStream out, long value) {
        long v = (value << 1) ^ (value >> 63);
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    /** Reads the slice back and returns the base offsets of its batches. */
    static List<Long> baseOffsets(FileRecords records) {
        ByteBuffer buf = ByteBuffer.allocate(records.sizeInBytes());
        records.copyTo(buf);
        buf.flip();
        List<Long> offsets = new ArrayList<>();
        int p = 0;
        while (p < buf.limit()) {
            offsets.add(buf.getLong(p));
            p += 12 + buf.getInt(p + 8);
        }
        return offsets;
    }

    /** The values of the records of every batch in the slice, in order. */
    static List<String> values(FileRecords records) {
        ByteBuffer buf = ByteBuffer.allocate(records.sizeInBytes());
        records.copyTo(buf);
        buf.flip();
        List<String> out = new ArrayList<>();
        int p = 0;
        while (p < buf.limit()) {
            int size = 12 + buf.getInt(p + 8);
            ByteBuffer b = buf.duplicate().position(p + 61).limit(p + size);
            int count = buf.getInt(p + 57);
            for (int i = 0; i < count; i++) {
                readVarlong(b); // length
                b.get();
                readVarlong(b);
                readVarlong(b);
                int keyLen = (int) readVarlong(b);
                if (keyLen > 0) {
                    b.position(b.position() + keyLen);
                }
                int valueLen = (int) readVarlong(b);
                byte[] v = new byte[Math.max(valueLen, 0)];
                b.get(v);
                out.add(new String(v, StandardCharsets.UTF_8));
                readVarlong(b);
            }
            p += size;
        }
        return out;
    }

    private static long readVarlong(ByteBuffer b) {
        long raw = 0;
        int shift = 0;
        while (true) {
            byte x = b.get();
            raw |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                break;
            }
            shift += 7;
        }
        return (raw >>> 1) ^ -(raw & 1);
    }
}
