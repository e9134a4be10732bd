package io.fjord.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.common.Errors;
import io.fjord.common.LoggerLevels;
import io.fjord.protocol.message.IncrementalAlterConfigsRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BrokerLoggerConfigsTest {

    /** Levels kept in a map; a logger unset takes root's level. */
    static final class MapLevels implements LoggerLevels {
        final Map<String, String> own = new LinkedHashMap<>();

        MapLevels() {
            own.put(ROOT, "INFO");
            own.put("io.fjord.storage", "INFO");
        }

        @Override
        public Map<String, String> levels() {
            return new LinkedHashMap<>(own);
        }

        @Override
        public boolean exists(String name) {
            return own.containsKey(name);
        }

        @Override
        public void set(String name, String level) {
            own.put(name, level);
        }

        @Override
        public void unset(String name) {
            own.put(name, own.get(ROOT));
        }
    }

    final MapLevels levels = new MapLevels();
    final BrokerLoggerConfigs configs = new BrokerLoggerConfigs(Optional.of(levels), 1);

    static IncrementalAlterConfigsRequest.AlterConfigsResource resource(String name, Object... opNameValue) {
        List<IncrementalAlterConfigsRequest.AlterableConfig> ops = new ArrayList<>();
        for (int i = 0; i < opNameValue.length; i += 3) {
            ops.add(new IncrementalAlterConfigsRequest.AlterableConfig()
                    .setConfigOperation(((Integer) opNameValue[i]).byteValue())
                    .setName((String) opNameValue[i + 1])
                    .setValue((String) opNameValue[i + 2]));
        }
        return new IncrementalAlterConfigsRequest.AlterConfigsResource()
                .setResourceType((byte) 8)
                .setResourceName(name)
                .setConfigs(ops);
    }

    @Test
    void setAndDeleteChangeLevelsAndValidateOnlyChangesNothing() {
        assertThat(configs.alter(resource("1", 0, "io.fjord.storage", "DEBUG"), true))
                .isEqualTo(BrokerLoggerConfigs.Outcome.NONE);
        assertThat(levels.own).containsEntry("io.fjord.storage", "INFO");

        assertThat(configs.alter(resource("1", 0, "io.fjord.storage", "DEBUG"), false))
                .isEqualTo(BrokerLoggerConfigs.Outcome.NONE);
        assertThat(configs.describe(null))
                .extracting(r -> r.name() + "=" + r.value() + "/" + r.configSource())
                .containsExactly("root=INFO/6", "io.fjord.storage=DEBUG/6");
        assertThat(configs.alter(resource("1", 1, "io.fjord.storage", null), false))
                .isEqualTo(BrokerLoggerConfigs.Outcome.NONE);
        assertThat(levels.own).containsEntry("io.fjord.storage", "INFO");
    }

    @Test
    void badChangesGetKafkasErrorsAndNothingIsApplied() {
        Map<IncrementalAlterConfigsRequest.AlterConfigsResource, String> cases = new LinkedHashMap<>();
        cases.put(resource("2", 0, "root", "DEBUG"), "INVALID_REQUEST Unexpected node id. Expected 1, but received 2");
        cases.put(resource("x", 0, "root", "DEBUG"), "INVALID_REQUEST Node id must be an integer, but it is: x");
        cases.put(
                resource("1", 0, "root", "DEBUG", 0, "root", "INFO"),
                "INVALID_REQUEST Error due to duplicate config keys");
        cases.put(resource("1", 0, "root", null), "INVALID_REQUEST Null value not supported for : root");
        cases.put(resource("1", 0, "io.nowhere", "DEBUG"), "INVALID_CONFIG Logger io.nowhere does not exist!");
        cases.put(
                resource("1", 0, "root", "LOUD"),
                "INVALID_CONFIG Cannot set the log level of root to LOUD as it is not a supported log level."
                        + " Valid log levels are DEBUG, ERROR, FATAL, INFO, TRACE, WARN");
        cases.put(
                resource("1", 1, "root", null),
                "INVALID_REQUEST Removing the log level of the root logger is not allowed");
        cases.put(
                resource("1", 2, "root", "DEBUG"),
                "INVALID_REQUEST APPEND operation is not allowed for the BROKER_LOGGER resource");
        // the first op is fine, the second is not: neither is applied
        cases.put(
                resource("1", 0, "io.fjord.storage", "TRACE", 3, "root", "DEBUG"),
                "INVALID_REQUEST SUBTRACT operation is not allowed for the BROKER_LOGGER resource");
        cases.forEach((resource, expected) -> {
            BrokerLoggerConfigs.Outcome outcome = configs.alter(resource, false);
            assertThat(outcome.error() + " " + outcome.message()).isEqualTo(expected);
        });
        assertThat(levels.own).containsExactly(Map.entry("root", "INFO"), Map.entry("io.fjord.storage", "INFO"));
    }

    @Test
    void describeNamesThisBrokerOnlyAndWithoutABackendListsNothingAndChangesNothing() {
        assertThat(configs.describeProblem("1")).isNull();
        assertThat(configs.describeProblem("")).isEqualTo("Broker id must not be empty");
        assertThat(configs.describeProblem("3")).isEqualTo("Unexpected broker id, expected 1 but received 3");

        BrokerLoggerConfigs none = new BrokerLoggerConfigs(Optional.empty(), 1);
        assertThat(none.describe(null)).isEmpty();
        assertThat(none.alter(resource("1", 0, "root", "DEBUG"), false).error()).isEqualTo(Errors.INVALID_REQUEST);
    }
}
