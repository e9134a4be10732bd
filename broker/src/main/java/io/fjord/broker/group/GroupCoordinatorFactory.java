package io.fjord.broker.group;

import io.fjord.broker.handler.MetadataView;
import io.fjord.common.Uuid;
import io.fjord.common.config.BrokerConfig;
import io.fjord.coordinator.GroupCoordinatorConfig;
import io.fjord.coordinator.TopicMetadataView;
import io.fjord.metadata.TopicImage;
import java.util.Collection;
import java.util.List;

/** Builds the group coordinator's settings and its view of the topics from the broker's. Stateless. */
public final class GroupCoordinatorFactory {

    private GroupCoordinatorFactory() {}

    public static GroupCoordinatorConfig config(BrokerConfig config) {
        return new GroupCoordinatorConfig(
                config.offsetsTopicNumPartitions(),
                config.groupInitialRebalanceDelayMs(),
                config.groupMinSessionTimeoutMs(),
                config.groupMaxSessionTimeoutMs(),
                config.groupMaxSize(),
                config.offsetMetadataMaxBytes(),
                config.offsetsRetentionMs(),
                config.offsetsRetentionCheckIntervalMs(),
                config.groupConsumerSessionTimeoutMs(),
                config.groupConsumerHeartbeatIntervalMs(),
                config.groupConsumerMaxSize(),
                List.of("uniform", "range"));
    }

    /** The topics as the coordinator sees them (for subscriptions and regexes): the current image. */
    public static TopicMetadataView topics(MetadataView metadata) {
        return new TopicMetadataView() {
            @Override
            public Collection<String> topicNames() {
                return metadata.image().topics().topicsByName().keySet();
            }

            @Override
            public int partitionCount(String topic) {
                TopicImage image = metadata.image().topics().topic(topic);
                return image == null ? -1 : image.partitions().size();
            }

            @Override
            public Uuid topicId(String topic) {
                Uuid id = metadata.idOf(topic);
                return id.isZero() ? null : id; // the coordinator's contract: null when the topic is gone
            }

            @Override
            public String topicName(Uuid topicId) {
                return metadata.nameOf(topicId);
            }
        };
    }
}
