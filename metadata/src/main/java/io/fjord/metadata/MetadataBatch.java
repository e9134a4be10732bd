package io.fjord.metadata;

import java.util.List;

/**
 * Records committed together, atomically: record i has offset {@code baseOffset + i}. Immutable.
 */
public record MetadataBatch(long baseOffset, List<MetadataRecord> records) {
    public MetadataBatch {
        if (baseOffset < 0) {
            throw new IllegalArgumentException("baseOffset must not be negative, got: " + baseOffset);
        }
        records = List.copyOf(records);
        if (records.isEmpty()) {
            throw new IllegalArgumentException("a batch holds at least one record");
        }
    }

    /** The offset of the batch's last record. */
    public long lastOffset() {
        return baseOffset + records.size() - 1;
    }
}
