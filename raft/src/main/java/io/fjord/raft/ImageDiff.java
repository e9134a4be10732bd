package io.fjord.raft;

import io.fjord.common.Uuid;
import io.fjord.metadata.AccessControlEntryRecord;
import io.fjord.metadata.BrokerRegistration;
import io.fjord.metadata.ConfigRecord;
import io.fjord.metadata.ConfigResource;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.MetadataRecord;
import io.fjord.metadata.PartitionRegistration;
import io.fjord.metadata.RemoveAccessControlEntryRecord;
import io.fjord.metadata.RemoveTopicRecord;
import io.fjord.metadata.RemoveUserScramCredentialRecord;
import io.fjord.metadata.ScramAlgorithm;
import io.fjord.metadata.ScramCredential;
import io.fjord.metadata.ScramImage;
import io.fjord.metadata.TopicImage;
import io.fjord.metadata.TopicRecord;
import io.fjord.metadata.UserScramCredentialRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Records that turn one image into another when replayed onto it: what a node hands its listeners when
 * a snapshot installed from the leader replaces its state (the records between the two images are gone
 * from the leader's log). From {@link MetadataImage#EMPTY} it is the target's own records. Stateless.
 */
final class ImageDiff {

    private ImageDiff() {}

    static List<MetadataRecord> between(MetadataImage from, MetadataImage to) {
        List<MetadataRecord> records = new ArrayList<>();
        for (BrokerRegistration broker : to.cluster().brokers().values()) {
            if (!broker.equals(from.cluster().broker(broker.id()))) {
                records.add(broker.toRecord());
            }
        }
        Set<String> removedTopicNames = new HashSet<>();
        for (TopicImage topic : from.topics().topicsById().values()) {
            TopicImage after = to.topics().topic(topic.id());
            if (after == null || !after.name().equals(topic.name())) {
                records.add(new RemoveTopicRecord(topic.id()));
                removedTopicNames.add(topic.name());
            }
        }
        for (TopicImage topic : to.topics().topicsById().values()) {
            TopicImage before = from.topics().topic(topic.id());
            if (before == null || !before.name().equals(topic.name())) {
                records.add(new TopicRecord(topic.name(), topic.id()));
                topic.partitions().forEach((id, partition) -> records.add(partition.toRecord(topic.id(), id)));
            } else {
                addChangedPartitions(topic.id(), before, topic, records);
            }
        }
        addChangedConfigs(from, to, removedTopicNames, records);
        // The mark only moves forward; a snapshot installed over a node is never behind it.
        if (to.producerIds().nextProducerId() > from.producerIds().nextProducerId()) {
            records.add(to.producerIds().toRecord());
        }
        addChangedScramCredentials(from.scram(), to.scram(), records);
        for (Uuid id : from.acls().all().keySet()) {
            if (!to.acls().all().containsKey(id)) {
                records.add(new RemoveAccessControlEntryRecord(id));
            }
        }
        to.acls().all().forEach((id, acl) -> {
            if (!from.acls().all().containsKey(id)) {
                records.add(new AccessControlEntryRecord(id, acl));
            }
        });
        return records;
    }

    private static void addChangedPartitions(
            Uuid topicId, TopicImage before, TopicImage after, List<MetadataRecord> out) {
        for (Map.Entry<Integer, PartitionRegistration> e : after.partitions().entrySet()) {
            if (!e.getValue().equals(before.partition(e.getKey()))) {
                out.add(e.getValue().toRecord(topicId, e.getKey()));
            }
        }
    }

    private static void addChangedScramCredentials(ScramImage from, ScramImage to, List<MetadataRecord> out) {
        for (ScramAlgorithm mechanism : ScramAlgorithm.values()) {
            Map<String, ScramCredential> before = from.credentials(mechanism);
            Map<String, ScramCredential> after = to.credentials(mechanism);
            for (String user : new TreeSet<>(before.keySet())) {
                if (!after.containsKey(user)) {
                    out.add(new RemoveUserScramCredentialRecord(user, mechanism));
                }
            }
            for (Map.Entry<String, ScramCredential> e : new TreeMap<>(after).entrySet()) {
                if (!e.getValue().equals(before.get(e.getKey()))) {
                    out.add(new UserScramCredentialRecord(e.getKey(), mechanism, e.getValue()));
                }
            }
        }
    }

    /** Replaying a RemoveTopicRecord drops the topic's configs, so those start from empty. */
    private static void addChangedConfigs(
            MetadataImage from, MetadataImage to, Set<String> removedTopicNames, List<MetadataRecord> out) {
        Set<ConfigResource> resources = new HashSet<>(from.configs().all().keySet());
        resources.addAll(to.configs().all().keySet());
        for (ConfigResource resource : resources) {
            boolean dropped = resource.type() == io.fjord.metadata.ConfigResourceType.TOPIC
                    && removedTopicNames.contains(resource.name());
            Map<String, String> before = dropped ? Map.of() : from.configs().configs(resource);
            Map<String, String> after = to.configs().configs(resource);
            Set<String> keys = new TreeSet<>(before.keySet());
            keys.addAll(after.keySet());
            Map<String, String> changed = new HashMap<>();
            for (String key : keys) {
                if (!Objects.equals(before.get(key), after.get(key))) {
                    changed.put(key, after.get(key));
                }
            }
            for (String key : new TreeSet<>(changed.keySet())) {
                out.add(new ConfigRecord(resource.type(), resource.name(), key, changed.get(key)));
            }
        }
    }
}
