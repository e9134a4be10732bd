package io.fjord.broker.handler;

import io.fjord.common.Uuid;
import io.fjord.common.config.BrokerConfig;
import io.fjord.metadata.BrokerRegistration;
import io.fjord.metadata.Endpoint;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.MetadataLoader;
import io.fjord.metadata.TopicImage;

/**
 * What the handlers read of the cluster metadata: the current image (lock-free), topic name/id lookups,
 * and this broker's identity. Thread-safe.
 */
public final class MetadataView implements TopicResolver {

    private final MetadataLoader loader;
    private final BrokerConfig config;
    private final String clusterId;

    public MetadataView(MetadataLoader loader, BrokerConfig config, String clusterId) {
        this.loader = loader;
        this.config = config;
        this.clusterId = clusterId;
    }

    public MetadataImage image() {
        return loader.image();
    }

    public BrokerConfig config() {
        return config;
    }

    public int nodeId() {
        return config.nodeId();
    }

    public String clusterId() {
        return clusterId;
    }

    /** The active controller: with the local metadata log, this broker. */
    public int controllerId() {
        return config.nodeId();
    }

    @Override
    public String nameOf(Uuid topicId) {
        TopicImage topic = image().topics().topic(topicId);
        return topic == null ? null : topic.name();
    }

    @Override
    public Uuid idOf(String name) {
        TopicImage topic = image().topics().topic(name);
        return topic == null ? Uuid.ZERO : topic.id();
    }

    /** The endpoint a client should use to reach {@code broker}: its first advertised listener. */
    public static Endpoint clientEndpoint(BrokerRegistration broker) {
        return broker.endpoints().isEmpty() ? null : broker.endpoints().get(0);
    }
}
