package io.fjord.metadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The cluster's metadata as of one log offset: topics (with partitions), explicit configs, brokers,
 * the producer id high-water mark, the users' SCRAM credentials and the ACLs.
 * An image is never modified; the next one is built by a {@link MetadataDelta} and swapped in, so any
 * thread may read an image it holds without locks.
 *
 * @param offset the offset of the last record applied, -1 for the empty image
 */
public record MetadataImage(
        long offset,
        TopicsImage topics,
        ConfigurationsImage configs,
        ClusterImage cluster,
        ProducerIdsImage producerIds,
        ScramImage scram,
        AclsImage acls) {

    public static final MetadataImage EMPTY = new MetadataImage(
            -1L,
            TopicsImage.EMPTY,
            ConfigurationsImage.EMPTY,
            ClusterImage.EMPTY,
            ProducerIdsImage.EMPTY,
            ScramImage.EMPTY,
            AclsImage.EMPTY);

    public MetadataImage {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(configs, "configs");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(producerIds, "producerIds");
        Objects.requireNonNull(scram, "scram");
        Objects.requireNonNull(acls, "acls");
    }

    public boolean isEmpty() {
        return topics.isEmpty()
                && configs.all().isEmpty()
                && cluster.brokers().isEmpty()
                && producerIds.isEmpty()
                && scram.isEmpty()
                && acls.isEmpty();
    }

    /**
     * Records that rebuild this image when replayed onto {@link #EMPTY}: brokers, then each topic with its
     * partitions, then configs, then the producer id mark, then the SCRAM credentials, then the ACLs. The base of snapshots and of catching up a newly installed publisher.
     */
    public List<MetadataRecord> toRecords() {
        List<MetadataRecord> records = new ArrayList<>();
        for (BrokerRegistration broker : cluster.brokers().values()) {
            records.add(broker.toRecord());
        }
        for (TopicImage topic : topics.topicsById().values()) {
            topic.appendRecords(records);
        }
        for (Map.Entry<ConfigResource, Map<String, String>> e : configs.all().entrySet()) {
            for (Map.Entry<String, String> config : e.getValue().entrySet()) {
                ConfigResource resource = e.getKey();
                records.add(new ConfigRecord(resource.type(), resource.name(), config.getKey(), config.getValue()));
            }
        }
        if (!producerIds.isEmpty()) {
            records.add(producerIds.toRecord());
        }
        scram.appendRecords(records);
        acls.appendRecords(records);
        return records;
    }
}
