package io.fjord.broker.metadata;

import io.fjord.broker.partition.Partition;
import io.fjord.broker.partition.ReplicaManager;
import io.fjord.common.TopicPartition;
import io.fjord.common.Uuid;
import io.fjord.common.config.BrokerConfig;
import io.fjord.metadata.ConfigResource;
import io.fjord.metadata.ConfigResourceType;
import io.fjord.metadata.MetadataDelta;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.MetadataPublisher;
import io.fjord.metadata.PartitionRegistration;
import io.fjord.metadata.TopicImage;
import io.fjord.storage.LogConfig;
import io.fjord.storage.LogManager;
import io.fjord.storage.UnifiedLog;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the partitions on this broker follow the metadata: creates logs for new partitions it holds a
 * replica of, makes it leader or follower of each as the image says, applies topic config changes,
 * deletes the data of deleted topics and of replicas reassigned away. On the first update it
 * also deletes logs left on disk for topics deleted while the broker was down.
 *
 * <p>Called on the metadata thread, one delta at a time, in log order.
 */
public final class BrokerMetadataPublisher implements MetadataPublisher {

    private static final Logger log = LoggerFactory.getLogger(BrokerMetadataPublisher.class);

    private final BrokerConfig config;
    private final ReplicaManager replicaManager;
    private final LogManager logManager;
    private boolean first = true;

    public BrokerMetadataPublisher(BrokerConfig config, ReplicaManager replicaManager, LogManager logManager) {
        this.config = config;
        this.replicaManager = replicaManager;
        this.logManager = logManager;
    }

    @Override
    public void onMetadataUpdate(MetadataDelta delta, MetadataImage image) {
        replicaManager.onMetadataImage(image);
        for (TopicImage deleted : delta.deletedTopics().values()) {
            for (Integer partition : deleted.partitions().keySet()) {
                replicaManager.removePartition(new TopicPartition(deleted.name(), partition));
            }
        }
        Set<Uuid> touched = new HashSet<>(delta.createdTopicIds());
        touched.addAll(delta.changedPartitions().keySet());
        boolean brokerConfigChanged = false;
        for (ConfigResource resource : delta.changedConfigResources()) {
            if (resource.type() == ConfigResourceType.TOPIC) {
                TopicImage topic = image.topics().topic(resource.name());
                if (topic != null) {
                    touched.add(topic.id());
                }
            } else {
                brokerConfigChanged = true;
            }
        }
        if (brokerConfigChanged) {
            touched.addAll(image.topics().topicsById().keySet());
        }
        for (Uuid id : touched) {
            TopicImage topic = image.topics().topic(id);
            if (topic == null) {
                continue;
            }
            try {
                applyTopic(topic, image);
            } catch (RuntimeException e) {
                // One topic's bad effective config must not keep every other topic's partitions from
                // following the metadata (before the validator checked broker keys as topic defaults,
                // log.retention.ms=-7 made every later created topic unavailable).
                log.error("cannot apply the metadata of topic {} ({})", topic.name(), topic.id(), e);
            }
        }
        if (first) {
            first = false;
            deleteOrphanLogs(image);
        }
    }

    private void applyTopic(TopicImage topic, MetadataImage image) {
        Map<String, Object> effective = LogConfigs.effectiveValues(config, image, topic.name());
        LogConfig logConfig = LogConfigs.fromEffective(effective);
        int minIsr = LogConfigs.minInsyncReplicas(effective);
        for (Map.Entry<Integer, PartitionRegistration> e : topic.partitions().entrySet()) {
            PartitionRegistration registration = e.getValue();
            TopicPartition tp = new TopicPartition(topic.name(), e.getKey());
            if (registration.hasReplica(config.nodeId())) {
                replicaManager.applyPartition(tp, topic.id(), logConfig, registration, minIsr);
            } else {
                Partition hosted = replicaManager.partition(tp);
                if (hosted != null && hosted.topicId().equals(topic.id())) {
                    log.info("deleting the replica of {}: it was reassigned to {}", tp, registration);
                    replicaManager.removePartition(tp);
                }
            }
        }
    }

    private void deleteOrphanLogs(MetadataImage image) {
        for (UnifiedLog partitionLog : logManager.allLogs()) {
            TopicPartition tp = partitionLog.topicPartition();
            TopicImage topic = image.topics().topic(tp.topic());
            Uuid onDisk = logManager.topicId(tp).orElse(Uuid.ZERO);
            boolean stale = topic == null
                    || !topic.partitions().containsKey(tp.partition())
                    || (!onDisk.isZero() && !onDisk.equals(topic.id()));
            if (stale && replicaManager.partition(tp) == null) {
                log.info("deleting the log of {}: its topic no longer exists", tp);
                logManager.deleteLog(tp);
            }
        }
    }
}
