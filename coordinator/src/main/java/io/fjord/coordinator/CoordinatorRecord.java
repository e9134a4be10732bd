package io.fjord.coordinator;

import java.util.Arrays;

/**
 * One record of {@code __consumer_offsets}: a key that names the entity (an offset, a group, a member) and
 * its latest value, or {@code null} for a tombstone. Compaction keeps the last value per key, so the key
 * bytes of one entity are always the same. The byte layouts are in {@link io.fjord.coordinator.record.GroupRecords}.
 *
 * <p>Immutable by convention (the arrays are not copied; nobody may change them after construction).
 *
 * @param key the key bytes, never null
 * @param value the value bytes, or null for a tombstone
 */
public record CoordinatorRecord(byte[] key, byte[] value) {

    public CoordinatorRecord {
        if (key == null) {
            throw new IllegalArgumentException("a coordinator record needs a key");
        }
    }

    public boolean isTombstone() {
        return value == null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CoordinatorRecord r && Arrays.equals(key, r.key) && Arrays.equals(value, r.value);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "CoordinatorRecord(keyBytes=" + key.length + ", valueBytes="
                + (value == null ? "tombstone" : value.length) + ")";
    }
}
