package io.fjord.broker.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fjord.broker.network.RequestContext;
import io.fjord.common.ApiException;
import io.fjord.common.Errors;
import io.fjord.common.Uuid;
import io.fjord.common.config.BrokerConfig;
import io.fjord.metadata.ControllerApi;
import io.fjord.metadata.CreatableTopic;
import io.fjord.metadata.CreateTopicResult;
import io.fjord.metadata.Endpoint;
import io.fjord.metadata.MetadataBatch;
import io.fjord.metadata.MetadataLoader;
import io.fjord.metadata.RegisterBrokerRecord;
import io.fjord.protocol.ApiKeys;
import io.fjord.protocol.message.MetadataRequest;
import io.fjord.protocol.message.MetadataResponse;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * What a Metadata request that auto-creates a topic answers when the topic is still missing from this broker's image
 * once the controller has answered: the creation is another request's, still being written, or committed by the
 * quorum and not yet applied here. The image here never gets the topic; the controller's answer varies.
 */
class MetadataHandlerAutoCreateTest {

    @Test
    void aCreationAlreadyUnderWayIsLeaderNotAvailableNotUnknown() throws Exception {
        MetadataResponse.MetadataResponseTopic topic = autoCreate(topics ->
                CompletableFuture.completedFuture(List.of(failed(topics.get(0).name(), Errors.TOPIC_ALREADY_EXISTS))));

        assertThat(Errors.forCode(topic.errorCode())).isEqualTo(Errors.LEADER_NOT_AVAILABLE);
        assertThat(topic.partitions()).isEmpty();
    }

    @Test
    void aCreationCommittedButNotYetAppliedHereIsLeaderNotAvailable() throws Exception {
        MetadataResponse.MetadataResponseTopic topic =
                autoCreate(topics -> CompletableFuture.completedFuture(List.of(new CreateTopicResult(
                        topics.get(0).name(),
                        Errors.NONE,
                        null,
                        Uuid.fromString("AAAAAAAAAAAAAAAAAAAABA"),
                        3,
                        1,
                        Map.of()))));

        assertThat(Errors.forCode(topic.errorCode())).isEqualTo(Errors.LEADER_NOT_AVAILABLE);
    }

    @Test
    void aControllerThatDidNotAnswerLeavesTheCreationPossibleSoTheClientRetries() throws Exception {
        MetadataResponse.MetadataResponseTopic topic = autoCreate(
                topics -> CompletableFuture.failedFuture(new ApiException(Errors.NOT_CONTROLLER, "no quorum")));

        assertThat(Errors.forCode(topic.errorCode())).isEqualTo(Errors.LEADER_NOT_AVAILABLE);
    }

    @Test
    void aCreationRefusedForGoodLeavesTheTopicUnknown() throws Exception {
        MetadataResponse.MetadataResponseTopic topic = autoCreate(topics -> CompletableFuture.completedFuture(
                List.of(failed(topics.get(0).name(), Errors.INVALID_REPLICATION_FACTOR))));

        assertThat(Errors.forCode(topic.errorCode())).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    private static CreateTopicResult failed(String name, Errors error) {
        return new CreateTopicResult(name, error, error.message(), Uuid.ZERO, -1, -1, Map.of());
    }

    /** Asks for the missing topic "new-topic" with auto-creation, the controller answering with {@code creates}. */
    private static MetadataResponse.MetadataResponseTopic autoCreate(
            Function<List<CreatableTopic>, CompletableFuture<List<CreateTopicResult>>> creates) throws Exception {
        MetadataLoader loader = new MetadataLoader();
        loader.onReplayComplete(-1);
        loader.onCommit(new MetadataBatch(
                0,
                List.of(new RegisterBrokerRecord(
                        1,
                        Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAg"),
                        List.of(new Endpoint("PLAINTEXT", "localhost", 9092, "PLAINTEXT")),
                        null,
                        false,
                        false))));
        BrokerConfig config = BrokerConfig.parse(Map.of("listeners", "PLAINTEXT://localhost:9092"));
        @SuppressWarnings("unchecked")
        ControllerApi controller = (ControllerApi) Proxy.newProxyInstance(
                ControllerApi.class.getClassLoader(), new Class<?>[] {ControllerApi.class}, (proxy, method, args) -> {
                    if (method.getName().equals("createTopics")) {
                        return creates.apply((List<CreatableTopic>) args[0]);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        MetadataHandler handler = new MetadataHandler(new MetadataView(loader, config, "cluster", () -> 1), controller);
        RequestContext context = new RequestContext(ApiKeys.METADATA, (short) 12, 1, "test", 1, null, "PLAINTEXT");
        MetadataRequest request = new MetadataRequest()
                .setTopics(List.of(new MetadataRequest.MetadataRequestTopic().setName("new-topic")))
                .setAllowAutoTopicCreation(true);
        MetadataResponse response =
                (MetadataResponse) handler.handle(context, request).get();
        assertThat(response.topics()).hasSize(1);
        return response.topics().get(0);
    }
}
