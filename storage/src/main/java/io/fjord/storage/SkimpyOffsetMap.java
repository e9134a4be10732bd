package io.fjord.storage;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The cleaner's key map, as Kafka's {@code SkimpyOffsetMap}: the MD5 of each key (16 bytes, so two keys
 * collide with negligible probability) to the greatest offset seen for it, in an open-addressing table
 * with linear probing. Each slot takes {@value #BYTES_PER_SLOT} bytes (hash as two longs, offset as a
 * long). The table starts small and doubles up to {@code maxMemoryBytes}, so its memory follows the keys
 * actually present; it is full when its entries reach the load factor of the largest table.
 *
 * <p>Not thread-safe: one per cleaner thread.
 */
final class SkimpyOffsetMap {

    static final int BYTES_PER_SLOT = 24;
    private static final int INITIAL_SLOTS = 1024;

    private final int maxSlots;
    private final double loadFactor;
    private MessageDigest md5; // made on the first key: the JDK's providers cost a broker's start-up ~6 ms
    private final byte[] digest = new byte[16];
    private final ByteBuffer digestView = ByteBuffer.wrap(digest);
    private long[] hashHigh;
    private long[] hashLow;
    private long[] offsets;
    private int size;

    SkimpyOffsetMap(long maxMemoryBytes, double loadFactor) {
        long slots = maxMemoryBytes / BYTES_PER_SLOT;
        if (slots < 2 || loadFactor <= 0 || loadFactor > 1) {
            throw new IllegalArgumentException("an offset map needs room for two slots and a load factor in (0, 1]: "
                    + maxMemoryBytes + " bytes, load factor " + loadFactor);
        }
        this.maxSlots = (int) Math.min(slots, 1 << 30);
        this.loadFactor = loadFactor;
        allocate(Math.min(INITIAL_SLOTS, maxSlots));
    }

    private static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
    }

    private void allocate(int slots) {
        hashHigh = new long[slots];
        hashLow = new long[slots];
        offsets = new long[slots];
        Arrays.fill(offsets, -1L);
    }

    /** The most entries this map holds when it has grown to its memory bound. */
    int capacity() {
        return Math.max(1, Math.min(maxSlots - 1, (int) (maxSlots * loadFactor)));
    }

    /** Whether {@code entries} more keys surely fit. */
    boolean hasRoomFor(int entries) {
        return (long) size + entries <= capacity();
    }

    /** Empties the map and shrinks it back to its initial table. */
    void clear() {
        size = 0;
        if (offsets.length > INITIAL_SLOTS) {
            allocate(Math.min(INITIAL_SLOTS, maxSlots));
        } else {
            Arrays.fill(offsets, -1L);
        }
    }

    /** Records {@code offset} as the latest for {@code key} (remaining bytes; position not moved). */
    void put(ByteBuffer key, long offset) {
        hash(key);
        long high = digestView.getLong(0);
        long low = digestView.getLong(8);
        int slot = find(high, low);
        if (offsets[slot] < 0) {
            if (size >= capacity()) {
                throw new IllegalStateException("the offset map is full at " + size + " entries");
            }
            if (size + 1 > (int) (offsets.length * loadFactor) && offsets.length < maxSlots) {
                grow();
                slot = find(high, low);
            }
            hashHigh[slot] = high;
            hashLow[slot] = low;
            size++;
        }
        offsets[slot] = offset;
    }

    /** The latest offset recorded for {@code key}, or -1. */
    long get(ByteBuffer key) {
        hash(key);
        return offsets[find(digestView.getLong(0), digestView.getLong(8))];
    }

    /** The slot holding the hash, or the empty slot where it would go. */
    private int find(long high, long low) {
        int mask = offsets.length;
        int slot = (int) Long.remainderUnsigned(high ^ low, mask);
        while (offsets[slot] >= 0 && (hashHigh[slot] != high || hashLow[slot] != low)) {
            slot = slot + 1 == mask ? 0 : slot + 1;
        }
        return slot;
    }

    private void grow() {
        long[] oldHigh = hashHigh;
        long[] oldLow = hashLow;
        long[] oldOffsets = offsets;
        allocate((int) Math.min((long) oldOffsets.length * 2, maxSlots));
        for (int i = 0; i < oldOffsets.length; i++) {
            if (oldOffsets[i] >= 0) {
                int slot = find(oldHigh[i], oldLow[i]);
                hashHigh[slot] = oldHigh[i];
                hashLow[slot] = oldLow[i];
                offsets[slot] = oldOffsets[i];
            }
        }
    }

    private void hash(ByteBuffer key) {
        if (md5 == null) {
            md5 = newMd5();
        }
        md5.update(key.duplicate());
        try {
            md5.digest(digest, 0, digest.length);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
    }
}
