package io.fjord.broker.handler;

import static io.fjord.broker.handler.AuthorizationTestContext.ADMIN;
import static io.fjord.broker.handler.AuthorizationTestContext.ALICE;
import static io.fjord.broker.handler.AuthorizationTestContext.BOB;
import static io.fjord.broker.handler.AuthorizationTestContext.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fjord.common.Errors;
import io.fjord.metadata.AclOperation;
import io.fjord.metadata.AclResourceType;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.AlterConfigsRequest;
import io.fjord.protocol.message.AlterConfigsResponse;
import io.fjord.protocol.message.DescribeConfigsRequest;
import io.fjord.protocol.message.DescribeConfigsResponse;
import io.fjord.protocol.message.IncrementalAlterConfigsRequest;
import io.fjord.protocol.message.IncrementalAlterConfigsResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DescribeConfigs, IncrementalAlterConfigs and AlterConfigs authorized per resource as Kafka does. */
class ConfigAuthorizationTest {

    private final AuthorizationTestContext ctx = new AuthorizationTestContext();
    private final ConfigHandlers secured = new ConfigHandlers(ctx.secured, ctx.controller);
    private final ConfigHandlers open = new ConfigHandlers(ctx.open, ctx.controller);

    @BeforeEach
    void setUp() {
        ctx.topic("t", 1);
        ctx.topic("u", 1);
        ctx.allow(ALICE, AclOperation.DESCRIBE_CONFIGS, AclResourceType.TOPIC, "t");
        ctx.allow(ALICE, AclOperation.ALTER_CONFIGS, AclResourceType.TOPIC, "u");
    }

    private List<DescribeConfigsResponse.DescribeConfigsResult> describe(
            ConfigHandlers handlers, String principal, Object... typesAndNames) throws Exception {
        List<DescribeConfigsRequest.DescribeConfigsResource> resources = new ArrayList<>();
        for (int i = 0; i < typesAndNames.length; i += 2) {
            resources.add(new DescribeConfigsRequest.DescribeConfigsResource()
                    .setResourceType((Byte) typesAndNames[i])
                    .setResourceName((String) typesAndNames[i + 1])
                    .setConfigurationKeys(null));
        }
        return ((DescribeConfigsResponse) handlers.describeConfigs(
                                as(principal, ApiKeys.DESCRIBE_CONFIGS, 4),
                                new DescribeConfigsRequest().setResources(resources))
                        .get(5, TimeUnit.SECONDS))
                .results();
    }

    @Test
    void describeConfigsAnswersDeniedResourcesLastWithTheirTypesError() throws Exception {
        List<DescribeConfigsResponse.DescribeConfigsResult> results = describe(
                secured,
                ALICE,
                ConfigHandlers.BROKER,
                "1",
                ConfigHandlers.TOPIC,
                "t",
                ConfigHandlers.TOPIC,
                "missing",
                ConfigHandlers.TOPIC,
                "u", // ALTER_CONFIGS implies DESCRIBE_CONFIGS
                ConfigHandlers.BROKER_LOGGER,
                "1");
        assertThat(results)
                .extracting(r -> r.resourceName(), r -> r.errorCode(), r -> r.errorMessage())
                .containsExactly(
                        tuple("t", Errors.NONE.code(), ""),
                        tuple("u", Errors.NONE.code(), ""),
                        tuple("1", Errors.CLUSTER_AUTHORIZATION_FAILED.code(), "Cluster authorization failed."),
                        // Denied before it is looked up: not UNKNOWN_TOPIC_OR_PARTITION.
                        tuple("missing", Errors.TOPIC_AUTHORIZATION_FAILED.code(), "Topic authorization failed."),
                        tuple("1", Errors.CLUSTER_AUTHORIZATION_FAILED.code(), "Cluster authorization failed."));
        assertThat(results.get(0).configs()).isNotEmpty();
        assertThat(results.get(2).configs()).isEmpty();
    }

    @Test
    void describeConfigsOfTheBrokerNeedsDescribeConfigsOnTheCluster() throws Exception {
        ctx.allowOnCluster(BOB, AclOperation.DESCRIBE_CONFIGS);
        assertThat(describe(secured, BOB, ConfigHandlers.BROKER, "1").get(0).errorCode())
                .isEqualTo(Errors.NONE.code());
        assertThat(describe(secured, BOB, ConfigHandlers.TOPIC, "t").get(0).errorCode())
                .isEqualTo(Errors.TOPIC_AUTHORIZATION_FAILED.code());
    }

    @Test
    void superUsersAndNoAuthorizerDescribeEverything() throws Exception {
        for (ConfigHandlers handlers : List.of(secured, open)) {
            assertThat(describe(
                            handlers,
                            handlers == secured ? ADMIN : BOB,
                            ConfigHandlers.BROKER,
                            "1",
                            ConfigHandlers.TOPIC,
                            "missing"))
                    .extracting(r -> r.errorCode())
                    .containsExactly(Errors.NONE.code(), Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
    }

    private static IncrementalAlterConfigsRequest.AlterConfigsResource incremental(byte type, String name) {
        return new IncrementalAlterConfigsRequest.AlterConfigsResource()
                .setResourceType(type)
                .setResourceName(name)
                .setConfigs(new ArrayList<>(List.of(new IncrementalAlterConfigsRequest.AlterableConfig()
                        .setName(type == ConfigHandlers.TOPIC ? "retention.ms" : "log.cleaner.threads")
                        .setConfigOperation((byte) 0)
                        .setValue(type == ConfigHandlers.TOPIC ? "1000" : "2"))));
    }

    private List<IncrementalAlterConfigsResponse.AlterConfigsResourceResponse> alter(
            ConfigHandlers handlers, String principal, IncrementalAlterConfigsRequest.AlterConfigsResource... resources)
            throws Exception {
        return ((IncrementalAlterConfigsResponse) handlers.incrementalAlterConfigs(
                                as(principal, ApiKeys.INCREMENTAL_ALTER_CONFIGS, 1),
                                new IncrementalAlterConfigsRequest()
                                        .setResources(new ArrayList<>(List.of(resources)))
                                        .setValidateOnly(true))
                        .get(5, TimeUnit.SECONDS))
                .responses();
    }

    @Test
    void incrementalAlterConfigsAuthorizesEachResourceAfterTheBrokersOwnChecks() throws Exception {
        assertThat(alter(
                        secured,
                        ALICE,
                        incremental(ConfigHandlers.TOPIC, "u"),
                        incremental(ConfigHandlers.TOPIC, "t"), // DESCRIBE_CONFIGS is not enough
                        incremental(ConfigHandlers.BROKER, "2"), // another broker: refused before authorization
                        incremental(ConfigHandlers.BROKER, "1"),
                        incremental(ConfigHandlers.BROKER_LOGGER, "1")))
                .extracting(r -> r.resourceName(), r -> r.errorCode(), r -> r.errorMessage())
                .containsExactly(
                        tuple("u", Errors.NONE.code(), null),
                        tuple("t", Errors.TOPIC_AUTHORIZATION_FAILED.code(), null),
                        tuple("2", Errors.INVALID_REQUEST.code(), "this is broker 1, not 2"),
                        tuple("1", Errors.CLUSTER_AUTHORIZATION_FAILED.code(), null),
                        tuple("1", Errors.CLUSTER_AUTHORIZATION_FAILED.code(), null));
        @SuppressWarnings("unchecked")
        List<io.fjord.metadata.AlterConfigsResource> asked = (List<io.fjord.metadata.AlterConfigsResource>)
                ctx.controllerArgs.get(0)[0];
        assertThat(asked).extracting(r -> r.resource().name()).containsExactly("u");
    }

    @Test
    void alterConfigsOnTheClusterLetsBrokerConfigsThroughAsDoSuperUsersAndNoAuthorizer() throws Exception {
        ctx.allowOnCluster(BOB, AclOperation.ALTER_CONFIGS);
        assertThat(alter(secured, BOB, incremental(ConfigHandlers.BROKER, "1"))
                        .get(0)
                        .errorCode())
                .isEqualTo(Errors.NONE.code());
        assertThat(alter(secured, ADMIN, incremental(ConfigHandlers.TOPIC, "t"))
                        .get(0)
                        .errorCode())
                .isEqualTo(Errors.NONE.code());
        assertThat(alter(open, ALICE, incremental(ConfigHandlers.TOPIC, "t"))
                        .get(0)
                        .errorCode())
                .isEqualTo(Errors.NONE.code());
    }

    private List<AlterConfigsResponse.AlterConfigsResourceResponse> legacyAlter(
            ConfigHandlers handlers, String principal, String topic, String... keys) throws Exception {
        List<AlterConfigsRequest.AlterableConfig> configs = new ArrayList<>();
        for (String key : keys) {
            configs.add(new AlterConfigsRequest.AlterableConfig().setName(key).setValue("1000"));
        }
        return ((AlterConfigsResponse) handlers.alterConfigs(
                                as(principal, ApiKeys.ALTER_CONFIGS, 2),
                                new AlterConfigsRequest()
                                        .setResources(
                                                new ArrayList<>(List.of(new AlterConfigsRequest.AlterConfigsResource()
                                                        .setResourceType(ConfigHandlers.TOPIC)
                                                        .setResourceName(topic)
                                                        .setConfigs(configs))))
                                        .setValidateOnly(true))
                        .get(5, TimeUnit.SECONDS))
                .responses();
    }

    @Test
    void legacyAlterConfigsChecksKeysFirstThenAlterConfigsOnTheTopic() throws Exception {
        assertThat(legacyAlter(secured, BOB, "t", "retention.ms", "retention.ms")
                        .get(0)
                        .errorCode())
                .isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(legacyAlter(secured, BOB, "t", "retention.ms").get(0).errorCode())
                .isEqualTo(Errors.TOPIC_AUTHORIZATION_FAILED.code());
        assertThat(legacyAlter(secured, ALICE, "u", "retention.ms").get(0).errorCode())
                .isEqualTo(Errors.NONE.code());
        assertThat(legacyAlter(secured, ADMIN, "t", "retention.ms").get(0).errorCode())
                .isEqualTo(Errors.NONE.code());
        assertThat(legacyAlter(open, BOB, "t", "retention.ms").get(0).errorCode())
                .isEqualTo(Errors.NONE.code());
    }
}
