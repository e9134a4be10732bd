package io.fjord.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.broker.network.RequestContext;
import io.fjord.common.Errors;
import io.fjord.common.config.BrokerConfig;
import io.fjord.metadata.MetadataLoader;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.DescribeConfigsRequest;
import io.fjord.protocol.message.DescribeConfigsResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DescribeConfigs' per-resource errors, which clients show their users as Kafka words them. */
class ConfigHandlersTest {

    private final MetadataLoader loader = new MetadataLoader();
    private ConfigHandlers handlers;

    @BeforeEach
    void setUp() {
        loader.onReplayComplete(-1);
        BrokerConfig config = BrokerConfig.parse(Map.of("listeners", "PLAINTEXT://127.0.0.1:9092", "node.id", "1"));
        handlers = new ConfigHandlers(
                new MetadataView(loader, config, "cluster", () -> 1),
                new ScramCredentialHandlersTest.LoopbackController(loader));
    }

    private DescribeConfigsResponse.DescribeConfigsResult describe(byte type, String name) throws Exception {
        DescribeConfigsRequest request = new DescribeConfigsRequest()
                .setResources(List.of(new DescribeConfigsRequest.DescribeConfigsResource()
                        .setResourceType(type)
                        .setResourceName(name)
                        .setConfigurationKeys(null))); // null: every key, as clients ask
        DescribeConfigsResponse response = (DescribeConfigsResponse) handlers.describeConfigs(
                        new RequestContext(ApiKeys.DESCRIBE_CONFIGS, (short) 4, 1, "t", 1, null), request)
                .get(5, TimeUnit.SECONDS);
        return response.results().get(0);
    }

    @Test
    void anUnknownTopicIsUnknownTopicOrPartitionWithAnEmptyMessageAsInKafka() throws Exception {
        DescribeConfigsResponse.DescribeConfigsResult result = describe(ConfigHandlers.TOPIC, "missing");
        assertThat(result.errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        // Kafka leaves the message at its default (""), so clients show the error's own text.
        assertThat(result.errorMessage()).isEmpty();
        assertThat(result.configs()).isEmpty();
    }

    @Test
    void anotherBrokersIdIsAnInvalidRequestInKafkasWords() throws Exception {
        DescribeConfigsResponse.DescribeConfigsResult other = describe(ConfigHandlers.BROKER, "99");
        assertThat(other.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(other.errorMessage()).isEqualTo("Unexpected broker id, expected 1 or empty string, but received 99");
        DescribeConfigsResponse.DescribeConfigsResult notANumber = describe(ConfigHandlers.BROKER, "one");
        assertThat(notANumber.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(notANumber.errorMessage()).isEqualTo("Broker id must be an integer, but it is: one");
    }

    @Test
    void thisBrokerAndTheClusterDefaultAreDescribed() throws Exception {
        DescribeConfigsResponse.DescribeConfigsResult own = describe(ConfigHandlers.BROKER, "1");
        assertThat(own.errorCode()).isZero();
        assertThat(own.configs())
                .anyMatch(c -> c.name().equals("node.id") && c.value().equals("1"));
        assertThat(describe(ConfigHandlers.BROKER, "").errorCode()).isZero();
    }
}
