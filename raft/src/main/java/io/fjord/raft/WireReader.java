package io.fjord.raft;

import io.fjord.common.Uuid;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads what {@link WireWriter} wrote. Every length and count is checked against the bytes remaining
 * before anything is allocated; a violation raises {@link MalformedCommandException}. Not thread-safe.
 */
final class WireReader {

    private final ByteBuffer buffer;

    WireReader(ByteBuffer buffer) {
        this.buffer = buffer;
    }

    WireReader(byte[] bytes) {
        this(ByteBuffer.wrap(bytes));
    }

    int remaining() {
        return buffer.remaining();
    }

    byte readByte() {
        need(1);
        return buffer.get();
    }

    boolean readBoolean() {
        byte value = readByte();
        if (value != 0 && value != 1) {
            throw new MalformedCommandException("a boolean must be 0 or 1, got " + value);
        }
        return value == 1;
    }

    short readShort() {
        need(2);
        return buffer.getShort();
    }

    int readInt() {
        need(4);
        return buffer.getInt();
    }

    long readLong() {
        need(8);
        return buffer.getLong();
    }

    Uuid readUuid() {
        need(16);
        return new Uuid(buffer.getLong(), buffer.getLong());
    }

    String readString() {
        int length = readInt();
        if (length == -1) {
            return null;
        }
        need(length);
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    byte[] readBytes() {
        int length = readInt();
        need(length);
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return bytes;
    }

    int[] readIntArray() {
        int count = readInt();
        if (count == -1) {
            return null;
        }
        need((long) count * 4);
        int[] values = new int[count];
        for (int i = 0; i < count; i++) {
            values[i] = buffer.getInt();
        }
        return values;
    }

    /**
     * A count of elements each at least {@code minElementBytes} long, checked against the bytes left so a
     * forged count cannot make the caller allocate more than the entry holds.
     */
    int readCount(int minElementBytes) {
        int count = readInt();
        need((long) count * minElementBytes);
        return count;
    }

    Map<String, String> readStringMap() {
        int count = readCount(8);
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < count; i++) {
            map.put(readString(), readString());
        }
        return map;
    }

    void expectEnd() {
        if (buffer.hasRemaining()) {
            throw new MalformedCommandException(buffer.remaining() + " trailing byte(s)");
        }
    }

    private void need(long bytes) {
        if (bytes < 0 || bytes > buffer.remaining()) {
            throw new MalformedCommandException(
                    "needs " + bytes + " byte(s) but only " + buffer.remaining() + " remain");
        }
    }
}
