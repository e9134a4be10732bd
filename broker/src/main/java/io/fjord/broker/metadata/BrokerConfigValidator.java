package io.fjord.broker.metadata;

import io.fjord.common.config.BrokerConfig;
import io.fjord.common.config.ConfigException;
import io.fjord.common.config.ConfigKey;
import io.fjord.common.config.ReplicationQuotaConfigs;
import io.fjord.common.config.TopicConfigs;
import io.fjord.metadata.ConfigResourceType;
import io.fjord.metadata.ConfigValidator;
import java.util.Map;
import java.util.Optional;

/**
 * The controller's check of config changes: topic keys with Kafka's validation; for brokers, only the
 * keys that are dynamic in Kafka too (the broker-wide defaults of topic configs, such as
 * {@code log.retention.ms}, and the replication throttle rates). Stateless.
 */
public final class BrokerConfigValidator implements ConfigValidator {

    @Override
    public Optional<String> validate(ConfigResourceType type, String name, String value) {
        if (type == ConfigResourceType.TOPIC) {
            if (!TopicConfigs.isKnown(name)) {
                return Optional.of("Unknown topic config name: " + name);
            }
            return value == null ? Optional.empty() : TopicConfigs.validate(name, value);
        }
        if (ReplicationQuotaConfigs.isKnown(name)) {
            return value == null
                    ? Optional.empty()
                    : parse(ReplicationQuotaConfigs.definition().key(name), value);
        }
        if (!TopicConfigs.isBrokerSynonym(name)) {
            return Optional.of("Cannot update these configs dynamically: " + name);
        }
        ConfigKey key = BrokerConfig.definition().key(name);
        if (key == null || value == null) {
            return Optional.empty();
        }
        Optional<String> problem = parse(key, value);
        return problem.isPresent() ? problem : validateAsTopicDefault(name, value);
    }

    private static Optional<String> parse(ConfigKey key, String value) {
        try {
            key.parse(value);
            return Optional.empty();
        } catch (ConfigException e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * A broker key is the default of topic configs, and every log of every topic is built from it, so
     * its value must also be valid for each of them (log.retention.ms=-7 parses as a long, but would
     * make retention.ms invalid for every topic that does not set its own).
     */
    private static Optional<String> validateAsTopicDefault(String name, String value) {
        for (String topicKey : TopicConfigs.names()) {
            for (TopicConfigs.BrokerSynonym synonym : TopicConfigs.brokerSynonyms(topicKey)) {
                if (!synonym.name().equals(name)) {
                    continue;
                }
                try {
                    String effective = TopicConfigs.resolve(topicKey, Map.of(), Map.of(name, value), Map.of())
                            .value();
                    TopicConfigs.definition().key(topicKey).parse(effective);
                } catch (ConfigException e) {
                    return Optional.of("Invalid value " + value + " for configuration " + name + ": as the default of "
                            + topicKey + ": " + e.getMessage());
                } catch (RuntimeException e) {
                    return Optional.of("Invalid value " + value + " for configuration " + name + ": " + e);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public String defaultValue(ConfigResourceType type, String name) {
        ConfigKey key = type == ConfigResourceType.TOPIC
                ? TopicConfigs.definition().key(name)
                : ReplicationQuotaConfigs.isKnown(name)
                        ? ReplicationQuotaConfigs.definition().key(name)
                        : BrokerConfig.definition().key(name);
        return key == null ? null : key.defaultText();
    }
}
