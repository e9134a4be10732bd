package io.fjord.metadata;

/**
 * The active controller handed broker {@code brokerId} the block of producer ids that ends just before
 * {@code nextProducerId} (Kafka's ProducerIdsRecord, KIP-730): every id below {@code nextProducerId} is
 * taken, and the next block starts there. {@code brokerEpoch} is -1: Fjord's registrations carry no broker
 * epoch; a snapshot's record has broker id -1 too (it only carries the high-water mark). Immutable.
 */
public record ProducerIdsRecord(int brokerId, long brokerEpoch, long nextProducerId) implements MetadataRecord {
    public ProducerIdsRecord {
        if (nextProducerId < 0) {
            throw new IllegalArgumentException("nextProducerId must be >= 0, got " + nextProducerId);
        }
    }
}
