package io.fjord.it.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.it.RawKafkaClient;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.AlterConfigsRequest;
import io.fjord.protocol.message.AlterConfigsResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.protocol.Errors;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The legacy, non-incremental AlterConfigs (API key 33, v0-2), which KafkaJS's and kafka-python's
 * {@code alterConfigs} send: the configs named for a resource replace all of its explicit configs.
 * Sent as raw requests (the Java Admin client no longer has the call); the result is read back with
 * the Admin client's DescribeConfigs.
 */
class LegacyAlterConfigsIT extends AdminITBase {

    static final byte TOPIC = 2;
    static final byte BROKER = 4;
    static final byte BROKER_LOGGER = 8;

    @BeforeAll
    static void start() {
        startBroker(Map.of("log.retention.hours", "100"));
    }

    @ParameterizedTest
    @ValueSource(shorts = {0, 1, 2})
    void theNamedConfigsReplaceEveryExplicitConfigOfTheTopic(short version) throws Exception {
        String name = "legacy-replace-v" + version;
        createTopic(name, 1, Map.of("cleanup.policy", "compact", "retention.ms", "60000"));

        AlterConfigsResponse response =
                alter(version, false, resource(TOPIC, name, Map.of("retention.ms", "120000", "segment.ms", "600000")));

        assertThat(response.responses())
                .extracting(r -> Tuple.tuple(r.resourceType(), r.resourceName(), r.errorCode()))
                .containsExactly(Tuple.tuple(TOPIC, name, Errors.NONE.code()));
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, name);
        assertThat(ConfigAdminIT.describe(topic).get("retention.ms").value()).isEqualTo("120000");
        assertThat(ConfigAdminIT.describe(topic).get("segment.ms").value()).isEqualTo("600000");
        ConfigEntry policy = ConfigAdminIT.describe(topic).get("cleanup.policy");
        assertThat(policy.value()).isEqualTo("delete");
        assertThat(policy.source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);

        alter(version, false, resource(TOPIC, name, Map.of()));
        ConfigEntry retention = ConfigAdminIT.describe(topic).get("retention.ms");
        assertThat(retention.value()).isEqualTo(Long.toString(100L * 3600 * 1000));
        assertThat(retention.source()).isEqualTo(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG);
    }

    @ParameterizedTest
    @ValueSource(shorts = {1, 2})
    void eachResourceGetsItsOwnErrorAndTheValidOnesAreApplied(short version) throws Exception {
        String name = "legacy-errors-v" + version;
        createTopic(name, 1, Map.of());
        AlterConfigsRequest.AlterConfigsResource duplicateKey = resource(TOPIC, name, Map.of("retention.ms", "1"));
        duplicateKey
                .configs()
                .add(new AlterConfigsRequest.AlterableConfig()
                        .setName("retention.ms")
                        .setValue("2"));
        AlterConfigsRequest.AlterConfigsResource nullValue = resource(TOPIC, name, Map.of());
        nullValue
                .configs()
                .add(new AlterConfigsRequest.AlterableConfig()
                        .setName("retention.ms")
                        .setValue(null));

        List<AlterConfigsResponse.AlterConfigsResourceResponse> duplicates = alter(
                        version,
                        false,
                        resource(TOPIC, name + "-twice", Map.of()),
                        resource(TOPIC, name + "-twice", Map.of()))
                .responses();
        assertThat(duplicates)
                .extracting(r -> Tuple.tuple(r.errorCode(), r.errorMessage()))
                .containsOnly(Tuple.tuple(Errors.INVALID_REQUEST.code(), "Each resource must appear at most once."));

        List<AlterConfigsResponse.AlterConfigsResourceResponse> results = alter(
                        version,
                        false,
                        duplicateKey,
                        resource(BROKER_LOGGER, "1", Map.of("root", "DEBUG")),
                        resource(BROKER, "7", Map.of("log.retention.ms", "1000")),
                        resource(BROKER, "one", Map.of("log.retention.ms", "1000")),
                        resource(TOPIC, "no-such-topic", Map.of("retention.ms", "1000")),
                        resource(BROKER, "", Map.of("log.retention.ms", "3600000")))
                .responses();
        assertThat(results)
                .extracting(r -> Tuple.tuple(r.resourceType(), r.resourceName(), r.errorCode(), r.errorMessage()))
                .containsExactly(
                        Tuple.tuple(TOPIC, name, Errors.INVALID_REQUEST.code(), "Error due to duplicate config keys"),
                        Tuple.tuple(BROKER_LOGGER, "1", Errors.INVALID_REQUEST.code(), "Unknown resource type 8"),
                        Tuple.tuple(
                                BROKER,
                                "7",
                                Errors.INVALID_REQUEST.code(),
                                "Unexpected broker id, expected 1, but received 7"),
                        Tuple.tuple(
                                BROKER,
                                "one",
                                Errors.INVALID_REQUEST.code(),
                                "Node id must be an integer, but it is: one"),
                        Tuple.tuple(
                                TOPIC,
                                "no-such-topic",
                                Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                                "The topic 'no-such-topic' does not exist."),
                        Tuple.tuple(BROKER, "", Errors.NONE.code(), null));

        assertThat(alter(version, false, nullValue).responses())
                .extracting(r -> Tuple.tuple(r.errorCode(), r.errorMessage()))
                .containsExactly(
                        Tuple.tuple(Errors.INVALID_REQUEST.code(), "Null value not supported for : retention.ms"));
        AlterConfigsResponse.AlterConfigsResourceResponse badValue = alter(
                        version, false, resource(TOPIC, name, Map.of("retention.ms", "forever")))
                .responses()
                .get(0);
        assertThat(badValue.errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(badValue.errorMessage()).contains("retention.ms");

        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, name);
        ConfigEntry retention = ConfigAdminIT.describe(topic).get("retention.ms");
        assertThat(retention.value()).isEqualTo("3600000");
        assertThat(retention.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
        alter(version, false, resource(BROKER, "", Map.of()));
        assertThat(ConfigAdminIT.describe(topic).get("retention.ms").source())
                .isEqualTo(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG);
    }

    @ParameterizedTest
    @ValueSource(shorts = {0, 2})
    void validateOnlyChecksButChangesNothing(short version) throws Exception {
        String name = "legacy-validate-v" + version;
        createTopic(name, 1, Map.of("retention.ms", "60000"));

        assertThat(alter(version, true, resource(TOPIC, name, Map.of("segment.ms", "600000")))
                        .responses()
                        .get(0)
                        .errorCode())
                .isEqualTo(Errors.NONE.code());
        assertThat(alter(version, true, resource(TOPIC, name, Map.of("segment.ms", "soon")))
                        .responses()
                        .get(0)
                        .errorCode())
                .isEqualTo(Errors.INVALID_CONFIG.code());

        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, name);
        assertThat(ConfigAdminIT.describe(topic).get("retention.ms").value()).isEqualTo("60000");
        assertThat(ConfigAdminIT.describe(topic).get("segment.ms").source())
                .isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
    }

    static AlterConfigsRequest.AlterConfigsResource resource(byte type, String name, Map<String, String> configs) {
        List<AlterConfigsRequest.AlterableConfig> entries = new ArrayList<>();
        new LinkedHashMap<>(configs)
                .forEach((k, v) -> entries.add(
                        new AlterConfigsRequest.AlterableConfig().setName(k).setValue(v)));
        return new AlterConfigsRequest.AlterConfigsResource()
                .setResourceType(type)
                .setResourceName(name)
                .setConfigs(entries);
    }

    static AlterConfigsResponse alter(
            short version, boolean validateOnly, AlterConfigsRequest.AlterConfigsResource... resources)
            throws Exception {
        try (RawKafkaClient raw = new RawKafkaClient(broker.address())) {
            return (AlterConfigsResponse) raw.send(
                    ApiKeys.ALTER_CONFIGS,
                    version,
                    new AlterConfigsRequest()
                            .setValidateOnly(validateOnly)
                            .setResources(new ArrayList<>(List.of(resources))));
        }
    }
}
