package io.fjord.metadata;

import io.fjord.common.Uuid;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Shared helpers of the controller's partition decisions: leader election over a replica list and an ISR
 * (contract rule 1: the first replica, in replica order, that is in the ISR and {@link
 * BrokerRegistration#eligible}; with unclean election any eligible replica, whose ISR becomes just it),
 * turning a wanted state into the smallest {@link PartitionChangeRecord}, and replaying records onto an
 * image to decide the next step on top of them. Stateless and pure.
 */
final class PartitionChanges {

    static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";

    private PartitionChanges() {}

    /** A leader and the ISR it leads with. */
    record Election(int leader, int[] isr) {}

    /**
     * The leader of {@code replicas} with ISR {@code isr}: the first eligible ISR member in replica order;
     * else, when {@code unclean}, the first eligible replica with an ISR of just it; else no leader and
     * the ISR as it is.
     */
    static Election elect(ClusterImage cluster, int[] replicas, int[] isr, boolean unclean) {
        for (int replica : replicas) {
            if (contains(isr, replica) && cluster.isEligible(replica)) {
                return new Election(replica, isr);
            }
        }
        if (unclean) {
            for (int replica : replicas) {
                if (cluster.isEligible(replica)) {
                    return new Election(replica, new int[] {replica});
                }
            }
        }
        return new Election(PartitionRecord.NO_LEADER, isr);
    }

    /** The change from {@code current} to {@code isr} and {@code leader}, or null when nothing changes. */
    static PartitionChangeRecord change(
            Uuid topicId, int partitionId, PartitionRegistration current, int[] isr, int leader) {
        boolean isrChanged = !Arrays.equals(current.isr(), isr);
        boolean leaderChanged = current.leader() != leader;
        if (!isrChanged && !leaderChanged) {
            return null;
        }
        return new PartitionChangeRecord(
                topicId,
                partitionId,
                isrChanged ? isr : null,
                leaderChanged ? leader : PartitionChangeRecord.NO_LEADER_CHANGE,
                null);
    }

    /** The topic's effective {@code unclean.leader.election.enable}: its own, the cluster's, the default. */
    static boolean uncleanEnabled(MetadataImage image, String topic, ControllerConfig config) {
        String value = image.configs().configs(ConfigResource.topic(topic)).get(UNCLEAN_LEADER_ELECTION_ENABLE);
        if (value == null) {
            value = image.configs().configs(ConfigResource.broker("")).get(UNCLEAN_LEADER_ELECTION_ENABLE);
        }
        return value == null ? config.uncleanLeaderElectionEnable() : Boolean.parseBoolean(value.trim());
    }

    /** {@code image} with {@code records} replayed on it, at the same offset (a decision's scratch state). */
    static MetadataImage replay(MetadataImage image, List<MetadataRecord> records) {
        if (records.isEmpty()) {
            return image;
        }
        MetadataDelta delta = new MetadataDelta(image);
        for (MetadataRecord record : records) {
            delta.replay(record);
        }
        return delta.apply(image.offset());
    }

    /** Topics by name, sorted, so every node walks them in the same order. */
    static Map<String, TopicImage> sortedTopics(MetadataImage image) {
        return new TreeMap<>(image.topics().topicsByName());
    }

    static boolean contains(int[] values, int value) {
        for (int v : values) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }

    /** {@code values} without {@code value}. */
    static int[] without(int[] values, int value) {
        return Arrays.stream(values).filter(v -> v != value).toArray();
    }
}
