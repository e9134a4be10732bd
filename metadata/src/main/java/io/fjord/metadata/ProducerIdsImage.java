package io.fjord.metadata;

/**
 * The producer id high-water mark of a {@link MetadataImage}: the first id no broker has been given yet.
 * Ids below it belong to blocks already handed out and are never handed out again. Immutable.
 *
 * @param nextProducerId the first id of the next block, 0 before any block was allocated
 */
public record ProducerIdsImage(long nextProducerId) {

    public static final ProducerIdsImage EMPTY = new ProducerIdsImage(0L);

    public ProducerIdsImage {
        if (nextProducerId < 0) {
            throw new IllegalArgumentException("nextProducerId must be >= 0, got " + nextProducerId);
        }
    }

    public boolean isEmpty() {
        return nextProducerId == 0L;
    }

    /** The record that re-creates this image in a snapshot (no broker: it only carries the mark). */
    public ProducerIdsRecord toRecord() {
        return new ProducerIdsRecord(-1, -1L, nextProducerId);
    }
}
