package io.fjord.broker.handler;

import io.fjord.broker.security.Authorizer;
import io.fjord.broker.security.InterBrokerSecurity;
import io.fjord.broker.security.ListenerSecurity;
import io.fjord.common.Uuid;
import io.fjord.common.config.BrokerConfig;
import io.fjord.metadata.BrokerRegistration;
import io.fjord.metadata.Endpoint;
import io.fjord.metadata.MetadataImage;
import io.fjord.metadata.MetadataLoader;
import io.fjord.metadata.TopicImage;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * What the handlers read of the cluster metadata: the current image (lock-free), topic name/id lookups,
 * this broker's identity and the authorizer that reads the image's ACLs. Thread-safe.
 */
public final class MetadataView implements TopicResolver {

    private final MetadataLoader loader;
    private final BrokerConfig config;
    private final String clusterId;
    private final IntSupplier controllerId;
    private final InterBrokerSecurity interBrokerSecurity;
    private final Authorizer authorizer;

    /** A view whose inter-broker security is read from {@code config}. */
    public MetadataView(MetadataLoader loader, BrokerConfig config, String clusterId, IntSupplier controllerId) {
        this(loader, config, clusterId, controllerId, new ListenerSecurity(config, Map.of()).interBroker());
    }

    /**
     * @param controllerId the active controller's id as this node knows it, -1 when none is known
     * @param interBrokerSecurity how this broker connects to the others, as the broker built it once from {@code config}
     */
    public MetadataView(
            MetadataLoader loader,
            BrokerConfig config,
            String clusterId,
            IntSupplier controllerId,
            InterBrokerSecurity interBrokerSecurity) {
        this.loader = loader;
        this.config = config;
        this.clusterId = clusterId;
        this.controllerId = controllerId;
        this.interBrokerSecurity = interBrokerSecurity;
        this.authorizer = Authorizer.of(config, () -> loader.image().acls());
    }

    /** Who may do what: the ACLs of the current image, or everything when no authorizer is configured. */
    public Authorizer authorizer() {
        return authorizer;
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

    /** The active controller (the Raft leader; with the local metadata log, this broker), or -1. */
    public int controllerId() {
        return controllerId.getAsInt();
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

    /**
     * The endpoint a client that connected on {@code listenerName} uses to reach {@code broker}: the broker's endpoint
     * on the same listener (null when it has none, as Kafka omits such a broker); a null listener means the broker's
     * first endpoint.
     */
    public static Endpoint clientEndpoint(BrokerRegistration broker, String listenerName) {
        return broker.endpoint(listenerName);
    }

    /** How this broker connects to other brokers' inter-broker listener (TLS, SASL login). */
    public InterBrokerSecurity interBrokerSecurity() {
        return interBrokerSecurity;
    }

    /**
     * Where this broker reaches {@code broker}: its endpoint on {@code inter.broker.listener.name}; null when it has
     * none (unreachable, as in Kafka).
     */
    public Endpoint interBrokerEndpoint(BrokerRegistration broker) {
        return broker.endpoint(config.interBrokerListenerName());
    }
}
