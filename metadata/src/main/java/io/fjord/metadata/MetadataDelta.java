package io.fjord.metadata;

import io.fjord.common.Uuid;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The changes between a base {@link MetadataImage} and the next one: records are fed in log order through
 * {@link #replay}, the one path for live updates and for recovery, and {@link #apply} builds the next
 * image, sharing unchanged topics with the base. The delta also tells a broker what to react to: topics
 * created and deleted, partitions created or changed, configs and brokers changed.
 *
 * <p>A replayed record that contradicts the state (a partition of an unknown topic, a second topic of
 * the same name) is a programmer error: it raises {@link IllegalStateException} and leaves the delta in
 * an unspecified state. Not thread-safe: one thread builds a delta; after {@link #apply} it is only read.
 */
public final class MetadataDelta {

    private final MetadataImage image;
    private final TopicsDelta topics;
    private final Map<ConfigResource, Map<String, String>> changedConfigs = new HashMap<>();
    private final Map<Integer, BrokerRegistration> changedBrokers = new HashMap<>();
    private ProducerIdsImage producerIds;
    /** Per mechanism touched: every user's credential after the records replayed so far. */
    private final Map<ScramAlgorithm, Map<String, ScramCredential>> changedScram = new EnumMap<>(ScramAlgorithm.class);

    private final Set<String> changedScramUsers = new TreeSet<>();
    /** Every ACL after the records replayed so far, once one was created or deleted; else null. */
    private Map<Uuid, AclBinding> changedAcls;

    public MetadataDelta(MetadataImage image) {
        this.image = image;
        this.topics = new TopicsDelta(image.topics());
    }

    /** The image this delta starts from. */
    public MetadataImage image() {
        return image;
    }

    /** Applies one committed record to this delta. */
    public void replay(MetadataRecord record) {
        if (record instanceof TopicRecord r) {
            topics.replay(r);
        } else if (record instanceof PartitionRecord r) {
            topics.replay(r);
        } else if (record instanceof PartitionChangeRecord r) {
            topics.replay(r);
        } else if (record instanceof RemoveTopicRecord r) {
            String name = topics.replay(r);
            // Kafka drops a deleted topic's configs with it; a recreated topic starts from the defaults.
            configsFor(ConfigResource.topic(name)).clear();
        } else if (record instanceof ConfigRecord r) {
            Map<String, String> configs = configsFor(r.resource());
            if (r.value() == null) {
                configs.remove(r.name());
            } else {
                configs.put(r.name(), r.value());
            }
        } else if (record instanceof RegisterBrokerRecord r) {
            changedBrokers.put(r.brokerId(), BrokerRegistration.fromRecord(r));
        } else if (record instanceof ProducerIdsRecord r) {
            replay(r);
        } else if (record instanceof UserScramCredentialRecord r) {
            scramFor(r.mechanism()).put(r.name(), r.credential());
            changedScramUsers.add(r.name());
        } else if (record instanceof RemoveUserScramCredentialRecord r) {
            // The controller only deletes what exists (else RESOURCE_NOT_FOUND): anything else is a bug.
            if (scramFor(r.mechanism()).remove(r.name()) == null) {
                throw new IllegalStateException("RemoveUserScramCredentialRecord of user " + r.name() + " with no "
                        + r.mechanism().mechanismName() + " credential");
            }
            changedScramUsers.add(r.name());
        } else if (record instanceof AccessControlEntryRecord r) {
            if (acls().putIfAbsent(r.id(), r.acl()) != null) {
                throw new IllegalStateException("AccessControlEntryRecord reuses the id " + r.id());
            }
        } else if (record instanceof RemoveAccessControlEntryRecord r) {
            // The controller only deletes what exists: anything else is a bug.
            if (acls().remove(r.id()) == null) {
                throw new IllegalStateException("RemoveAccessControlEntryRecord of unknown ACL id " + r.id());
            }
        } else if (!(record instanceof NoOpRecord)) {
            throw new IllegalStateException("no replay for " + record);
        }
    }

    /** The mark only moves forward: a record that would hand out an id twice is a programmer error. */
    private void replay(ProducerIdsRecord record) {
        long current = producerIds().nextProducerId();
        if (record.nextProducerId() <= current) {
            throw new IllegalStateException("ProducerIdsRecord moves the next producer id back from " + current + " to "
                    + record.nextProducerId());
        }
        producerIds = new ProducerIdsImage(record.nextProducerId());
    }

    /** The producer id mark as of the records replayed so far. */
    public ProducerIdsImage producerIds() {
        return producerIds != null ? producerIds : image.producerIds();
    }

    private Map<Uuid, AclBinding> acls() {
        if (changedAcls == null) {
            changedAcls = new LinkedHashMap<>(image.acls().all());
        }
        return changedAcls;
    }

    private Map<String, ScramCredential> scramFor(ScramAlgorithm mechanism) {
        return changedScram.computeIfAbsent(
                mechanism, m -> new HashMap<>(image.scram().credentials(m)));
    }

    /** {@code user}'s credential for {@code mechanism} as of the records replayed so far, or null. */
    public ScramCredential scramCredential(ScramAlgorithm mechanism, String user) {
        Map<String, ScramCredential> changed = changedScram.get(mechanism);
        return changed != null ? changed.get(user) : image.scram().credential(mechanism, user);
    }

    private Map<String, String> configsFor(ConfigResource resource) {
        return changedConfigs.computeIfAbsent(
                resource, r -> new HashMap<>(image.configs().configs(r)));
    }

    /** The id of the topic called {@code name} as of the records replayed so far, or null. */
    public Uuid topicId(String name) {
        return topics.topicId(name);
    }

    /** The next image, as of {@code offset} (the offset of the last record replayed). */
    public MetadataImage apply(long offset) {
        if (offset < image.offset()) {
            throw new IllegalArgumentException(
                    "offset " + offset + " is before the base image's offset " + image.offset());
        }
        return new MetadataImage(
                offset,
                topics.apply(),
                applyConfigs(),
                applyCluster(),
                producerIds(),
                applyScram(),
                changedAcls == null ? image.acls() : new AclsImage(changedAcls));
    }

    private ConfigurationsImage applyConfigs() {
        if (changedConfigs.isEmpty()) {
            return image.configs();
        }
        Map<ConfigResource, Map<String, String>> configs =
                new HashMap<>(image.configs().all());
        configs.putAll(changedConfigs);
        return new ConfigurationsImage(configs);
    }

    private ScramImage applyScram() {
        if (changedScram.isEmpty()) {
            return image.scram();
        }
        Map<ScramAlgorithm, Map<String, ScramCredential>> credentials = new EnumMap<>(ScramAlgorithm.class);
        credentials.putAll(image.scram().all());
        credentials.putAll(changedScram);
        return new ScramImage(credentials);
    }

    private ClusterImage applyCluster() {
        if (changedBrokers.isEmpty()) {
            return image.cluster();
        }
        Map<Integer, BrokerRegistration> brokers = new HashMap<>(image.cluster().brokers());
        brokers.putAll(changedBrokers);
        return new ClusterImage(brokers);
    }

    /** Topics that did not exist in the base image and exist now. */
    public Set<Uuid> createdTopicIds() {
        return topics.createdTopicIds();
    }

    /** Topics of the base image that were deleted, as they were in the base image (for their names). */
    public Map<Uuid, TopicImage> deletedTopics() {
        return topics.deletedTopics();
    }

    /** For each topic that exists after this delta, the partitions created or changed in it. */
    public Map<Uuid, Set<Integer>> changedPartitions() {
        return topics.changedPartitions();
    }

    /** Resources whose explicit configs were touched (set, deleted, or dropped with their topic). */
    public Set<ConfigResource> changedConfigResources() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(changedConfigs.keySet()));
    }

    /** Brokers registered or re-registered in this delta, ascending. */
    public Set<Integer> changedBrokerIds() {
        return Collections.unmodifiableSet(new TreeSet<>(changedBrokers.keySet()));
    }

    /** Users whose SCRAM credentials were set or deleted in this delta, in name order. */
    public Set<String> changedScramUsers() {
        return Collections.unmodifiableSet(changedScramUsers);
    }

    /** Whether no record that changes anything was replayed. */
    public boolean isEmpty() {
        return topics.isEmpty()
                && changedConfigs.isEmpty()
                && changedBrokers.isEmpty()
                && producerIds == null
                && changedScram.isEmpty()
                && changedAcls == null;
    }
}
