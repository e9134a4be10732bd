package io.fjord.broker.metadata;

import io.fjord.common.config.BrokerConfig;
import io.fjord.common.config.ConfigException;
import io.fjord.common.config.ConfigKey;
import io.fjord.common.config.TopicConfigs;
import io.fjord.metadata.ConfigResourceType;
import io.fjord.metadata.ConfigValidator;
import java.util.Optional;

/**
 * The controller's check of config changes: topic keys with Kafka's validation; for brokers, only the
 * keys that are dynamic in Kafka too (the broker-wide defaults of topic configs, such as
 * {@code log.retention.ms}). Stateless.
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
        if (!TopicConfigs.isBrokerSynonym(name)) {
            return Optional.of("Cannot update these configs dynamically: " + name);
        }
        ConfigKey key = BrokerConfig.definition().key(name);
        if (key == null || value == null) {
            return Optional.empty();
        }
        try {
            key.parse(value);
            return Optional.empty();
        } catch (ConfigException e) {
            return Optional.of(e.getMessage());
        }
    }

    @Override
    public String defaultValue(ConfigResourceType type, String name) {
        ConfigKey key = type == ConfigResourceType.TOPIC
                ? TopicConfigs.definition().key(name)
                : BrokerConfig.definition().key(name);
        return key == null ? null : key.defaultText();
    }
}
